"""`rmis analytics`: the analyses over the warehouse, as tables, CSV, JSON, Parquet, Excel or
SDMX-CSV. RMIS_ENGINE=spark runs them on PySpark (local mode) instead of DuckDB."""

from __future__ import annotations

from datetime import date, datetime
from pathlib import Path
from typing import TYPE_CHECKING, Annotated

import typer

from rmis.cli.output import FORMATS

if TYPE_CHECKING:
    import pandas as pd

    from rmis.analytics.engine import Warehouse

# The analytics room (Ibis, DuckDB, pandas, statsmodels) is imported inside the commands, so
# that `rmis` starts without loading it.

app = typer.Typer(no_args_is_help=True)

Format = Annotated[str, typer.Option("--format", help=f"One of: {', '.join(FORMATS)}")]
Out = Annotated[Path | None, typer.Option("--out", help="File to write (stdout if omitted)")]
By = Annotated[str, typer.Option("--by", help="Comma-separated dimensions")]
Day = Annotated[datetime | None, typer.Option(formats=["%Y-%m-%d"])]
Suppress = Annotated[
    int, typer.Option("--suppress-below", help="Blank cells of fewer than K people (0: off)")
]


def open_analysis_warehouse() -> Warehouse:
    from rmis.analytics.engine import connect, open_warehouse
    from rmis.settings import Settings

    settings = Settings.from_env()
    return open_warehouse(settings.data_dir / "warehouse", connect(settings.analytics_engine))


def emit(
    frame: pd.DataFrame,
    fmt: str,
    out: Path | None,
    dataflow: str,
    measures: list[str],
    confidential: pd.Series | None = None,
) -> None:
    import pandas as pd

    from rmis.analytics.export import write

    if fmt not in FORMATS:
        fail(f"--format must be one of {', '.join(FORMATS)}")
    if fmt == "table":
        from rich.console import Console
        from rich.table import Table

        table = Table(*map(str, frame.columns))
        for row in frame.itertuples(index=False):
            table.add_row(*("" if pd.isna(v) else str(v) for v in row))
        Console().print(table)
        return
    try:
        text = write(frame, fmt, out, dataflow, measures, confidential)
    except ValueError as error:
        fail(str(error))
    if text is not None:
        typer.echo(text, nl=False)


def _suppressed(frame: pd.DataFrame, people: str, k: int) -> pd.Series | None:
    """The rows suppress_small blanked: only they have no count of people."""
    return frame[people].isna() if k else None


def fail(message: str) -> None:
    from rich.console import Console

    Console(stderr=True).print(f"[red]error:[/red] {message}")
    raise typer.Exit(2)


def _day(value: datetime | None) -> date | None:
    return value.date() if value else None


def _dimensions(by: str) -> list[str]:
    return [d.strip() for d in by.split(",") if d.strip()]


def run(analysis, *args, **kwargs) -> pd.DataFrame:
    """An analysis' result as a frame, with the user's mistakes turned into messages."""
    import pandas as pd

    from rmis.analytics.dimensions import UnknownDimension
    from rmis.analytics.engine import WarehouseMissing

    try:
        result = analysis(*args, **kwargs)
        return result if isinstance(result, pd.DataFrame) else result.to_pandas()
    except (WarehouseMissing, UnknownDimension) as error:
        fail(str(error))
        raise


@app.command()
def flows(
    by: By = "host_state,month",
    from_: Annotated[datetime | None, typer.Option("--from", formats=["%Y-%m-%d"])] = None,
    to: Day = None,
    fmt: Format = "table",
    out: Out = None,
    suppress_below: Suppress = 0,
) -> None:
    """Entries, exits and refusals by any of: host_state, bcp, corridor, from_state, to_state,
    mode, nationality, purpose, sex, age_band, day, week, month, year."""
    from rmis.analytics.export import suppress_small
    from rmis.analytics.flows import flows as flows_by

    wh = _open()
    frame = run(flows_by, wh.crossings, _dimensions(by), _day(from_), _day(to), suppress_below > 0)
    measures = ["entries", "exits", "refused"]
    if suppress_below:
        frame = suppress_small(frame, "travellers", measures, suppress_below)
    emit(
        frame,
        fmt,
        out,
        "RMIS_FLOWS",
        [*measures, *(["travellers"] if suppress_below else [])],
        _suppressed(frame, "travellers", suppress_below),
    )


@app.command()
def stock(
    on: Day = None,
    by: By = "host_state,nationality",
    from_: Annotated[datetime | None, typer.Option("--from", formats=["%Y-%m-%d"])] = None,
    to: Day = None,
    every: Annotated[int, typer.Option(help="Curve: days between points")] = 1,
    fmt: Format = "table",
    out: Out = None,
    suppress_below: Suppress = 0,
) -> None:
    """Foreigners present on a day (--on), or the curve from --from to --to, by host_state,
    nationality, purpose, sex."""
    from rmis.analytics.export import suppress_small
    from rmis.analytics.stock import stock_curve, stock_on

    wh = _open()
    if from_ and to:
        frame = run(stock_curve, wh.crossings, _day(from_), _day(to), _dimensions(by), every)
    elif on:
        frame = run(stock_on, wh.crossings, _day(on), _dimensions(by))
    else:
        fail("give --on DATE, or --from DATE --to DATE for the curve")
    if suppress_below:
        frame = suppress_small(frame, "present", [], suppress_below)
    emit(frame, fmt, out, "RMIS_STOCK", ["present"], _suppressed(frame, "present", suppress_below))


