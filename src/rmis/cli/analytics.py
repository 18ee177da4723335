"""`rmis analytics`: the analyses over the warehouse, as tables, CSV, JSON, Parquet, Excel or
SDMX-CSV. RMIS_ENGINE=spark runs them on PySpark (local mode) instead of DuckDB.

Every analysis first says, on standard error, when the warehouse is behind the record (it reads
only the warehouse), and when a date it was given lies outside the data; a date left out is the
last day with data.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, datetime
from pathlib import Path
from typing import TYPE_CHECKING, Annotated

import typer

from rmis.cli.output import FORMAT_HELP, FORMATS, OUT_HELP, OutputFormatError, output_format

if TYPE_CHECKING:
    import pandas as pd

    from rmis.analytics import DataPeriod, Warehouse
    from rmis.analytics.quick import Summary

# The analytics room (Ibis, DuckDB, pandas, statsmodels) is imported inside the commands, so
# that `rmis` starts without loading it.

app = typer.Typer(no_args_is_help=True)

Format = Annotated[str | None, typer.Option("--format", help=FORMAT_HELP)]
Out = Annotated[Path | None, typer.Option("--out", help=OUT_HELP)]
By = Annotated[str, typer.Option("--by", help="Comma-separated dimensions")]
On = Annotated[
    datetime | None,
    typer.Option("--on", formats=["%Y-%m-%d"], help="The day (default: the last day with data)"),
]
From = Annotated[
    datetime | None,
    typer.Option("--from", formats=["%Y-%m-%d"], help="First day (default: the first with data)"),
]
To = Annotated[
    datetime | None,
    typer.Option("--to", formats=["%Y-%m-%d"], help="Last day (default: the last with data)"),
]
Suppress = Annotated[
    int, typer.Option("--suppress-below", help="Blank cells of fewer than K people (0: off)")
]


def open_analysis_warehouse() -> Warehouse:
    from rmis.analytics import connect, open_warehouse
    from rmis.settings import Settings

    settings = Settings.from_env()
    return open_warehouse(settings.data_dir / "warehouse", connect(settings.analytics_engine))


@dataclass(frozen=True)
class Analysis:
    """The warehouse an analysis reads, the period it has data for and when it was synced."""

    warehouse: Warehouse
    period: DataPeriod | None
    synced: str | None  # "2026-12-01 04:10 UTC", for a table's caption
    # The pre-aggregates the last sync made (analytics.quick), None without them.
    summary: Summary | None = None

    def day(self, given: datetime | None) -> date:
        """The day given (with a warning when it lies outside the data), or the last with data."""
        if given is None:
            if self.period is None:
                fail("the warehouse holds no crossings: give the date")
            return self.period.last
        self.check(given.date())
        return given.date()

    def check(self, day: date | None) -> None:
        if day is not None and self.period is not None and (why := self.period.outside(day)):
            warn(why)


def open_analysis() -> Analysis:
    """The warehouse, once it is known to be there; says on stderr when it is behind the record."""
    from rmis.analytics import WarehouseMissing, data_period, quick
    from rmis.settings import Settings

    try:
        warehouse = open_analysis_warehouse()
    except (WarehouseMissing, ValueError) as error:
        fail(str(error))
        raise
    root = Settings.from_env().data_dir / "warehouse"
    summary = (
        quick.open_summary(root, warehouse.backend) if warehouse.backend.name == "duckdb" else None
    )
    return Analysis(warehouse, data_period(root), _synced(root), summary)


def _synced(root: Path) -> str | None:
    """When the warehouse was synced, for a caption; a warning first when the record has moved
    on since (or when it cannot be asked)."""
    from sqlalchemy.exc import SQLAlchemyError

    from rmis.cli.context import open_record_to_read
    from rmis.warehouse import read_manifest, staleness, sync_time

    manifest = read_manifest(root)
    try:
        engine = open_record_to_read()
    except (SQLAlchemyError, ValueError) as error:
        warn(f"could not ask the record whether the warehouse is current: {_first_line(error)}")
        return sync_time(manifest)
    if engine is None:  # a warehouse without its record beside it: nothing to compare
        return sync_time(manifest)
    try:
        found = staleness(engine, manifest)
    except SQLAlchemyError as error:
        warn(f"could not ask the record whether the warehouse is current: {_first_line(error)}")
        return sync_time(manifest)
    finally:
        engine.dispose()
    if not found.current:
        warn(found.warning())
    return found.synced


def _first_line(error: Exception) -> str:
    orig = getattr(error, "orig", None) or error
    return (str(orig).strip().splitlines() or [type(orig).__name__])[0]


def emit(
    frame: pd.DataFrame,
    fmt: str,
    out: Path | None,
    dataflow: str,
    measures: list[str],
    confidential: pd.Series | None = None,
    caption: str | None = None,
) -> None:
    import pandas as pd

    from rmis.analytics import write

    if fmt not in FORMATS:
        fail(f"--format must be one of {', '.join(FORMATS)}")
    if fmt == "table":
        from rich.console import Console
        from rich.table import Table

        table = Table(*map(str, frame.columns), caption=caption and f"warehouse synced {caption}")
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


def warn(message: str) -> None:
    # Plain text, one line however wide the terminal: scripts read stderr too.
    typer.echo(f"warning: {message}", err=True)


def resolve_format(fmt: str | None, out: Path | None) -> str:
    """The format to write (from --format, or --out's suffix), or a clear error and exit 2."""
    try:
        return output_format(fmt, out)
    except OutputFormatError as error:
        fail(str(error))
        raise


def _day(value: datetime | None) -> date | None:
    return value.date() if value else None


def _dimensions(by: str) -> list[str]:
    return [d.strip() for d in by.split(",") if d.strip()]


def run(analysis, *args, **kwargs) -> pd.DataFrame:
    """An analysis' result as a frame, with the user's mistakes turned into messages."""
    import pandas as pd

    from rmis.analytics import UnknownDimension, WarehouseMissing

    try:
        result = analysis(*args, **kwargs)
        return result if isinstance(result, pd.DataFrame) else result.to_pandas()
    except (WarehouseMissing, UnknownDimension) as error:
        fail(str(error))
        raise


@app.command()
def flows(
    by: By = "host_state,month",
    from_: From = None,
    to: To = None,
    fmt: Format = None,
    out: Out = None,
    suppress_below: Suppress = 0,
) -> None:
    """Entries, exits and refusals by any of: host_state, bcp, corridor, from_state, to_state,
    mode, nationality, purpose, sex, age_band, day, week, month, year."""
    from rmis.analytics import flows as flows_by
    from rmis.analytics import quick, suppress_small

    fmt = resolve_format(fmt, out)
    analysis = open_analysis()
    analysis.check(_day(from_))
    analysis.check(_day(to))
    wh = analysis.warehouse
    if analysis.summary is not None and not suppress_below:  # people are counted on crossings
        frame = run(quick.flows, analysis.summary, _dimensions(by), _day(from_), _day(to))
    else:
        frame = run(
            flows_by, wh.crossings, _dimensions(by), _day(from_), _day(to), suppress_below > 0
        )
    measures = ["entries", "exits", "refused"]
    if suppress_below:
        frame = suppress_small(frame, "people", measures, suppress_below)
    emit(
        frame,
        fmt,
        out,
        "RMIS_FLOWS",
        [*measures, *(["people"] if suppress_below else [])],
        _suppressed(frame, "people", suppress_below),
        analysis.synced,
    )


@app.command()
def stock(
    on: On = None,
    by: By = "host_state,nationality",
    from_: From = None,
    to: To = None,
    every: Annotated[int, typer.Option(help="Curve: days between points")] = 1,
    fmt: Format = None,
    out: Out = None,
    suppress_below: Suppress = 0,
) -> None:
    """Foreigners present on a day (--on), or the curve from --from to --to, by host_state,
    nationality, purpose, sex.

    With no date, on the last day with data; with one end of the curve, the other end is the
    first (or the last) day with data."""
    from rmis.analytics import quick, stock_curve, stock_on, suppress_small

    fmt = resolve_format(fmt, out)
    analysis = open_analysis()
    # The stays the sync keeps, or the crossings: the same answer (tests/analytics).
    source = analysis.summary or analysis.warehouse.crossings
    curve, on_day = (
        (quick.stock_curve, quick.stock_on) if analysis.summary else (stock_curve, stock_on)
    )
    if from_ or to:
        first = _day(from_) or _first_day(analysis)
        last = analysis.day(to)
        analysis.check(_day(from_))
        frame = run(curve, source, first, last, _dimensions(by), every)
    else:
        frame = run(on_day, source, analysis.day(on), _dimensions(by))
    if suppress_below:
        frame = suppress_small(frame, "present", [], suppress_below)
    confidential = _suppressed(frame, "present", suppress_below)
    emit(frame, fmt, out, "RMIS_STOCK", ["present"], confidential, analysis.synced)


@app.command()
def overstays(
    on: On = None,
    detail: Annotated[
        bool, typer.Option(help="One row per overstayer, not per nationality")
    ] = False,
    fmt: Format = None,
    out: Out = None,
    suppress_below: Suppress = 0,
) -> None:
    """Open overstays on a day (judged by the stay rules), by host state and nationality."""
    from rmis.analytics import find_overstays_on, overstays_by_nationality, suppress_small
    from rmis.reference.stay_rules import load_stay_rules
    from rmis.settings import Settings

    fmt = resolve_format(fmt, out)
    analysis = open_analysis()
    wh = analysis.warehouse
    day = analysis.day(on)
    rules = load_stay_rules(Settings.from_env().stay_rules)
    found = find_overstays_on(wh.crossings, wh.permits, rules, day, wh.documents, wh.reviews)
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
        analysis.synced,
    )


