"""The analyses answered from the warehouse's summaries (summaries.py) instead of every crossing:
what the CLI, the report and the analyst's dashboard read at the scale of a country.

Each answer is the same table the analysis over the crossings gives (tests/analytics hold them
equal on a synthetic region). Flows that count people (`count_people`, small-count suppression)
need the crossings: `flows` answers them from there.
"""

from __future__ import annotations

from dataclasses import dataclass, replace
from datetime import date, timedelta
from pathlib import Path

import ibis
import pandas as pd
from ibis import _
from ibis.backends import BaseBackend

from rmis.analytics.dimensions import check_dimensions
from rmis.analytics.engine import Warehouse
from rmis.analytics.filters import NONE as NO_FILTERS
from rmis.analytics.filters import Filters
from rmis.analytics.flows import cube_columns, flows_from_cube
from rmis.analytics.mirror import mirror_from_cube
from rmis.analytics.overstays import Overstays, find_overstays_on
from rmis.analytics.stock import DIMENSIONS as STOCK_DIMENSIONS
from rmis.analytics.stock import stock_curve_of_stays
from rmis.analytics.summaries import (
    ALL_ROLLUPS,
    MONTHLY,
    ROLLUPS,
    STOCK_CELLS,
    SUMMARIES_VERSION,
    TYPED_MONTHLY,
    TYPED_ROLLUPS,
    typed_people,
)
from rmis.analytics.typology import (
    MOVEMENT_TYPES,
)
from rmis.reference.stay_rules import StayRulesTable
from rmis.warehouse import read_manifest


@dataclass(frozen=True)
class Summary:
    """The summaries of one warehouse, as Ibis tables on one backend."""

    cube: ibis.Table  # crossings counted (n) per day, BCP, direction, outcome and profile
    rollups: dict[str, ibis.Table]  # summaries.ROLLUPS: the cube summed to fewer columns
    stays: ibis.Table  # stays.stays of every person
    people: ibis.Table  # movement features per person (summaries.person_features)

    def last_day(self) -> date:
        """The last day with data (the latest local_date of any crossing), from the smallest
        rollup that keeps days."""
        return pd.Timestamp(self.rollups["day_bcp"].local_date.max().execute()).date()


def open_summary(root: Path, backend: BaseBackend) -> Summary | None:
    """The summaries the manifest lists, or None when the last sync made none (a sync without
    a summariser) or they were made by another version."""
    summaries = read_manifest(root).summaries
    if summaries is None or summaries.version != SUMMARIES_VERSION:
        return None
    if not summaries.flows or summaries.stays is None or summaries.people is None:
        return None
    if set(summaries.rollups) != ALL_ROLLUPS:
        return None

    def read(name: str, files: list[str]) -> ibis.Table:
        paths = [str((root / f).resolve()) for f in files]
        return backend.read_parquet(paths, table_name=f"rmis_summary_{name}")

    return Summary(
        cube=read("cube", sorted(summaries.flows.values())),
        rollups={name: read(name, [f]) for name, f in sorted(summaries.rollups.items())},
        stays=read("stays", [summaries.stays]),
        people=read("people", [summaries.people]),
    )


def flows(
    summary: Summary,
    by: list[str],
    start: date | None = None,
    end: date | None = None,
    filters: Filters = NO_FILTERS,
) -> ibis.Table:
    """analytics.flows without people counts, from the smallest cube that holds its cells and
    the columns `filters` read (their period narrows `start`..`end`); a movement-type filter
    from the rollups by type, or NotSummarised when none holds the cut."""
    start, end = narrowed(start, end, filters)
    cells = kept_cells(summary, cube_columns(by) | filters.columns(), by, start, end, filters)
    return flows_from_cube(cells, by, start, end)


class NotSummarised(LookupError):
    """A cut under a movement-type filter that no rollup by type holds (e.g. BCP x nationality
    x purpose by day): the crossings answer it (panels.py)."""


def kept_cells(
    summary: Summary,
    columns: set[str],
    by: list[str],
    start: date | None,
    end: date | None,
    filters: Filters,
) -> ibis.Table:
    """The cells `filters` keep of the smallest cube holding `columns` for a period within
    `start`..`end` and the filters' own; under a movement-type filter, of the smallest rollup
    by type (summaries.TYPED_ROLLUPS)."""
    start, end = narrowed(start, end, filters)  # a month's rollup only for whole months
    if not filters.by_person:
        cube = smallest_cube(summary, columns, by, start, end)
        return filters.on_crossings(cube, with_age_band=True)
    typed = smallest_cube(summary, columns, by, start, end, typed=True)
    if typed is None:
        raise NotSummarised(f"no rollup by movement type holds {sorted(columns)}")
    kept = filters.on_crossings(typed, with_age_band=True)
    return kept.filter(kept.movement_type.isin(list(filters.movement_type)))


def narrowed(
    start: date | None, end: date | None, filters: Filters
) -> tuple[date | None, date | None]:
    """The period both the arguments and the filters allow."""
    if filters.start is not None:
        start = max(start, filters.start) if start else filters.start
    if filters.end is not None:
        end = min(end, filters.end) if end else filters.end
    return start, end


def smallest_cube(
    summary: Summary,
    columns: set[str],
    by: list[str],
    start: date | None,
    end: date | None,
    typed: bool = False,
) -> ibis.Table | None:
    """The first rollup (smallest first) holding `columns`; a monthly one only when no day or
    week is asked for and the period is whole months; else the cube itself. `typed`: among the
    rollups by movement type, and None when none holds them (there is no cube by type)."""
    whole_months = (start is None or start.day == 1) and (end is None or _last_of_month(end))
    rollups, monthly = (TYPED_ROLLUPS, TYPED_MONTHLY) if typed else (ROLLUPS, MONTHLY)
    for name, held in rollups.items():
        if name in monthly and (not whole_months or {"day", "week"} & set(by)):
            continue
        if columns <= set(held):
            return summary.rollups[name]
    return None if typed else summary.cube


