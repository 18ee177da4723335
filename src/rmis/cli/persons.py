"""`rmis persons`: who is one person. Export the links, link the whole record again, and, for a
supervisor at a terminal, the review queue and splits.

Deciding links is a supervisor's work: `queue`, `confirm`, `reject` and `split` act as the
principal named by --as (or RMIS_PRINCIPAL), who must be an active supervisor in the record;
what they do is audited under that name, as through the API.
"""

from __future__ import annotations

import json
from dataclasses import asdict
from pathlib import Path
from typing import Annotated, Literal
from uuid import UUID

import typer

app = typer.Typer(no_args_is_help=True)

# persons.EXPORT_FORMATS, spelled out so that building the command does not import the room.
EXPORT_FORMATS = ("parquet", "csv")
As = Annotated[
    str,
    typer.Option(
        "--as", envvar="RMIS_PRINCIPAL", help="The supervisor this is done as (a principal name)"
    ),
]
Reason = Annotated[str, typer.Option("--reason", help="Why, for the record")]


def _fail(message: str, code: int = 2) -> None:
    typer.echo(f"error: {message}", err=True)
    raise typer.Exit(code)


def _export_format(fmt: str | None, out: Path) -> str:
    """--format, or the one --out's suffix names; a clear error otherwise."""
    from rmis.cli.output import OutputFormatError, output_format

    try:
        chosen = output_format(fmt, out)
    except OutputFormatError as error:
        _fail(str(error))
    if chosen not in EXPORT_FORMATS:
        _fail(f"the export is written as {' or '.join(EXPORT_FORMATS)}, not {chosen}")
    return chosen


@app.command("export")
def export(
    out: Annotated[Path, typer.Option("--out", help="File to write: .parquet or .csv")],
    fmt: Annotated[
        str | None, typer.Option("--format", help="parquet or csv (default: from --out)")
    ] = None,
) -> None:
    """One row per document in the record: issuing_state, document_number, document_type,
    person_key (the person's traveller id), link (first, certain, automatic, confirmed or
    pending), then document_id and first_seen_at."""
    chosen = _export_format(fmt, out)
    from rmis.cli.context import open_registry
    from rmis.registry import export_links
    from rmis.settings import utc_now

    rows = export_links(open_registry(), out, chosen, now=utc_now())
    typer.echo(f"{rows} documents written to {out}", err=True)


@app.command("relink")
def relink(
    backend: Annotated[
        Literal["duckdb", "spark"], typer.Option(help="What scores the pairs: Splink on")
    ] = "duckdb",
    train: Annotated[
        bool, typer.Option("--train", help="Train a model on the record first (a new version)")
    ] = False,
) -> None:
    """Link the whole record again with the model in force (after a new model or a large
    import): keeps certain and confirmed links, never proposes a rejected pair again while
    its data is unchanged, merges what the model links automatically, queues the middle band,
    and splits off what the model no longer links. Safe to run again."""
    from rmis.cli.context import open_registry
    from rmis.persons import ModelError
    from rmis.registry import relink_record
    from rmis.settings import utc_now

    try:
        summary = relink_record(open_registry(), now=utc_now(), backend=backend, train=train)
    except ModelError as error:
        _fail(f"the link model cannot be used: {error}")
    typer.echo(json.dumps(asdict(summary)))


def _supervisor(engine, name: str):
    from rmis.security import AccessDenied, principal_named

    try:
        return principal_named(engine, name)
    except AccessDenied as error:
        _fail(str(error))


def _facts(doc) -> str:
    born = doc.birth_date.isoformat() if doc.birth_date else "?"
    return (
        f"{doc.issuing_state} {doc.number} {doc.surname} {doc.given_names} "
        f"({doc.nationality}, {doc.sex}, born {born})"
    )


