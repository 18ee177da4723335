"""rmis.warehouse.sync: incremental, idempotent, atomic, with corrections and late commits."""

from __future__ import annotations

from datetime import UTC, date, datetime, timedelta
from pathlib import Path
from uuid import UUID

import pyarrow as pa
import pyarrow.parquet as pq
import pytest
from uuid6 import uuid7

from rmis.registry.corrections import correct_crossing
from rmis.registry.model import Direction, DocumentSeen, NewCrossing, Purpose
from rmis.registry.recording import ToRecord, load_reference_facts, write_crossings
from rmis.security.principals import Principal, Role
from rmis.warehouse import sync as sync_module
from rmis.warehouse.layout import MANIFEST, read_manifest
from rmis.warehouse.sync import sync_warehouse

from .scenario import NOW, Person, record

SUPERVISOR = Principal("sup.kaz", Role.SUPERVISOR, "KAZ")


def read_crossings(root: Path) -> pa.Table:
    manifest = read_manifest(root)
    tables = [pq.read_table(root / f) for f in manifest.crossing_files()]
    return pa.concat_tables(tables).sort_by("seq") if tables else pa.table({})


def test_exports_into_hive_partitions_without_birth_dates(engine, tmp_path):
    a = Person("A1", "UZB", birth_date=date(1988, 7, 2), sex="F")
    a.stay("KAZ-ALA", date(2026, 3, 30), 5)
    b = Person("B1", "KGZ")
    b.cross("entry", "UZB-TAS", date(2026, 3, 2), purpose="work")
    record(engine, tmp_path, [a, b])
    root = tmp_path / "wh"
    summary = sync_warehouse(engine, root, NOW)
    assert summary.exported == 3
    manifest = read_manifest(root)
    assert sorted(p.path for p in manifest.partitions) == [
        "crossings/host_state=KAZ/year=2026/month=3",
        "crossings/host_state=KAZ/year=2026/month=4",
        "crossings/host_state=UZB/year=2026/month=3",
    ]
    for partition, files in manifest.partitions.items():
        for f in files:
            assert f.startswith(partition.path + "/") and (root / f).is_file()
    table = read_crossings(root)
    assert "birth_date" not in table.column_names
    assert table.column("birth_year").to_pylist() == [1990, 1988, 1988]
    assert table.column("sex").to_pylist() == ["M", "F", "F"]
    docs = pa.concat_tables(pq.read_table(root / f) for f in manifest.documents)
    assert sorted(docs.column("document_number").to_pylist()) == ["A1", "B1"]


def test_sync_is_incremental_and_idempotent(engine, tmp_path):
    a = Person("A1", "UZB")
    a.stay("KAZ-ALA", date(2026, 3, 1), 5)
    record(engine, tmp_path, [a])
    root = tmp_path / "wh"
    assert sync_warehouse(engine, root, NOW).exported == 2
    before = read_crossings(root)
    again = sync_warehouse(engine, root, NOW)
    assert again.exported == 0
    assert read_crossings(root).equals(before)
    a.stay("KAZ-ALA", date(2026, 3, 20), 2)
    record(engine, tmp_path, [a])
    assert sync_warehouse(engine, root, NOW).exported == 2
    table = read_crossings(root)
    assert table.num_rows == 4
    assert len(set(table.column("seq").to_pylist())) == 4


def test_a_correction_after_export_reaches_the_warehouse(engine, tmp_path):
    a = Person("A1", "UZB")
    entry_id = a.cross("entry", "KAZ-ALA", date(2026, 3, 31))
    exit_id = a.cross("exit", "KAZ-ALA", date(2026, 4, 3))
    record(engine, tmp_path, [a])
    root = tmp_path / "wh"
    sync_warehouse(engine, root, NOW)
    # The entry really was a day later: it moves to the April partition; the exit was void.
    moved = datetime(2026, 4, 1, 8, tzinfo=UTC)
    correct_crossing(
        engine, SUPERVISOR, UUID(entry_id), "amend", {"occurred_at": moved}, "keyed wrong",
        now=NOW,
    )  # fmt: skip
    correct_crossing(engine, SUPERVISOR, UUID(exit_id), "void", {}, "recorded twice", now=NOW)
    summary = sync_warehouse(engine, root, NOW)
    assert summary.rewritten == 2
    table = read_crossings(root)
    assert table.column("crossing_id").to_pylist() == [entry_id]
    assert table.column("local_date").to_pylist() == [date(2026, 4, 1)]
    assert table.column("corrected").to_pylist() == [True]
    march = [p for p in read_manifest(root).partitions if p.month == 3]
    assert march == []  # emptied by the correction, so no longer listed
    assert sync_warehouse(engine, root, NOW).rewritten == 0


