"""`rmis analytics`: the analyses over the warehouse, as tables, CSV, JSON, Parquet, Excel or
SDMX-CSV. RMIS_ENGINE=spark runs them on PySpark (local mode) instead of DuckDB.

Each command takes the analyst's filters that apply to it (--host, --bcp, --nationality...:
analytics.Filters, the dashboard's too; docs/warehouse.md). A table for the terminal names
codes and rounds figures; a file keeps codes and figures as the analysis gives them.

Every analysis first says, on standard error, when the warehouse is behind the record (it reads
only the warehouse), and when a date it was given lies outside the data; a date left out is the
last day with data.
"""

from __future__ import annotations

from dataclasses import dataclass, replace
from datetime import date, datetime
from pathlib import Path
from typing import TYPE_CHECKING, Annotated

import typer

from rmis.cli.output import FORMAT_HELP, FORMATS, OUT_HELP, OutputFormatError, output_format

if TYPE_CHECKING:
    import ibis
    import pandas as pd

    from rmis.analytics import DataPeriod, Filters, Warehouse
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


def _list_option(flag: str, what: str) -> object:
    return Annotated[str | None, typer.Option(flag, help=f"Only these {what} (comma-separated)")]


# The filters of every analysis (analytics.filters: the dashboard's too), as flags.
Host = _list_option("--host", "host states, ICAO codes, e.g. RUS,KAZ")
Bcp = _list_option("--bcp", "BCPs, by code, e.g. UZB-TMJ")
Direction = _list_option("--direction", "directions: entry, exit")
Nationality = _list_option("--nationality", "nationalities, ICAO codes, e.g. TJK")
Purpose = _list_option("--purpose", "purposes of travel, e.g. work")
Sex = _list_option("--sex", "sexes: F, M, X")
AgeBand = _list_option("--age-band", "age bands, e.g. 18-24,25-34 (65+, unknown)")
MovementType = Annotated[
    str | None,
    typer.Option(
        "--movement-type",
        help="Only people of these movement types, e.g. seasonal,circular (comma-separated)",
    ),
]


def open_analysis_warehouse() -> Warehouse:
    from rmis.analytics import SparkUnavailable, connect, open_warehouse
    from rmis.settings import Settings

    settings = Settings.from_env()
    try:
        backend = connect(settings.analytics_engine)
    except SparkUnavailable as missing:  # no Java: say what to install, not a traceback
        fail(str(missing))
        raise
    return open_warehouse(settings.data_dir / "warehouse", backend)


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
    filters: Filters | None = None,
) -> None:
    """Write the frame: codes as they are in a file; names beside them, dates ISO and numbers
    rounded in the terminal's table."""
    from rmis.analytics import write

    if fmt not in FORMATS:
        fail(f"--format must be one of {', '.join(FORMATS)}")
    if fmt == "table":
        print_table(frame, _caption(caption, filters))
        return
    try:
        text = write(frame, fmt, out, dataflow, measures, confidential)
    except ValueError as error:
        fail(str(error))
    if text is not None:
        typer.echo(text, nl=False)


def _caption(synced: str | None, filters: Filters | None) -> str | None:
    parts = [f"warehouse synced {synced}"] if synced else []
    if filters is not None and filters.describe() != "none":
        parts.append(f"filters: {filters.describe()}")
    return "; ".join(parts) or None