@app.command("queue")
def queue(
    as_: As,
    limit: Annotated[int, typer.Option(min=1, max=200)] = 50,
    after: Annotated[str | None, typer.Option(help="Last proposal id of the page before")] = None,
    as_json: Annotated[bool, typer.Option("--json", help="JSON lines instead of text")] = False,
) -> None:
    """The open proposals of the supervisor's state, oldest first, with both documents."""
    from rmis.cli.context import open_registry
    from rmis.registry import list_proposals
    from rmis.security import AccessDenied
    from rmis.settings import utc_now

    engine = open_registry()
    principal = _supervisor(engine, as_)
    page_after = _uuid(after, "--after") if after else None
    try:
        found = list_proposals(engine, principal, after=page_after, limit=limit,
                               purpose="review proposed links", now=utc_now())  # fmt: skip
    except AccessDenied as error:
        _fail(str(error))
    for p in found:
        if as_json:
            typer.echo(json.dumps({
                "id": str(p.id), "probability": p.probability, "evidence": p.detail,
                "document": str(p.document.id), "document_link": p.document_link,
                "candidate": str(p.candidate.id), "proposed_at": p.proposed_at.isoformat(),
            }))  # fmt: skip
            continue
        typer.echo(f"{p.id}  p={p.probability:.4f}  proposed {p.proposed_at:%Y-%m-%d %H:%M}")
        typer.echo(f"  document  {_facts(p.document)}  [{p.document_link}]")
        typer.echo(f"  candidate {_facts(p.candidate)}")
        levels = (p.detail or {}).get("levels", {})
        typer.echo("  evidence  " + ", ".join(f"{k}: {v}" for k, v in levels.items()))
    if not found and not as_json:
        typer.echo("no open proposals", err=True)


def _uuid(text: str, what: str) -> UUID:
    try:
        return UUID(text)
    except ValueError:
        _fail(f"{what} must be an id (UUID), not {text!r}")
        raise


def _decide(how: str, proposal_id: str, reason: str, as_: str) -> None:
    from rmis.cli.context import open_registry
    from rmis.persons import PersonChangeError
    from rmis.registry import NotFound, confirm_proposal, reject_proposal
    from rmis.security import AccessDenied
    from rmis.settings import utc_now

    engine = open_registry()
    principal = _supervisor(engine, as_)
    decide = confirm_proposal if how == "confirm" else reject_proposal
    try:
        decided = decide(engine, principal, _uuid(proposal_id, "the proposal"), reason,
                         now=utc_now())  # fmt: skip
    except (PersonChangeError, NotFound, AccessDenied) as error:
        _fail(str(error))
    typer.echo(f"{decided.status}: document {decided.document_id} is traveller "
               f"{decided.traveller_id}")  # fmt: skip


@app.command("confirm")
def confirm(
    proposal_id: Annotated[str, typer.Argument(help="The proposal's id")],
    reason: Reason,
    as_: As,
) -> None:
    """The two documents are one person's: merge their travellers (the older id stays)."""
    _decide("confirm", proposal_id, reason, as_)


@app.command("reject")
def reject(
    proposal_id: Annotated[str, typer.Argument(help="The proposal's id")],
    reason: Reason,
    as_: As,
) -> None:
    """The two documents are two people's: never proposed again on the same data."""
    _decide("reject", proposal_id, reason, as_)


@app.command("split")
def split(
    document_id: Annotated[str, typer.Argument(help="The wrongly linked document's id")],
    reason: Reason,
    as_: As,
) -> None:
    """Take a wrongly linked document and its crossings to a new person of their own."""
    from rmis.cli.context import open_registry
    from rmis.persons import PersonChangeError
    from rmis.registry import NotFound, split_document
    from rmis.security import AccessDenied
    from rmis.settings import utc_now

    engine = open_registry()
    principal = _supervisor(engine, as_)
    try:
        previous, new = split_document(engine, principal, _uuid(document_id, "the document"),
                                       reason, now=utc_now())  # fmt: skip
    except (PersonChangeError, NotFound, AccessDenied) as error:
        _fail(str(error))
    typer.echo(f"document {document_id} left traveller {previous}: now traveller {new}")
