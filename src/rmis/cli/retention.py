"""`rmis retention`: erase what the retention rules make due (record and warehouse), legal
holds, and the rules in force. `rmis serve` runs the erasure once a day by itself."""

from __future__ import annotations

import json
from datetime import date
from typing import Annotated

import typer

app = typer.Typer(no_args_is_help=True)


def erase_due(on: date | None = None, states: list[str] | None = None):
    """The erasure run over the record, then the warehouse; its counts per state."""
    from rmis.reference.stay_rules import load_stay_rules
    from rmis.retention import erase_from_warehouse, load_retention_rules, run_retention
    from rmis.settings import Settings, utc_now
    from rmis.store import open_database

    settings = Settings.from_env()
    engine = open_database(settings.database_url)
    stay = load_stay_rules(settings.stay_rules)
    now = utc_now()
    results = run_retention(
        engine, load_retention_rules(settings.retention_rules),
        lambda state: lambda nat: stay.schedule(state, nat), on or now.date(), now,
        states=states,
    )  # fmt: skip
    removed = erase_from_warehouse(engine, settings.data_dir / "warehouse")
    return results, removed


@app.command("run")
def run(
    on: Annotated[
        str | None, typer.Option(help="The day to judge (YYYY-MM-DD; default today, UTC)")
    ] = None,
    state: Annotated[list[str] | None, typer.Option(help="Only this host state")] = None,
) -> None:
    """Erase, from the record and the warehouse, every traveller's data whose retention ended
    by the day and is not under a legal hold; print the counts (all that is kept of it)."""
    try:
        day = date.fromisoformat(on) if on else None
    except ValueError:
        typer.echo(f"error: --on must be a date YYYY-MM-DD, not {on!r}", err=True)
        raise typer.Exit(2) from None
    results, removed = erase_due(day, [s.upper() for s in state] if state else None)
    for r in results:
        typer.echo(json.dumps({"state": r.state, "travellers": r.travellers,
                               "crossings": r.crossings, "other_rows": r.other_rows,
                               "held": r.held}))  # fmt: skip
    typer.echo(f"warehouse rows removed: {removed}", err=True)


@app.command("hold")
def hold(
    traveller: Annotated[str, typer.Argument(help="The traveller id")],
    acting: Annotated[str, typer.Option("--as", envvar="RMIS_PRINCIPAL", help="Who holds")],
    reason: Annotated[str, typer.Option(help="Why (a case number)")],
) -> None:
    """Keep a traveller's record in your state past its retention, until the hold is lifted."""
    from uuid import UUID

    from rmis.cli.context import open_registry
    from rmis.retention import place_hold
    from rmis.security import AccessDenied, principal_named
    from rmis.settings import utc_now

    engine = open_registry()
    try:
        hold_id = place_hold(engine, principal_named(engine, acting), UUID(traveller), reason,
                             utc_now())  # fmt: skip
    except (AccessDenied, ValueError) as error:
        typer.echo(f"error: {error}", err=True)
        raise typer.Exit(2) from error
    typer.echo(str(hold_id))


@app.command("lift")
def lift(
    hold_id: Annotated[str, typer.Argument(help="The hold's id")],
    acting: Annotated[str, typer.Option("--as", envvar="RMIS_PRINCIPAL", help="Who lifts")],
) -> None:
    """Lift a legal hold of your state."""
    from uuid import UUID

    from rmis.cli.context import open_registry
    from rmis.retention import lift_hold
    from rmis.security import AccessDenied, principal_named
    from rmis.settings import utc_now

    engine = open_registry()
    try:
        lifted = lift_hold(engine, principal_named(engine, acting), UUID(hold_id), utc_now())
    except (AccessDenied, ValueError) as error:
        typer.echo(f"error: {error}", err=True)
        raise typer.Exit(2) from error
    typer.echo("lifted" if lifted else "no such hold in force in your state")
    if not lifted:
        raise typer.Exit(1)


@app.command("rules")
def rules() -> None:
    """The retention terms in force, per state (default first)."""
    from rmis.retention import load_retention_rules
    from rmis.settings import Settings

    table = load_retention_rules(Settings.from_env().retention_rules)
    for name, term in [("default", table.default), *sorted(table.states.items())]:
        typer.echo(f"{name}: {term.crossings_years} years after the stay, "
                   f"{term.overstay_years} after an overstay")  # fmt: skip