def test_a_correction_before_export_is_applied_on_the_way(engine, tmp_path):
    a = Person("A1", "UZB")
    entry_id = a.cross("entry", "KAZ-ALA", date(2026, 3, 1), purpose="tourism")
    record(engine, tmp_path, [a])
    correct_crossing(
        engine, SUPERVISOR, UUID(entry_id), "amend", {"purpose": "work"}, "asked again", now=NOW
    )
    summary = sync_warehouse(engine, tmp_path / "wh", NOW)
    assert (summary.exported, summary.rewritten) == (1, 0)
    assert read_crossings(tmp_path / "wh").column("purpose").to_pylist() == ["work"]


def test_a_sync_that_dies_leaves_the_last_good_state(engine, tmp_path, monkeypatch):
    a = Person("A1", "UZB")
    a.stay("KAZ-ALA", date(2026, 3, 1), 5)
    record(engine, tmp_path, [a])
    root = tmp_path / "wh"
    sync_warehouse(engine, root, NOW)
    manifest_before = (root / MANIFEST).read_text()
    a.stay("KAZ-ALA", date(2026, 3, 20), 2)
    record(engine, tmp_path, [a])

    def die(*args, **kwargs):
        raise OSError("disk full")

    monkeypatch.setattr(sync_module, "write_manifest", die)
    with pytest.raises(OSError):
        sync_warehouse(engine, root, NOW)
    monkeypatch.undo()
    assert (root / MANIFEST).read_text() == manifest_before
    assert read_crossings(root).num_rows == 2
    summary = sync_warehouse(engine, root, NOW)  # picks up where the good state was
    assert summary.exported == 2
    assert read_crossings(root).num_rows == 4
    listed = read_manifest(root).files()
    on_disk = {p.relative_to(root).as_posix() for p in root.rglob("*.parquet")}
    assert on_disk == listed  # the dead sync's files were cleaned up


def _crossing(number: str, day: date) -> ToRecord:
    document = DocumentSeen("UZB", number, "P", "TESTOV", "", "UZB", None, "M", None)
    at = datetime(day.year, day.month, day.day, 8, tzinfo=UTC)
    crossing = NewCrossing(uuid7(), Direction.ENTRY, "KAZ-ALA", at, document, Purpose.WORK)
    return ToRecord(crossing, "officer.1")


def test_a_lower_seq_committed_late_is_still_exported(engine, tmp_path):
    if engine.dialect.name != "postgresql":
        pytest.skip("only PostgreSQL hands out sequence numbers before commit")
    fast = Person("F1", "KGZ")
    fast.cross("entry", "KAZ-ALA", date(2026, 3, 2))
    root = tmp_path / "wh"
    with engine.connect() as held:
        transaction = held.begin()
        reference = load_reference_facts(held)
        [late] = write_crossings(held, [_crossing("S1", date(2026, 3, 1))], reference.bcps, NOW)
        record(engine, tmp_path, [fast])  # commits a higher seq first
        first = sync_warehouse(engine, root, NOW)
        assert first.exported == 1 and first.open_holes >= 1
        transaction.commit()
    second = sync_warehouse(engine, root, NOW + timedelta(minutes=1))
    assert second.exported == 1 and second.open_holes == 0
    assert late.seq in read_crossings(root).column("seq").to_pylist()


def test_many_small_syncs_are_merged(engine, tmp_path, monkeypatch):
    monkeypatch.setattr(sync_module, "MAX_FILES_PER_PARTITION", 2)
    a = Person("A1", "UZB")
    root = tmp_path / "wh"
    for day in (1, 5, 9):
        a.stay("KAZ-ALA", date(2026, 3, day), 1)
        record(engine, tmp_path, [a])
        summary = sync_warehouse(engine, root, NOW)
    assert summary.merged == 1
    [files] = read_manifest(root).partitions.values()
    assert len(files) == 1
    assert read_crossings(root).num_rows == 6
