"""`rmis names` commands: a thin edge over rmis.names."""

from __future__ import annotations

import csv
import json
from pathlib import Path
from typing import TYPE_CHECKING, Annotated

import typer

if TYPE_CHECKING:
    from rich.console import Console

    from rmis.names import NameMatch

# rmis.names (numpy, rapidfuzz) and rich are imported inside the commands, so that `rmis`
# starts without loading them.

app = typer.Typer(no_args_is_help=True, help="Names: transliteration and similarity.")


def _print_match(console: Console, a: str, b: str, result: NameMatch) -> None:
    from rich.table import Table

    from rmis.names import MATCH_THRESHOLD

    verdict = "[green]same name[/green]" if result.match else "[red]different names[/red]"
    console.print(
        f"{a} ~ {b}: score [bold]{result.score:.3f}[/bold] "
        f"(threshold {MATCH_THRESHOLD}) -> {verdict}"
    )
    table = Table("a", "b", "score")
    for pair in result.explain.pairs:
        table.add_row(pair.a, pair.b, f"{pair.score:.3f}")
    for lone in result.explain.unmatched:
        a_cell, b_cell = (lone.token, "-") if lone.side == "a" else ("-", lone.token)
        note = "forgiven" if lone.forgiven else "counted"
        table.add_row(a_cell, b_cell, f"{note}: {lone.role}, {lone.reason}")
    console.print(table)


def _read_pairs(path: Path) -> list[tuple[str, str]]:
    try:
        with path.open(newline="", encoding="utf-8-sig") as handle:
            reader = csv.DictReader(handle)
            if reader.fieldnames is None or not {"a", "b"} <= set(reader.fieldnames):
                raise typer.BadParameter(
                    f"{path}: the first line must be a header with columns a,b "
                    f"(found {reader.fieldnames or 'nothing'})",
                    param_hint="--pairs",
                )
            rows = []
            for line, row in enumerate(reader, start=2):
                if row.get("a") is None or row.get("b") is None:
                    raise typer.BadParameter(
                        f"{path}: line {line} lacks a or b", param_hint="--pairs"
                    )
                rows.append((row["a"], row["b"]))
            return rows
    except OSError as exc:
        raise typer.BadParameter(
            f"cannot read {path}: {exc.strerror}", param_hint="--pairs"
        ) from None
    except (UnicodeDecodeError, csv.Error) as exc:
        raise typer.BadParameter(
            f"{path} is not a UTF-8 CSV file: {exc}", param_hint="--pairs"
        ) from None


@app.command("similarity")
def similarity_command(
    a: Annotated[str | None, typer.Argument(help="First name")] = None,
    b: Annotated[str | None, typer.Argument(help="Second name")] = None,
    pairs: Annotated[
        Path | None, typer.Option("--pairs", help="CSV file with header a,b: score every row")
    ] = None,
    as_json: Annotated[bool, typer.Option("--json", help="Print JSON")] = False,
) -> None:
    """Score how alike two names are (or every row of --pairs FILE.csv)."""
    from rich.console import Console

    from rmis.names import similarity

    if pairs is not None:
        if a is not None or b is not None:
            raise typer.BadParameter("give either two names or --pairs FILE, not both")
        rows = _read_pairs(pairs)
    elif a is not None and b is not None:
        rows = [(a, b)]
    else:
        raise typer.BadParameter("give two names, or --pairs FILE.csv")
    console = Console()
    for left, right in rows:
        result = similarity(left, right)
        if as_json:
            typer.echo(json.dumps(result.to_dict(), ensure_ascii=False))
        else:
            _print_match(console, left, right, result)


@app.command("latin")
def latin_command(
    name: Annotated[str, typer.Argument(help="A name, usually in Cyrillic")],
    as_json: Annotated[bool, typer.Option("--json", help="Print JSON")] = False,
) -> None:
    """List the Latin spellings of a name, each with the systems that give it."""
    from rmis.names import latin_spellings

    spellings = latin_spellings(name)
    if as_json:
        typer.echo(
            json.dumps(
                {"name": name, "spellings": [s.to_dict() for s in spellings]}, ensure_ascii=False
            )
        )
        return
    from rich.console import Console
    from rich.table import Table

    table = Table("spelling", "systems", title=name)
    for spelling in spellings:
        table.add_row(spelling.text, ", ".join(spelling.systems))
    Console().print(table)