@app.command()
def overstays(
    on: Day = None,
    detail: Annotated[
        bool, typer.Option(help="One row per overstayer, not per nationality")
    ] = False,
    fmt: Format = "table",
    out: Out = None,
    suppress_below: Suppress = 0,
) -> None:
    """Open overstays on a day (judged by the stay rules), by host state and nationality."""
    from rmis.analytics.export import suppress_small
    from rmis.analytics.overstays import find_overstays_on, overstays_by_nationality
    from rmis.reference.stay_rules import load_stay_rules
    from rmis.settings import Settings

    if on is None:
        fail("give --on DATE")
    wh = _open()
    rules = load_stay_rules(Settings.from_env().stay_rules)
    found = find_overstays_on(wh.crossings, wh.permits, rules, _day(on), wh.documents)
    frame = found.open if detail else overstays_by_nationality(found.open)
    if suppress_below and not detail:
        frame = suppress_small(
            frame, "overstayers", ["without_permit", "median_days", "max_days"], suppress_below
        )
    emit(
        frame,
        fmt,
        out,
        "RMIS_OVERSTAYS",
        [] if detail else ["overstayers", "without_permit", "median_days", "max_days"],
        None if detail else _suppressed(frame, "overstayers", suppress_below),
    )


@app.command()
def typology(
    fmt: Format = "table",
    out: Out = None,
    summary: Annotated[bool, typer.Option(help="Counts per movement type")] = False,
) -> None:
    """Movement type of every traveller, with their documents (docs/movement-types.md)."""
    from rmis.analytics.typology import movement_types, typology_with_documents

    wh = _open()
    if summary:
        frame = run(movement_types, wh.crossings)
        frame = (
            frame.groupby("movement_type", as_index=False)
            .size()
            .rename(columns={"size": "travellers"})
        )
        emit(frame, fmt, out, "RMIS_MOVEMENT_TYPES", ["travellers"])
        return
    frame = run(typology_with_documents, wh.crossings, wh.documents)
    emit(frame, fmt, out, "RMIS_MOVEMENT_TYPES", [])


@app.command("state-roles")
def roles(fmt: Format = "table", out: Out = None) -> None:
    """How much each state is an origin, a transit and a destination, per nationality (not the
    roles of principals: see `rmis users`)."""
    from rmis.analytics.state_roles import state_roles

    wh = _open()
    emit(
        run(state_roles, wh.crossings),
        fmt,
        out,
        "RMIS_STATE_ROLES",
        ["origin", "transit", "destination"],
    )


@app.command()
def mirror(fmt: Format = "table", out: Out = None) -> None:
    """Exits recorded by A towards B against entries recorded by B from A, per month."""
    from rmis.analytics.mirror import mirror as mirror_statistics

    wh = _open()
    frame = run(mirror_statistics, wh.crossings)
    emit(
        frame,
        fmt,
        out,
        "RMIS_MIRROR",
        ["exits_recorded_by_origin", "entries_recorded_by_destination"],
    )


@app.command()
def surges(on: Day = None, fmt: Format = "table", out: Out = None) -> None:
    """Series (host state, BCP, nationality) whose admitted arrivals break out of their
    seasonal baseline on --on, most severe first, with the forecast 13 weeks ahead
    (docs/early-warning.md)."""
    from rmis.analytics import early_warning
    from rmis.analytics.forecast import forecast, forecast_frame

    if on is None:
        fail("give --on DATE")
    wh = _open()
    found = early_warning.surges(wh.crossings, _day(on))
    frame = early_warning.surges_frame(found)
    if found:
        forecasts = forecast(wh.crossings, _day(on), [a.series for a in found])
        keys = list(early_warning.SERIES_KEYS)
        frame = frame.merge(forecast_frame(list(forecasts.values())), on=keys, how="left")
    if fmt == "table" and frame.empty:
        typer.echo(f"no surges on {_day(on).isoformat()}")
        return
    table_view = frame.drop(columns=["on", "baseline", "message"]) if fmt == "table" else frame
    emit(table_view, fmt, out, "RMIS_ALERTS", ["observed", "expected", "excess"])


# The commands' names until surges were told apart from alert-list hits, and state roles from
# principals' roles.
app.command("roles", hidden=True)(roles)
# The command's name until surges were told apart from alert-list hits.
app.command("alerts", hidden=True)(surges)


def _open() -> Warehouse:
    from rmis.analytics.engine import WarehouseMissing

    try:
        return open_analysis_warehouse()
    except (WarehouseMissing, ValueError) as error:
        fail(str(error))
        raise