def print_table(frame: pd.DataFrame, caption: str | None = None) -> None:
    """A rich table a person reads: BCPs and movement types named (report.labels), dates as
    YYYY-MM-DD, shares as percentages, other fractions rounded; as wide as it needs when the
    output is not a terminal (a pipe or a file is not cut at 80 columns), and wrapped, never
    cut, when it is."""
    import sys

    from rich.console import Console
    from rich.table import Table

    from rmis.report.labels import labelled

    shown = labelled(frame)
    styles = [_number_style(shown[c], str(c)) for c in shown.columns]
    rows = [
        [cell_text(v, style) for v, style in zip(row, styles, strict=True)]
        for row in shown.itertuples(index=False)
    ]
    headers = [str(c).replace("_", " ") for c in shown.columns]
    table = Table()
    least = 1  # the table's left border
    for i, header in enumerate(headers):
        cells = [r[i] for r in rows]
        numeric = bool(rows) and all(_numeric(c) for c in cells if c)
        # A number or a date is never broken; words wrap at spaces, not inside a word.
        widths = [len(c) for c in cells] if numeric else [_longest_word(c) for c in cells]
        narrowest = max(max(widths, default=0), _longest_word(header))
        table.add_column(
            header,
            justify="right" if numeric else "left",
            overflow="fold",
            no_wrap=numeric,
            min_width=narrowest,
        )
        least += narrowest + 3
    for row in rows:
        table.add_row(*row)
    full = max(
        80,
        sum(max([len(h), *(len(r[i]) for r in rows)]) + 3 for i, h in enumerate(headers)) + 1,
    )
    terminal = Console().width
    # Not a terminal (a pipe, a file): as wide as the table is. A terminal: its width, unless
    # the table cannot fit without cutting a word (the terminal then wraps the lines).
    width = full if not sys.stdout.isatty() else max(terminal, min(least, full))
    console = Console(width=width)
    console.print(table)
    if caption:  # under the table, on its own line: not squeezed into a narrow table's width
        console.print(caption, style="dim", soft_wrap=True, highlight=False)


def _longest_word(text: str) -> int:
    return max((len(w) for w in text.split()), default=0)


def _number_style(column: pd.Series, name: str) -> str | int:
    """How a column's fractions are shown: "share" as a percentage, else the decimals every
    value of the column gets (0 when all are whole, 1 from 10 up, 2 below)."""
    import numbers

    if name.endswith("share"):
        return "share"
    values = [
        float(v)
        for v in column
        if isinstance(v, numbers.Real) and not isinstance(v, bool) and v == v  # not NaN
    ]
    if not values or all(v.is_integer() for v in values):
        return 0
    return 1 if max(abs(v) for v in values) >= 10 else 2


def cell_text(value: object, style: str | int = 0) -> str:
    """One value as the terminal shows it: dates ISO (a time only when there is one), whole
    numbers with thousands separators, fractions rounded (`style`: decimals, or "share")."""
    import numbers

    import pandas as pd

    if value is None or (not isinstance(value, str | list | tuple) and pd.isna(value)):
        return ""
    if isinstance(value, pd.Timestamp | datetime):
        stamp = pd.Timestamp(value)
        if stamp == stamp.normalize():
            return stamp.date().isoformat()
        return stamp.isoformat(sep=" ", timespec="minutes")
    if isinstance(value, date):
        return value.isoformat()
    if isinstance(value, bool) or type(value).__name__ == "bool_":
        return str(bool(value)).lower()
    if isinstance(value, numbers.Integral):
        return f"{int(value):,}"
    if isinstance(value, numbers.Real):
        number = float(value)
        if style == "share":
            return f"{number:.1%}"
        if number.is_integer() and not style:
            return f"{int(number):,}"
        return f"{number:,.{int(style)}f}"
    return str(value)


def _numeric(text: str) -> bool:
    return text.replace(",", "").replace(".", "").replace("%", "").lstrip("-+").isdigit()


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


def parse_filters(
    from_: datetime | None = None, to: datetime | None = None, **given: str | None
) -> Filters:
    """The flags as one analytics.Filters, or a clear error and exit 2 (a value that names no
    state, BCP, direction, sex, age band or movement type rmis knows)."""
    from rmis.analytics import FilterError, Filters
    from rmis.reference.bcps import load_bcps
    from rmis.reference.countries import is_icao_code

    try:
        filters = Filters.parse({"start": _day(from_), "end": _day(to), **given})
    except FilterError as error:
        fail(str(error))
        raise
    # The shape of a code is the filter's check; whether it exists is the reference's.
    for name in ("host_state", "nationality"):
        unknown = [v for v in getattr(filters, name) if not is_icao_code(v)]
        if unknown:
            fail(f"{name.replace('_', ' ')} {', '.join(unknown)}: not an ICAO country code")
    bcps = load_bcps()
    if unknown := [v for v in filters.bcp if v not in bcps]:
        fail(f"bcp {', '.join(unknown)}: no such BCP in the reference (rmis.reference BCPs)")
    return filters


