"""`rmis mrz` commands: a thin edge over rmis.documents. Today's date is read here, once."""

from __future__ import annotations

import json
import sys
from datetime import date
from typing import TYPE_CHECKING, Annotated

import typer

if TYPE_CHECKING:
    from rmis.documents import MRZ, MRZFormatError

# The services are imported inside the commands, so that `rmis` starts without loading them.

app = typer.Typer(no_args_is_help=True, help="Read and check machine readable zones (ICAO 9303).")

PARSE_HELP = (
    "Parse and validate an MRZ (TD1, TD2, TD3 passport, MRV-A or MRV-B visa).\n\n"
    "Give the 2 or 3 lines as arguments (quote them: '<' is special to the shell), or - to "
    "read MRZs from standard input: one MRZ per block of lines, blocks separated by a blank "
    "line, one JSON object printed per block (JSON lines), each with its block number "
    "(from 1).\n\n"
    "Warnings (expired, specimen, no surname, name cut short) and notes (a document number "
    "longer than nine characters) do not make an MRZ invalid.\n\n"
    "Exit status: 0 when the lines were parsed, whether the MRZ is valid or not (see valid "
    "and errors). 2 when the input is not an MRZ at all (wrong number or length of lines). "
    "In bulk mode such a block is still printed, as {block: N, valid: false, errors: "
    "[{field: mrz, code: not_an_mrz, message: ...}]}; the other blocks are parsed and the "
    "exit status is 2 at the end."
)


def _today(value: str | None) -> date:
    if value is None:
        return date.today()
    try:
        return date.fromisoformat(value)
    except ValueError:
        raise typer.BadParameter(f"{value!r} is not a date (YYYY-MM-DD)") from None


def _blocks(text: str) -> list[list[str]]:
    blocks: list[list[str]] = []
    current: list[str] = []
    for line in text.splitlines():
        if line.strip():
            current.append(line)
        elif current:
            blocks.append(current)
            current = []
    if current:
        blocks.append(current)
    return blocks


def _not_an_mrz(block: int, error: MRZFormatError) -> dict[str, object]:
    return {
        "block": block,
        "valid": False,
        "errors": [{"field": "mrz", "code": "not_an_mrz", "message": str(error)}],
    }


def _bulk(today: date) -> None:
    from rmis.documents import MRZFormatError, parse

    failed = 0
    blocks = _blocks(sys.stdin.read())
    for number, lines in enumerate(blocks, start=1):
        try:
            record: dict[str, object] = {"block": number, **parse(lines, today=today).to_dict()}
        except MRZFormatError as error:
            failed += 1
            record = _not_an_mrz(number, error)
        typer.echo(json.dumps(record, ensure_ascii=False))
    if failed:
        typer.echo(f"error: {failed} of {len(blocks)} block(s) were not MRZs", err=True)
        raise typer.Exit(2)


def _render(mrz: MRZ) -> None:
    from rich.console import Console
    from rich.table import Table

    console = Console()
    status = "[green]valid[/green]" if mrz.valid else "[red]INVALID[/red]"
    table = Table(title=f"{mrz.format} MRZ: {status}", show_header=False)
    table.add_column("field", style="bold")
    table.add_column("value")
    rows = mrz.to_dict()
    for key in (
        "document_code",
        "issuing_state",
        "surname",
        "given_names",
        "names_truncated",
        "document_number",
        "nationality",
        "birth_date",
        "sex",
        "expiry_date",
        "optional_data",
        "optional_data_2",
        "specimen",
    ):
        if rows[key] is not None:  # optional_data_2 exists on TD1 only
            table.add_row(key, str(rows[key]))
    console.print(table)
    for issue in mrz.errors:
        console.print(f"[red]error[/red] {issue.field} ({issue.code}): {issue.message}")
    for issue in mrz.warnings:
        console.print(f"[yellow]warning[/yellow] {issue.field} ({issue.code}): {issue.message}")
    for issue in mrz.notes:
        console.print(f"[blue]note[/blue] {issue.field} ({issue.code}): {issue.message}")
    for s in mrz.suggestions:
        console.print(
            f"[cyan]suggestion[/cyan] {s.field}: {s.original} -> {s.suggested} ({s.reason}); "
            "not applied"
        )


@app.command("parse", help=PARSE_HELP)
def parse_command(
    lines: Annotated[list[str], typer.Argument(help="The MRZ lines, or - for standard input.")],
    as_json: Annotated[bool, typer.Option("--json", help="Print one JSON object.")] = False,
    today: Annotated[
        str | None,
        typer.Option(help="Date to judge expiry and centuries by (YYYY-MM-DD); default today."),
    ] = None,
) -> None:
    from rmis.documents import MRZFormatError, parse

    day = _today(today)
    if lines == ["-"]:
        _bulk(day)
        return
    try:
        mrz = parse(lines, today=day)
    except MRZFormatError as error:
        typer.echo(f"error: not an MRZ: {error}", err=True)
        raise typer.Exit(2) from None
    if as_json:
        typer.echo(json.dumps(mrz.to_dict(), ensure_ascii=False))
    else:
        _render(mrz)
