"""Legal holds: a traveller's record in a state kept past its retention (an investigation, a
court case, a redress case), placed and lifted by an admin or a supervisor, audited."""

from __future__ import annotations

from datetime import datetime
from uuid import UUID

from sqlalchemy import Connection, Engine, insert, select, update
from uuid6 import uuid7

from rmis.security import AccessDenied, Principal, Role, append_audit
from rmis.store.schema import legal_holds

HOLD_ROLES = frozenset({Role.SUPERVISOR, Role.ADMIN})


def place_hold(
    engine: Engine, principal: Principal, traveller_id: UUID, reason: str, now: datetime
) -> UUID:
    """Keep the traveller's record in the principal's state until the hold is lifted."""
    principal.require_role(HOLD_ROLES, "place legal holds")
    if not reason.strip():
        raise AccessDenied("reason_required", "a legal hold says why it is placed")
    hold_id = uuid7()
    with engine.begin() as connection:
        connection.execute(
            insert(legal_holds).values(
                id=hold_id, traveller_id=traveller_id, state=principal.state, reason=reason,
                placed_by=principal.name, placed_at=now,
            )
        )  # fmt: skip
        append_audit(connection, at=now, principal=principal.name, action="retention.hold",
                     subject=str(traveller_id), purpose=reason,
                     detail={"hold": hold_id, "state": principal.state})  # fmt: skip
    return hold_id


def lift_hold(engine: Engine, principal: Principal, hold_id: UUID, now: datetime) -> bool:
    principal.require_role(HOLD_ROLES, "lift legal holds")
    with engine.begin() as connection:
        lifted = connection.execute(
            update(legal_holds)
            .where(
                (legal_holds.c.id == hold_id)
                & (legal_holds.c.state == principal.state)
                & legal_holds.c.lifted_at.is_(None)
            )
            .values(lifted_by=principal.name, lifted_at=now)
        ).rowcount
        if lifted:
            append_audit(connection, at=now, principal=principal.name,
                         action="retention.lift_hold", subject=str(hold_id),
                         purpose="legal hold lifted")  # fmt: skip
    return bool(lifted)


def held_travellers(connection: Connection, state: str) -> set[UUID]:
    return set(
        connection.execute(
            select(legal_holds.c.traveller_id).where(
                (legal_holds.c.state == state) & legal_holds.c.lifted_at.is_(None)
            )
        ).scalars()
    )
