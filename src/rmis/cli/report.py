"""`rmis report`: the analyst's first page, one self-contained HTML file from the warehouse."""

from __future__ import annotations

import dataclasses
from datetime import date, datetime
from pathlib import Path
from typing import Annotated

import typer

from rmis.cli.analytics import fail, open_analysis
from rmis.cli.output import OutputFormatError, check_report_file


def report(
    out: Annotated[Path, typer.Option("--out", help="HTML file to write (.html)", dir_okay=False)],
    on: Annotated[
        datetime | None,
        typer.Option(
            formats=["%Y-%m-%d"], help="Day the report is as of (default: last day of data)"
        ),
    ] = None,
    as_: Annotated[
        str | None,
        typer.Option(
            "--as",
            envvar="RMIS_PRINCIPAL",
            help="Read the referral counts from the record as this principal (an analyst of "
            "the state; audited); without it the page has no referrals",
        ),
    ] = None,
) -> None:
    """Flows over time, top corridors (each journey leg once), who travels (purpose, sex and
    age band, nationality), refusals by reason, foreigners present, overstays, movement types,
    state roles and surges with their status and forecasts: one HTML page that needs no
    internet to open.
    With --as, the state's protection referrals too, counted with small cells suppressed."""
    # Imported here, so that `rmis` starts without loading the analyses and the charts.
    from rmis.reference.stay_rules import load_stay_rules
    from rmis.report.data import gather, gather_referrals
    from rmis.report.render import render
    from rmis.settings import Settings, utc_now

    try:
        check_report_file(out)
    except OutputFormatError as error:
        fail(str(error))
    analysis = open_analysis()
    day = analysis.day(on)
    # Referrals first: a principal who may not count them is told before the long analyses.
    referrals = _referrals(as_, day, gather_referrals) if as_ else None
    rules = load_stay_rules(Settings.from_env().stay_rules)
    data = gather(analysis.warehouse, rules, day, analysis.summary)
    data = dataclasses.replace(data, referrals=referrals)
    out.write_text(render(data, utc_now()), encoding="utf-8")
    typer.echo(f"report as of {day.isoformat()} written to {out}")


def _referrals(name: str, day: date, gather_referrals):
    """Referrals are in the record, not the warehouse: read through the protection room's door
    as the named principal, so its need-to-know check and its audit hold for the page too."""
    from rmis.cli.context import open_registry
    from rmis.protection import ProtectionError
    from rmis.security import AccessDenied, principal_named
    from rmis.settings import utc_now

    engine = open_registry()
    try:
        return gather_referrals(engine, principal_named(engine, name), day, utc_now())
    except (AccessDenied, ProtectionError) as error:
        fail(str(error))
    finally:
        engine.dispose()
