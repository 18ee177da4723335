"""Shared fixtures: `engine` runs a test on SQLite and, given RMIS_TEST_POSTGRES_URL, PostgreSQL."""

from __future__ import annotations

import os
import uuid

import pytest
from sqlalchemy import create_engine, text

from rmis.store.database import open_database

POSTGRES_URL = os.environ.get("RMIS_TEST_POSTGRES_URL")


def _fresh_postgres_schema(base_url: str):
    # Each test gets its own schema, dropped afterwards, so tests never see each other's rows.
    schema = f"rmis_test_{uuid.uuid4().hex[:12]}"
    admin = create_engine(base_url)
    with admin.begin() as connection:
        connection.execute(text(f'CREATE SCHEMA "{schema}"'))
    sep = "&" if "?" in base_url else "?"
    url = f"{base_url}{sep}options=-csearch_path%3D{schema}"
    return url, admin, schema


@pytest.fixture(params=["sqlite", "postgresql"])
def engine(request, tmp_path):
    if request.param == "sqlite":
        engine = open_database(f"sqlite:///{tmp_path / 'rmis.sqlite3'}")
        yield engine
        engine.dispose()
        return
    if not POSTGRES_URL:
        pytest.skip("RMIS_TEST_POSTGRES_URL is not set")
    url, admin, schema = _fresh_postgres_schema(POSTGRES_URL)
    engine = open_database(url)
    yield engine
    engine.dispose()
    with admin.begin() as connection:
        connection.execute(text(f'DROP SCHEMA "{schema}" CASCADE'))
    admin.dispose()
