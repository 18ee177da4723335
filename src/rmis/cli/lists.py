"""`rmis lists`: load alert lists as their publishers write them, and show what is in force.

A re-import is the list's next version: what it added, changed and withdrew is printed and
kept; a withdrawn entry stops hitting as soon as the import ends. A malformed entry is reported
with its position and skipped; the rest of the list loads.
"""

from __future__ import annotations

import getpass
import json
from pathlib import Path
from typing import Annotated

import typer

app = typer.Typer(no_args_is_help=True)

# Spelled out (screening.formats.FORMATS, screening.ListKind) so that building the command
# does not import the room.
FORMATS = ("un-xml", "ofac-csv", "ftm", "documents-csv")
KINDS = ("documents", "wanted", "entry_ban", "missing", "sanctions")
# Who publishes the lists whose format names their publisher; other formats need --owner.
OWNER_OF_FORMAT = {"un-xml": "UN Security Council", "ofac-csv": "US Treasury OFAC"}
MALFORMED_SHOWN = 20


def _fail(message: str, code: int = 2) -> None:
    typer.echo(f"error: {message}", err=True)
    raise typer.Exit(code)


@app.command("import")
def import_file(
    file: Annotated[Path, typer.Argument(help="The list as its publisher writes it")],
    name: Annotated[str, typer.Option("--list", help="The list's name in rmis (no commas)")],
    kind: Annotated[str, typer.Option("--kind", help=f"What the list is for: {', '.join(KINDS)}")],
    fmt: Annotated[
        str | None,
        typer.Option("--format", help=f"{', '.join(FORMATS)} (default: told from the file)"),
    ] = None,
    alt: Annotated[
        Path | None, typer.Option("--alt", help="OFAC's alt.csv of strong aliases (ofac-csv)")
    ] = None,
    owner: Annotated[
        str | None,
        typer.Option(
            help="Who owns the list: a state, INTERPOL, the UN... (default: the "
            "publisher the format names)"
        ),
    ] = None,
    answer_hours: Annotated[
        float | None,
        typer.Option(help="Hours the owner has to answer a confirmed hit (default: the kind's)"),
    ] = None,
    as_: Annotated[
        str | None,
        typer.Option(
            "--as",
            envvar="RMIS_PRINCIPAL",
            help="A supervisor or admin in the record this is done as (default: the "
            "terminal's user, recorded by name)",
        ),
    ] = None,
) -> None:
    """Load FILE as the next version of alert list --list."""
    if kind not in KINDS:
        _fail(f"--kind must be one of {', '.join(KINDS)}, not {kind!r}")
    if fmt is not None and fmt not in FORMATS:
        _fail(f"--format must be one of {', '.join(FORMATS)}, not {fmt!r}")
    for path in (file, alt):
        if path is not None and not path.is_file():
            _fail(f"{path}: no such file")
    from rich.console import Console

    from rmis.cli.context import open_registry
    from rmis.cli.progress import rows_progress
    from rmis.screening import ListImportError, read_list
    from rmis.security import AccessDenied, principal_named
    from rmis.settings import utc_now

    console = Console(stderr=True)
    try:
        reading = read_list(file, fmt, alt)
    except ValueError as error:
        _fail(str(error))
    owner = owner or OWNER_OF_FORMAT.get(reading.format)
    if not owner:
        _fail(f"say who owns the list with --owner (a {reading.format} file does not say)")
    engine = open_registry()
    try:
        principal = principal_named(engine, as_) if as_ else f"{getpass.getuser()} (terminal)"
    except AccessDenied as error:
        _fail(str(error))
    extra = {} if answer_hours is None else {"answer_hours": answer_hours}
    try:
        with rows_progress(console, f"loading {name}", None) as advance:
            summary = _import(engine, name, kind, owner, reading, file, principal, utc_now(),
                              advance, extra)  # fmt: skip
    except (ListImportError, AccessDenied, ValueError) as error:
        _fail(str(error))
    skipped = ", ".join(f"{n} {what}" for what, n in sorted(reading.stats.skipped.items()))
    typer.echo(
        f"{summary.name} version {summary.version}: {summary.entries} in force "
        f"({summary.added} added, {summary.changed} changed, {summary.withdrawn} withdrawn, "
        f"{summary.unchanged} unchanged); {len(summary.malformed)} malformed"
        + (f"; not travellers, skipped: {skipped}" if skipped else ""),
        err=True,
    )
    for bad in summary.malformed[:MALFORMED_SHOWN]:
        typer.echo(f"  malformed, {bad.position}: {bad.reason}", err=True)
    if len(summary.malformed) > MALFORMED_SHOWN:
        more = len(summary.malformed) - MALFORMED_SHOWN
        typer.echo(f"  ... and {more} more (rmis lists show {summary.name})", err=True)