def of_movement_types(kept: ibis.Table, analysis: Analysis, filters: Filters) -> ibis.Table:
    """The rows of `kept` (with a person_key) whose person is of one of the filter's movement
    types (the type is the person's over the whole record, not over the rows kept)."""
    if not filters.movement_type:
        return kept
    from rmis.analytics import movement_types, quick

    if analysis.summary is not None:
        typed = quick.movement_types(analysis.summary)
    else:
        typed = movement_types(analysis.warehouse.crossings)
    people = typed.filter(typed.movement_type.isin(list(filters.movement_type)))
    return kept.semi_join(people.select("person_key"), "person_key")


def filtered_crossings(analysis: Analysis, filters: Filters) -> ibis.Table:
    """The warehouse's crossings these filters keep (period included)."""
    kept = filters.on_crossings(analysis.warehouse.crossings)
    return of_movement_types(kept, analysis, filters)


@app.command()
def flows(
    by: By = "host_state,month",
    from_: From = None,
    to: To = None,
    host: Host = None,
    bcp: Bcp = None,
    direction: Direction = None,
    nationality: Nationality = None,
    purpose: Purpose = None,
    sex: Sex = None,
    age_band: AgeBand = None,
    movement_type: MovementType = None,
    fmt: Format = None,
    out: Out = None,
    suppress_below: Suppress = 0,
) -> None:
    """Entries, exits and refusals by any of: host_state, bcp, corridor, from_state, to_state,
    mode, nationality, purpose, sex, age_band, refusal_reason, day, week, month, year.

    By corridor, `entries` are those the destination recorded and `exits` those the origin
    recorded: over a land border the same journey is in both (docs/warehouse.md)."""
    fmt = resolve_format(fmt, out)
    filters = parse_filters(
        from_, to, host_state=host, bcp=bcp, direction=direction, nationality=nationality,
        purpose=purpose, sex=sex, age_band=age_band, movement_type=movement_type,
    )  # fmt: skip
    analysis = open_analysis()
    analysis.check(filters.start)
    analysis.check(filters.end)
    frame = flows_frame(analysis, _dimensions(by), filters, suppress_below > 0)
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
        filters,
    )


def flows_frame(
    analysis: Analysis, by: list[str], filters: Filters, count_people: bool
) -> pd.DataFrame:
    """Flows under the filters: from the summaries when they can answer (no people counted;
    a movement type from the rollups by type when one holds the cut), else from the
    crossings; the same figures."""
    from rmis.analytics import flows as flows_by
    from rmis.analytics import quick

    summary = analysis.summary
    if summary is not None and not count_people:
        try:
            return run(quick.flows, summary, by, filters=filters)
        except quick.NotSummarised:
            pass
    return run(flows_by, filtered_crossings(analysis, filters), by, None, None, count_people)


def suppress_small(frame: pd.DataFrame, people: str, counts: list[str], k: int) -> pd.DataFrame:
    from rmis.analytics import suppress_small as suppress

    return suppress(frame, people, counts, k)


