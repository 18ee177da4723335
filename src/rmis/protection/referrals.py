"""Referrals: a person referred to the agency that meets a need, with consent (or, for a child,
the best-interests basis), moved on through its states with a reason where one is owed, and
read only by those who need to know, every read audited."""

from __future__ import annotations

from datetime import date, datetime
from uuid import UUID

from sqlalchemy import Connection, Engine, insert, select, update
from uuid6 import uuid7

from rmis.protection import access
from rmis.protection.guard import pending_claims
from rmis.protection.indicators import AGENCY_BY_CODE, NEEDS
from rmis.protection.model import (
    MAX_TEXT,
    MOVES,
    Event,
    ProtectionError,
    Referral,
    ReferralSummary,
    check_move,
    next_follow_up,
)
from rmis.protection.people import UnknownPerson, ids_of, person
from rmis.security import Principal
from rmis.store import as_utc
from rmis.store.schema import bcps, referral_events, referrals

_COLUMNS = [c for c in referrals.c if c.name != "traveller_id"]


def _text(value: str | None, field: str) -> str | None:
    if value is None:
        return None
    value = value.strip()
    if len(value) > MAX_TEXT:
        raise ProtectionError("too_long", f"{field} is longer than {MAX_TEXT} characters", field)
    return value or None


def _person(connection: Connection, traveller_id: UUID):
    try:
        return person(connection, traveller_id)
    except UnknownPerson as error:
        raise ProtectionError("not_found", str(error), "traveller_id") from None


def _bcp_state(connection: Connection, code: str | None) -> str | None:
    if code is None:
        return None
    state = connection.execute(select(bcps.c.state).where(bcps.c.code == code)).scalar()
    if state is None:
        raise ProtectionError("unknown_bcp", f"no BCP with code {code!r}", "bcp")
    return state


def _event(connection, referral_id, state, reason, now, principal) -> None:
    connection.execute(insert(referral_events), {
        "referral_id": referral_id, "state": state, "reason": reason, "at": now,
        "by": principal.name, "role": str(principal.role),
    })  # fmt: skip


def refer(
    engine: Engine,
    principal: Principal,
    traveller_id: UUID,
    *,
    need: str,
    agency: str,
    consent: bool,
    basis: str | None,
    now: datetime,
    bcp_code: str | None = None,
) -> Referral:
    """Refer a person; the referral starts in progress, its first follow-up set by its need.

    Without consent only a child may be referred, and then on a best-interests basis stated in
    words: an adult is referred only if they agree."""
    access.require(principal, access.REFER, "refer a person")
    if need not in NEEDS:
        raise ProtectionError("unknown_need", f"need must be one of {list(NEEDS)}", "need")
    known = AGENCY_BY_CODE.get(agency)
    if known is None:
        raise ProtectionError(
            "unknown_agency", f"agency must be one of {sorted(AGENCY_BY_CODE)}", "agency"
        )
    if need not in known.needs:
        raise ProtectionError(
            "agency_not_for_need",
            f"{agency} does not meet the need {need}; it meets {list(known.needs)}",
            "agency",
        )
    basis = _text(basis, "basis")
    with engine.begin() as connection:
        access.require_bcp(principal, bcp_code, _bcp_state(connection, bcp_code))
        who = _person(connection, traveller_id)
        on = now.date()
        if not consent:
            if not who.is_child_on(on):
                raise ProtectionError(
                    "consent_required",
                    "an adult is referred only with their consent; without it, only a child "
                    "(by the birth date on record) on a best-interests basis",
                    "consent",
                )
            if basis is None:
                raise ProtectionError(
                    "basis_required",
                    "a child referred without consent needs the best-interests basis in words",
                    "basis",
                )
        referral_id = uuid7()
        row = {
            "id": referral_id, "traveller_id": who.id, "host_state": principal.state,
            "bcp_code": bcp_code, "nationality": who.nationality, "need": need,
            "agency": agency, "consent": consent, "basis": basis, "state": "in_progress",
            "reason": None, "created_at": now, "created_by": principal.name, "updated_at": now,
            "follow_up_on": next_follow_up(need, "in_progress", on),
        }  # fmt: skip
        connection.execute(insert(referrals), row)
        _event(connection, referral_id, "in_progress", None, now, principal)
        access.audit(connection, principal, "protection.refer", str(who.id), "referral", now,
                     {"referral": str(referral_id), "need": need, "agency": agency})  # fmt: skip
        return _read_one(connection, referral_id)


def move_referral(
    engine: Engine,
    principal: Principal,
    referral_id: UUID,
    *,
    state: str,
    reason: str | None,
    now: datetime,
) -> Referral:
    """Move a referral on: in progress -> accepted or rejected -> done, or revoked while
    open. Rejected and revoked need a reason."""
    access.require(principal, access.MOVE, "move referrals on")
    access.require_agency_move(principal, state)
    reason = _text(reason, "reason")
    with engine.begin() as connection:
        current = _row(connection, principal, referral_id, for_update=True)
        check_move(current.state, state, reason)
        connection.execute(
            update(referrals).where(referrals.c.id == referral_id).values(
                state=state, reason=reason, updated_at=now,
                follow_up_on=next_follow_up(current.need, state, now.date()),
            )
        )  # fmt: skip
        _event(connection, referral_id, state, reason, now, principal)
        access.audit(connection, principal, "protection.move", str(current.traveller_id),
                     "referral", now, {"referral": str(referral_id), "state": state})  # fmt: skip
        return _read_one(connection, referral_id)


