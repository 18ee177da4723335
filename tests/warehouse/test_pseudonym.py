"""The holder key is an HMAC under the installation's secret: not derivable from the warehouse,
stable across syncs, and never mixed with values made under another key (or none)."""

from __future__ import annotations

import hashlib
import hmac
import json
import stat
from datetime import date
from pathlib import Path

import pyarrow as pa
import pyarrow.parquet as pq
import pytest
from typer.testing import CliRunner

from rmis.cli import app
from rmis.warehouse import sync as sync_module
from rmis.warehouse.layout import MANIFEST, read_manifest
from rmis.warehouse.pseudonym import (
    KEY_BYTES,
    PseudonymKeyError,
    fingerprint,
    holder_key,
    load_or_create_key,
    person_key,
)
from rmis.warehouse.sync import sync_warehouse

from .scenario import NOW, Person, record

KEY_A, KEY_B = b"a" * 32, b"b" * 32
BORN = date(1990, 5, 1)  # scenario.Person's default; the scenario's names are TESTOV, TEST


def holder_text(state: str) -> bytes:
    """What the holder key is made of, for a scenario person of `state` (extract.holder_key)."""
    return f"{state}|{state}|{BORN.isoformat()}|M|testov|test".encode()


def under(key: bytes, state: str) -> str:
    return hmac.new(key, holder_text(state), hashlib.sha256).hexdigest()[:32]


def documents(root: Path) -> pa.Table:
    manifest = read_manifest(root)
    return pa.concat_tables(pq.read_table(root / f) for f in manifest.documents)


def holder_keys(root: Path) -> set[str]:
    return set(documents(root).column("holder_key").to_pylist())


def renewal(engine, tmp_path) -> tuple[Person, Person]:
    """An Uzbek who enters on one passport and leaves on its renewal."""
    old, new = Person("P1", "UZB"), Person("P2", "UZB")
    old.cross("entry", "KAZ-ALA", date(2026, 3, 1))
    record(engine, tmp_path, [old])
    new.cross("exit", "KAZ-ALA", date(2026, 3, 20))
    return old, new


def test_the_holder_key_cannot_be_recomputed_without_the_key(engine, tmp_path):
    person = Person("A1", "UZB")
    person.stay("KAZ-ALA", date(2026, 3, 1), 5)
    record(engine, tmp_path, [person])
    root = tmp_path / "wh"
    sync_warehouse(engine, root, NOW, key=KEY_A)
    [value] = holder_keys(root)
    plain = hashlib.sha256(holder_text("UZB")).hexdigest()[:32]  # what the warehouse held before
    assert value == under(KEY_A, "UZB")
    assert value not in (plain, under(KEY_B, "UZB"))
    # Neither the key nor anything but its fingerprint is in the warehouse.
    stored = [p.read_bytes() for p in root.rglob("*") if p.is_file()]
    assert not any(KEY_A in b or KEY_A.hex().encode() in b for b in stored)
    assert json.loads((root / MANIFEST).read_text())["key_fingerprint"] == fingerprint(KEY_A)


def test_one_holder_has_one_key_across_syncs_under_the_default_key_file(engine, tmp_path):
    root = tmp_path / "data" / "warehouse"
    _, new = renewal(engine, tmp_path)
    first = sync_warehouse(engine, root, NOW)
    record(engine, tmp_path, [new])
    second = sync_warehouse(engine, root, NOW)  # incremental: appends a documents file
    assert second.exported == 1 and not first.rekeyed and not second.rekeyed
    assert len(read_manifest(root).documents) == 2
    docs = documents(root).to_pylist()
    assert sorted(d["document_number"] for d in docs) == ["P1", "P2"]
    key = (tmp_path / "data" / "warehouse.key").read_bytes()  # beside the warehouse, not in it
    assert {d["holder_key"] for d in docs} == {under(key, "UZB")}


def test_the_key_file_is_made_once_readable_by_its_owner_only(tmp_path):
    path = tmp_path / "data" / "warehouse.key"
    key = load_or_create_key(path)
    assert len(key) == KEY_BYTES and path.read_bytes() == key
    assert stat.S_IMODE(path.stat().st_mode) == 0o600
    made = path.stat().st_mtime_ns
    assert load_or_create_key(path) == key and path.stat().st_mtime_ns == made
    assert load_or_create_key(tmp_path / "other.key") != key
    assert sorted(p.name for p in path.parent.iterdir()) == ["warehouse.key"]  # no drafts left


def test_a_key_file_that_cannot_be_used_is_a_clear_error(tmp_path):
    short = tmp_path / "short.key"
    short.write_bytes(b"too short")
    with pytest.raises(PseudonymKeyError, match=r"short\.key holds 9 bytes, fewer than 32"):
        load_or_create_key(short)
    (tmp_path / "dir.key").mkdir()
    with pytest.raises(PseudonymKeyError, match="cannot read or create the warehouse key"):
        load_or_create_key(tmp_path / "dir.key")


