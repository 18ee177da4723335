import time
from datetime import UTC, date, datetime

import pytest
from sqlalchemy import create_engine, func, inspect, select, text
from sqlalchemy.pool import NullPool
from uuid6 import uuid7

from rmis.reference.bcps import load_bcps
from rmis.registry import database
from rmis.registry.crossings import record_crossings
from rmis.registry.database import migrate
from rmis.registry.model import Direction, DocumentSeen, NewCrossing, Purpose
from rmis.registry.schema import bcps, crossings, refusal_reasons
from rmis.security.principals import Principal, Role


def test_schema_is_migrated_and_reference_data_loaded(engine):
    tables = set(inspect(engine).get_table_names())
    assert {"crossings", "documents", "travellers", "permits", "audit_log", "bcps"} <= tables
    with engine.connect() as connection:
        assert connection.execute(select(func.count()).select_from(bcps)).scalar() == len(
            load_bcps()
        )
        assert connection.execute(select(func.count()).select_from(refusal_reasons)).scalar() == 9


def test_migrating_again_changes_nothing(engine):
    migrate(engine)
    with engine.connect() as connection:
        version = connection.execute(text("SELECT version_num FROM alembic_version")).scalar()
    assert version == "0002"  # the newest migration


def test_sqlite_runs_in_wal_mode_with_foreign_keys(engine):
    if engine.dialect.name != "sqlite":
        return
    with engine.connect() as connection:
        assert connection.execute(text("PRAGMA journal_mode")).scalar() == "wal"
        assert connection.execute(text("PRAGMA foreign_keys")).scalar() == 1


def _kill_pooled_connection(engine) -> None:
    """Leave one connection in the pool, and terminate the server process behind it."""
    engine.dispose()
    with engine.connect() as connection:
        pid = connection.execute(text("SELECT pg_backend_pid()")).scalar()
    killer = create_engine(engine.url, poolclass=NullPool)
    with killer.connect() as connection:
        assert connection.execute(text("SELECT pg_terminate_backend(:p)"), {"p": pid}).scalar()
        for _ in range(100):
            gone = not connection.execute(
                text("SELECT count(*) FROM pg_stat_activity WHERE pid = :p"), {"p": pid}
            ).scalar()
            if gone:
                break
            time.sleep(0.05)
    killer.dispose()


def test_a_pooled_connection_that_died_while_idle_is_replaced(engine, monkeypatch):
    if engine.dialect.name != "postgresql":
        pytest.skip("SQLite has no server to lose")
    _kill_pooled_connection(engine)
    monkeypatch.setattr(database, "PING_AFTER_IDLE_S", 0.0)
    with engine.connect() as connection:
        assert connection.execute(text("SELECT 1")).scalar() == 1


def test_recording_survives_a_pooled_connection_that_died(engine):
    if engine.dialect.name != "postgresql":
        pytest.skip("SQLite has no server to lose")
    officer = Principal("officer.ala", Role.BORDER_OFFICER, "KAZ", frozenset({"KAZ-ALA"}))
    now = datetime(2026, 11, 23, 12, 0, tzinfo=UTC)
    entry = NewCrossing(
        id=uuid7(),
        direction=Direction.ENTRY,
        bcp_code="KAZ-ALA",
        occurred_at=now,
        document=DocumentSeen(
            "UZB", "FA1234567", "P", "A", "B", "UZB", date(1990, 1, 1), "M", date(2030, 1, 1)
        ),
        purpose=Purpose.WORK,
    )
    _kill_pooled_connection(engine)  # idle for less than PING_AFTER_IDLE_S: not pinged
    [recorded] = record_crossings(engine, officer, [entry], now=now)
    assert not recorded.duplicate
    with engine.connect() as connection:
        assert connection.execute(select(func.count()).select_from(crossings)).scalar() == 1
