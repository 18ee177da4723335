"""Overstays of one person across several travellers, and of visa-required nationals."""

from __future__ import annotations

from datetime import date

import pyarrow.parquet as pq
import pytest

from rmis.analytics.engine import connect, open_warehouse
from rmis.analytics.overstays import find_overstays_on, overstays_by_nationality
from rmis.reference.stay_rules import load_stay_rules
from rmis.store.database import open_database
from rmis.warehouse.columns import DOCUMENTS
from rmis.warehouse.extract import holder_key
from rmis.warehouse.layout import read_manifest
from rmis.warehouse.sync import sync_warehouse
from warehouse.scenario import NOW, Person, record

ON = date(2026, 6, 15)


@pytest.fixture
def registry(tmp_path):
    engine = open_database(f"sqlite:///{tmp_path / 'rmis.sqlite3'}")
    # An Uzbek visitor enters Kazakhstan on one passport and leaves 19 days later on its
    # renewal (a new number, the same holder): within the 30 days Kazakhstan allows.
    old, new = Person("P1", "UZB"), Person("P2", "UZB")
    old.cross("entry", "KAZ-ALA", date(2026, 3, 1))
    new.cross("exit", "KAZ-ALA", date(2026, 3, 20))
    # Another Uzbek enters and never leaves; a man born on another day, with the same name,
    # leaves later: a different holder, not a renewal.
    stayer, other = Person("S1", "UZB", birth_date=date(1985, 1, 1)), Person("S2", "UZB")
    stayer.cross("entry", "KAZ-ALA", date(2026, 4, 1))
    other.cross("exit", "KAZ-ALA", date(2026, 4, 20))
    # An Afghan enters Tajikistan, where Afghans need a visa; none is on record.
    afghan = Person("A1", "AFG")
    afghan.cross("entry", "TJK-DYU", date(2026, 6, 1))
    record(engine, tmp_path, [old, new, stayer, other, afghan])
    return engine


def warehouse_of(engine, tmp_path):
    root = tmp_path / "warehouse"
    sync_warehouse(engine, root, NOW)
    return open_warehouse(root, connect("duckdb"))


def test_a_renewed_passport_closes_the_stay_opened_on_the_old_one(registry, tmp_path):
    w = warehouse_of(registry, tmp_path)
    rules = load_stay_rules()
    apart = find_overstays_on(w.crossings, w.permits, rules, ON)
    assert sorted(apart.open.nationality) == ["AFG", "UZB", "UZB"]  # P1's entry never closed
    linked = find_overstays_on(w.crossings, w.permits, rules, ON, w.documents)
    uzb = linked.open[linked.open.nationality == "UZB"]
    assert uzb.entry_date.tolist() == [date(2026, 4, 1)]  # only the stayer: S2 is another man
    assert uzb.travellers.tolist() == [1]
    assert linked.late_exits.empty


def test_visa_required_nationals_without_a_visa_are_judged_and_marked(registry, tmp_path):
    w = warehouse_of(registry, tmp_path)
    found = find_overstays_on(w.crossings, w.permits, load_stay_rules(), ON, w.documents)
    afghan = found.open[found.open.nationality == "AFG"].iloc[0]
    assert afghan.host_state == "TJK"
    assert bool(afghan.without_permit)
    assert afghan.days == 15  # 1 to 15 June: no day of it lawful without a visa
    others = found.open[found.open.nationality != "AFG"]
    assert not others.without_permit.any()
    counted = overstays_by_nationality(found.open).set_index(["host_state", "nationality"])
    assert counted.loc[("TJK", "AFG"), ["overstayers", "without_permit"]].tolist() == [1, 1]
    assert (counted.drop(("TJK", "AFG")).without_permit == 0).all()


def test_holder_key_ignores_case_and_spacing_but_not_the_birth_date():
    born, key = date(1990, 5, 1), bytes(32)
    assert holder_key(key, "UZB", "UZB", born, "M", "Karimov", "Jasur") == holder_key(
        key, "UZB", "UZB", born, "M", "KARIMOV", " JASUR"
    )
    assert holder_key(key, "UZB", "UZB", born, "M", "KARIMOV", "JASUR") != holder_key(
        key, "UZB", "UZB", date(1990, 5, 2), "M", "KARIMOV", "JASUR"
    )
    assert holder_key(key, "UZB", "UZB", None, "M", "KARIMOV", "JASUR") is None


def test_documents_written_before_the_holder_key_are_written_again(registry, tmp_path):
    root = tmp_path / "warehouse"
    sync_warehouse(registry, root, NOW)
    manifest = read_manifest(root)
    for name in manifest.documents:  # as an older sync wrote them
        table = pq.read_table(root / name)
        pq.write_table(table.drop_columns(["holder_key"]), root / name)
    sync_warehouse(registry, root, NOW)
    manifest = read_manifest(root)
    tables = [pq.read_table(root / name) for name in manifest.documents]
    assert all(t.schema.names == DOCUMENTS.names for t in tables)
    assert sum(t.num_rows for t in tables) == 5
