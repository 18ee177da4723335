"""Permits (visa, residence, work permit, patent) and registrations: what makes a stay lawful."""

from __future__ import annotations

from datetime import date, datetime
from uuid import UUID

from sqlalchemy import Engine, exists, insert, select
from uuid6 import uuid7

from rmis.persons import resolve
from rmis.registry.bounds import INT32_MAX
from rmis.registry.model import InvalidRecord
from rmis.registry.reads import NotFound
from rmis.security import PERMIT_ROLES, Principal, append_audit
from rmis.stay import PermitKind
from rmis.store.schema import crossings, permits, registrations

PERMIT_YEARS = (1900, 2100)


def _known_in(connection, person: UUID, state: str) -> bool:
    def of(table):
        return exists().where((table.c.traveller_id == person) & (table.c.host_state == state))

    return connection.execute(select(of(crossings) | of(permits) | of(registrations))).scalar()


def _require_traveller(connection, traveller_id: UUID, state: str) -> UUID:
    """The person the id answers for: a permit posted to a merged id goes to the survivor.

    Only a person the writer's state knows (a crossing, permit or registration of theirs
    there) may be written about: one state's supervisor cannot give a permit to a traveller
    only another state has seen. Answered as an unknown id, so nothing of others' records
    shows."""
    person = resolve(connection, traveller_id)
    if person is None or not _known_in(connection, person, state):
        raise NotFound(f"traveller {traveller_id}")
    return person


def add_permit(
    engine: Engine,
    principal: Principal,
    traveller_id: UUID,
    *,
    kind: PermitKind,
    valid_from: date,
    valid_to: date,
    number: str | None = None,
    entries_allowed: int | None = None,
    duration_days: int | None = None,
    now: datetime,
) -> UUID:
    """Record a permit held by the traveller in the principal's state."""
    principal.require_role(PERMIT_ROLES, "record permits")
    if kind is PermitKind.ASYLUM:
        raise InvalidRecord(
            "kind", "not_a_permit", "a pending asylum claim is an asylum referral (protection), "
            "not a permit"
        )  # fmt: skip
    if valid_to < valid_from:
        raise InvalidRecord("valid_to", "invalid_period", "valid_to is before valid_from")
    for name, value in (("entries_allowed", entries_allowed), ("duration_days", duration_days)):
        # The column is a 32-bit integer: a larger count breaks every reader after it.
        if value is not None and not 1 <= value <= INT32_MAX:
            raise InvalidRecord(name, "invalid_value", f"{name} must be 1 to {INT32_MAX}")
    for name, day in (("valid_from", valid_from), ("valid_to", valid_to)):
        if not PERMIT_YEARS[0] <= day.year <= PERMIT_YEARS[1]:
            raise InvalidRecord(name, "implausible_date", f"{name} {day} is outside the years "
                                f"{PERMIT_YEARS[0]}..{PERMIT_YEARS[1]}")  # fmt: skip
    permit_id = uuid7()
    with engine.begin() as connection:
        person = _require_traveller(connection, traveller_id, principal.state)
        connection.execute(
            insert(permits).values(
                id=permit_id,
                traveller_id=person,
                host_state=principal.state,
                kind=kind.value,
                number=number,
                valid_from=valid_from,
                valid_to=valid_to,
                entries_allowed=entries_allowed,
                duration_days=duration_days,
                recorded_at=now,
            )
        )
        append_audit(
            connection,
            at=now,
            principal=principal.name,
            action="permits.add",
            subject=str(traveller_id),
            purpose="record permit",
            detail={"kind": kind.value, "valid_from": valid_from, "valid_to": valid_to},
        )
    return permit_id


def add_registration(
    engine: Engine,
    principal: Principal,
    traveller_id: UUID,
    *,
    registered_on: date,
    valid_to: date | None = None,
    now: datetime,
) -> UUID:
    """Record that the traveller registered their place of stay in the principal's state."""
    principal.require_role(PERMIT_ROLES, "record registrations")
    registration_id = uuid7()
    with engine.begin() as connection:
        person = _require_traveller(connection, traveller_id, principal.state)
        connection.execute(
            insert(registrations).values(
                id=registration_id,
                traveller_id=person,
                host_state=principal.state,
                registered_on=registered_on,
                valid_to=valid_to,
                recorded_at=now,
            )
        )
        append_audit(
            connection,
            at=now,
            principal=principal.name,
            action="registrations.add",
            subject=str(traveller_id),
            purpose="record registration",
            detail={"registered_on": registered_on},
        )
    return registration_id
