"""What every command that touches the record needs: settings from the environment, a database."""

from __future__ import annotations

from datetime import UTC, datetime

from sqlalchemy import Engine

from rmis.registry.database import open_database
from rmis.settings import Settings


def open_registry() -> Engine:
    return open_database(Settings.from_env().database_url)


def utc_now() -> datetime:
    return datetime.now(UTC)
