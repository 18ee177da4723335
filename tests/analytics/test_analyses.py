"""The analyses on small hand-made registries, where every answer can be worked out by hand."""

from __future__ import annotations

from datetime import date

import pytest
from typer.testing import CliRunner

from rmis.analytics import (
    connect,
    corridor_legs,
    data_gaps,
    find_overstays_on,
    flows,
    mirror,
    movement_types,
    open_warehouse,
    stock_curve,
    stock_on,
)
from rmis.cli import app
from rmis.reference.stay_rules import load_stay_rules
from rmis.store.database import open_database
from rmis.warehouse import sync_warehouse
from warehouse.scenario import NOW, Person, record

KORDAI, AK_ZHOL = "KAZ-KORDAI-ROAD", "KGZ-AK-ZHOL-ROAD"  # the same crossing, each state's side


@pytest.fixture
def warehouse(tmp_path):
    engine = open_database(f"sqlite:///{tmp_path / 'rmis.sqlite3'}")
    # A Kyrgyz citizen leaves Kyrgyzstan at Ak-Zhol and enters Kazakhstan at Kordai, stays 40 days.
    worker = Person("W1", "KGZ", birth_date=date(2000, 1, 1))
    worker.cross("exit", AK_ZHOL, date(2026, 3, 1), hour=6)
    worker.stay(KORDAI, date(2026, 3, 1), 40, purpose="work")
    # An Uzbek visitor flies into Almaty, stays on past 30 days; no exit yet.
    visitor = Person("V1", "UZB")
    visitor.cross("entry", "KAZ-ALA", date(2026, 5, 1))
    # A border resident: into Kyrgyzstan and back the same day, twice a month.
    local = Person("L1", "KAZ")
    for month in range(1, 13):
        for day in (3, 17):
            local.stay(AK_ZHOL, date(2025, month, day), 0)
    # An exit with no entry (recorded at Kordai), and an entry whose exit went unrecorded.
    ghost = Person("G1", "RUS")
    ghost.cross("exit", KORDAI, date(2026, 2, 1))
    ghost.cross("entry", KORDAI, date(2026, 2, 10))
    ghost.cross("entry", AK_ZHOL, date(2026, 2, 20))
    record(engine, tmp_path, [worker, visitor, local, ghost])
    root = tmp_path / "warehouse"
    sync_warehouse(engine, root, NOW)
    return open_warehouse(root, connect("duckdb"))


def test_flows_by_corridor_count_each_side(warehouse):
    frame = flows(warehouse.crossings, ["corridor", "month"], date(2026, 3, 1), date(2026, 3, 31))
    rows = {
        (r.from_state, r.to_state): (r.entries, r.exits) for r in frame.to_pandas().itertuples()
    }
    assert rows == {("KGZ", "KAZ"): (1, 1)}  # Kyrgyz exit and Kazakh entry, same corridor
    by_age = flows(warehouse.crossings, ["nationality", "age_band"]).to_pandas()
    assert set(by_age[by_age.nationality == "KGZ"].age_band) == {"25-34"}


def test_corridor_legs_count_a_land_crossing_once_and_say_whose_record(warehouse):
    # The worker's one journey Kyrgyzstan -> Kazakhstan is in both states' records: once here.
    legs = corridor_legs(warehouse.crossings, date(2026, 3, 1), date(2026, 3, 31)).to_pandas()
    assert legs[["from_state", "to_state", "crossings", "counted_from"]].values.tolist() == [
        ["KGZ", "KAZ", 1, "entries"]
    ]
    # An airport records its own end only: the visitor's flight is an arrival from the air.
    may = corridor_legs(warehouse.crossings, date(2026, 5, 1), date(2026, 5, 31)).to_pandas()
    assert may[["from_state", "to_state", "crossings"]].values.tolist() == [["AIR", "KAZ", 1]]


def test_corridor_legs_fall_back_on_the_origins_exits_when_the_destination_is_not_read(
    warehouse,
):
    # Only Kazakhstan's records read: the worker's return to Kyrgyzstan is counted from the
    # exit Kazakhstan recorded, the Kyrgyz entries being out of the data.
    kaz = warehouse.crossings.filter(warehouse.crossings.host_state == "KAZ")
    legs = corridor_legs(kaz, date(2026, 4, 1), date(2026, 4, 30)).to_pandas()
    assert legs[["from_state", "to_state", "crossings", "counted_from"]].values.tolist() == [
        ["KAZ", "KGZ", 1, "exits"]
    ]


