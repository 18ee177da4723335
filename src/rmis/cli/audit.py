"""`rmis audit`: verify the keyed audit chain, seal it, rotate its key, and search it.

The keyring and the checkpoint are files outside the record (RMIS_AUDIT_KEY_FILE,
RMIS_AUDIT_CHECKPOINT; by default in RMIS_DATA_DIR). `verify` exits 1 when the chain breaks.
"""

from __future__ import annotations

import json
from datetime import date, datetime, time
from typing import Annotated

import typer

app = typer.Typer(no_args_is_help=True)


def _files():
    from rmis.settings import Settings

    settings = Settings.from_env()
    return settings.audit_key_file, settings.audit_checkpoint_file


@app.command("verify")
def verify(
    as_json: Annotated[bool, typer.Option("--json", help="The verdict as JSON")] = False,
) -> None:
    """Check every link of the chain against its row and key, and the head against the signed
    checkpoint. Exits 1 and says where when the chain breaks."""
    from rmis.cli.context import open_registry
    from rmis.security import KeyringError, load_keys, verify_audit

    key_file, checkpoint = _files()
    try:
        keys = load_keys(key_file, create=False)
    except KeyringError as error:
        typer.echo(f"error: {error}", err=True)
        raise typer.Exit(2) from error
    with open_registry().connect() as connection:
        verdict = verify_audit(connection, keys, checkpoint)
    if as_json:
        typer.echo(json.dumps({
            "whole": verdict.whole, "linked": verdict.linked, "unsealed": verdict.unsealed,
            "broken_at": verdict.broken_at, "seq": verdict.seq, "reason": verdict.reason,
            "checkpoint_pos": verdict.checkpoint_pos,
        }))  # fmt: skip
    elif verdict.whole:
        at = f", checkpoint at link {verdict.checkpoint_pos}" if verdict.checkpoint_pos else ""
        typer.echo(
            f"whole: {verdict.linked} links verified{at}; "
            f"{verdict.unsealed} rows written since the last seal"
        )
    else:
        where = f" (audit row {verdict.seq})" if verdict.seq is not None else ""
        typer.echo(f"BROKEN at link {verdict.broken_at}{where}: {verdict.reason}")
    if not verdict.whole:
        raise typer.Exit(1)


@app.command("seal")
def seal() -> None:
    """Link the rows written since the last seal and write the signed checkpoint (`rmis serve`
    does this every few seconds by itself)."""
    from rmis.cli.context import open_registry
    from rmis.security import load_keys, seal_audit
    from rmis.settings import utc_now

    key_file, checkpoint = _files()
    sealed = seal_audit(open_registry(), load_keys(key_file), utc_now(), checkpoint)
    typer.echo(f"sealed {sealed.rows} rows; the chain has {sealed.head_pos} links")


@app.command("rotate-key")
def rotate_key() -> None:
    """Make a new current key; the old ones stay in the ring to verify what they linked."""
    from rmis.security import rotate_keys

    key_file, _ = _files()
    keys = rotate_keys(key_file)
    typer.echo(f"audit key {keys.current[0]} is now current ({len(keys.keys)} in the ring)")


def _day(text: str | None, option: str) -> datetime | None:
    from datetime import UTC

    if text is None:
        return None
    try:
        return datetime.combine(date.fromisoformat(text), time(), tzinfo=UTC)
    except ValueError:
        typer.echo(f"error: {option} must be a date YYYY-MM-DD, not {text!r}", err=True)
        raise typer.Exit(2) from None


@app.command("search")
def search(
    acting: Annotated[
        str, typer.Option("--as", envvar="RMIS_PRINCIPAL", help="The auditor searching")
    ],
    reason: Annotated[str, typer.Option("--reason", help="Why, for the record")],
    person: Annotated[str | None, typer.Option(help="A traveller id")] = None,
    principal: Annotated[str | None, typer.Option(help="Who acted")] = None,
    purpose: Annotated[str | None, typer.Option(help="Words of the stated purpose")] = None,
    action: Annotated[str | None, typer.Option(help="An action, or a family ending in '.'")] = None,
    since: Annotated[str | None, typer.Option("--from", help="First day YYYY-MM-DD")] = None,
    until: Annotated[str | None, typer.Option("--to", help="Last day YYYY-MM-DD")] = None,
    limit: Annotated[int, typer.Option(min=1, max=10_000)] = 1000,
) -> None:
    """Who read this person's record, and why: audit rows as JSON lines, oldest first."""
    from datetime import timedelta

    from rmis.cli.context import open_registry
    from rmis.security import AccessDenied, AuditQuery, audited_search, principal_named
    from rmis.settings import utc_now

    end = _day(until, "--to")
    query = AuditQuery(
        person=person, principal=principal, purpose=purpose, action=action,
        since=_day(since, "--from"), until=end + timedelta(days=1) if end else None, limit=limit,
    )  # fmt: skip
    engine = open_registry()
    try:
        rows = audited_search(engine, principal_named(engine, acting), query, reason, utc_now())
    except AccessDenied as error:
        typer.echo(f"error: {error}", err=True)
        raise typer.Exit(2) from error
    for row in rows:
        typer.echo(json.dumps(row, default=str, ensure_ascii=False))
