"""Flows: admitted entries and exits (and refusals) counted by any mix of dimensions.

The corridor of a crossing is (from_state, to_state): an entry comes from the BCP's
neighbour into the host state, an exit goes from the host state to the neighbour. Airports
and seaports do not record where a flight or ferry goes, so their side of a corridor is
`AIR` or `SEA` (docs/warehouse.md).
"""

from __future__ import annotations

from datetime import date

import ibis

from rmis.analytics.dimensions import PERIODS, age_band, check_dimensions, date_filter, period
from rmis.analytics.stays import partner

DIMENSIONS = (
    "host_state", "bcp", "corridor", "from_state", "to_state", "mode", "nationality", "purpose",
    "sex", "age_band", *PERIODS,
)  # fmt: skip


def flows(
    crossings: ibis.Table,
    by: list[str],
    start: date | None = None,
    end: date | None = None,
    count_travellers: bool = False,
) -> ibis.Table:
    """Entries, exits and refusals per cell of `by`; with `count_travellers`, also the number
    of distinct travellers in the cell (what small-count suppression needs)."""
    check_dimensions(by, DIMENSIONS)
    t = crossings.filter(date_filter(crossings.local_date, start, end))
    side = partner(t)
    entry = t.direction == "entry"
    columns = {
        "host_state": t.host_state,
        "bcp": t.bcp_code,
        "from_state": ibis.ifelse(entry, side, t.host_state),
        "to_state": ibis.ifelse(entry, t.host_state, side),
        "mode": t.mode,
        "nationality": t.nationality,
        "purpose": t.purpose,
        "sex": t.sex,
        "age_band": age_band(t.birth_year, t.local_date),
        **{name: period(t.local_date, name) for name in PERIODS},
    }
    keys = [k for d in by for k in (("from_state", "to_state") if d == "corridor" else (d,))]
    keys = list(dict.fromkeys(keys))
    cut = t.select(*(columns[k].name(k) for k in keys), "direction", "outcome", "traveller_id")
    admitted = cut.outcome == "admitted"
    metrics = {
        "entries": (admitted & (cut.direction == "entry")).sum(),
        "exits": (admitted & (cut.direction == "exit")).sum(),
        "refused": (cut.outcome == "refused").sum(),
    }
    if count_travellers:
        metrics["travellers"] = cut.traveller_id.nunique()
    grouped = cut.group_by(keys).aggregate(**metrics) if keys else cut.aggregate(**metrics)
    return grouped.order_by(keys) if keys else grouped