@app.command()
def typology(
    fmt: Format = None,
    out: Out = None,
    summary: Annotated[bool, typer.Option(help="Counts of people per movement type")] = False,
) -> None:
    """Movement type of every person, with their documents (docs/movement-types.md)."""
    from rmis.analytics import movement_types, quick, typology_with_documents

    fmt = resolve_format(fmt, out)
    analysis = open_analysis()
    wh = analysis.warehouse
    if summary:
        if analysis.summary is not None:
            frame = run(quick.movement_types, analysis.summary)
        else:
            frame = run(movement_types, wh.crossings)
        frame = (
            frame.groupby("movement_type", as_index=False).size().rename(columns={"size": "people"})
        )
        emit(frame, fmt, out, "RMIS_MOVEMENT_TYPES", ["people"], caption=analysis.synced)
        return
    frame = run(typology_with_documents, wh.crossings, wh.documents)
    emit(frame, fmt, out, "RMIS_MOVEMENT_TYPES", [], caption=analysis.synced)


@app.command("state-roles")
def roles(fmt: Format = None, out: Out = None) -> None:
    """How much each state is an origin, a transit and a destination, per nationality (not the
    roles of principals: see `rmis users`)."""
    from rmis.analytics import state_roles

    fmt = resolve_format(fmt, out)
    analysis = open_analysis()
    emit(
        run(state_roles, analysis.warehouse.crossings),
        fmt,
        out,
        "RMIS_STATE_ROLES",
        ["origin", "transit", "destination"],
        caption=analysis.synced,
    )


