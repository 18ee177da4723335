"""What every command that touches the record needs: the database named by the environment."""

from __future__ import annotations

from typing import TYPE_CHECKING

from rmis.settings import Settings

if TYPE_CHECKING:
    from sqlalchemy import Engine


def open_registry() -> Engine:
    # Imported here: SQLAlchemy and Alembic cost a third of a second, which commands that never
    # open the record (and `rmis --help`) should not pay.
    from rmis.store import open_database

    return open_database(Settings.from_env().database_url)
