import csv
import io
import os
import signal
import subprocess
import sys
import time
from datetime import UTC, date, datetime, timedelta
from pathlib import Path

import pyarrow as pa
import pyarrow.parquet as pq
import pytest
from sqlalchemy import func, select
from uuid6 import uuid7

from rmis.registry.importing import ImportFileError, import_crossings
from rmis.store.schema import crossing_flags, crossings

NOW = datetime(2026, 11, 23, tzinfo=UTC)
START = datetime(2026, 1, 1, 6, 0, tzinfo=UTC)
BCPS = ["KAZ-ALA", "KAZ-DOSTYK-ROAD", "UZB-TAS", "KGZ-FRU"]


def rows(n: int) -> list[dict[str, str]]:
    """n crossings: each traveller enters and, a week later, leaves."""
    out = []
    for i in range(n):
        person, leg = divmod(i, 2)
        out.append(
            {
                "crossing_id": str(uuid7()),
                "direction": "exit" if leg else "entry",
                "bcp": BCPS[person % len(BCPS)],
                # A minute apart: 100,000 rows stay well before NOW (later would be refused).
                "occurred_at": (START + timedelta(minutes=person, days=7 * leg)).isoformat(),
                "issuing_state": "UZB",
                "document_number": f"FA{person:07d}",
                "surname": "KARIMOV",
                # Each traveller born on a day of their own and named apart: different people
                # to linking (namesakes born a digit apart, with numbers a digit apart and one
                # expiry, would be one person's documents read and typed with slips).
                "given_names": "AZIZ" + "".join(chr(65 + int(d)) for d in f"{person:06d}"),
                "nationality": "UZB",
                "birth_date": (date(1930, 1, 1) + timedelta(days=person % 30_000)).isoformat(),
                "sex": "M",
                "expiry_date": "2030-01-01",
                "purpose": "business",
                "officer": "officer.1",
            }
        )
    return out


def write_csv(path: Path, data: list[dict[str, str]]) -> Path:
    with path.open("w", newline="", encoding="utf-8") as f:
        writer = csv.DictWriter(f, fieldnames=list(data[0]))
        writer.writeheader()
        writer.writerows(data)
    return path


def count(engine, table=crossings) -> int:
    with engine.connect() as connection:
        return connection.execute(select(func.count()).select_from(table)).scalar()


def test_good_rows_are_kept_and_bad_rows_reported_with_their_number(engine, tmp_path):
    data = rows(6)
    data[1] = data[1] | {"direction": "sideways"}
    data[2] = data[2] | {"bcp": "KAZ-NOWHERE"}
    data[3] = data[3] | {"occurred_at": "2026-01-01T06:00:00"}
    data[4] = data[4] | {"birth_date": "01.01.1990"}
    report = io.StringIO()
    summary = import_crossings(engine, write_csv(tmp_path / "c.csv", data), report, now=NOW)
    assert (summary.rows, summary.recorded, summary.rejected) == (6, 2, 4)
    rejected = list(csv.DictReader(io.StringIO(report.getvalue())))
    assert [(r["row"], r["field"], r["code"]) for r in rejected] == [
        ("2", "direction", "invalid_value"),
        ("3", "bcp", "unknown_bcp"),
        ("4", "occurred_at", "naive_time"),
        ("5", "birth_date", "invalid_date"),
    ]
    assert rejected[0]["crossing_id"] == data[1]["crossing_id"]
    assert count(engine) == 2


def test_importing_again_records_nothing_twice(engine, tmp_path):
    path = write_csv(tmp_path / "c.csv", rows(50))
    first = import_crossings(engine, path, io.StringIO(), now=NOW, chunk_rows=7)
    again = import_crossings(engine, path, io.StringIO(), now=NOW, chunk_rows=7)
    assert (first.recorded, first.already_recorded) == (50, 0)
    assert (again.recorded, again.already_recorded) == (0, 50)
    assert count(engine) == 50
    assert count(engine, crossing_flags) == 0  # every exit follows its entry


def test_parquet_with_typed_columns(engine, tmp_path):
    data = rows(4)
    table = pa.Table.from_pylist(
        [
            r | {"occurred_at": datetime.fromisoformat(r["occurred_at"]), "mrz_valid": i != 2}
            for i, r in enumerate(data)
        ]
    )
    pq.write_table(table, tmp_path / "c.parquet")
    summary = import_crossings(engine, tmp_path / "c.parquet", io.StringIO(), now=NOW)
    assert summary.recorded == 4
    assert count(engine, crossing_flags) == 1  # the invalid MRZ


def test_a_file_without_required_columns_writes_nothing(engine, tmp_path):
    data = [{k: v for k, v in r.items() if k != "bcp"} for r in rows(2)]
    with pytest.raises(ImportFileError, match=r"missing required column.*bcp"):
        import_crossings(engine, write_csv(tmp_path / "c.csv", data), io.StringIO(), now=NOW)
    (tmp_path / "c.txt").write_text("hello")
    with pytest.raises(ImportFileError, match=r"\.csv or \.parquet"):
        import_crossings(engine, tmp_path / "c.txt", io.StringIO(), now=NOW)
    with pytest.raises(ImportFileError, match="no such file"):
        import_crossings(engine, tmp_path / "none.csv", io.StringIO(), now=NOW)
    assert count(engine) == 0


def test_an_import_killed_halfway_completes_exactly_once_when_run_again(engine, tmp_path):
    total = 100_000  # five chunks: the kill lands long before the last one commits
    path = write_csv(tmp_path / "big.csv", rows(total))
    env = os.environ | {"RMIS_DATABASE_URL": engine.url.render_as_string(hide_password=False)}
    command = [
        sys.executable,
        "-c",
        "from rmis.cli import app; app()",
        "crossings",
        "import",
        str(path),
    ]
    process = subprocess.Popen(
        command, env=env, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL
    )
    deadline = time.monotonic() + 120
    while count(engine) == 0 and time.monotonic() < deadline and process.poll() is None:
        time.sleep(0.05)
    process.send_signal(signal.SIGKILL)
    process.wait()
    halfway = count(engine)
    assert 0 < halfway < total, "the import should have been killed part of the way through"
    rerun = subprocess.run(command, env=env, capture_output=True, text=True, timeout=300)
    assert rerun.returncode == 0, rerun.stderr
    assert f"{total - halfway} recorded, {halfway} already recorded" in rerun.stderr
    with engine.connect() as connection:
        distinct = connection.execute(select(func.count(func.distinct(crossings.c.id)))).scalar()
    assert count(engine) == distinct == total