def test_stock_counts_foreigners_present_on_the_day(warehouse):
    on = stock_on(warehouse.crossings, date(2026, 4, 10), ["host_state", "nationality"]).to_pandas()
    assert on.to_dict("records") == [
        {"host_state": "KAZ", "nationality": "KGZ", "present": 1},
        {"host_state": "KGZ", "nationality": "RUS", "present": 1},  # entered, never left
    ]
    later = stock_on(warehouse.crossings, date(2026, 4, 11), ["nationality"]).to_pandas()
    assert later.nationality.tolist() == ["RUS"]  # the worker left on 10 April (that day counts)
    curve = stock_curve(
        warehouse.crossings, date(2026, 4, 9), date(2026, 4, 12), ["host_state"]
    ).to_pandas()
    assert curve[curve.host_state == "KAZ"].present.tolist() == [1, 1, 0, 0]


def test_overstays_are_judged_by_the_rules_table(warehouse):
    found = find_overstays_on(
        warehouse.crossings, warehouse.permits, load_stay_rules(), date(2026, 6, 15)
    )
    rows = {(r.host_state, r.nationality): r for r in found.open.itertuples()}
    assert set(rows) == {("KAZ", "UZB"), ("KGZ", "RUS")}
    visitor = rows[("KAZ", "UZB")]  # 30 days per stay from 1 May
    assert (visitor.entry_date, visitor.lawful_until, visitor.days) == (
        date(2026, 5, 1), date(2026, 5, 30), 16,
    )  # fmt: skip
    assert rows[("KGZ", "RUS")].entry_date == date(2026, 2, 20)
    # The Kyrgyz worker stayed 41 days: within the 90 days Kazakhstan allows Kyrgyz citizens.
    assert found.late_exits.empty


def test_data_gaps_per_bcp(warehouse):
    gaps = data_gaps(warehouse.crossings).to_pandas().set_index("bcp")
    assert gaps.loc[KORDAI, "exits_without_entry"] == 1
    assert gaps.loc[KORDAI, "entries_never_closed"] == 1  # the Russian went on to Kyrgyzstan


def test_mirror_pairs_each_states_record(warehouse):
    # In 2025 only Kyrgyzstan recorded the border resident going home: a gap shows.
    frame = mirror(warehouse.crossings).to_pandas()
    kgz_kaz = frame[(frame.from_state == "KGZ") & (frame.to_state == "KAZ")]
    march = kgz_kaz[kgz_kaz.month.astype(str).str.startswith("2026-03")]
    assert march[
        ["exits_recorded_by_origin", "entries_recorded_by_destination"]
    ].values.tolist() == [[1, 1]]


def test_movement_types(warehouse):
    types = movement_types(warehouse.crossings).to_pandas().set_index("person_key").movement_type
    # The visitor's open stay, begun in May and 61 days long by the last day, reads as seasonal.
    assert sorted(types.tolist()) == ["local_border", "seasonal", "seasonal", "short_visit"]


def test_cli_flows_and_typology(warehouse, tmp_path, monkeypatch):
    monkeypatch.setenv("RMIS_DATA_DIR", str(tmp_path))
    runner = CliRunner()
    result = runner.invoke(app, ["analytics", "flows", "--by", "corridor,month", "--format", "csv"])
    assert result.exit_code == 0, result.output
    assert "KGZ,KAZ,2026-03-01,1,1,0" in result.output
    out = tmp_path / "typology.parquet"
    result = runner.invoke(app, ["analytics", "typology", "--format", "parquet", "--out", str(out)])
    assert result.exit_code == 0, result.output
    import pandas as pd

    typed = pd.read_parquet(out)
    assert set(typed.columns) >= {"issuing_state", "document_number", "movement_type"}
    assert sorted(typed.document_number) == ["G1", "L1", "V1", "W1"]
    suppressed = runner.invoke(
        app,
        ["analytics", "flows", "--by", "nationality", "--format", "csv", "--suppress-below", "2"],
    )
    assert "KGZ,,,,\n" in suppressed.output.replace("\r", "")
    bad = runner.invoke(app, ["analytics", "flows", "--by", "colour"])
    assert bad.exit_code == 2 and "cannot cut by colour" in bad.output
