"""`rmis exchange`: a national node's side of the exchange between states: its signing key,
what its agreements allow counted and signed into its outbox, the outbox sent to the hub.

The node's state is RMIS_NODE_STATE (or --state); the agreements file is RMIS_AGREEMENTS; the
node's private key is RMIS_DATA_DIR/exchange/node.key.
"""

from __future__ import annotations

import os
from datetime import datetime
from pathlib import Path
from typing import Annotated

import typer

app = typer.Typer(no_args_is_help=True)

State = Annotated[
    str | None, typer.Option("--state", help="This node's state (default: RMIS_NODE_STATE)")
]
From = Annotated[
    datetime | None,
    typer.Option("--from", formats=["%Y-%m-%d"], help="First day (default: the data's)"),
]
To = Annotated[
    datetime | None,
    typer.Option("--to", formats=["%Y-%m-%d"], help="Last day (default: the data's)"),
]


def fail(message: str) -> None:
    typer.echo(f"error: {message}", err=True)
    raise typer.Exit(2)


def key_path() -> Path:
    from rmis.settings import Settings

    return Settings.from_env().data_dir / "exchange" / "node.key"


def node_state(state: str | None) -> str:
    state = state or os.environ.get("RMIS_NODE_STATE")
    if not state:
        fail("say which state this node is: --state or RMIS_NODE_STATE")
    return state


def agreements_file():
    from rmis.exchange import AgreementError, load_agreements

    path = os.environ.get("RMIS_AGREEMENTS")
    if not path:
        fail("RMIS_AGREEMENTS must name the agreements file (docs/exchange.md)")
    try:
        return load_agreements(Path(path))
    except AgreementError as error:
        fail(str(error))


@app.command()
def keygen() -> None:
    """Make this node's Ed25519 signing key and print its public key, for the hub to register
    (`rmis hub nodes add STATE KEY`). An existing key is never replaced."""
    from rmis.exchange import new_key

    path = key_path()
    if path.exists():
        fail(f"{path} exists: a node keeps its key (remove it by hand to make a new one)")
    typer.echo(new_key(path))


@app.command()
def send(
    hub: Annotated[str, typer.Option("--hub", help="The hub's URL, e.g. https://hub.example")],
    state: State = None,
    from_: From = None,
    to: To = None,
    prepare: Annotated[bool, typer.Option(help="Count what is new before sending")] = True,
) -> None:
    """Count, protect and sign what this node's agreements allow into its outbox, then send
    the outbox to the hub. When the hub cannot be reached the outbox keeps everything for the
    next run; a resend is recorded once."""
    from rmis.cli.context import open_registry
    from rmis.exchange import KeyProblem, http_post, load_key
    from rmis.exchange import prepare as prepare_
    from rmis.exchange import send as send_
    from rmis.settings import utc_now

    sender = node_state(state)
    engine = open_registry()
    if prepare:
        from rmis.analytics import connect, data_period, open_warehouse
        from rmis.reference.stay_rules import load_stay_rules
        from rmis.settings import Settings

        settings = Settings.from_env()
        agreements = agreements_file()
        try:
            key = load_key(key_path())
        except KeyProblem as error:
            fail(f"{error} (make one with `rmis exchange keygen`)")
        from rmis.analytics import WarehouseMissing

        root = settings.data_dir / "warehouse"
        try:
            wh = open_warehouse(root, connect(settings.analytics_engine))
        except WarehouseMissing as error:
            fail(str(error))
        span = data_period(root)
        first = from_.date() if from_ else span.first
        last = to.date() if to else span.last
        rules = load_stay_rules(settings.stay_rules)
        queued = prepare_(
            engine, key, sender, agreements, wh, first, last, rules, utc_now(), secret_of
        )
        typer.echo(f"queued {len(queued)} new submissions")
    result = send_(engine, http_post(hub), utc_now())
    typer.echo(
        f"sent {len(result.delivered)}, refused {len(result.refused)}, waiting {result.waiting}"
    )
    for digest, reason in result.refused:
        typer.echo(f"refused {digest[:12]}: {reason}", err=True)
    if result.offline:
        typer.echo(f"the hub could not be reached ({result.offline}): kept for later", err=True)
        raise typer.Exit(3)
    if result.refused:
        raise typer.Exit(1)


def secret_of(agreement):
    """The linkage secret of a journey agreement: RMIS_DATA_DIR/exchange/<id>.secret."""
    from rmis.exchange import load_secret
    from rmis.settings import Settings

    path = Settings.from_env().data_dir / "exchange" / f"{agreement.id}.secret"
    try:
        return load_secret(path)
    except ValueError as error:
        fail(f"{error} (the partners of {agreement.id} agree it and each keeps it there)")


@app.command()
def encode(
    partner: Annotated[str, typer.Option("--partner", help="The state the secret is shared with")],
    out: Annotated[Path, typer.Option("--out", help="The journey keys, CSV")],
    state: State = None,
    from_: From = None,
    to: To = None,
) -> None:
    """Encode this node's admitted crossings as journey keys under the secret agreed with
    PARTNER: CLKs and document keys, never a name, birth date or document number."""
    from datetime import date

    from rmis.cli.context import open_registry
    from rmis.exchange import encode_crossings, write_keys
    from rmis.exchange.record import crossings_to_encode

    sender = node_state(state)
    agreement = next(
        (
            a
            for a in agreements_file().of_sender(sender)
            if a.kind == "journey_keys" and partner in a.partners
        ),
        None,
    )
    if agreement is None:
        fail(f"no journey-keys agreement joins {sender} and {partner}")
    first = from_.date() if from_ else date(1900, 1, 1)
    last = to.date() if to else date(9999, 12, 31)
    rows = crossings_to_encode(open_registry(), max(first, agreement.start), last)
    keys = encode_crossings(rows, secret_of(agreement)) if not rows.empty else None
    out.write_text(write_keys(keys) if keys is not None else "", encoding="utf-8")
    typer.echo(f"{0 if keys is None else len(keys)} crossings encoded under {agreement.id}")


@app.command()
def outbox() -> None:
    """What waits in the outbox for the hub."""
    from rmis.cli.context import open_registry
    from rmis.exchange import pending

    for row in pending(open_registry()):
        error = f"  {row['last_error']}" if row["last_error"] else ""
        typer.echo(
            f"{row['digest'][:12]} {row['dataflow']} {row['period']} v{row['version']} "
            f"attempts {row['attempts']}{error}"
        )
