"""Mirror statistics: exits recorded by A towards B against entries recorded by B from A.

Only land crossings name the state across the line, so only they can be mirrored. The two
should match month by month; a persistent gap points at a side that under-records.
"""

from __future__ import annotations

from datetime import date

import ibis
from ibis import _

from rmis.analytics.dimensions import date_filter, period


def mirror(crossings: ibis.Table, start: date | None = None, end: date | None = None) -> ibis.Table:
    return _mirror(crossings, start, end, cube=False)


def mirror_from_cube(
    cube: ibis.Table, start: date | None = None, end: date | None = None
) -> ibis.Table:
    """The same, summed over the summaries' cube (summaries.py)."""
    return _mirror(cube, start, end, cube=True)


def _mirror(crossings: ibis.Table, start: date | None, end: date | None, cube: bool) -> ibis.Table:
    land = crossings.filter(
        (_.outcome == "admitted") & _.neighbour.notnull() & date_filter(_.local_date, start, end)
    )
    exits = (
        land.filter(_.direction == "exit")
        .group_by(
            month=period(_.local_date, "month"), from_state=_.host_state, to_state=_.neighbour
        )
        .aggregate(exits_recorded_by_origin=_.n.sum() if cube else _.count())
    )
    entries = (
        land.filter(_.direction == "entry")
        .group_by(
            month=period(_.local_date, "month"), from_state=_.neighbour, to_state=_.host_state
        )
        .aggregate(entries_recorded_by_destination=_.n.sum() if cube else _.count())
    )
    keys = ["month", "from_state", "to_state"]
    joined = exits.outer_join(entries, keys)
    both = joined.select(
        **{k: ibis.coalesce(joined[k], joined[f"{k}_right"]) for k in keys},
        exits_recorded_by_origin=joined.exits_recorded_by_origin.fill_null(0),
        entries_recorded_by_destination=joined.entries_recorded_by_destination.fill_null(0),
    )
    return both.mutate(
        difference=_.exits_recorded_by_origin - _.entries_recorded_by_destination,
        ratio=ibis.ifelse(
            _.entries_recorded_by_destination > 0,
            _.exits_recorded_by_origin / _.entries_recorded_by_destination.cast("float64"),
            ibis.null("float64"),
        ),
    ).order_by(keys)