def _row(connection: Connection, principal: Principal, referral_id: UUID, for_update=False):
    query = select(referrals).where(referrals.c.id == referral_id)
    if for_update and connection.dialect.name == "postgresql":
        query = query.with_for_update()
    # Another state's referral (another agency's, for an agency account) is answered as
    # unknown: its existence is protection data too.
    row = connection.execute(query.where(access.own_referrals(principal, referrals))).first()
    if row is None:
        raise ProtectionError("not_found", f"no referral {referral_id} in {principal.state}")
    return row


def _events(connection: Connection, ids: list[UUID]) -> dict[UUID, list[Event]]:
    found: dict[UUID, list[Event]] = {i: [] for i in ids}
    if not ids:
        return found
    query = (
        select(referral_events)
        .where(referral_events.c.referral_id.in_(ids))
        .order_by(referral_events.c.seq)
    )
    for r in connection.execute(query):
        found[r.referral_id].append(Event(r.state, r.reason, as_utc(r.at), r.by, r.role))
    return found


def _referral(row, events: list[Event]) -> Referral:
    return Referral(
        id=row.id, traveller_id=row.traveller_id, host_state=row.host_state,
        bcp_code=row.bcp_code, nationality=row.nationality, need=row.need, agency=row.agency,
        consent=row.consent, basis=row.basis, state=row.state, reason=row.reason,
        created_at=as_utc(row.created_at), created_by=row.created_by,
        updated_at=as_utc(row.updated_at), follow_up_on=row.follow_up_on, events=tuple(events),
    )  # fmt: skip


def _read_one(connection: Connection, referral_id: UUID) -> Referral:
    row = connection.execute(select(referrals).where(referrals.c.id == referral_id)).one()
    return _referral(row, _events(connection, [referral_id])[referral_id])


def _many(connection: Connection, query) -> list[Referral]:
    rows = connection.execute(query).all()
    events = _events(connection, [r.id for r in rows])
    return [_referral(r, events[r.id]) for r in rows]


def referrals_of(
    engine: Engine, principal: Principal, traveller_id: UUID, *, now: datetime, purpose: str
) -> list[Referral] | list[ReferralSummary]:
    """A person's referrals in the principal's state, newest first: whole for a protection
    officer, only their id, state and date for a border officer or supervisor. Audited."""
    if principal.role not in access.READ_FULL | access.READ_SUMMARY:
        access.require(principal, access.READ_FULL, "read referrals")
    with engine.begin() as connection:
        who = _person(connection, traveller_id)
        query = (
            select(referrals)
            .where(referrals.c.traveller_id.in_(ids_of(connection, who.id)))
            .where(referrals.c.host_state == principal.state)
            .order_by(referrals.c.created_at.desc())
        )
        full = principal.role in access.READ_FULL
        access.audit(connection, principal, "protection.read", str(who.id), purpose, now,
                     {"what": "referrals" if full else "referral states"})  # fmt: skip
        if full:
            return _many(connection, query)
        return [
            ReferralSummary(r.id, r.state, as_utc(r.created_at)) for r in connection.execute(query)
        ]


def referral(engine: Engine, principal: Principal, referral_id: UUID, *, now: datetime,
             purpose: str) -> Referral:  # fmt: skip
    access.require(principal, access.READ_REFERRALS, "read referrals")
    with engine.begin() as connection:
        row = _row(connection, principal, referral_id)
        access.audit(connection, principal, "protection.read", str(row.traveller_id), purpose,
                     now, {"referral": str(referral_id)})  # fmt: skip
        return _read_one(connection, referral_id)


def referral_queue(
    engine: Engine, principal: Principal, *, now: datetime, purpose: str, limit: int = 200
) -> list[Referral]:
    """The state's new referrals (in progress), oldest first: the protection officer's queue;
    an agency's account's, those made to its agency."""
    access.require(principal, access.READ_REFERRALS, "read referrals")
    query = (
        select(referrals)
        .where(access.own_referrals(principal, referrals) & (referrals.c.state == "in_progress"))
        .order_by(referrals.c.created_at)
        .limit(limit)
    )
    with engine.begin() as connection:
        found = _many(connection, query)
        access.audit(
            connection,
            principal,
            "protection.read",
            "queue",
            purpose,
            now,
            {"what": "new referrals", "referrals": [str(r.id) for r in found]},
        )
    return found


def follow_ups_due(
    engine: Engine, principal: Principal, *, on: date, now: datetime, purpose: str,
    limit: int = 200,
) -> list[Referral]:  # fmt: skip
    """Open referrals whose follow-up falls on or before `on`, most overdue first."""
    access.require(principal, access.READ_REFERRALS, "read referrals")
    query = (
        select(referrals)
        .where(access.own_referrals(principal, referrals))
        .where(referrals.c.state.in_(tuple(MOVES)))
        .where(referrals.c.follow_up_on <= on)
        .order_by(referrals.c.follow_up_on, referrals.c.created_at)
        .limit(limit)
    )
    with engine.begin() as connection:
        found = _many(connection, query)
        access.audit(connection, principal, "protection.read", "follow-ups", purpose, now,
                     {"what": "follow-ups due",
                      "referrals": [str(r.id) for r in found]})  # fmt: skip
    return found


def referrals_pending_asylum(engine: Engine, traveller_id: UUID) -> bool:
    """Whether the person already has an asylum claim pending (no personal data answered)."""
    with engine.connect() as connection:
        who = _person(connection, traveller_id)
        return bool(pending_claims(connection, ids_of(connection, who.id)))
