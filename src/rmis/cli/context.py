"""What every command that touches the record needs: the database named by the environment."""

from __future__ import annotations

from sqlalchemy import Engine

from rmis.settings import Settings
from rmis.store.database import open_database


def open_registry() -> Engine:
    return open_database(Settings.from_env().database_url)