@app.command()
def corridors(
    from_: From = None,
    to: To = None,
    host: Host = None,
    bcp: Bcp = None,
    nationality: Nationality = None,
    purpose: Purpose = None,
    sex: Sex = None,
    age_band: AgeBand = None,
    movement_type: MovementType = None,
    fmt: Format = None,
    out: Out = None,
) -> None:
    """Admitted journey legs per corridor, busiest first, each leg counted once: a land leg
    from the entries its destination recorded (else the exits its origin recorded), an air or
    sea leg from its one recorded end (docs/warehouse.md); `counted_from` says which."""
    from rmis.analytics import corridor_legs

    fmt = resolve_format(fmt, out)
    filters = parse_filters(
        from_, to, host_state=host, bcp=bcp, nationality=nationality, purpose=purpose,
        sex=sex, age_band=age_band, movement_type=movement_type,
    )  # fmt: skip
    analysis = open_analysis()
    analysis.check(filters.start)
    analysis.check(filters.end)
    from rmis.analytics import quick
    from rmis.analytics.flows import cube_columns

    legs = None
    if analysis.summary is not None:
        columns = cube_columns(["corridor"]) | filters.columns()
        try:
            cells = quick.kept_cells(analysis.summary, columns, ["corridor"], None, None, filters)
            legs = corridor_legs(cells, cube=True)
        except quick.NotSummarised:  # a cut by movement type no rollup holds
            pass
    if legs is None:
        legs = corridor_legs(filtered_crossings(analysis, filters))
    frame = run(lambda: legs)
    emit(frame, fmt, out, "RMIS_CORRIDORS", ["crossings"], None, analysis.synced, filters)


@app.command()
def refusals(
    by: By = "host_state,refusal_reason",
    from_: From = None,
    to: To = None,
    host: Host = None,
    bcp: Bcp = None,
    nationality: Nationality = None,
    purpose: Purpose = None,
    sex: Sex = None,
    age_band: AgeBand = None,
    movement_type: MovementType = None,
    fmt: Format = None,
    out: Out = None,
) -> None:
    """Refused entries and exits by reason (reference refusal reasons) and any flows
    dimension; cells with no refusal left out."""
    fmt = resolve_format(fmt, out)
    filters = parse_filters(
        from_, to, host_state=host, bcp=bcp, nationality=nationality, purpose=purpose,
        sex=sex, age_band=age_band, movement_type=movement_type,
    )  # fmt: skip
    analysis = open_analysis()
    analysis.check(filters.start)
    analysis.check(filters.end)
    frame = flows_frame(analysis, _dimensions(by), filters, count_people=False)
    keys = [c for c in frame.columns if c not in ("entries", "exits", "refused")]
    frame = frame.loc[frame.refused > 0, [*keys, "refused"]].reset_index(drop=True)
    emit(frame, fmt, out, "RMIS_REFUSALS", ["refused"], None, analysis.synced, filters)


@app.command()
def stock(
    on: On = None,
    by: By = "host_state,nationality",
    from_: From = None,
    to: To = None,
    every: Annotated[int, typer.Option(help="Curve: days between points")] = 1,
    host: Host = None,
    bcp: Annotated[
        str | None, typer.Option("--bcp", help="Only people who entered at these BCPs")
    ] = None,
    nationality: Nationality = None,
    purpose: Purpose = None,
    sex: Sex = None,
    age_band: Annotated[
        str | None, typer.Option("--age-band", help="Only these age bands (in the entry's year)")
    ] = None,
    movement_type: MovementType = None,
    fmt: Format = None,
    out: Out = None,
    suppress_below: Suppress = 0,
) -> None:
    """Foreigners present on a day (--on), or the curve from --from to --to, by host_state,
    nationality, purpose, sex.

    With no date, on the last day with data; with one end of the curve, the other end is the
    first (or the last) day with data. The filters keep the stays whose entry they match."""
    from rmis.analytics import (
        quick,
        stays,
        stock_curve,
        stock_curve_of_stays,
        stock_on,
        stock_on_stays,
    )

    fmt = resolve_format(fmt, out)
    # --from and --to are the curve's ends here, not a filter of entries.
    filters = parse_filters(
        None, None, host_state=host, bcp=bcp, nationality=nationality, purpose=purpose,
        sex=sex, age_band=age_band, movement_type=movement_type,
    )  # fmt: skip
    analysis = open_analysis()
    cells_only = not (filters.bcp or filters.age_band or filters.movement_type)
    if analysis.summary is not None and cells_only and not (from_ or to):
        # The stock rollups answer a day under the filters of their own cells.
        source, curve, on_day = analysis.summary, quick.stock_curve, quick.stock_on
    elif filters.describe() != "none":
        made = analysis.summary.stays if analysis.summary else stays(analysis.warehouse.crossings)
        kept = of_movement_types(filters.on_stays(made, "entry"), analysis, filters)
        source, curve, on_day = kept, stock_curve_of_stays, stock_on_stays
    elif analysis.summary is not None:
        # The stays the sync keeps, or the crossings: the same answer (tests/analytics).
        source, curve, on_day = analysis.summary, quick.stock_curve, quick.stock_on
    else:
        source, curve, on_day = analysis.warehouse.crossings, stock_curve, stock_on
    if from_ or to:
        first = _day(from_) or _first_day(analysis)
        last = analysis.day(to)
        analysis.check(_day(from_))
        frame = run(curve, source, first, last, _dimensions(by), every)
    elif on_day is quick.stock_on:
        frame = run(on_day, source, analysis.day(on), _dimensions(by), filters)
    else:
        frame = run(on_day, source, analysis.day(on), _dimensions(by))
    if suppress_below:
        frame = suppress_small(frame, "present", [], suppress_below)
    confidential = _suppressed(frame, "present", suppress_below)
    emit(frame, fmt, out, "RMIS_STOCK", ["present"], confidential, analysis.synced, filters)


