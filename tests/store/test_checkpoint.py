"""SQLite's WAL is written back by the engine's checkpointer thread, never inside a recording's
commit (issue 19: the auto-checkpoint doubled recording's p99)."""

from __future__ import annotations

import time

from sqlalchemy import text

from rmis.store.database import CHECKPOINT_EVERY_S, create_registry_engine

ROWS = text(
    "WITH RECURSIVE n(i) AS (SELECT 1 UNION ALL SELECT i + 1 FROM n WHERE i < 1000) "
    "INSERT INTO t SELECT hex(randomblob(100)) FROM n"
)


def test_commits_do_not_checkpoint_and_the_checkpointer_does(tmp_path):
    path = tmp_path / "rmis.sqlite3"
    engine = create_registry_engine(f"sqlite:///{path}")
    with engine.begin() as connection:
        assert connection.exec_driver_sql("PRAGMA wal_autocheckpoint").scalar() == 0
        connection.execute(text("CREATE TABLE t (x TEXT)"))
    time.sleep(CHECKPOINT_EVERY_S * 2.5)  # the table's page is written back by now
    before = path.stat().st_size
    with engine.begin() as connection:  # ~4 MB: SQLite alone would checkpoint at 1,000 pages
        for _ in range(20):
            connection.execute(ROWS)
    assert path.stat().st_size == before  # the commit left every page in the WAL
    deadline = time.monotonic() + CHECKPOINT_EVERY_S * 10
    while path.stat().st_size == before and time.monotonic() < deadline:
        time.sleep(0.1)
    assert path.stat().st_size > before + 3_000_000  # written back by the checkpointer
    engine.dispose()
