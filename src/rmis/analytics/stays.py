"""Stays built from crossings: the shared ground of stock, overstays, roles and movement types.

Stays are a person's: crossings are grouped by `person_key` (the person the record links the
crossing's document to: engine.with_people), so an entry on an old passport is closed by the
exit on its renewal. Only admitted crossings make presence. Each person's crossings, on every
document and in every state, are put in time order; an entry into a state is closed by the
person's next crossing:
- an exit from the same state: a recorded exit (`exit_recorded` true);
- anything else (an entry elsewhere, another entry into the same state): the exit went
  unrecorded and the stay is taken to end on that crossing's day (`exit_recorded` false);
- nothing: the stay is open (`exit_date` null).
An exit whose previous crossing is not an entry into the same state is an exit without entry.
"""

from __future__ import annotations

import ibis
from ibis import _

# Where a crossing at this BCP leads to or comes from: the neighbour across a land border;
# airports and seaports do not say which state the flight or ferry connects with.
PARTNER_UNKNOWN_AIR = "AIR"
PARTNER_UNKNOWN_SEA = "SEA"


def partner(crossings: ibis.Table) -> ibis.Value:
    return crossings.neighbour.fill_null(crossings.mode.upper())


def admitted_in_order(crossings: ibis.Table) -> ibis.Table:
    """Admitted crossings with the person's previous and next crossing (any state)."""
    admitted = crossings.filter(_.outcome == "admitted").mutate(partner=partner(crossings))
    window = ibis.window(group_by=_.person_key, order_by=[_.occurred_at, _.seq])
    return admitted.mutate(
        next_direction=_.direction.lead().over(window),
        next_host=_.host_state.lead().over(window),
        next_date=_.local_date.lead().over(window),
        next_partner=_.partner.lead().over(window),
        next_bcp=_.bcp_code.lead().over(window),
        previous_direction=_.direction.lag().over(window),
        previous_host=_.host_state.lag().over(window),
    )


def stays(crossings: ibis.Table) -> ibis.Table:
    """One row per entry: who, where, from where, when, and how it ended (see module doc)."""
    ordered = admitted_in_order(crossings)
    recorded = (ordered.next_direction == "exit") & (ordered.next_host == ordered.host_state)
    return ordered.filter(_.direction == "entry").select(
        "person_key",
        "host_state",
        "nationality",
        "purpose",
        "sex",
        "birth_year",
        entry_bcp=_.bcp_code,
        entry_mode=_.mode,
        entry_partner=_.partner,
        entry_date=_.local_date,
        exit_date=_.next_date,
        exit_recorded=recorded.fill_null(False),
        exit_partner=ibis.ifelse(recorded, ordered.next_partner, ibis.null(str)),
        exit_bcp=ibis.ifelse(recorded, ordered.next_bcp, ibis.null(str)),
    )


def with_documents(stays_: ibis.Table, crossings: ibis.Table) -> ibis.Table:
    """The stays with `documents`: on how many documents their person's crossings (any, every
    state) were recorded, as overstays' rows say it. The summaries keep it, so the overstay
    analysis reads no crossing for it."""
    used = crossings.group_by("person_key").aggregate(documents=_.document_id.nunique())
    joined = stays_.left_join(used, "person_key")
    return joined.select(*stays_.columns, documents=joined.documents.cast("int32"))


def exits_without_entry(crossings: ibis.Table) -> ibis.Table:
    ordered = admitted_in_order(crossings)
    came_in = (ordered.previous_direction == "entry") & (
        ordered.previous_host == ordered.host_state
    )
    return ordered.filter((_.direction == "exit") & ~came_in.fill_null(False))


def days_between(start: ibis.DateValue, end: ibis.DateValue) -> ibis.IntegerValue:
    """Whole days from `start` to `end` (0 for the same day)."""
    return end.delta(start, unit="day")


def present_on(stays_: ibis.Table, day: ibis.Value) -> ibis.Value:
    """Present on `day`: entered on or before it, not left before it (both days count)."""
    return (stays_.entry_date <= day) & (stays_.exit_date.isnull() | (stays_.exit_date >= day))


def foreign(stays_: ibis.Table) -> ibis.Value:
    return stays_.nationality != stays_.host_state
