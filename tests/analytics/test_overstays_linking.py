"""The analyses count people as the record links their documents: a stay runs across a
person's documents, a fresh passport restarts no count, and a link changed after export is
followed by the next sync. Visa-required nationals without a visa are judged and marked."""

from __future__ import annotations

from datetime import date

import pytest
from sqlalchemy import insert, select
from uuid6 import uuid7

from rmis.analytics import (
    connect,
    find_overstays_on,
    flows,
    movement_types,
    open_warehouse,
    overstays_by_nationality,
    state_roles,
    stock_on,
    typology_with_documents,
)
from rmis.reference.stay_rules import load_stay_rules
from rmis.store.database import open_database
from rmis.store.schema import documents, link_proposals
from rmis.warehouse import sync_warehouse
from warehouse.scenario import NOW, Person, merge, record, split

ON = date(2026, 6, 15)
AK_ZHOL = "KGZ-AK-ZHOL-ROAD"


@pytest.fixture
def registry(tmp_path):
    engine = open_database(f"sqlite:///{tmp_path / 'rmis.sqlite3'}")
    # An Uzbek visitor enters Kazakhstan on one passport and leaves 19 days later on its
    # renewal: within the 30 days Kazakhstan allows. The renewal was keyed with another spelling
    # and a wrong birth date, so the record holds two people until a supervisor links them.
    old = Person("P1", "UZB", surname="ABDULLAEV", given_names="OTABEK")
    new = Person(
        "P2", "UZB", surname="ABDULAYEV", given_names="OTABEK", birth_date=date(1991, 6, 2)
    )
    old.cross("entry", "KAZ-ALA", date(2026, 3, 1))
    new.cross("exit", "KAZ-ALA", date(2026, 3, 20))
    # Another Uzbek enters and never leaves.
    stayer = Person("S1", "UZB", surname="KARIMOV", birth_date=date(1985, 1, 1))
    stayer.cross("entry", "KAZ-ALA", date(2026, 4, 1))
    # An Uzbek in Kyrgyzstan (60 days in any 120): 40 days on one passport, then from 1 May on
    # another. One person: more than 60 days from 21 May; two would each be within.
    first = Person("R1", "UZB", surname="RASULOV", given_names="ALI", birth_date=date(1977, 7, 7))
    second = Person("R2", "UZB", surname="RASULOV", given_names="ALISHER", sex="F")
    first.stay(AK_ZHOL, date(2026, 3, 1), 39)
    second.cross("entry", AK_ZHOL, date(2026, 5, 1))
    # An Afghan enters Tajikistan, where Afghans need a visa; none is on record.
    afghan = Person("A1", "AFG", surname="NAZARI")
    afghan.cross("entry", "TJK-DYU", date(2026, 6, 1))
    record(engine, tmp_path, [old, new, stayer, first, second, afghan])
    return engine


def warehouse_of(engine, tmp_path):
    root = tmp_path / "warehouse"
    sync_warehouse(engine, root, NOW)
    return open_warehouse(root, connect("duckdb"))


def found_on(w):
    return find_overstays_on(w.crossings, w.permits, load_stay_rules(), ON, w.documents, w.reviews)


def propose(engine, number: str, candidate: str) -> None:
    """An open proposal in the review queue: `number` may be the person of `candidate`."""
    with engine.begin() as connection:
        ids = dict(
            connection.execute(
                select(documents.c.number, documents.c.id).where(
                    documents.c.number.in_([number, candidate])
                )
            ).all()
        )
        connection.execute(
            insert(link_proposals).values(
                id=uuid7(), document_id=ids[number], candidate_id=ids[candidate],
                probability=0.7, fingerprint="f" * 64, status="open", proposed_at=NOW,
            )
        )  # fmt: skip


