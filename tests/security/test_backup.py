"""The record's backup on PostgreSQL (pg_dump, pg_restore) and SQLite, restored whole."""

import shutil
from datetime import UTC, datetime

import pytest
from sqlalchemy import func, select

from rmis.security import load_keys, seal_audit, verify_audit
from rmis.security.accounts import create_principal
from rmis.security.backup import BackupError, Paths, backup, restore
from rmis.security.principals import Role
from rmis.store.schema import audit_log, principals

NOW = datetime(2026, 11, 23, 8, 0, tzinfo=UTC)


def test_a_backup_restores_the_record_and_its_chain(engine, tmp_path):
    if engine.dialect.name == "postgresql" and not shutil.which("pg_dump"):
        pytest.skip("PostgreSQL's client tools (pg_dump, pg_restore) are not installed")
    keys_file, checkpoint = tmp_path / "audit.key", tmp_path / "audit.checkpoint"
    keys = load_keys(keys_file)
    create_principal(engine, name="a.1", role=Role.ANALYST, state="KAZ", now=NOW)
    seal_audit(engine, keys, NOW, checkpoint)
    paths = Paths(engine.url.render_as_string(hide_password=False), tmp_path / "warehouse",
                  {"audit.key": keys_file, "audit.checkpoint": checkpoint}, {})  # fmt: skip
    backup(paths, tmp_path / "saved", NOW)
    create_principal(engine, name="a.2", role=Role.ANALYST, state="KAZ", now=NOW)
    if engine.dialect.name == "postgresql":
        with pytest.raises(BackupError, match="--replace"):
            restore(paths, tmp_path / "saved")
    engine.dispose()
    restore(paths, tmp_path / "saved", replace=True)
    with engine.connect() as connection:
        assert connection.execute(select(func.count()).select_from(principals)).scalar() == 1
        assert connection.execute(select(func.count()).select_from(audit_log)).scalar() == 1
        assert verify_audit(connection, load_keys(keys_file), checkpoint).whole
