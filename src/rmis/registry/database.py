"""Engines for the system of record: SQLite embedded, PostgreSQL for servers, one code path.

`open_database` makes the engine and brings the schema up to date with Alembic, so no separate
manual migration step is ever needed.
"""

from __future__ import annotations

import time
from pathlib import Path

from alembic import command
from alembic.config import Config
from sqlalchemy import Engine, create_engine, event
from sqlalchemy.engine import make_url
from sqlalchemy.exc import DisconnectionError

from rmis.registry.reference_sync import sync_reference

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
    cursor.close()


def _ping_after_idle(engine: Engine) -> None:
    """Check a pooled connection before use only when it has sat idle a while.

    pool_pre_ping would cost a round trip on every checkout, one in eight of those recording a
    crossing took. Connections that die (a server restart, an idle timeout in between) are found
    mostly after a quiet spell, so only those are pinged and, when dead, replaced; one that dies
    in use fails its statement, SQLAlchemy then renews the whole pool, and recording, which is
    idempotent, tries once more (registry.crossings).
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


def create_registry_engine(url: str) -> Engine:
    parsed = make_url(url)
    if parsed.get_backend_name() == "sqlite":
        if parsed.database and parsed.database != ":memory:":
            Path(parsed.database).parent.mkdir(parents=True, exist_ok=True)
        engine = create_engine(url)
        event.listen(engine, "connect", _sqlite_pragmas)
        return engine
    if parsed.get_backend_name() == "postgresql":
        engine = create_engine(url)
        _ping_after_idle(engine)
        return engine
    raise ValueError(
        f"RMIS_DATABASE_URL must be a sqlite:/// or postgresql+psycopg:// URL, not {url!r}"
    )


def migrate(engine: Engine, revision: str = "head") -> None:
    config = Config()
    config.set_main_option("script_location", "rmis.registry:migrations")
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
