"""From recorded crossings to the stay engine's timeline of one traveller in one host state.

Only admitted crossings make presence. The record keeps data problems as they were seen (an
exit with no entry, a second entry); building stays, rmis reads them the way that neither
invents days nor loses them: an exit without an open stay closes nothing, a second entry
leaves the stay open from its first entry, and a re-entry on the day of the last exit
continues that stay (the day is counted once).
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Iterable
from datetime import date
from uuid import UUID

from sqlalchemy import Connection, select

from rmis.registry.schema import crossings, permits, registrations
from rmis.stay import Permit, PermitKind, Registration, Stay, Timeline


def stays_from_crossings(moves: Iterable[tuple[str, date]]) -> list[Stay]:
    """Stays from (direction, local date) of admitted crossings in time order."""
    stays: list[Stay] = []
    open_since: date | None = None
    for direction, day in moves:
        if direction == "entry":
            if open_since is not None:
                continue  # entered while inside: the stay began at the first entry
            if stays and stays[-1].exit is not None and day <= stays[-1].exit:
                open_since = stays.pop().entry  # back the same day: one stay goes on
            else:
                open_since = day
        elif open_since is not None:
            stays.append(Stay(open_since, day))
            open_since = None
    if open_since is not None:
        stays.append(Stay(open_since, None))
    return stays


def load_timelines(
    connection: Connection, host_state: str, traveller_id: UUID | None = None
) -> dict[UUID, tuple[str, Timeline]]:
    """Traveller -> (nationality of the last crossing, timeline) in one host state.

    Three queries whatever the number of travellers; `traveller_id` narrows it to one.
    """
    where_crossing = crossings.c.host_state == host_state
    where_permit = permits.c.host_state == host_state
    where_registration = registrations.c.host_state == host_state
    if traveller_id is not None:
        where_crossing &= crossings.c.traveller_id == traveller_id
        where_permit &= permits.c.traveller_id == traveller_id
        where_registration &= registrations.c.traveller_id == traveller_id
    moves: dict[UUID, list[tuple[str, date]]] = defaultdict(list)
    nationality: dict[UUID, str] = {}
    for row in connection.execute(
        select(
            crossings.c.traveller_id,
            crossings.c.direction,
            crossings.c.local_date,
            crossings.c.outcome,
            crossings.c.nationality,
        )
        .where(where_crossing)
        .order_by(crossings.c.occurred_at, crossings.c.seq)
    ):
        nationality[row.traveller_id] = row.nationality
        if row.outcome == "admitted":
            moves[row.traveller_id].append((row.direction, row.local_date))
    held: dict[UUID, list[Permit]] = defaultdict(list)
    for p in connection.execute(select(permits).where(where_permit)).mappings():
        held[p["traveller_id"]].append(
            Permit(
                kind=PermitKind(p["kind"]),
                valid_from=p["valid_from"],
                valid_to=p["valid_to"],
                entries=p["entries_allowed"],
                duration_days=p["duration_days"],
                reference=p["number"] or "",
            )
        )
    registered: dict[UUID, list[Registration]] = defaultdict(list)
    for tid, day in connection.execute(
        select(registrations.c.traveller_id, registrations.c.registered_on).where(
            where_registration
        )
    ):
        registered[tid].append(Registration(day))
    return {
        tid: (
            nat,
            Timeline(
                stays=tuple(stays_from_crossings(moves[tid])),
                permits=tuple(held[tid]),
                registrations=tuple(registered[tid]),
            ),
        )
        for tid, nat in nationality.items()
    }
