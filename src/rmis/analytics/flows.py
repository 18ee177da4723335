"""Flows: admitted entries and exits (and refusals) counted by any mix of dimensions.

The corridor of a crossing is (from_state, to_state): an entry comes from the BCP's
neighbour into the host state, an exit goes from the host state to the neighbour. Airports
and seaports do not record where a flight or ferry goes, so their side of a corridor is
`AIR` or `SEA` (docs/warehouse.md).

A land border is recorded by both states (the exit on one side, the entry on the other), a
flight or a ferry by each end apart with the other end unknown: `corridor_legs` counts each
journey leg once (see there), where flows by corridor keep both sides' records apart.
"""

from __future__ import annotations

from datetime import date

import ibis
from ibis import _

from rmis.analytics.dimensions import PERIODS, age_band, check_dimensions, date_filter, period
from rmis.analytics.stays import PARTNER_UNKNOWN_AIR, PARTNER_UNKNOWN_SEA, partner

DIMENSIONS = (
    "host_state", "bcp", "corridor", "from_state", "to_state", "mode", "nationality", "purpose",
    "sex", "age_band", "refusal_reason", *PERIODS,
)  # fmt: skip


# The stored columns each cell dimension is derived from.
RAW_COLUMNS = {
    "host_state": ("host_state",),
    "bcp": ("bcp_code",),
    "from_state": ("host_state", "neighbour", "mode"),
    "to_state": ("host_state", "neighbour", "mode"),
    "mode": ("mode",),
    "nationality": ("nationality",),
    "purpose": ("purpose",),
    "sex": ("sex",),
    "age_band": ("birth_year", "year"),
    "refusal_reason": ("refusal_reason",),
    "day": ("local_date",),
    "week": ("local_date",),
    "month": ("year", "month"),
    "year": ("year",),
}


def cube_columns(by: list[str]) -> set[str]:
    """The columns a cube must hold for flows by `by` (summaries.py: age band stored)."""
    check_dimensions(by, DIMENSIONS)
    stored = {**RAW_COLUMNS, "age_band": ("age_band",)}
    keys = [k for d in by for k in (("from_state", "to_state") if d == "corridor" else (d,))]
    return {c for k in keys for c in stored[k]} | {"direction", "outcome", "local_date"}


def flows(
    crossings: ibis.Table,
    by: list[str],
    start: date | None = None,
    end: date | None = None,
    count_people: bool = False,
) -> ibis.Table:
    """Entries, exits and refusals per cell of `by`; with `count_people`, also `people`, the
    number of distinct people in the cell (what small-count suppression needs: a person who
    crossed on two documents is one)."""
    return _flows(crossings, by, start, end, count_people, cube=False)


def flows_from_cube(
    cube: ibis.Table, by: list[str], start: date | None = None, end: date | None = None
) -> ibis.Table:
    """The same as `flows` (without people), summed over the summaries' cube (summaries.py),
    whose rows already count crossings (`n`) and carry their age band."""
    return _flows(cube, by, start, end, count_people=False, cube=True)


def _flows(
    crossings: ibis.Table,
    by: list[str],
    start: date | None,
    end: date | None,
    count_people: bool,
    cube: bool,
) -> ibis.Table:
    check_dimensions(by, DIMENSIONS)
    keys = [k for d in by for k in (("from_state", "to_state") if d == "corridor" else (d,))]
    keys = list(dict.fromkeys(keys))
    # Counted first on the stored columns the cells need (few distinct values), then cut:
    # strings and dates are derived per group, not per crossing.
    stored = {**RAW_COLUMNS, "age_band": ("age_band",)} if cube else RAW_COLUMNS
    raw = sorted({c for k in keys for c in stored[k]} | {"direction", "outcome"})
    if count_people:
        raw.append("person_key")
    t = crossings.filter(date_filter(crossings.local_date, start, end))
    g = t.group_by(raw).aggregate(n=_.n.sum() if cube else _.count())
    entry = g.direction == "entry"
    columns = {  # built only for the cells asked for: g holds only their stored columns
        "host_state": lambda: g.host_state,
        "bcp": lambda: g.bcp_code,
        "from_state": lambda: ibis.ifelse(entry, partner(g), g.host_state),
        "to_state": lambda: ibis.ifelse(entry, g.host_state, partner(g)),
        "mode": lambda: g.mode,
        "nationality": lambda: g.nationality,
        "purpose": lambda: g.purpose,
        "sex": lambda: g.sex,
        "age_band": lambda: g.age_band if cube else age_band(g.birth_year, g.year),
        "refusal_reason": lambda: g.refusal_reason,
        "day": lambda: g.local_date,
        "week": lambda: period(g.local_date, "week"),
        "month": lambda: ibis.date(g.year.cast("int32"), g.month.cast("int32"), 1),
        "year": lambda: ibis.date(g.year.cast("int32"), 1, 1),
    }
    extra = ["person_key"] if count_people else []
    cut = g.select(*(columns[k]().name(k) for k in keys), *extra, "direction", "outcome", "n")
    admitted = cut.outcome == "admitted"
    metrics = {
        "entries": ibis.ifelse(admitted & (cut.direction == "entry"), cut.n, 0).sum(),
        "exits": ibis.ifelse(admitted & (cut.direction == "exit"), cut.n, 0).sum(),
        "refused": ibis.ifelse(cut.outcome == "refused", cut.n, 0).sum(),
    }
    if count_people:
        metrics["people"] = cut.person_key.nunique()
    grouped = cut.group_by(keys).aggregate(**metrics) if keys else cut.aggregate(**metrics)
    return grouped.order_by(keys) if keys else grouped


UNRECORDED = (PARTNER_UNKNOWN_AIR, PARTNER_UNKNOWN_SEA)


def corridor_legs(
    crossings: ibis.Table,
    start: date | None = None,
    end: date | None = None,
    cube: bool = False,
) -> ibis.Table:
    """Admitted journey legs per corridor (from_state, to_state), each leg counted once.

    A land leg A -> B is in A's exits and in B's entries: it is counted from the entries B
    recorded when B's crossings are in the data read, else from the exits A recorded (B lies
    outside it, or the filter left it out). How far the two sides agree is what the mirror
    statistics show (mirror.py). An airport or seaport records only its own end, so a
    departure is the leg `RUS -> AIR` (destination not recorded) and an arrival `AIR -> UZB`
    (origin not recorded): the two ends of one flight cannot be matched. `counted_from` says
    whose records each row counts: `entries` (the destination's) or `exits` (the origin's).
    With `cube`, the table is a summaries cube (rows count `n` crossings).
    """
    t = crossings.filter(date_filter(crossings.local_date, start, end))
    sides = _flows(t, ["from_state", "to_state"], None, None, False, cube)
    recorders = t.select("host_state").distinct().host_state
    destination_records = sides.to_state.isin(recorders) | sides.from_state.isin(UNRECORDED)
    from_entries = destination_records & ~sides.to_state.isin(UNRECORDED)
    legs = sides.select(
        "from_state",
        "to_state",
        crossings=ibis.ifelse(from_entries, sides.entries, sides.exits),
        counted_from=ibis.ifelse(from_entries, "entries", "exits"),
    )
    return legs.filter(legs.crossings > 0).order_by([ibis.desc("crossings"), "from_state"])
