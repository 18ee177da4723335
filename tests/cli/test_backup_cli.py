"""Backup and restore: a round trip of the record, the warehouse and the keys, after which the
audit chain verifies; an altered backup is refused whole."""

import json
import shutil

from sqlalchemy import create_engine, func, select
from typer.testing import CliRunner

from rmis.cli import app
from rmis.store.schema import principals

runner = CliRunner()


def test_a_round_trip_restores_everything_and_the_chain_verifies(tmp_path, monkeypatch):
    data = tmp_path / "data"
    monkeypatch.setenv("RMIS_DATA_DIR", str(data))
    monkeypatch.setenv("RMIS_DATABASE_URL", f"sqlite:///{data / 'rmis.sqlite3'}")
    for name in ("a.1", "a.2"):
        made = runner.invoke(app, ["users", "create", name, "--role", "analyst", "--state", "KAZ"])
        assert made.exit_code == 0, made.output
    assert runner.invoke(app, ["audit", "seal"]).exit_code == 0
    assert runner.invoke(app, ["warehouse", "sync"]).exit_code == 0
    (data / "exchange").mkdir()
    (data / "exchange" / "node.key").write_bytes(b"signing key bytes")
    saved = tmp_path / "backup"
    made = runner.invoke(app, ["backup", str(saved)])
    assert made.exit_code == 0, made.output
    files = json.loads((saved / "backup.json").read_text())["files"]
    assert {"record.sqlite3", "keys/audit.key", "keys/audit.checkpoint", "keys/warehouse.key",
            "keys/exchange/node.key", "warehouse/_manifest.json"} <= set(files)  # fmt: skip
    assert (saved.stat().st_mode & 0o777) == 0o700
    assert runner.invoke(app, ["backup", str(saved)]).exit_code == 2  # not over another

    shutil.rmtree(data)
    restored = runner.invoke(app, ["restore", str(saved)])
    assert restored.exit_code == 0, restored.output
    assert "audit chain whole (2 links)" in restored.output
    engine = create_engine(f"sqlite:///{data / 'rmis.sqlite3'}")
    with engine.connect() as connection:
        assert connection.execute(select(func.count()).select_from(principals)).scalar() == 2
    assert (data / "exchange" / "node.key").read_bytes() == b"signing key bytes"
    assert (data / "warehouse" / "_manifest.json").is_file()
    assert runner.invoke(app, ["audit", "verify"]).exit_code == 0
    again = runner.invoke(app, ["restore", str(saved)])
    assert again.exit_code == 2 and "--replace" in again.output

    (saved / "keys" / "audit.key").write_text('{"keys": []}')
    altered = runner.invoke(app, ["restore", str(saved), "--replace"])
    assert altered.exit_code == 2 and "keys/audit.key is missing or altered" in altered.output
