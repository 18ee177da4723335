"""The analyses default their date to the last day with data, and warn outside the data."""

from __future__ import annotations

import json
from datetime import date

import pyarrow.parquet as pq
import pytest
from typer.testing import CliRunner

from rmis.analytics import DataPeriod, data_period
from rmis.cli import app
from rmis.store import open_database
from rmis.warehouse import read_manifest
from rmis.warehouse.sync import sync_warehouse
from warehouse.scenario import NOW, Person, record

runner = CliRunner()
FIRST, LAST = date(2025, 1, 3), date(2026, 5, 1)


@pytest.fixture(scope="module")
def data_dir(tmp_path_factory):
    path = tmp_path_factory.mktemp("period")
    engine = open_database(f"sqlite:///{path / 'rmis.sqlite3'}")
    local = Person("L1", "KAZ")
    local.stay("KGZ-AK-ZHOL-ROAD", FIRST, 0)  # the first day, in Kyrgyzstan's partition
    worker = Person("W1", "KGZ")
    worker.stay("KAZ-KORDAI-ROAD", date(2026, 3, 1), 40, purpose="work")
    visitor = Person("V1", "UZB")  # the last day: an entry to Almaty, still there
    visitor.cross("entry", "KAZ-ALA", LAST)
    record(engine, path, [local, worker, visitor])
    sync_warehouse(engine, path / "warehouse", NOW)
    engine.dispose()
    return path


@pytest.fixture
def env(data_dir, monkeypatch):
    monkeypatch.setenv("RMIS_DATA_DIR", str(data_dir))
    monkeypatch.setenv("RMIS_DATABASE_URL", f"sqlite:///{data_dir / 'rmis.sqlite3'}")
    monkeypatch.delenv("RMIS_ENGINE", raising=False)
    return data_dir


def test_the_period_is_read_from_the_first_and_last_months_footers(data_dir, tmp_path):
    assert data_period(data_dir / "warehouse") == DataPeriod(FIRST, LAST)
    assert data_period(tmp_path / "no-warehouse") is None


def test_a_file_without_statistics_is_read_instead(data_dir, tmp_path):
    import shutil

    root = tmp_path / "warehouse"
    shutil.copytree(data_dir / "warehouse", root)
    manifest = read_manifest(root)
    for files in manifest.partitions.values():
        for name in files:
            table = pq.read_table(root / name)
            pq.write_table(table, root / name, write_statistics=False)
            statistics = pq.ParquetFile(root / name).metadata.row_group(0).column(0).statistics
            assert statistics is None or not statistics.has_min_max
    assert data_period(root) == DataPeriod(FIRST, LAST)


def test_what_lies_outside_is_named():
    period = DataPeriod(FIRST, LAST)
    assert period.outside(LAST) is None and period.outside(FIRST) is None
    assert period.outside(date(2031, 1, 1)) == (
        "2031-01-01 is after the last day with data (2026-05-01); figures after it are not known"
    )
    assert period.outside(date(2024, 12, 31)) == (
        "2024-12-31 is before the first day with data (2025-01-03); figures before it are not known"
    )


def test_a_day_left_out_is_the_last_with_data(env):
    surges = runner.invoke(app, ["analytics", "surges"])
    assert surges.exit_code == 0, surges.output
    assert surges.stdout.strip() == "no surges on 2026-05-01"
    default = runner.invoke(app, ["analytics", "stock", "--format", "json"])
    on_last = runner.invoke(app, ["analytics", "stock", "--on", "2026-05-01", "--format", "json"])
    assert default.exit_code == 0, default.output
    assert json.loads(default.stdout) == json.loads(on_last.stdout) != []
    assert default.stderr == ""
    overstays = runner.invoke(app, ["analytics", "overstays", "--format", "csv"])
    assert overstays.exit_code == 0, overstays.output
    curve = runner.invoke(app, ["analytics", "stock", "--from", "2026-04-28", "--format", "csv"])
    assert curve.exit_code == 0, curve.output
    days = [line.split(",")[2] for line in curve.stdout.splitlines()[1:]]
    assert days[0] == "2026-04-28" and days[-1] == "2026-05-01"


def test_a_day_outside_the_data_is_warned_of_and_still_answered(env):
    after = runner.invoke(app, ["analytics", "stock", "--on", "2031-01-01", "--format", "csv"])
    assert after.exit_code == 0, after.output
    assert after.stderr == (
        "warning: 2031-01-01 is after the last day with data (2026-05-01); "
        "figures after it are not known\n"
    )
    before = runner.invoke(
        app, ["analytics", "flows", "--from", "2020-01-01", "--to", "2026-01-01", "--format", "csv"]
    )
    assert before.exit_code == 0, before.output
    assert before.stderr.startswith("warning: 2020-01-01 is before the first day with data")
    assert before.stderr.count("warning:") == 1  # --to lies within
    surges = runner.invoke(app, ["analytics", "surges", "--on", "2031-01-01"])
    assert "2031-01-01 is after the last day with data" in surges.stderr
