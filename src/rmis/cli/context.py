"""What every command that touches the record needs: the database named by the environment."""

from __future__ import annotations

from pathlib import Path
from typing import TYPE_CHECKING

from rmis.settings import Settings

if TYPE_CHECKING:
    from sqlalchemy import Engine

CONNECT_TIMEOUT_S = 5


def open_registry() -> Engine:
    # Imported here: SQLAlchemy and Alembic cost a third of a second, which commands that never
    # open the record (and `rmis --help`) should not pay.
    from rmis.store import open_database

    return open_database(Settings.from_env().database_url)


def open_record_to_read() -> Engine | None:
    """The record, for a quick read by a command that otherwise reads only the warehouse: not
    migrated and never made. None when the embedded record does not exist (a warehouse copied
    to an analyst's machine without its record)."""
    from sqlalchemy import create_engine
    from sqlalchemy.engine import make_url

    url = make_url(Settings.from_env().database_url)
    backend = url.get_backend_name()
    if backend == "sqlite":
        if not url.database or url.database == ":memory:" or not Path(url.database).is_file():
            return None
        return create_engine(url)
    if backend == "postgresql":
        # A server that does not answer must not hold up an analysis for long.
        return create_engine(url, connect_args={"connect_timeout": CONNECT_TIMEOUT_S})
    raise ValueError(
        f"RMIS_DATABASE_URL must be a sqlite:/// or postgresql+psycopg:// URL, not {backend!r}"
    )
