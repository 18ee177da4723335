"""`rmis report`: the analyst's first page, one self-contained HTML file from the warehouse."""

from __future__ import annotations

from datetime import datetime
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
) -> None:
    """Flows over time, top corridors, foreigners present, overstays, movement types, state
    roles and current surges with forecasts: one HTML page that needs no internet to open."""
    # Imported here, so that `rmis` starts without loading the analyses and the charts.
    from rmis.reference.stay_rules import load_stay_rules
    from rmis.report.data import gather
    from rmis.report.render import render
    from rmis.settings import Settings, utc_now

    try:
        check_report_file(out)
    except OutputFormatError as error:
        fail(str(error))
    analysis = open_analysis()
    day = analysis.day(on)
    data = gather(analysis.warehouse, load_stay_rules(Settings.from_env().stay_rules), day)
    out.write_text(render(data, utc_now()), encoding="utf-8")
    typer.echo(f"report as of {day.isoformat()} written to {out}")
