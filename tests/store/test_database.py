import time
from datetime import UTC, date, datetime

import pytest
from alembic.config import Config
from alembic.script import ScriptDirectory
from sqlalchemy import create_engine, event, func, inspect, select, text
from sqlalchemy.exc import DBAPIError
from sqlalchemy.pool import NullPool
from uuid6 import uuid7

from rmis.reference.bcps import load_bcps
from rmis.registry.crossings import record_crossings
from rmis.registry.model import Direction, DocumentSeen, NewCrossing, Purpose
from rmis.security.principals import Principal, Role
from rmis.store import database
from rmis.store.database import migrate
from rmis.store.schema import bcps, crossings, refusal_reasons


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
    config = Config()
    config.set_main_option("script_location", "rmis.store:migrations")
    assert version == ScriptDirectory.from_config(config).get_current_head()


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
    # In autocommit, each look at pg_stat_activity is a new snapshot of it.
    killer = create_engine(engine.url, poolclass=NullPool, isolation_level="AUTOCOMMIT")
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


# Running work again on a fresh connection (database.run_on_fresh_connection), with a lost
# connection injected on SQLite: a statement naming `lost_connection` fails as a disconnect.


@pytest.fixture
def sqlite_engine(tmp_path):
    engine = database.open_database(f"sqlite:///{tmp_path / 'rmis.sqlite3'}")
    with engine.begin() as connection:
        connection.execute(text("CREATE TABLE probe (run INTEGER)"))

    @event.listens_for(engine, "handle_error")
    def lose_connection(context):
        if "lost_connection" in (context.statement or ""):
            context.is_disconnect = True  # SQLAlchemy invalidates the connection and the pool

    yield engine
    engine.dispose()


def _probe_rows(engine) -> list[int]:
    with engine.connect() as connection:
        return list(connection.execute(text("SELECT run FROM probe ORDER BY run")).scalars())


def _lose_connection(connection) -> None:
    connection.execute(text("SELECT lost_connection"))


def test_work_that_found_its_connection_dead_runs_once_more_on_a_fresh_one(sqlite_engine):
    used = []

    def work():
        with sqlite_engine.begin() as connection:
            used.append(connection.connection.dbapi_connection)
            connection.execute(text("INSERT INTO probe VALUES (:n)"), {"n": len(used)})
            if len(used) == 1:
                _lose_connection(connection)  # before the commit: the insert is rolled back
        return "done"

    assert database.run_on_fresh_connection(work) == "done"
    assert len(used) == 2 and used[0] is not used[1]
    assert _probe_rows(sqlite_engine) == [2]


def test_work_that_sent_a_commit_is_not_run_again(sqlite_engine):
    runs = []

    def work():
        runs.append(1)
        with sqlite_engine.begin() as connection:
            connection.execute(text("INSERT INTO probe VALUES (1)"))
        with sqlite_engine.begin() as connection:
            _lose_connection(connection)

    with pytest.raises(DBAPIError) as lost:
        database.run_on_fresh_connection(work)
    assert lost.value.connection_invalidated
    assert len(runs) == 1
    assert _probe_rows(sqlite_engine) == [1]


def test_replayable_work_runs_again_after_its_commit(sqlite_engine):
    runs = []

    def work():
        runs.append(1)
        with sqlite_engine.begin() as connection:
            connection.execute(text("INSERT INTO probe VALUES (:n)"), {"n": len(runs)})
        if len(runs) == 1:
            with sqlite_engine.begin() as connection:
                _lose_connection(connection)

    database.run_on_fresh_connection(work, replayable=True)
    assert _probe_rows(sqlite_engine) == [1, 2]


def test_other_errors_and_a_second_lost_connection_are_raised(sqlite_engine):
    runs = []

    def fails(statement):
        def work():
            runs.append(statement)
            with sqlite_engine.connect() as connection:
                connection.execute(text(statement))

        return work

    with pytest.raises(DBAPIError) as error:
        database.run_on_fresh_connection(fails("SELECT no_such_column"))
    assert not error.value.connection_invalidated and len(runs) == 1
    runs.clear()
    with pytest.raises(DBAPIError) as error:
        database.run_on_fresh_connection(fails("SELECT lost_connection"))
    assert error.value.connection_invalidated and len(runs) == 2


def test_within_a_unit_being_attempted_the_outer_unit_runs_again(sqlite_engine):
    # As recording (replayable) within an API request: its commit does not stop the request
    # from running again, and the inner unit does not run again on its own.
    inner_runs = []

    def record():
        inner_runs.append(1)
        with sqlite_engine.begin() as connection:
            connection.execute(text("INSERT INTO probe VALUES (:n)"), {"n": len(inner_runs)})

    def request():
        database.run_on_fresh_connection(record, replayable=True)
        if len(inner_runs) == 1:
            with sqlite_engine.connect() as connection:
                _lose_connection(connection)
        return "answered"

    assert database.run_on_fresh_connection(request) == "answered"
    assert _probe_rows(sqlite_engine) == [1, 2]
