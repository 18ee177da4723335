"""A node's aggregates for the hub: the agreed dataflows of one period, counted on its own
warehouse, under the one disclosure control (analytics.protect), written as SDMX-CSV with the
period's totals (TOTAL, `_T`, where a dimension is summed over) beside the cells."""

from __future__ import annotations

import calendar
import io
from dataclasses import dataclass
from datetime import date

import pandas as pd

from rmis import analytics


@dataclass(frozen=True, slots=True)
class Dataflow:
    id: str
    dimensions: tuple[str, ...]
    people: str  # the count of people cells are suppressed by
    measures: tuple[str, ...]  # besides `people`
    additive: tuple[str, ...]  # measures whose totals are published (sums over cells)


# Flows are cut by the partner state across the border (entries from it and exits to it in one
# cell, AIR or SEA at airports and seaports): cut by from and to states instead, every entry
# cell would have no exits and the other way round, and those structural zeros would leave no
# box to protect a cell with. People counted per cell are not additive (a person crosses in
# several cells), so the flows' totals are of crossings only.
DATAFLOWS = {
    "RMIS_FLOWS": Dataflow(
        "RMIS_FLOWS",
        ("host_state", "partner", "nationality"),
        "people",
        ("entries", "exits", "refused"),
        ("entries", "exits", "refused"),
    ),
    "RMIS_STOCK": Dataflow(
        "RMIS_STOCK", ("host_state", "nationality"), "present", (), ("present",)
    ),
    "RMIS_OVERSTAYS": Dataflow(
        "RMIS_OVERSTAYS",
        ("host_state", "nationality"),
        "overstayers",
        ("without_permit", "median_days", "max_days"),
        ("overstayers", "without_permit"),
    ),
}


def period_days(period: str) -> tuple[date, date]:
    """First and last day of a period written 2026-03 (a month) or 2026 (a year)."""
    if len(period) == 7:
        year, month = int(period[:4]), int(period[5:])
        return date(year, month, 1), date(year, month, calendar.monthrange(year, month)[1])
    year = int(period)
    return date(year, 1, 1), date(year, 12, 31)


def count(warehouse: analytics.Warehouse, dataflow: str, period: str, rules=None) -> pd.DataFrame:
    """The true table of `dataflow` for `period` (before disclosure control)."""
    spec = DATAFLOWS[dataflow]
    first, last = period_days(period)
    if dataflow == "RMIS_FLOWS":
        frame = _flows_by_partner(warehouse.crossings, first, last)
    elif dataflow == "RMIS_STOCK":  # present on the period's last day
        frame = analytics.stock_on(warehouse.crossings, last, list(spec.dimensions)).to_pandas()
    else:
        found = analytics.find_overstays_on(
            warehouse.crossings,
            warehouse.permits,
            rules,
            last,
            warehouse.documents,
            warehouse.reviews,
        )
        frame = analytics.overstays_by_nationality(found.open)
    frame = frame.rename(columns={"refusals": "refused"})
    columns = [*spec.dimensions, spec.people, *spec.measures]
    return frame[columns].reset_index(drop=True)


def _flows_by_partner(crossings, first: date, last: date) -> pd.DataFrame:
    """Admitted entries and exits, refusals and distinct people per host state, partner state
    and nationality (analytics.flows' counts, cut by the partner across the border)."""
    import ibis

    t = crossings.filter((crossings.local_date >= first) & (crossings.local_date <= last))
    t = t.mutate(partner=t.neighbour.fill_null(t.mode.upper()))
    admitted = t.outcome == "admitted"
    counted = t.group_by(["host_state", "partner", "nationality"]).aggregate(
        entries=ibis.ifelse(admitted & (t.direction == "entry"), 1, 0).sum(),
        exits=ibis.ifelse(admitted & (t.direction == "exit"), 1, 0).sum(),
        refused=ibis.ifelse(t.outcome == "refused", 1, 0).sum(),
        people=t.person_key.nunique(),
    )
    frame = counted.to_pandas()
    for column in ("entries", "exits", "refused", "people"):
        frame[column] = frame[column].astype("int64")
    return frame.sort_values(["host_state", "partner", "nationality"], ignore_index=True)


def payload(truth: pd.DataFrame, dataflow: str, period: str, k: int) -> str:
    """SDMX-CSV of `truth` under disclosure control at `k`, with its totals unless the control
    withheld them; TIME_PERIOD is `period`."""
    spec = DATAFLOWS[dataflow]
    dims, measures = list(spec.dimensions), [spec.people, *spec.measures]
    protected = analytics.protect(
        truth, dims, spec.people, list(spec.measures), k, additive=list(spec.additive)
    )
    cells = analytics.to_sdmx_csv(protected.frame, dataflow, measures, protected.confidential)
    parts = [cells]
    publishable = protected.publishable(list(spec.additive))
    if publishable and len(truth):
        sums = analytics.margins(truth, dims, publishable)
        parts.append(analytics.to_sdmx_csv(sums, dataflow, publishable))
    out = pd.concat(parts, ignore_index=True)
    out.insert(1 + len(dims), "TIME_PERIOD", period)
    buffer = io.StringIO()
    out.to_csv(buffer, index=False, lineterminator="\n")
    return buffer.getvalue()


def read_payload(text: str) -> pd.DataFrame:
    """An aggregates payload back as a frame (strings; OBS_VALUE empty where suppressed)."""
    return pd.read_csv(io.StringIO(text), dtype=str, keep_default_na=False)
