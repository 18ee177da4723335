"""A batch of many crossings is recorded on both engines: its audit row names every crossing,
which a PostgreSQL btree index could not hold beyond ~70 ids (migration 0013)."""

from __future__ import annotations

from datetime import UTC, date, datetime, timedelta

from sqlalchemy import func, select
from uuid6 import uuid7

from rmis.registry import DocumentSeen, NewCrossing, record_crossings
from rmis.registry.model import Direction, Outcome, Purpose
from rmis.security import Principal, Role
from rmis.store.schema import audit_log, crossings

NOW = datetime(2026, 11, 22, 6, 0, tzinfo=UTC)


def test_a_batch_of_500_crossings_is_recorded_and_audited_in_one_row(engine):
    officer = Principal("batch.officer", Role.SUPERVISOR, "KAZ")
    batch = [
        NewCrossing(
            uuid7(), Direction.ENTRY, "KAZ-ALA", NOW - timedelta(hours=1),
            DocumentSeen("UZB", f"FA{i:07d}", "P", "TESTOV", "BATCH", "UZB", date(1990, 1, 1),
                         "M", date(2031, 1, 1)),
            Purpose.WORK, Outcome.ADMITTED,
        )
        for i in range(500)
    ]
    recorded = record_crossings(engine, officer, batch, now=NOW)
    assert len(recorded) == 500 and not any(r.duplicate for r in recorded)
    with engine.connect() as connection:
        assert connection.execute(select(func.count()).select_from(crossings)).scalar() == 500
        subjects = connection.execute(
            select(audit_log.c.subject).where(audit_log.c.action == "crossings.record")
        ).scalars().all()  # fmt: skip
    assert len(subjects) == 1 and str(batch[-1].id) in subjects[0]