def _last_of_month(day: date) -> bool:
    return (day + timedelta(days=1)).day == 1


def mirror(
    summary: Summary,
    start: date | None = None,
    end: date | None = None,
    filters: Filters = NO_FILTERS,
) -> ibis.Table:
    """Mirror statistics from the smallest cube holding what `filters` read (a filter on the
    host state or the direction keeps the pairs it names, both sides counted)."""
    start, end = narrowed(start, end, filters)
    kept = replace(filters, host_state=(), direction=(), start=None, end=None)
    columns = set(ROLLUPS["day_bcp"]) | kept.columns()
    cells = kept_cells(summary, columns, ["month"], start, end, kept)  # by month: a month's too
    return mirror_of_states(mirror_from_cube(cells, start, end), filters.host_state)


def mirror_of_states(mirrored: ibis.Table, hosts: tuple[str, ...]) -> ibis.Table:
    """The pairs either of whose states is among `hosts` (all for none): a host-state filter on
    mirror statistics keeps the pairs it names, both sides counted."""
    if not hosts:
        return mirrored
    return mirrored.filter(
        mirrored.from_state.isin(list(hosts)) | mirrored.to_state.isin(list(hosts))
    )


def stock_on(
    summary: Summary, on: date, by: list[str], filters: Filters = NO_FILTERS
) -> ibis.Table:
    """analytics.stock_on from the stock rollups: the foreign stays present in each cell on
    `on`, less the people counted twice there (two stays sharing the day: summaries.py).
    Of `filters`, the stock cells' own dimensions apply (STOCK_CELLS)."""
    check_dimensions(by, STOCK_DIMENSIONS)
    changes = _stock_cells_kept(summary.rollups["stock"], filters)
    cells = (
        changes.filter(changes.day <= on)
        .group_by(list(STOCK_CELLS))
        .aggregate(present=changes.present.argmax(changes.day))
    )
    shared = _stock_cells_kept(summary.rollups["stock_overlaps"], filters)
    twice = shared.filter(shared.day == on).group_by(["person_key", *by]).aggregate(k=_.count())
    if not by:
        stays_present = cells.aggregate(stays=cells.present.sum())
        extra = twice.aggregate(extra=(twice.k - 1).sum())
        joined = stays_present.cross_join(extra)
        return joined.select(
            present=(joined.stays.fill_null(0) - joined.extra.fill_null(0)).cast("int64")
        )
    stays_present = cells.group_by(by).aggregate(stays=cells.present.sum())
    extra = twice.group_by(by).aggregate(extra=(twice.k - 1).sum())
    joined = stays_present.left_join(extra, [stays_present[c].identical_to(extra[c]) for c in by])
    counted = joined.select(
        *(stays_present[c] for c in by),
        present=(joined.stays - joined.extra.fill_null(0)).cast("int64"),
    )
    return counted.filter(counted.present > 0).order_by(by)


def _stock_cells_kept(table: ibis.Table, filters: Filters) -> ibis.Table:
    condition = ibis.literal(True)
    for name in STOCK_CELLS:  # the filters named as the stock's cells
        if values := getattr(filters, name):
            condition &= table[name].isin(list(values))
    return table.filter(condition)


def stock_curve(
    summary: Summary, start: date, end: date, by: list[str], every_days: int = 1
) -> ibis.Table:
    return stock_curve_of_stays(summary.stays, start, end, by, every_days)


def overstays(summary: Summary, warehouse: Warehouse, rules: StayRulesTable, on: date) -> Overstays:
    """analytics.find_overstays_on over the summaries' stays (the candidates and the engine as
    there; the stays are not made again from every crossing)."""
    return find_overstays_on(
        warehouse.crossings, warehouse.permits, rules, on, warehouse.documents,
        warehouse.reviews, made=summary.stays,
    )  # fmt: skip


def movement_types(summary: Summary, last_day: date | None = None) -> ibis.Table:
    """analytics.movement_types from the people table: the open stay is measured up to the
    last day with data, as the analysis over crossings does."""
    return _typed(summary, last_day).order_by("person_key")


def _typed(summary: Summary, last_day: date | None) -> ibis.Table:
    return typed_people(summary.people, ibis.date(last_day or summary.last_day()))


def movement_mix(summary: Summary, last_day: date | None = None) -> ibis.Table:
    """People per movement type (every type listed, in MOVEMENT_TYPES' order): the people with
    no open stay counted by the sync (their type does not move with the last day), the others
    typed here."""
    last = ibis.date(last_day or summary.last_day())
    still_away = summary.people.filter(summary.people.open_entry.notnull())
    typed = typed_people(still_away, last).select("movement_type", people=ibis.literal(1, "int64"))
    settled = summary.rollups["movement_mix_settled"]
    counts = (
        typed.union(settled.select("movement_type", "people"))
        .group_by("movement_type")
        .aggregate(people=_.people.sum())
    )
    order = ibis.memtable(
        {"movement_type": list(MOVEMENT_TYPES), "rank": list(range(len(MOVEMENT_TYPES)))}
    )
    joined = order.left_join(counts, "movement_type")
    ranked = joined.select(order.movement_type, order["rank"], people=joined.people.fill_null(0))
    return ranked.order_by("rank").drop("rank")
