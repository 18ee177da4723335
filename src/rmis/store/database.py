"""Engines for the system of record: SQLite embedded, PostgreSQL for servers, one code path.

`open_database` makes the engine and brings the schema up to date with Alembic, so no separate
manual migration step is ever needed.
"""

from __future__ import annotations

import os
import threading
import time
import weakref
from collections.abc import Callable, Iterable, Iterator
from contextlib import AbstractContextManager, contextmanager
from contextvars import ContextVar
from datetime import UTC, datetime
from pathlib import Path
from typing import TypeVar

from sqlalchemy import Engine, create_engine, event
from sqlalchemy.engine import make_url
from sqlalchemy.exc import DBAPIError, DisconnectionError

from rmis.store.reference_sync import sync_reference

SQLITE_BUSY_TIMEOUT_MS = 10_000
# A pooled PostgreSQL connection idle longer than this is pinged before it is handed out.
PING_AFTER_IDLE_S = 10.0


def _sqlite_pragmas(dbapi_connection, _record) -> None:
    cursor = dbapi_connection.cursor()
    # WAL lets readers go on while a writer writes; foreign keys are off by default in SQLite.
    cursor.execute("PRAGMA journal_mode=WAL")
    cursor.execute("PRAGMA foreign_keys=ON")
    cursor.execute("PRAGMA synchronous=NORMAL")
    cursor.execute(f"PRAGMA busy_timeout={SQLITE_BUSY_TIMEOUT_MS}")
    # Temporary tables (the bulk import's staging) in memory rather than in a file.
    cursor.execute("PRAGMA temp_store=MEMORY")
    # The WAL is written back by the engine's checkpointer thread (_Checkpointer), not inside
    # whichever recording's commit crosses SQLite's threshold: that doubled recording's p99.
    cursor.execute("PRAGMA wal_autocheckpoint=0")
    cursor.close()


# How often the checkpointer writes the WAL back into the database file (PASSIVE: it never
# waits for readers or writers, so a busy moment only leaves the WAL for the next round).
CHECKPOINT_EVERY_S = 1.0


class _Checkpointer:
    """A daemon thread per file-backed SQLite engine that checkpoints the WAL every
    CHECKPOINT_EVERY_S, started by the engine's connections; it ends when the engine is
    collected or its file removed. SQLite also checkpoints when the last connection closes."""

    def __init__(self, engine: Engine, path: Path, every_s: float) -> None:
        # Weakly: an engine nobody holds any more is collected, and its thread ends.
        self._engine, self._path, self._every_s = weakref.ref(engine), path, every_s
        self._thread: threading.Thread | None = None
        self._lock = threading.Lock()

    def start(self, *_args) -> None:
        with self._lock:
            if self._thread is None or not self._thread.is_alive():
                self._thread = threading.Thread(
                    target=self._run, name="rmis-sqlite-checkpoint", daemon=True
                )
                self._thread.start()

    def _run(self) -> None:
        while True:
            time.sleep(self._every_s)
            engine = self._engine()
            if engine is None or not self._path.exists():
                return  # the engine collected, or its file removed: the next connection restarts
            try:
                with engine.connect() as connection:
                    connection.exec_driver_sql("PRAGMA wal_checkpoint(PASSIVE)")
            except DBAPIError:
                continue  # the file busy or gone: the next round tries again
            finally:
                del engine


def _ping_after_idle(engine: Engine) -> None:
    """Check a pooled connection before use only when it has sat idle a while.

    pool_pre_ping would cost a round trip on every checkout, one in eight of those recording a
    crossing took. Connections that die (a server restart, an idle timeout in between) are found
    mostly after a quiet spell, so only those are pinged and, when dead, replaced; one that dies
    sooner fails its statement, SQLAlchemy then renews the whole pool, and the work is run once
    more on a fresh connection when that is safe (fresh_connection_attempts).
    """
    dialect = engine.dialect

    def checked_in(dbapi_connection, record) -> None:
        record.info["idle_since"] = time.monotonic()

    def checked_out(dbapi_connection, record, _proxy) -> None:
        idle_since = record.info.pop("idle_since", None)
        if idle_since is None or time.monotonic() - idle_since < PING_AFTER_IDLE_S:
            return
        try:
            dialect.do_ping(dbapi_connection)
        except dialect.loaded_dbapi.Error as error:
            if dialect.is_disconnect(error, dbapi_connection, None):
                # The pool replaces this connection and checks out again.
                raise DisconnectionError("pooled connection found dead") from error
            raise

    event.listen(engine, "checkin", checked_in)
    event.listen(engine, "checkout", checked_out)


T = TypeVar("T")

# The attempt running now, for _note_commits. It is an object, not a flag, because a FastAPI route
# runs in a worker thread on a copy of the request's context: the copy shares the object.
_running: ContextVar[_Attempt | None] = ContextVar("rmis_database_attempt", default=None)


class _Attempt:
    """One run of a unit of work (an API request, a recording)."""

    def __init__(self, *, last: bool, replayable: bool) -> None:
        self.last = last
        self.replayable = replayable  # the work running now may run again after its COMMIT
        self.committed = False  # a COMMIT was sent for work that is not replayable

    def __enter__(self) -> _Attempt:
        self._token = _running.set(self)
        return self

    def __exit__(self, _type, error, _traceback) -> bool:
        _running.reset(self._token)
        # Swallowing the error is what makes the caller's loop run the work again.
        return (
            not self.last
            and isinstance(error, DBAPIError)
            and error.connection_invalidated
            and not self.committed
        )