def test_a_renewal_the_record_links_closes_the_stay_opened_on_the_old_one(registry, tmp_path):
    apart = found_on(warehouse_of(registry, tmp_path))
    kaz = apart.open[apart.open.host_state == "KAZ"]
    assert sorted(kaz.entry_date) == [date(2026, 3, 1), date(2026, 4, 1)]  # P1's entry open
    merge(registry, "P1", "P2")
    linked = found_on(warehouse_of(registry, tmp_path))  # the same warehouse, synced again
    kaz = linked.open[linked.open.host_state == "KAZ"]
    assert kaz.entry_date.tolist() == [date(2026, 4, 1)]  # only the stayer
    assert kaz.documents.tolist() == [1] and kaz.link.tolist() == ["single"]
    assert linked.late_exits.empty


def test_an_overstay_resting_on_a_document_in_the_review_queue_says_so(registry, tmp_path):
    propose(registry, "P2", "P1")
    w = warehouse_of(registry, tmp_path)
    found = found_on(w)
    kaz = found.open[found.open.host_state == "KAZ"].set_index("entry_date")
    assert kaz.link.to_dict() == {date(2026, 3, 1): "pending", date(2026, 4, 1): "single"}
    unmarked = find_overstays_on(w.crossings, w.permits, load_stay_rules(), ON)
    assert unmarked.open.link.isna().all()


def test_a_fresh_passport_does_not_restart_the_count(registry, tmp_path):
    apart = found_on(warehouse_of(registry, tmp_path))
    assert apart.open[apart.open.host_state == "KGZ"].empty  # 40 and 46 days: both lawful
    merge(registry, "R1", "R2", kind="automatic")
    linked = found_on(warehouse_of(registry, tmp_path))
    [row] = linked.open[linked.open.host_state == "KGZ"].itertuples()
    # 40 days from 1 March, then 20 more from 1 May: the 60th day in 120 is 20 May.
    assert (row.entry_date, row.lawful_until) == (date(2026, 5, 1), date(2026, 5, 20))
    assert (row.documents, row.link) == (2, "automatic")
    split(registry, "R2")  # the link was wrong after all: judged again, apart
    assert found_on(warehouse_of(registry, tmp_path)).open.query("host_state == 'KGZ'").empty


def test_people_are_counted_once_across_their_documents(registry, tmp_path):
    merge(registry, "P1", "P2")
    w = warehouse_of(registry, tmp_path)
    present = stock_on(w.crossings, date(2026, 3, 10), ["host_state"]).to_pandas()
    assert present.set_index("host_state").present.to_dict() == {"KAZ": 1, "KGZ": 1}
    types = movement_types(w.crossings).to_pandas()
    assert len(types) == 5  # six documents, five people
    with_documents = typology_with_documents(w.crossings, w.documents).to_pandas()
    renewed = with_documents[with_documents.document_number.isin(["P1", "P2"])]
    assert renewed.person_key.nunique() == 1 and len(renewed) == 2
    counted = flows(w.crossings, ["nationality"], count_people=True).to_pandas()
    uzb = counted.set_index("nationality").loc["UZB"]
    assert (uzb.entries, uzb.exits, uzb.people) == (4, 2, 4)  # five UZB documents, 4 people
    roles = state_roles(w.crossings).to_pandas().set_index(["state", "nationality"])
    assert roles.loc[("KAZ", "UZB"), ["transit", "destination"]].tolist() == [0, 2]


def test_visa_required_nationals_without_a_visa_are_judged_and_marked(registry, tmp_path):
    found = found_on(warehouse_of(registry, tmp_path))
    afghan = found.open[found.open.nationality == "AFG"].iloc[0]
    assert afghan.host_state == "TJK"
    assert bool(afghan.without_permit)
    assert afghan.days == 15  # 1 to 15 June: no day of it lawful without a visa
    others = found.open[found.open.nationality != "AFG"]
    assert not others.without_permit.any()
    counted = overstays_by_nationality(found.open).set_index(["host_state", "nationality"])
    assert counted.loc[("TJK", "AFG"), ["overstayers", "without_permit"]].tolist() == [1, 1]
    assert (counted.drop(("TJK", "AFG")).without_permit == 0).all()