def _import(engine, name, kind, owner, reading, file, principal, now, advance, extra):
    from rmis.screening import import_list

    return import_list(
        engine, name=name, kind=kind, owner=owner, items=reading, source=file.name,
        principal=principal, now=now, progress=advance, **extra,
    )  # fmt: skip


@app.command("show")
def show(
    name: Annotated[str | None, typer.Argument(help="One list: every version of it")] = None,
    as_json: Annotated[bool, typer.Option("--json", help="JSON instead of a table")] = False,
) -> None:
    """The lists in force (name, kind, owner, version, entries, when loaded and what the last
    version changed); with NAME, every version of that list and its malformed entries."""
    from rmis.cli.context import open_registry
    from rmis.screening import list_history, list_summaries

    engine = open_registry()
    if name is None:
        _show_lists(list_summaries(engine), as_json)
    else:
        history = list_history(engine, name)
        if not history:
            _fail(f"no list named {name!r} was ever loaded")
        _show_history(name, history, as_json)


def _show_lists(summaries, as_json: bool) -> None:
    rows = [
        {
            "list": s.name, "kind": s.kind.value, "owner": s.owner, "version": s.version,
            "entries": s.entries, "loaded_at": s.loaded_at.isoformat(timespec="seconds"),
            "added": s.latest.added, "changed": s.latest.changed,
            "withdrawn": s.latest.withdrawn, "malformed": len(s.latest.malformed),
            "answer_hours": s.answer_hours,
        }
        for s in summaries
    ]  # fmt: skip
    if as_json:
        typer.echo(json.dumps(rows, ensure_ascii=False))
        return
    if not rows:
        typer.echo("no alert list is loaded (rmis lists import FILE --list NAME --kind KIND)")
        return
    _table("Alert lists in force", rows)


def _show_history(name: str, history, as_json: bool) -> None:
    rows = [
        {
            "version": v.version, "loaded_at": v.loaded_at.isoformat(timespec="seconds"),
            "loaded_by": v.loaded_by, "owner": v.owner, "source": v.source, "added": v.added,
            "changed": v.changed, "withdrawn": v.withdrawn, "unchanged": v.unchanged,
            "malformed": [{"position": m.position, "reason": m.reason} for m in v.malformed],
        }
        for v in history
    ]  # fmt: skip
    if as_json:
        typer.echo(json.dumps({"list": name, "versions": rows}, ensure_ascii=False))
        return
    _table(f"Versions of {name}", [r | {"malformed": len(r["malformed"])} for r in rows])
    for v in history:
        for bad in v.malformed:
            typer.echo(f"version {v.version}, malformed, {bad.position}: {bad.reason}")


def _table(title: str, rows: list[dict]) -> None:
    from rich.console import Console
    from rich.table import Table

    table = Table(title=title)
    for column in rows[0]:
        table.add_column(column, justify="right" if isinstance(rows[0][column], int) else "left")
    for row in rows:
        table.add_row(*("" if v is None else str(v) for v in row.values()))
    Console().print(table)