def _note_commits(engine: Engine) -> None:
    """Note on the attempt running each COMMIT the engine sends, just before it is sent.

    This wraps the engine's own dialect rather than listening for the engine's "commit" event:
    an engine with any connection event takes SQLAlchemy's slower execute path, which cost a
    recording ~40 us. (rmis never writes in AUTOCOMMIT mode, which sends no COMMIT.)
    """
    do_commit = engine.dialect.do_commit

    def noting_commit(dbapi_connection) -> None:
        attempt = _running.get()
        if attempt is not None and not attempt.replayable:
            attempt.committed = True
        do_commit(dbapi_connection)

    engine.dialect.do_commit = noting_commit  # type: ignore[method-assign]


@contextmanager
def _within(outer: _Attempt, replayable: bool) -> Iterator[None]:
    before = outer.replayable
    outer.replayable = before or replayable
    try:
        yield
    finally:
        outer.replayable = before


def fresh_connection_attempts(
    *, replayable: bool = False
) -> Iterator[AbstractContextManager[object]]:
    """The attempts at a unit of work, each to be run as `with attempt: return work()`.

    A second attempt follows only when the first failed because its connection was found dead
    (SQLAlchemy has then invalidated it and every connection pooled before it, so the second runs
    on a fresh one) and no COMMIT had been sent: the server rolls back a transaction cut short, so
    the work is then applied once. `replayable` work (which finds what an earlier run committed, as
    recording finds crossings by their ids) runs again even when its COMMIT was sent and may have
    gone through. Within a unit already being attempted (recording within an API request), the
    outer unit runs everything again, so the inner one is attempted once.
    """
    outer = _running.get()
    if outer is not None:
        yield _within(outer, replayable)
        return
    yield _Attempt(last=False, replayable=replayable)
    yield _Attempt(last=True, replayable=replayable)


def run_on_fresh_connection(work: Callable[[], T], *, replayable: bool = False) -> T:
    """work(), run once more on a fresh connection when that is safe (fresh_connection_attempts)."""
    for attempt in fresh_connection_attempts(replayable=replayable):
        with attempt:
            return work()
    raise AssertionError("unreachable: the last attempt returns or raises")


def as_utc(at: datetime) -> datetime:
    """A time read back from the record, as an aware UTC time: SQLite hands back naive UTC
    times, PostgreSQL aware ones."""
    return at.replace(tzinfo=UTC) if at.tzinfo is None else at.astimezone(UTC)


def _private_file(path: Path) -> None:
    """The record's file readable by its owner only (SQLite gives its -wal and -shm files the
    same mode): made so when new, and narrowed when an older one was left readable to all."""
    path.parent.mkdir(parents=True, exist_ok=True)
    os.close(os.open(path, os.O_RDWR | os.O_CREAT, 0o600))
    if path.stat().st_mode & 0o077:
        path.chmod(0o600)


def create_registry_engine(url: str) -> Engine:
    parsed = make_url(url)
    if parsed.get_backend_name() == "sqlite":
        if parsed.database and parsed.database != ":memory:":
            _private_file(Path(parsed.database))
        engine = create_engine(url)
        event.listen(engine, "connect", _sqlite_pragmas)
        if parsed.database and parsed.database != ":memory:":
            checkpointer = _Checkpointer(engine, Path(parsed.database), CHECKPOINT_EVERY_S)
            event.listen(engine, "connect", checkpointer.start)  # a pool event: no slow path
        _note_commits(engine)
        return engine
    if parsed.get_backend_name() == "postgresql":
        engine = create_engine(url)
        _ping_after_idle(engine)
        _note_commits(engine)
        return engine
    raise ValueError(
        f"RMIS_DATABASE_URL must be a sqlite:/// or postgresql+psycopg:// URL, not {url!r}"
    )


# SQLite reads at most this many index entries per index for its statistics: a bounded ANALYZE
# (milliseconds on any size of record) that still tells the planner which index is selective.
SQLITE_ANALYSIS_LIMIT = 2_000


def refresh_statistics(engine: Engine, tables: Iterable[str]) -> None:
    """Bring the planner's statistics on `tables` up to date after a bulk import: without them
    a history read scanned every crossing flag (issue 19: p99 47 ms -> 11 ms after ANALYZE), and
    PostgreSQL's autovacuum may be off or late. PostgreSQL samples each table; SQLite reads a
    bounded number of entries per index (SQLITE_ANALYSIS_LIMIT). Only the tables named: a bare
    ANALYZE on PostgreSQL reads every table of every schema in the database."""
    preparer = engine.dialect.identifier_preparer
    with engine.begin() as connection:
        if engine.dialect.name == "sqlite":
            connection.exec_driver_sql(f"PRAGMA analysis_limit={SQLITE_ANALYSIS_LIMIT}")
        for table in tables:
            connection.exec_driver_sql(f"ANALYZE {preparer.quote(table)}")


def migrate(engine: Engine, revision: str = "head") -> None:
    # Alembic is loaded only here: commands that merely read the record start without it.
    from alembic import command
    from alembic.config import Config

    config = Config()
    config.set_main_option("script_location", "rmis.store:migrations")
    with engine.begin() as connection:
        config.attributes["connection"] = connection
        command.upgrade(config, revision)


def open_database(url: str) -> Engine:
    """An engine on `url` whose schema is at the newest migration and reference data current."""
    engine = create_registry_engine(url)
    migrate(engine)
    with engine.begin() as connection:
        sync_reference(connection)
    return engine