def test_a_new_key_writes_every_document_again_under_it(engine, tmp_path):
    _, new = renewal(engine, tmp_path)
    root = tmp_path / "wh"
    sync_warehouse(engine, root, NOW, key=KEY_A)
    assert holder_keys(root) == {under(KEY_A, "UZB")}
    record(engine, tmp_path, [new])
    summary = sync_warehouse(engine, root, NOW, key=KEY_B)
    assert summary.rekeyed and summary.exported == 1
    assert holder_keys(root) == {under(KEY_B, "UZB")}  # P1's old row is gone, not kept beside
    assert set(documents(root).column("document_number").to_pylist()) == {"P1", "P2"}
    assert read_manifest(root).key_fingerprint == fingerprint(KEY_B)
    assert not sync_warehouse(engine, root, NOW, key=KEY_B).rekeyed


def test_a_warehouse_of_unkeyed_holder_keys_is_written_again(engine, tmp_path):
    person = Person("A1", "KGZ")
    person.stay("KAZ-ALA", date(2026, 3, 1), 5)
    record(engine, tmp_path, [person])
    root = tmp_path / "wh"
    sync_warehouse(engine, root, NOW, key=KEY_A)
    # As a sync before keyed pseudonyms left it: plain SHA-256 values, no fingerprint.
    plain = hashlib.sha256(holder_text("KGZ")).hexdigest()[:32]
    for name in read_manifest(root).documents:
        table = pq.read_table(root / name)
        column = pa.array([plain] * table.num_rows, pa.string())
        index = table.schema.get_field_index("holder_key")
        pq.write_table(table.set_column(index, "holder_key", column), root / name)
    manifest = json.loads((root / MANIFEST).read_text())
    del manifest["key_fingerprint"]
    (root / MANIFEST).write_text(json.dumps(manifest))
    assert sync_warehouse(engine, root, NOW, key=KEY_A).rekeyed
    assert holder_keys(root) == {under(KEY_A, "KGZ")}


def test_a_rekeying_sync_that_dies_leaves_the_old_key_whole(engine, tmp_path, monkeypatch):
    _, new = renewal(engine, tmp_path)
    root = tmp_path / "wh"
    sync_warehouse(engine, root, NOW, key=KEY_A)
    before = (root / MANIFEST).read_text()
    record(engine, tmp_path, [new])

    def die(*args, **kwargs):
        raise OSError("disk full")

    monkeypatch.setattr(sync_module, "write_manifest", die)
    with pytest.raises(OSError):
        sync_warehouse(engine, root, NOW, key=KEY_B)
    monkeypatch.undo()
    assert (root / MANIFEST).read_text() == before
    assert holder_keys(root) == {under(KEY_A, "UZB")}
    assert sync_warehouse(engine, root, NOW, key=KEY_B).rekeyed
    assert holder_keys(root) == {under(KEY_B, "UZB")}


def test_the_cli_keys_with_the_configured_file_and_says_when_it_cannot(tmp_path, monkeypatch):
    monkeypatch.setenv("RMIS_DATA_DIR", str(tmp_path / "data"))
    monkeypatch.delenv("RMIS_DATABASE_URL", raising=False)
    monkeypatch.delenv("RMIS_WAREHOUSE_KEY_FILE", raising=False)
    runner = CliRunner()
    assert runner.invoke(app, ["warehouse", "sync"]).exit_code == 0
    assert (tmp_path / "data" / "warehouse.key").is_file()
    assert not list((tmp_path / "data" / "warehouse").rglob("*.key"))
    (tmp_path / "not-a-file").mkdir()
    monkeypatch.setenv("RMIS_WAREHOUSE_KEY_FILE", str(tmp_path / "not-a-file"))
    result = runner.invoke(app, ["warehouse", "sync"])
    assert result.exit_code == 2
    assert "cannot read or create the warehouse key" in result.output


def test_holder_key_ignores_case_and_spacing_but_not_the_birth_date():
    born = date(1990, 5, 1)
    assert holder_key(KEY_A, "UZB", "UZB", born, "M", "Karimov", "Jasur") == holder_key(
        KEY_A, "UZB", "UZB", born, "M", "KARIMOV", " JASUR"
    )
    assert holder_key(KEY_A, "UZB", "UZB", born, "M", "KARIMOV", "JASUR") != holder_key(
        KEY_A, "UZB", "UZB", date(1990, 5, 2), "M", "KARIMOV", "JASUR"
    )
    assert holder_key(KEY_A, "UZB", "UZB", None, "M", "KARIMOV", "JASUR") is None


def test_a_person_key_is_keyed_and_names_no_holder():
    traveller = "0191a2b3-0000-7000-8000-000000000001"
    assert (
        person_key(KEY_A, traveller)
        == hmac.new(KEY_A, f"person|{traveller}".encode(), hashlib.sha256).hexdigest()[:32]
    )
    assert person_key(KEY_A, traveller) != person_key(KEY_B, traveller)
    assert traveller not in person_key(KEY_A, traveller)
