"""A database for one benchmark run to write in: a PostgreSQL schema of its own, dropped after,
or a SQLite file in the run's temporary directory."""

from __future__ import annotations

import uuid
from collections.abc import Callable
from pathlib import Path

from sqlalchemy import create_engine, text


def scratch_database(
    postgres: str | None, directory: Path, name: str
) -> tuple[str, Callable[[], None]]:
    """(the database URL, what removes it): on `postgres` a new schema (search_path set in the
    URL), else `directory`/`name`.sqlite3 (removed with the directory)."""
    if not postgres:
        return f"sqlite:///{directory / f'{name}.sqlite3'}", lambda: None
    schema = f"rmis_bench_{uuid.uuid4().hex[:8]}"
    admin = create_engine(postgres)
    with admin.begin() as connection:
        connection.execute(text(f'CREATE SCHEMA "{schema}"'))
    sep = "&" if "?" in postgres else "?"

    def drop() -> None:
        with admin.begin() as connection:
            connection.execute(text(f'DROP SCHEMA "{schema}" CASCADE'))
        admin.dispose()

    return f"{postgres}{sep}options=-csearch_path%3D{schema}", drop