@app.command()
def overstays(
    on: On = None,
    detail: Annotated[
        bool, typer.Option(help="One row per overstayer, not per nationality")
    ] = False,
    host: Host = None,
    nationality: Nationality = None,
    movement_type: MovementType = None,
    fmt: Format = None,
    out: Out = None,
    suppress_below: Suppress = 0,
) -> None:
    """Open overstays on a day (judged by the stay rules), by host state and nationality."""
    from rmis.analytics import find_overstays_on, overstays_by_nationality
    from rmis.reference.stay_rules import load_stay_rules
    from rmis.settings import Settings

    fmt = resolve_format(fmt, out)
    filters = parse_filters(host_state=host, nationality=nationality, movement_type=movement_type)
    analysis = open_analysis()
    wh = analysis.warehouse
    day = analysis.day(on)
    rules = load_stay_rules(Settings.from_env().stay_rules)
    found = find_overstays_on(wh.crossings, wh.permits, rules, day, wh.documents, wh.reviews)
    open_ = _overstayers_kept(found.open, analysis, filters)
    frame = open_ if detail else overstays_by_nationality(open_)
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
        filters,
    )


def _overstayers_kept(open_: pd.DataFrame, analysis: Analysis, filters: Filters) -> pd.DataFrame:
    kept = open_
    for name in ("host_state", "nationality"):
        if values := getattr(filters, name):
            kept = kept[kept[name].isin(values)]
    if filters.movement_type:
        import ibis

        people = ibis.memtable(kept[["person_key"]].drop_duplicates())
        typed = of_movement_types(people, analysis, filters).to_pandas()
        kept = kept[kept.person_key.isin(typed.person_key)]
    return kept.reset_index(drop=True)


