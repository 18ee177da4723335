"""From recorded crossings to the stay engine's timeline of one traveller in one host state.

Only admitted crossings make presence. The record keeps data problems as they were seen (an
exit with no entry, a second entry); building stays, rmis reads them the way that neither
invents days nor loses them: an exit without an open stay closes nothing, a second entry
leaves the stay open from its first entry, and a re-entry on the day of the last exit
continues that stay (the day is counted once). Crossings count as corrected: a voided one
not at all, an amended one with its amended values.
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Iterable, Mapping
from datetime import date
from typing import Any
from uuid import UUID

from sqlalchemy import ColumnElement, Connection, select

from rmis.protection import asylum_permits
from rmis.registry.corrected import apply_corrections, load_corrections
from rmis.stay import Permit, PermitKind, Registration, Stay, Timeline
from rmis.store.schema import crossings, permits, registrations


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


def _counted_crossings(
    connection: Connection, where_crossing: ColumnElement[bool]
) -> list[Mapping[str, Any]]:
    """The crossings matching `where_crossing` as corrected, voided ones left out, in time
    order. Two queries: the crossings, and the corrections of any of them."""
    rows = (
        connection.execute(
            select(
                crossings.c.id,
                crossings.c.seq,
                crossings.c.traveller_id,
                crossings.c.direction,
                crossings.c.occurred_at,
                crossings.c.local_date,
                crossings.c.outcome,
                crossings.c.nationality,
            )
            .where(where_crossing)
            .order_by(crossings.c.occurred_at, crossings.c.seq)
        )
        .mappings()
        .all()
    )
    found = load_corrections(connection, where_crossing)
    if not found:
        return rows
    corrected = (apply_corrections(row, found[row["id"]]) if row["id"] in found else row
                 for row in rows)  # fmt: skip
    kept = [row for row in corrected if not row.get("voided")]
    # An amended time can move a crossing: order again (nearly sorted, so cheap).
    return sorted(kept, key=lambda row: (row["occurred_at"], row["seq"]))


def permit_of_row(row: Mapping[str, Any]) -> Permit:
    """The stay engine's permit from a row of the permits table."""
    return Permit(
        kind=PermitKind(row["kind"]),
        valid_from=row["valid_from"],
        valid_to=row["valid_to"],
        entries=row["entries_allowed"],
        duration_days=row["duration_days"],
        reference=row["number"] or "",
    )


def load_timelines(
    connection: Connection, host_state: str, traveller_id: UUID | None = None
) -> dict[UUID, tuple[str, Timeline]]:
    """Traveller -> (nationality of the last crossing, timeline) in one host state.

    Crossings are read as corrected (voided ones do not count). Four queries whatever the
    number of travellers; `traveller_id` narrows it to one.
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
    for row in _counted_crossings(connection, where_crossing):
        nationality[row["traveller_id"]] = row["nationality"]
        if row["outcome"] == "admitted":
            moves[row["traveller_id"]].append((row["direction"], row["local_date"]))
    held: dict[UUID, list[Permit]] = defaultdict(list)
    for p in connection.execute(select(permits).where(where_permit)).mappings():
        held[p["traveller_id"]].append(permit_of_row(p))
    # A pending asylum claim is a lawful basis, with its dates (protection/stays.py).
    for tid, claims in asylum_permits(connection, host_state, traveller_id).items():
        held[tid].extend(claims)
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
