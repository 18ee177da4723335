"""The ground both registry and security stand on: the tables, the engines, the migrations."""

from rmis.store.database import (
    as_utc,
    create_registry_engine,
    fresh_connection_attempts,
    migrate,
    open_database,
    refresh_statistics,
    run_on_fresh_connection,
)
from rmis.store.schema import metadata

__all__ = [
    "as_utc",
    "create_registry_engine",
    "fresh_connection_attempts",
    "metadata",
    "migrate",
    "open_database",
    "refresh_statistics",
    "run_on_fresh_connection",
]