@app.command()
def typology(
    fmt: Format = None,
    out: Out = None,
    summary: Annotated[bool, typer.Option(help="Counts of people per movement type")] = False,
    from_: From = None,
    to: To = None,
    host: Host = None,
    bcp: Bcp = None,
    direction: Direction = None,
    nationality: Nationality = None,
    purpose: Purpose = None,
    sex: Sex = None,
    age_band: AgeBand = None,
    movement_type: MovementType = None,
) -> None:
    """Movement type of every person, with their documents (docs/movement-types.md); with
    --summary, people per type. The filters keep the people with a crossing they match (a
    person's type is read from all their crossings)."""
    from rmis.analytics import quick, typology_with_documents

    fmt = resolve_format(fmt, out)
    filters = parse_filters(
        from_, to, host_state=host, bcp=bcp, direction=direction, nationality=nationality,
        purpose=purpose, sex=sex, age_band=age_band, movement_type=movement_type,
    )  # fmt: skip
    analysis = open_analysis()
    wh = analysis.warehouse
    filtered = filters.describe() != "none"
    if summary:
        if analysis.summary is not None and not filtered:
            frame = run(quick.movement_mix, analysis.summary)
        else:
            frame = movement_mix(analysis, filters if filtered else None)
        emit(frame, fmt, out, "RMIS_MOVEMENT_TYPES", ["people"], None, analysis.synced, filters)
        return
    frame = run(typology_with_documents, wh.crossings, wh.documents)
    if filtered:
        kept = filtered_crossings(analysis, filters).select("person_key").distinct().to_pandas()
        frame = frame[frame.person_key.isin(kept.person_key)].reset_index(drop=True)
    emit(frame, fmt, out, "RMIS_MOVEMENT_TYPES", [], None, analysis.synced, filters)


def movement_mix(analysis: Analysis, filters: Filters | None) -> pd.DataFrame:
    """People per movement type (every type listed, in MOVEMENT_TYPES' order), each person
    once however many documents they crossed on; with filters, the people they keep."""
    import pandas as pd

    from rmis.analytics import MOVEMENT_TYPES, movement_types, quick

    if analysis.summary is not None:
        typed = quick.movement_types(analysis.summary)
    else:
        typed = movement_types(analysis.warehouse.crossings)
    if filters is not None:
        people = filtered_crossings(analysis, filters).select("person_key").distinct()
        typed = typed.semi_join(people, "person_key")
    counts = typed.group_by("movement_type").aggregate(people=typed.count()).to_pandas()
    counts = counts.set_index("movement_type").people
    return pd.DataFrame(
        {
            "movement_type": list(MOVEMENT_TYPES),
            "people": [int(counts.get(t, 0)) for t in MOVEMENT_TYPES],
        }
    )


@app.command("state-roles")
def roles(
    fmt: Format = None,
    out: Out = None,
    from_: From = None,
    to: To = None,
    host: Annotated[str | None, typer.Option("--host", help="Only these states")] = None,
    nationality: Nationality = None,
) -> None:
    """How much each state is an origin, a transit and a destination, per nationality (not the
    roles of principals: see `rmis users`)."""
    from rmis.analytics import state_roles
    from rmis.analytics.state_roles import roles_of_events

    fmt = resolve_format(fmt, out)
    filters = parse_filters(from_, to, host_state=host, nationality=nationality)
    analysis = open_analysis()
    analysis.check(filters.start)
    analysis.check(filters.end)
    if analysis.summary is not None:  # the role events the sync keeps: the same figures
        events = analysis.summary.rollups["role_events"]
        frame = run(roles_of_events, events, filters.start, filters.end)
    else:
        frame = run(state_roles, analysis.warehouse.crossings, filters.start, filters.end)
    if filters.host_state:
        frame = frame[frame.state.isin(filters.host_state)]
    if filters.nationality:
        frame = frame[frame.nationality.isin(filters.nationality)]
    emit(
        frame.reset_index(drop=True),
        fmt,
        out,
        "RMIS_STATE_ROLES",
        ["origin", "transit", "destination"],
        None,
        analysis.synced,
        filters,
    )


