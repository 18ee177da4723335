"""The warehouse names people by a keyed person_key and follows the record's links: a merge,
split or confirmed link made after export reaches it by the next sync, with no crossing file
written again."""

from __future__ import annotations

import json
from datetime import date, timedelta
from pathlib import Path

import pyarrow as pa
import pyarrow.parquet as pq
import pytest
from sqlalchemy import insert, select
from uuid6 import uuid7

from rmis import persons
from rmis.analytics import WarehouseOutdated, connect, open_warehouse
from rmis.store.schema import permits, travellers
from rmis.warehouse import (
    COLUMNS_VERSION,
    CROSSINGS,
    DOCUMENTS,
    PERMITS,
    person_key,
    read_manifest,
    sync_warehouse,
)
from rmis.warehouse.layout import MANIFEST

from .scenario import NOW, Person, merge, merge_leaving_documents, record, split, traveller_of

KEY = b"k" * 32


def table(root: Path, files: list[str]) -> pa.Table:
    return pa.concat_tables(pq.read_table(root / f) for f in files)


def docs(root: Path) -> dict[str, dict]:
    """document number -> its row in the warehouse."""
    rows = table(root, read_manifest(root).documents).to_pylist()
    numbers = [r["document_number"] for r in rows]
    assert len(numbers) == len(set(numbers)), "a document is listed twice"
    return {r["document_number"]: r for r in rows}


def crossing_files(root: Path) -> list[str]:
    return read_manifest(root).crossing_files()


def renewal(engine, tmp_path) -> None:
    """An Uzbek enters on one passport and leaves on another; the linker sees two people (the
    names differ: the renewal was issued under the new Latin alphabet)."""
    old = Person("P1", "UZB", surname="ABDULLAEV", birth_date=date(1981, 2, 3))
    new = Person("P2", "UZB", surname="ABDULLAYEV", given_names="OTABEK", sex="F")
    old.cross("entry", "KAZ-ALA", date(2026, 3, 1))
    new.cross("exit", "KAZ-ALA", date(2026, 3, 20))
    record(engine, tmp_path, [old, new])


def test_people_are_keyed_pseudonyms_and_no_traveller_id_is_exported(engine, tmp_path):
    renewal(engine, tmp_path)
    with engine.begin() as connection:
        connection.execute(
            insert(permits).values(
                id=uuid7(), traveller_id=traveller_of(engine, "P1"),
                host_state="KAZ", kind="work", valid_from=date(2026, 1, 1),
                valid_to=date(2026, 12, 31), recorded_at=NOW,
            )
        )  # fmt: skip
    root = tmp_path / "wh"
    sync_warehouse(engine, root, NOW, key=KEY)
    manifest = read_manifest(root)
    assert manifest.columns_version == COLUMNS_VERSION
    assert table(root, crossing_files(root)).schema.names == CROSSINGS.names
    assert table(root, manifest.documents).schema.names == DOCUMENTS.names
    assert table(root, [manifest.permits]).schema.names == PERMITS.names
    found = docs(root)
    for number in ("P1", "P2"):
        traveller = str(traveller_of(engine, number))
        assert found[number]["person_key"] == person_key(KEY, traveller)
        assert found[number]["link"] in ("first", "pending")
    [permit] = table(root, [manifest.permits]).to_pylist()
    assert permit["person_key"] == found["P1"]["person_key"]
    # The record's traveller ids are nowhere in the warehouse.
    stored = b"".join(p.read_bytes() for p in root.rglob("*.parquet"))
    with engine.connect() as connection:
        ids = list(connection.execute(select(travellers.c.id)).scalars())
    assert not any(str(i).encode() in stored or i.hex.encode() in stored for i in ids)
    crossings = table(root, crossing_files(root)).to_pylist()
    assert {c["document_id"] for c in crossings} == {r["document_id"] for r in found.values()}


def test_a_merge_after_export_reaches_the_documents_not_the_crossings(engine, tmp_path):
    renewal(engine, tmp_path)
    root = tmp_path / "wh"
    sync_warehouse(engine, root, NOW, key=KEY)
    files = crossing_files(root)
    before = docs(root)
    assert before["P1"]["person_key"] != before["P2"]["person_key"]
    survivor = merge(engine, "P1", "P2", kind="confirmed")
    summary = sync_warehouse(engine, root, NOW, key=KEY)
    assert (summary.exported, summary.relinked, summary.rewritten) == (0, 1, 0)
    assert crossing_files(root) == files  # no crossing file written again
    after = docs(root)
    assert after["P2"]["person_key"] == after["P1"]["person_key"] == person_key(KEY, str(survivor))
    assert sorted(after[n]["link"] for n in ("P1", "P2")) == ["confirmed", "first"]
    again = sync_warehouse(engine, root, NOW, key=KEY)
    assert again.relinked == 0 and docs(root) == after
    w = open_warehouse(root, connect("duckdb"))
    assert w.crossings.person_key.nunique().to_pyarrow().as_py() == 1


def test_a_split_after_export_gives_the_document_a_person_of_its_own(engine, tmp_path):
    renewal(engine, tmp_path)
    merge(engine, "P1", "P2")
    root = tmp_path / "wh"
    sync_warehouse(engine, root, NOW, key=KEY)
    assert docs(root)["P1"]["person_key"] == docs(root)["P2"]["person_key"]
    new = split(engine, "P2")
    summary = sync_warehouse(engine, root, NOW, key=KEY)
    assert summary.relinked >= 1
    after = docs(root)
    assert after["P2"]["person_key"] == person_key(KEY, str(new))
    assert after["P1"]["person_key"] == person_key(KEY, str(traveller_of(engine, "P1")))


