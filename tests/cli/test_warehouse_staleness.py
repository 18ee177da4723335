"""The analyses say when the warehouse is behind the record, and when it was synced."""

from __future__ import annotations

import importlib
from dataclasses import replace
from datetime import date

import pytest
from sqlalchemy import create_engine
from typer.testing import CliRunner

from rmis.cli import app
from rmis.store import open_database
from rmis.warehouse import Manifest, Staleness, read_manifest, staleness, sync_time
from rmis.warehouse.cursor import Hole, SeqCursor
from rmis.warehouse.sync import sync_warehouse
from warehouse.scenario import NOW, Person, record

runner = CliRunner()
# The module itself (the door names its function `staleness`), for its COUNT_CAP.
staleness_module = importlib.import_module("rmis.warehouse.staleness")


def visitor(number: str, day: date) -> Person:
    person = Person(number, "UZB")
    person.stay("KAZ-ALA", day, 5)
    return person


def test_current_then_behind_by_what_was_recorded_since(engine, tmp_path):
    root = tmp_path / "warehouse"
    record(engine, tmp_path, [visitor("A1", date(2026, 3, 1))])
    sync_warehouse(engine, root, NOW)
    found = staleness(engine, read_manifest(root))
    assert found.current and found.synced == "2026-12-31 00:00 UTC"
    assert found.behind["crossings"] == 0 and found.behind["corrections"] == 0

    record(engine, tmp_path, [visitor("B1", date(2026, 4, 1)), visitor("C1", date(2026, 4, 2))])
    found = staleness(engine, read_manifest(root))
    assert not found.current
    assert found.behind["crossings"] == 4
    assert found.warning().startswith(
        "the warehouse was synced 2026-12-31 00:00 UTC; the record has 4 crossings"
    )
    assert found.warning().endswith("since. Run `rmis warehouse sync`.")

    sync_warehouse(engine, root, NOW)
    assert staleness(engine, read_manifest(root)).current


def test_rows_in_a_hole_count_and_a_long_way_behind_is_capped(engine, tmp_path, monkeypatch):
    root = tmp_path / "warehouse"
    people = [visitor(f"H{i}", date(2026, 3, 1 + i)) for i in range(3)]
    record(engine, tmp_path, people)  # six crossings, seq 1..6 on a fresh record
    sync_warehouse(engine, root, NOW)
    manifest = read_manifest(root)
    last = manifest.crossings.last
    # As if seqs last-3 and last-2 had not been visible when the sync ran.
    holed = replace(manifest, crossings=SeqCursor(last, (Hole(last - 3, last - 2, NOW),)))
    found = staleness(engine, holed)
    assert found.behind["crossings"] == 2
    assert "the record has 2 crossings since" in found.warning()
    monkeypatch.setattr(staleness_module, "COUNT_CAP", 1)
    assert "more than 1 crossings" in staleness(engine, holed).warning()
    one = replace(manifest, crossings=SeqCursor(last - 1))
    monkeypatch.setattr(staleness_module, "COUNT_CAP", 100)
    assert "the record has 1 crossing since" in staleness(engine, one).warning()


def test_a_warehouse_never_synced_says_so():
    assert sync_time(Manifest()) is None
    found = Staleness(None, {"crossings": 3, "corrections": 1})
    assert found.warning() == (
        "the warehouse has never been synced; the record has 3 crossings and 1 correction since. "
        "Run `rmis warehouse sync`."
    )


@pytest.fixture
def data_dir(tmp_path, monkeypatch):
    database = tmp_path / "rmis.sqlite3"
    monkeypatch.setenv("RMIS_DATA_DIR", str(tmp_path))
    monkeypatch.setenv("RMIS_DATABASE_URL", f"sqlite:///{database}")
    monkeypatch.delenv("RMIS_ENGINE", raising=False)
    engine = open_database(f"sqlite:///{database}")
    record(engine, tmp_path, [visitor("A1", date(2026, 3, 1))])
    sync_warehouse(engine, tmp_path / "warehouse", NOW)
    yield tmp_path
    engine.dispose()


def test_the_commands_warn_on_stderr_when_the_record_has_moved_on(data_dir, monkeypatch):
    args = ["analytics", "flows", "--by", "host_state", "--format", "csv"]
    current = runner.invoke(app, args)
    assert current.exit_code == 0, current.output
    assert current.stderr == ""
    table = runner.invoke(app, ["analytics", "flows", "--by", "host_state"])
    assert "warehouse synced 2026-12-31 00:00 UTC" in table.stdout

    engine = create_engine(f"sqlite:///{data_dir / 'rmis.sqlite3'}")
    record(engine, data_dir, [visitor("B1", date(2026, 4, 1))])
    engine.dispose()
    for command in (["analytics", "surges"], ["analytics", "stock", "--format", "json"], args):
        stale = runner.invoke(app, command)
        assert stale.exit_code == 0, stale.output
        assert stale.stderr.startswith(
            "warning: the warehouse was synced 2026-12-31 00:00 UTC; the record has 2 crossings"
        ), command
    assert stale.stdout == current.stdout  # the figures are the warehouse's, as they were


def test_no_record_beside_the_warehouse_is_no_warning_and_is_not_made(data_dir, monkeypatch):
    elsewhere = data_dir / "elsewhere" / "rmis.sqlite3"
    monkeypatch.setenv("RMIS_DATABASE_URL", f"sqlite:///{elsewhere}")
    result = runner.invoke(app, ["analytics", "mirror", "--format", "csv"])
    assert result.exit_code == 0, result.output
    assert result.stderr == ""
    assert not elsewhere.exists() and not elsewhere.parent.exists()


def test_a_record_that_cannot_be_asked_is_a_warning_not_a_failure(data_dir, monkeypatch):
    monkeypatch.setenv("RMIS_DATABASE_URL", "postgresql+psycopg://nobody@127.0.0.1:9/none")
    result = runner.invoke(app, ["analytics", "mirror", "--format", "csv"])
    assert result.exit_code == 0, result.output
    assert result.stderr.startswith("warning: could not ask the record whether the warehouse")
    assert result.stdout.startswith("month,from_state,")
