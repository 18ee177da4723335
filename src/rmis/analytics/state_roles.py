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


def role_events(crossings: ibis.Table, made: ibis.Table | None = None) -> ibis.Table:
    """One row per person, state, nationality, day and role the person took that day: origin on
    a citizen's admitted exit from their own state, transit or destination on a foreigner's
    entry (by how that stay went). `made`: the people's stays already made (stays.stays of the
    same crossings, e.g. the summaries' table). The summaries keep this table, so that roles over
    any period read no crossing."""
    departures = crossings.filter(
        (_.outcome == "admitted") & (_.direction == "exit") & (_.nationality == _.host_state)
    ).select(
        "person_key", "host_state", "nationality", day=_.local_date,
        role=ibis.literal("origin"),
    )  # fmt: skip
    s = stays(crossings) if made is None else made
    s = s.filter(foreign(s))
    visits = s.select(
        "person_key", "host_state", "nationality", day=s.entry_date,
        role=ibis.ifelse(passes_through(s), "transit", "destination"),
    )  # fmt: skip
    return departures.union(visits, distinct=True)


def state_roles(
    crossings: ibis.Table,
    start: date | None = None,
    end: date | None = None,
    made: ibis.Table | None = None,
) -> ibis.Table:
    """Origin, transit and destination people per state and nationality, departures and
    entries in `start`..`end`. `made`: the people's stays already made (role_events)."""
    return roles_of_events(role_events(crossings, made), start, end)


def roles_of_events(
    events: ibis.Table, start: date | None = None, end: date | None = None
) -> ibis.Table:
    """state_roles from role_events' rows (the summaries' or made from the crossings)."""
    kept = events.filter(date_filter(events.day, start, end))
    # One distinct count per role (a row per state, nationality and role), then side by side:
    # three conditional distinct counts in one pass cost DuckDB three hash sets a group.
    per_role = kept.group_by(state=kept.host_state, nationality=kept.nationality, role=kept.role)
    return roles_side_by_side(per_role.aggregate(people=kept.person_key.nunique()))


def roles_side_by_side(per_role: ibis.Table) -> ibis.Table:
    """(state, nationality, role, people) rows as state_roles' table: a column per role and
    their shares."""

    def people(role: str) -> ibis.IntegerValue:
        return ibis.ifelse(per_role.role == role, per_role.people, 0).sum()

    counts = per_role.group_by("state", "nationality").aggregate(
        origin=people("origin"), transit=people("transit"), destination=people("destination")
    )
    total = (counts.origin + counts.transit + counts.destination).cast("float64")
    return counts.mutate(
        origin_share=counts.origin / total,
        transit_share=counts.transit / total,
        destination_share=counts.destination / total,
    ).order_by(["state", "nationality"])
