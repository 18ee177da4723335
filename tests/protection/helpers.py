"""People on record for protection's tests: a crossing recorded makes a traveller."""

from __future__ import annotations

from datetime import UTC, date, datetime, timedelta

from sqlalchemy import select
from uuid6 import uuid7

from rmis.registry import Direction, DocumentSeen, NewCrossing, Outcome, Purpose, record_crossings
from rmis.security import Principal, Role
from rmis.store.schema import crossings

NOW = datetime(2026, 11, 20, 9, 0, tzinfo=UTC)
OFFICER = Principal("officer", Role.BORDER_OFFICER, "KAZ", frozenset({"KAZ-ALA"}))
SUPERVISOR = Principal("supervisor", Role.SUPERVISOR, "KAZ")
PROTECTION = Principal("protection", Role.PROTECTION_OFFICER, "KAZ")
ANALYST = Principal("analyst", Role.ANALYST, "KAZ")
ADMIN = Principal("admin", Role.ADMIN, "KAZ")
AUDITOR = Principal("auditor", Role.AUDITOR, "KAZ")
UZB_PROTECTION = Principal("uzb.protection", Role.PROTECTION_OFFICER, "UZB")


def document(number: str, surname: str = "RAHIMI", born: date = date(1990, 5, 1),
             nationality: str = "AFG") -> DocumentSeen:  # fmt: skip
    return DocumentSeen(
        issuing_state=nationality, number=number, document_type="P", surname=surname,
        given_names="AHMAD", nationality=nationality, birth_date=born, sex="M",
        expiry_date=date(2030, 1, 1),
    )  # fmt: skip


def crossing(doc: DocumentSeen, *, days_ago: float = 1, direction=Direction.ENTRY,
             refused: bool = False, at: datetime | None = None) -> NewCrossing:  # fmt: skip
    return NewCrossing(
        id=uuid7(), direction=direction, bcp_code="KAZ-ALA",
        occurred_at=at or NOW - timedelta(days=days_ago), document=doc, purpose=Purpose.PRIVATE,
        outcome=Outcome.REFUSED if refused else Outcome.ADMITTED,
        refusal_reason="A" if refused else None,
    )  # fmt: skip


def traveller(engine, doc: DocumentSeen, days_ago: float = 3):
    """Record the person's entry; their traveller id."""
    [recorded] = record_crossings(engine, OFFICER, [crossing(doc, days_ago=days_ago)], now=NOW)
    with engine.connect() as connection:
        return connection.execute(
            select(crossings.c.traveller_id).where(crossings.c.id == recorded.id)
        ).scalar_one()
