"""State roles: for each state and nationality, how much the state is an origin, a transit
and a destination, read from people's stays (stays.py: across all of a person's documents).

Each role counts people, once however often they crossed:
- origin: the state's own citizens who left it (exits where nationality = state);
- transit: foreigners with a stay of at most TRANSIT_DAYS days that left towards another state
  than the one they came from (through the country, not to it and back);
- destination: foreigners with any other stay (longer, or back where they came from, or open).
A person can hold two roles in one period (passing through once, staying another time); the
shares are of the three counts together.
"""

from __future__ import annotations

from datetime import date

import ibis
from ibis import _

from rmis.analytics.dimensions import date_filter
from rmis.analytics.stays import days_between, foreign, stays

TRANSIT_DAYS = 3


def passes_through(s: ibis.Table) -> ibis.BooleanValue:
    """A short stay that leaves towards somewhere other than where it came from."""
    short = s.exit_date.notnull() & (days_between(s.entry_date, s.exit_date) <= TRANSIT_DAYS)
    onward = s.exit_partner.isnull() | (s.exit_partner != s.entry_partner)
    return short & onward


def state_roles(
    crossings: ibis.Table,
    start: date | None = None,
    end: date | None = None,
    made: ibis.Table | None = None,
) -> ibis.Table:
    """Origin, transit and destination people per state and nationality, entries (and
    departures) in `start`..`end`. `made`: the people's stays already made (stays.stays of the
    same crossings, e.g. the summaries' table), so they are not made again here."""
    departures = (
        crossings.filter(
            (_.outcome == "admitted")
            & (_.direction == "exit")
            & (_.nationality == _.host_state)
            & date_filter(_.local_date, start, end)
        )
        .group_by(state=_.host_state, nationality=_.nationality)
        .aggregate(origin=_.person_key.nunique())
    )
    s = stays(crossings) if made is None else made
    s = s.filter(foreign(s) & date_filter(s.entry_date, start, end))
    through = passes_through(s)
    visits = s.group_by(state=s.host_state, nationality=s.nationality).aggregate(
        transit=ibis.ifelse(through, s.person_key, ibis.null(str)).nunique(),
        destination=ibis.ifelse(through, ibis.null(str), s.person_key).nunique(),
    )
    keys = ["state", "nationality"]
    joined = departures.outer_join(visits, keys)
    counts = joined.select(
        **{k: ibis.coalesce(joined[k], joined[f"{k}_right"]) for k in keys},
        origin=joined.origin.fill_null(0),
        transit=joined.transit.fill_null(0),
        destination=joined.destination.fill_null(0),
    )
    total = (counts.origin + counts.transit + counts.destination).cast("float64")
    return counts.mutate(
        origin_share=counts.origin / total,
        transit_share=counts.transit / total,
        destination_share=counts.destination / total,
    ).order_by(keys)
