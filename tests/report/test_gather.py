"""What the report gathers from a small warehouse, worked out by hand: a land journey counted
once, an air departure named for what it is, the stock curve on Sundays, refusals by reason,
entries by purpose, sex and age band, nationality, people per movement type."""

from __future__ import annotations

from datetime import date

import pandas as pd
import pytest

from rmis.analytics import connect, open_warehouse, quick, summarise
from rmis.reference.stay_rules import load_stay_rules
from rmis.report.data import gather
from rmis.store.database import open_database
from rmis.warehouse import sync_warehouse
from warehouse.scenario import NOW, Person, record

ON = date(2026, 6, 17)  # a Wednesday
FIRST = date(2026, 5, 11)  # a Monday: the first day with data


def refused(person: Person, bcp: str, day: date, reason: str) -> None:
    person.cross("entry", bcp, day)
    person.rows[-1].update(outcome="refused", refusal_reason=reason)


@pytest.fixture(scope="module")
def warehouse(tmp_path_factory):
    path = tmp_path_factory.mktemp("gather")
    engine = open_database(f"sqlite:///{path / 'rmis.sqlite3'}")
    # An Uzbek worker leaves Uzbekistan at Gisht-Kuprik and enters Kazakhstan at Zhibek Zholy
    # (the same crossing, each state's side), and stays.
    worker = Person("W1", "UZB", sex="F", birth_date=date(1996, 2, 1))
    worker.cross("exit", "UZB-GISHT-KUPRIK-ROAD", FIRST, purpose="work", hour=6)
    worker.cross("entry", "KAZ-ZHIBEK-ZHOLY-ROAD", FIRST, purpose="work")
    # A Russian flies out of Sheremetyevo: Russia records where from, not where to.
    flyer = Person("F1", "RUS")
    flyer.cross("exit", "RUS-SVO", date(2026, 5, 20))
    # A Tajik refused at Zhibek Zholy for want of a visa, twice.
    tajik = Person("T1", "TJK")
    refused(tajik, "KAZ-ZHIBEK-ZHOLY-ROAD", date(2026, 5, 25), "C")
    refused(tajik, "KAZ-ZHIBEK-ZHOLY-ROAD", date(2026, 5, 26), "C")
    people = [worker, flyer, tajik]
    for row in (r for p in people for r in p.rows):
        row.setdefault("outcome", "admitted")
        row.setdefault("refusal_reason", "")
    record(engine, path, people)
    root = path / "warehouse"
    sync_warehouse(engine, root, NOW, summarise=summarise)
    engine.dispose()
    backend = connect("duckdb")
    return open_warehouse(root, backend), quick.open_summary(root, backend)


@pytest.fixture(scope="module")
def data(warehouse):
    wh, summary = warehouse
    assert summary is not None
    return gather(wh, load_stay_rules(), ON, summary)


def test_a_land_journey_is_one_leg_and_a_flight_out_has_no_destination(data):
    corridors = data.corridors.set_index("corridor")
    # Both states recorded the worker's crossing: once, from Kazakhstan's entries.
    assert corridors.loc["UZB → KAZ"].tolist() == [1, "entries recorded by KAZ"]
    assert corridors.loc["RUS → by air (destination not recorded)"].tolist() == [
        1,
        "exits recorded by RUS",
    ]
    assert len(corridors) == 2 and not corridors.index.str.contains("AIR").any()


def test_the_stock_curve_is_read_on_sundays(data):
    days = pd.to_datetime(data.stock.day)
    assert len(days) and (days.dt.weekday == 6).all()  # the record starts on a Monday
    assert days.min() == pd.Timestamp("2026-05-17")


def test_refusals_by_reason_and_entries_by_who(data):
    assert data.refusals.values.tolist() == [["KAZ", "C", 2]]
    assert data.entries_by_purpose[["purpose", "entries"]].values.tolist() == [["work", 1]]
    assert data.entries_by_sex_age[["sex", "age_band", "entries"]].values.tolist() == [
        ["F", "25-34", 1]
    ]
    assert data.entries_by_nationality[["nationality", "entries"]].values.tolist() == [["UZB", 1]]


def test_movement_types_count_people_from_the_summaries(warehouse, data):
    wh, summary = warehouse
    mix = quick.movement_mix(summary, ON).to_pandas()
    mix = mix[mix.people > 0]
    shown = data.movement_types.set_index("movement_type").people
    assert shown.to_dict() == dict(zip(mix.movement_type, mix.people, strict=True))
    people = wh.crossings.person_key.nunique().to_pandas()
    assert shown.sum() == people == 3
    assert data.movement_types.share.sum() == pytest.approx(1.0)
