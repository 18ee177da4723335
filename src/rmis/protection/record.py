"""Indicators recorded at first contact, and a person's whole protection record."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime
from uuid import UUID

from sqlalchemy import Connection, Engine, insert, select
from uuid6 import uuid7

from rmis.protection import access
from rmis.protection.indicators import BY_CODE, needs_of
from rmis.protection.model import ProtectionError, RecordedIndicator, Referral
from rmis.protection.people import Person, ids_of
from rmis.protection.referrals import (
    _bcp_state,
    _many,
    _person,
    _text,
    refer,
    referrals_pending_asylum,
)
from rmis.security import Principal
from rmis.store import as_utc
from rmis.store.schema import checks, protection_indicators, referrals


def _check_bcp(connection: Connection, check_id: UUID) -> str:
    row = connection.execute(select(checks.c.bcp_code).where(checks.c.id == check_id)).first()
    if row is None:
        raise ProtectionError("unknown_check", f"no check {check_id}", "check_id")
    return row.bcp_code


def record_indicators(
    engine: Engine,
    principal: Principal,
    traveller_id: UUID,
    indicators: list[str],
    *,
    now: datetime,
    note: str | None = None,
    bcp_code: str | None = None,
    check_id: UUID | None = None,
) -> list[UUID]:
    """Record what the officer saw or heard (one row per indicator, the note with each), at a
    BCP of theirs and after a check when given. Returns the rows' ids; the needs they suggest
    are indicators.needs_of(indicators)."""
    access.require(principal, access.WRITE_INDICATORS, "record protection indicators")
    unknown = [code for code in indicators if code not in BY_CODE]
    if unknown or not indicators:
        raise ProtectionError(
            "unknown_indicator",
            f"indicators must be among {sorted(BY_CODE)}"
            + (f", not {unknown}" if unknown else "; none was given"),
            "indicators",
        )
    note = _text(note, "note")
    with engine.begin() as connection:
        if check_id is not None:
            checked_at = _check_bcp(connection, check_id)
            if bcp_code is not None and bcp_code != checked_at:
                raise ProtectionError(
                    "check_elsewhere", f"check {check_id} was made at {checked_at}", "bcp"
                )
            bcp_code = checked_at
        access.require_bcp(principal, bcp_code, _bcp_state(connection, bcp_code))
        who = _person(connection, traveller_id)
        rows = [
            {"id": uuid7(), "traveller_id": who.id, "host_state": principal.state,
             "bcp_code": bcp_code, "check_id": check_id, "indicator": code, "note": note,
             "recorded_at": now, "recorded_by": principal.name}
            for code in dict.fromkeys(indicators)
        ]  # fmt: skip
        connection.execute(insert(protection_indicators), rows)
        access.audit(connection, principal, "protection.indicators", str(who.id),
                     "first contact", now,
                     {"indicators": list(dict.fromkeys(indicators)), "needs":
                      needs_of(indicators), "check_id": check_id})  # fmt: skip
    return [row["id"] for row in rows]


@dataclass(frozen=True, slots=True)
class ProtectionRecord:
    person: Person
    indicators: list[RecordedIndicator]
    referrals: list[Referral]

    @property
    def suggested_needs(self) -> list[str]:
        return needs_of([i.indicator for i in self.indicators])


def protection_record(
    engine: Engine, principal: Principal, traveller_id: UUID, *, now: datetime, purpose: str
) -> ProtectionRecord:
    """Everything protection holds on a person in the principal's state: for protection
    officers only, audited with its purpose."""
    access.require(principal, access.READ_FULL, "read protection records")
    with engine.begin() as connection:
        who = _person(connection, traveller_id)
        ids = ids_of(connection, who.id)
        query = (
            select(protection_indicators)
            .where(protection_indicators.c.traveller_id.in_(ids))
            .where(protection_indicators.c.host_state == principal.state)
            .order_by(protection_indicators.c.recorded_at.desc())
        )
        found = [
            RecordedIndicator(r.id, r.traveller_id, r.indicator, r.note, r.bcp_code, r.check_id,
                              as_utc(r.recorded_at), r.recorded_by)
            for r in connection.execute(query)
        ]  # fmt: skip
        referred = _many(
            connection,
            select(referrals)
            .where(referrals.c.traveller_id.in_(ids))
            .where(referrals.c.host_state == principal.state)
            .order_by(referrals.c.created_at.desc()),
        )
        access.audit(connection, principal, "protection.read", str(who.id), purpose, now,
                     {"what": "protection record"})  # fmt: skip
    return ProtectionRecord(who, found, referred)


@dataclass(frozen=True, slots=True)
class FirstContact:
    indicators: list[UUID]
    needs: list[str]
    asylum_referral: Referral | None  # made at once when the person asked for asylum


def first_contact(
    engine: Engine,
    principal: Principal,
    traveller_id: UUID,
    indicators: list[str],
    *,
    now: datetime,
    note: str | None = None,
    bcp_code: str | None = None,
    check_id: UUID | None = None,
) -> FirstContact:
    """Record the indicators; a person who asks for asylum is referred to the asylum authority
    at once (asking is their consent), so the non-refoulement guard holds from this moment
    rather than from when a protection officer reads the queue."""
    ids = record_indicators(engine, principal, traveller_id, indicators, now=now, note=note,
                            bcp_code=bcp_code, check_id=check_id)  # fmt: skip
    made = None
    if "asks_asylum" in indicators and not referrals_pending_asylum(engine, traveller_id):
        if check_id is not None and bcp_code is None:
            with engine.connect() as connection:
                bcp_code = _check_bcp(connection, check_id)
        made = refer(engine, principal, traveller_id, need="asylum", agency="asylum_authority",
                     consent=True, basis=None, now=now, bcp_code=bcp_code)  # fmt: skip
    return FirstContact(ids, needs_of(indicators), made)