@app.command()
def mirror(
    fmt: Format = None,
    out: Out = None,
    from_: From = None,
    to: To = None,
    host: Annotated[
        str | None, typer.Option("--host", help="Only pairs with one of these states")
    ] = None,
    nationality: Nationality = None,
    purpose: Purpose = None,
    sex: Sex = None,
    age_band: AgeBand = None,
) -> None:
    """Exits recorded by A towards B against entries recorded by B from A, per month: the
    land crossings both sides record (docs/warehouse.md)."""
    from rmis.analytics import mirror as mirror_statistics
    from rmis.analytics import quick

    fmt = resolve_format(fmt, out)
    filters = parse_filters(
        from_, to, host_state=host, nationality=nationality, purpose=purpose, sex=sex,
        age_band=age_band,
    )  # fmt: skip
    analysis = open_analysis()
    analysis.check(filters.start)
    analysis.check(filters.end)
    if analysis.summary is not None:
        frame = run(quick.mirror, analysis.summary, filters=filters)
    else:
        kept = replace(filters, host_state=())
        mirrored = mirror_statistics(kept.on_crossings(analysis.warehouse.crossings))
        frame = run(quick.mirror_of_states, mirrored, filters.host_state)
    emit(
        frame,
        fmt,
        out,
        "RMIS_MIRROR",
        ["exits_recorded_by_origin", "entries_recorded_by_destination"],
        None,
        analysis.synced,
        filters,
    )


@app.command()
def surges(
    on: On = None,
    host: Host = None,
    bcp: Bcp = None,
    nationality: Nationality = None,
    fmt: Format = None,
    out: Out = None,
) -> None:
    """Series (host state, BCP, nationality) alerting on --on, most severe first, each with its
    status (current: its run meets the rule today; carried from the day it last did; ended:
    arrivals back at or below expected while the alert winds down) and the forecast 13 weeks
    ahead (docs/early-warning.md)."""
    from rmis.analytics import SERIES_KEYS, forecast, forecast_frame, surges_frame
    from rmis.analytics import surges as find_surges

    fmt = resolve_format(fmt, out)
    filters = parse_filters(host_state=host, bcp=bcp, nationality=nationality)
    analysis = open_analysis()
    wh = analysis.warehouse
    day = analysis.day(on)
    found = [
        a
        for a in find_surges(wh.crossings, day)
        if all(
            not values or value in values
            for value, values in (
                (a.host_state, filters.host_state),
                (a.bcp_code, filters.bcp),
                (a.nationality, filters.nationality),
            )
        )
    ]
    frame = surges_frame(found)
    if found:
        forecasts = forecast(wh.crossings, day, [a.series for a in found])
        keys = list(SERIES_KEYS)
        frame = frame.merge(forecast_frame(list(forecasts.values()), day), on=keys, how="left")
    if fmt == "table" and frame.empty:
        typer.echo(f"no surges on {day.isoformat()}")
        return
    table_view = _surges_table(frame) if fmt == "table" else frame
    measures = ["observed", "expected", "excess"]
    emit(table_view, fmt, out, "RMIS_ALERTS", measures, None, analysis.synced, filters)


def _surges_table(frame: pd.DataFrame) -> pd.DataFrame:
    """The alerts as a person reads them in a terminal: arrivals with their window, the
    forecast as one cell under a header naming its week."""
    import pandas as pd

    week = frame.forecast_week.dropna()
    heading = f"forecast, week of {week.iloc[0]}" if len(week) else "forecast"

    def forecast_cell(row: pd.Series) -> str:
        if pd.isna(row.forecast_median):
            note = row.forecast_note
            return f"none: {note if isinstance(note, str) and note else 'not forecast'}"
        low, high = row.forecast_low80, row.forecast_high80
        return f"{row.forecast_median:,.0f} (80%: {low:,.0f}-{high:,.0f})"

    view = frame[["severity", "status", "host_state", "bcp_code", "nationality", "since"]].copy()
    view["arrivals"] = [
        f"{o:,} in {d} d" for o, d in zip(frame.observed, frame.window_days, strict=True)
    ]
    view["expected"] = frame.expected
    view["ratio"] = frame.ratio
    view["chance"] = frame.chance
    view[heading] = [forecast_cell(row) for _, row in frame.iterrows()]
    return view


# The commands' names until surges were told apart from alert-list hits, and state roles from
# principals' roles.
app.command("roles", hidden=True)(roles)
# The command's name until surges were told apart from alert-list hits.
app.command("alerts", hidden=True)(surges)


def _first_day(analysis: Analysis) -> date:
    if analysis.period is None:
        fail("the warehouse holds no crossings: give --from")
    return analysis.period.first