@app.command()
def mirror(fmt: Format = None, out: Out = None) -> None:
    """Exits recorded by A towards B against entries recorded by B from A, per month."""
    from rmis.analytics import mirror as mirror_statistics
    from rmis.analytics import quick

    fmt = resolve_format(fmt, out)
    analysis = open_analysis()
    if analysis.summary is not None:
        frame = run(quick.mirror, analysis.summary)
    else:
        frame = run(mirror_statistics, analysis.warehouse.crossings)
    emit(
        frame,
        fmt,
        out,
        "RMIS_MIRROR",
        ["exits_recorded_by_origin", "entries_recorded_by_destination"],
        caption=analysis.synced,
    )


@app.command()
def surges(on: On = None, fmt: Format = None, out: Out = None) -> None:
    """Series (host state, BCP, nationality) whose admitted arrivals break out of their
    seasonal baseline on --on, most severe first, with the forecast 13 weeks ahead
    (docs/early-warning.md)."""
    from rmis.analytics import SERIES_KEYS, forecast, forecast_frame, surges_frame
    from rmis.analytics import surges as find_surges

    fmt = resolve_format(fmt, out)
    analysis = open_analysis()
    wh = analysis.warehouse
    day = analysis.day(on)
    found = find_surges(wh.crossings, day)
    frame = surges_frame(found)
    if found:
        forecasts = forecast(wh.crossings, day, [a.series for a in found])
        keys = list(SERIES_KEYS)
        frame = frame.merge(forecast_frame(list(forecasts.values())), on=keys, how="left")
    if fmt == "table" and frame.empty:
        typer.echo(f"no surges on {day.isoformat()}")
        return
    table_view = frame.drop(columns=["on", "baseline", "message"]) if fmt == "table" else frame
    measures = ["observed", "expected", "excess"]
    emit(table_view, fmt, out, "RMIS_ALERTS", measures, caption=analysis.synced)


# The commands' names until surges were told apart from alert-list hits, and state roles from
# principals' roles.
app.command("roles", hidden=True)(roles)
# The command's name until surges were told apart from alert-list hits.
app.command("alerts", hidden=True)(surges)


def _first_day(analysis: Analysis) -> date:
    if analysis.period is None:
        fail("the warehouse holds no crossings: give --from")
    return analysis.period.first