def test_a_link_changed_before_its_crossings_are_exported_needs_no_rewrite(engine, tmp_path):
    first = Person("F1", "KGZ", surname="ONE")
    first.cross("entry", "KAZ-ALA", date(2026, 3, 1))
    record(engine, tmp_path, [first])
    root = tmp_path / "wh"
    sync_warehouse(engine, root, NOW, key=KEY)
    renewal(engine, tmp_path)
    merge(engine, "P1", "P2")  # neither document is in the warehouse yet
    summary = sync_warehouse(engine, root, NOW, key=KEY)
    assert (summary.exported, summary.relinked) == (2, 0)
    found = docs(root)
    assert found["P1"]["person_key"] == found["P2"]["person_key"] != found["F1"]["person_key"]
    assert len(read_manifest(root).documents) == 2  # the new documents were appended


def test_merges_of_merged_people_end_in_one_person(engine, tmp_path):
    renewal(engine, tmp_path)
    third = Person("P3", "UZB", surname="OTHER", birth_date=date(1970, 1, 1))
    third.cross("entry", "KAZ-ALA", date(2026, 4, 1))
    record(engine, tmp_path, [third])
    root = tmp_path / "wh"
    sync_warehouse(engine, root, NOW, key=KEY)
    merge(engine, "P2", "P3")
    survivor = merge(engine, "P1", "P3")
    assert sync_warehouse(engine, root, NOW, key=KEY).relinked >= 2
    assert {r["person_key"] for r in docs(root).values()} == {person_key(KEY, str(survivor))}


def test_a_document_left_on_a_merged_traveller_counts_for_the_survivor(engine, tmp_path):
    renewal(engine, tmp_path)
    survivor = traveller_of(engine, "P1")
    merge_leaving_documents(engine, "P1", "P2")
    root = tmp_path / "wh"
    sync_warehouse(engine, root, NOW, key=KEY)
    assert {r["person_key"] for r in docs(root).values()} == {person_key(KEY, str(survivor))}


def test_a_warehouse_of_the_previous_version_is_brought_forward(engine, tmp_path):
    renewal(engine, tmp_path)
    root = tmp_path / "wh"
    sync_warehouse(engine, root, NOW, key=KEY)
    # As the previous version left it: crossings and documents by traveller id, no person key,
    # no columns version, no person_links cursor.
    manifest = read_manifest(root)
    for name in crossing_files(root):
        old = pq.read_table(root / name)
        old = old.set_column(2, "traveller_id", old.column("document_id"))
        pq.write_table(old, root / name)
    for name in manifest.documents:
        old = pq.read_table(root / name).drop_columns(["person_key", "link"])
        pq.write_table(old.rename_columns(["traveller_id", *old.column_names[1:]]), root / name)
    raw = json.loads((root / MANIFEST).read_text())
    del raw["columns"], raw["cursors"]["person_links"]
    (root / MANIFEST).write_text(json.dumps(raw))
    with pytest.raises(WarehouseOutdated, match="rmis warehouse sync"):
        open_warehouse(root, connect("duckdb"))
    survivor = merge(engine, "P1", "P2")
    summary = sync_warehouse(engine, root, NOW, key=KEY)
    assert summary.upgraded and summary.exported == 2
    assert table(root, crossing_files(root)).schema.names == CROSSINGS.names
    assert {r["person_key"] for r in docs(root).values()} == {person_key(KEY, str(survivor))}
    listed = read_manifest(root).files()
    on_disk = {p.relative_to(root).as_posix() for p in root.rglob("*.parquet")}
    assert on_disk == listed  # the old files are gone
    w = open_warehouse(root, connect("duckdb"))
    assert w.crossings.count().to_pyarrow().as_py() == 2


def test_a_link_committed_late_is_still_followed(engine, tmp_path):
    if engine.dialect.name != "postgresql":
        pytest.skip("only PostgreSQL hands out sequence numbers before commit")
    renewal(engine, tmp_path)
    other = Person("Q1", "KGZ", surname="QUICK", birth_date=date(1960, 1, 1))
    other.cross("entry", "KAZ-ALA", date(2026, 3, 2))
    record(engine, tmp_path, [other])
    root = tmp_path / "wh"
    sync_warehouse(engine, root, NOW, key=KEY)
    p1, p2 = traveller_of(engine, "P1"), traveller_of(engine, "P2")
    with engine.connect() as held:
        transaction = held.begin()
        # P1 and P2 confirmed as one person: the merge's person_links rows take lower seqs than
        # those of a merge committed while this transaction is still open.
        merged = persons.merge(
            held, p1, p2, kind="confirmed", rule="review", decided_by="sup.test", now=NOW
        )
        later = Person("Q2", "KGZ", surname="QUICKER", birth_date=date(1961, 1, 1))
        later.cross("entry", "KAZ-ALA", date(2026, 3, 3))
        record(engine, tmp_path, [later])
        merge(engine, "Q1", "Q2")  # commits higher person_links seqs first
        first = sync_warehouse(engine, root, NOW, key=KEY)
        assert first.relinked == 0  # Q2 is new in this sync; Q1, the older, kept its person
        before = docs(root)
        assert before["P1"]["person_key"] != before["P2"]["person_key"]
        transaction.commit()
    second = sync_warehouse(engine, root, NOW + timedelta(minutes=1), key=KEY)
    assert second.relinked == 1
    after = docs(root)
    assert after["P1"]["person_key"] == after["P2"]["person_key"]
    assert after["P2"]["person_key"] == person_key(KEY, str(merged.survivor))
