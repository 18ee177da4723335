"""`rmis crossings`: bulk loading of crossings into the record."""

from __future__ import annotations

from pathlib import Path
from typing import Annotated

import typer

app = typer.Typer(no_args_is_help=True)


@app.command("import")
def import_file(
    file: Annotated[Path, typer.Argument(help="CSV or Parquet in the import format")],
    report: Annotated[
        Path | None,
        typer.Option(help="Where to write rejected rows (default: FILE.rejected.csv)"),
    ] = None,
) -> None:
    """Load crossings in bulk (format: docs/import-format.md). Safe to run again: rows already
    recorded are skipped, so an interrupted import is finished by running it once more.

    Exits 0 when every row was recorded or already recorded, 1 when any row was refused (the
    good rows are kept; the refused ones are in the report), 2 when the file cannot be read."""
    from rich.console import Console

    from rmis.cli.context import open_registry
    from rmis.cli.progress import rows_progress
    from rmis.registry import ImportFileError, count_rows, import_crossings
    from rmis.settings import utc_now

    report = report or file.with_name(file.name + ".rejected.csv")
    console = Console(stderr=True)
    try:
        total = count_rows(file) if file.is_file() else 0
        engine = open_registry()
        with (
            report.open("w", newline="", encoding="utf-8") as out,
            rows_progress(console, "importing", total) as advance,
        ):
            summary = import_crossings(engine, file, out, now=utc_now(), on_progress=advance)
    except ImportFileError as error:
        console.print(f"[red]error:[/red] {error}")
        raise typer.Exit(2) from error
    console.print(
        f"{summary.rows} rows: {summary.recorded} recorded, "
        f"{summary.already_recorded} already recorded, {summary.rejected} rejected"
        + (f" (see {report})" if summary.rejected else "")
    )
    if summary.rejected:
        raise typer.Exit(1)
