"""Deciding a new document's person while its crossing is recorded: rules, then the model,
with rivals and thresholds; within a batch; flags on the person's whole timeline; races."""

import threading
from concurrent.futures import ThreadPoolExecutor
from datetime import date, timedelta

import pytest
from people_fixtures import (
    NOW,
    OFFICER,
    FixedModel,
    count,
    crossing,
    document,
    linker,
    links_of,
    passport,
    proposals,
    record,
)
from sqlalchemy import event
from test_rules import IIN

from rmis.persons import decide_links
from rmis.registry import Direction, Flag, record_crossings
from rmis.store.schema import documents, link_proposals, person_links, travellers


def person_of(engine, number):
    return document(engine, number)["traveller_id"]


def test_a_renewal_joins_its_person_for_certain(engine):
    model = FixedModel(other=0.01, same=0.01)  # the model would link nothing
    record(engine, passport("FA0000001"), link=linker(model))
    record(engine, passport("FB0000002", surname="ABDULLAYEV",
                            previous_document_number="FA0000001"), link=linker(model))  # fmt: skip
    renewed = document(engine, "FB0000002")
    assert renewed["traveller_id"] == person_of(engine, "FA0000001")
    assert renewed["link"] == "certain"
    [row] = links_of(engine, renewed["id"])
    assert (row["kind"], row["rule"], row["decided_by"]) == ("certain", "previous_number",
                                                             "rmis.persons")  # fmt: skip
    assert row["detail"]["previous_document_number"] == "FA0000001"
    assert count(engine, travellers) == 1


def test_an_old_passport_seen_after_its_renewal_joins_it(engine):
    model = FixedModel(same=0.01)
    record(engine, passport("FB0000002", previous_document_number="FA0000001"), link=linker(model))
    record(engine, passport("FA0000001"), link=linker(model))
    assert person_of(engine, "FA0000001") == person_of(engine, "FB0000002")
    assert links_of(engine, document(engine, "FA0000001")["id"])[0]["rule"] == "replaced_by"


def test_the_same_personal_number_joins_for_certain(engine):
    kaz = dict(issuing_state="KAZ", nationality="KAZ", birth_date=date(1987, 4, 12))
    model = FixedModel(same=0.01)
    record(engine, passport("N0000001", optional_data=IIN + "<<", **kaz), link=linker(model))
    record(engine, passport("N0000002", optional_data=IIN, **kaz), link=linker(model))
    record(engine, passport("N0000003", optional_data=IIN, sex="F", **kaz), link=linker(model))
    first = document(engine, "N0000001", "KAZ")
    second = document(engine, "N0000002", "KAZ")
    third = document(engine, "N0000003", "KAZ")
    assert second["traveller_id"] == first["traveller_id"] and second["link"] == "certain"
    # The sex contradicts the number: no proof, and the model saw nothing.
    assert third["traveller_id"] != first["traveller_id"] and third["link"] == "first"


@pytest.mark.parametrize(
    ("probability", "link", "joined", "proposed"),
    [(0.995, "automatic", True, 0), (0.99, "automatic", True, 0), (0.9, "pending", False, 1),
     (0.8, "pending", False, 1), (0.79, "first", False, 0)],
)  # fmt: skip
def test_the_model_decides_by_its_thresholds(engine, probability, link, joined, proposed):
    model = FixedModel({("ABDULLAEV", "ABDULAEV"): probability})
    record(engine, passport("FA0000001"), link=linker(model))
    record(engine, passport("FA0000002", surname="ABDULAEV"), link=linker(model))
    new = document(engine, "FA0000002")
    assert new["link"] == link
    assert (new["traveller_id"] == person_of(engine, "FA0000001")) is joined
    [row] = links_of(engine, new["id"])
    assert row["kind"] == link and row["probability"] == pytest.approx(probability)
    assert row["rule"] == ("model v3" if link != "first" else "no_match")
    assert row["detail"]["candidates"] == 1
    assert len(proposals(engine)) == proposed
    if proposed:
        [proposal] = proposals(engine)
        assert proposal["document_id"] == new["id"]
        assert proposal["candidate_id"] == document(engine, "FA0000001")["id"]
        assert proposal["detail"]["levels"] == {"surname": "fixed", "birth_date": "exact"}
        assert len(proposal["fingerprint"]) == 64


def test_a_rival_person_in_the_review_band_stops_an_automatic_link(engine):
    model = FixedModel({("ABDULLAEV", "ABDULAEV"): 0.995, ("ABDULLAEV", "ABDULAEVA"): 0.995,
                        ("ABDULAEV", "ABDULAEVA"): 0.85})  # fmt: skip
    record(engine, passport("FA0000001", surname="ABDULAEV"), link=linker(model))
    record(engine, passport("FA0000002", surname="ABDULAEVA"), link=linker(model))
    assert document(engine, "FA0000002")["link"] == "pending"  # the 0.85 rival
    record(engine, passport("FA0000003"), link=linker(model))
    new = document(engine, "FA0000003")
    assert new["link"] == "pending"
    # One proposal per candidate person, with the evidence for each.
    mine = [p for p in proposals(engine) if p["document_id"] == new["id"]]
    assert {p["candidate_id"] for p in mine} == {
        document(engine, "FA0000001")["id"],
        document(engine, "FA0000002")["id"],
    }
    assert count(engine, travellers) == 3


def test_a_person_is_joined_automatically_only_if_all_their_documents_support_it(engine):
    # FA0000002 is certainly FA0000001's renewal, but the new document looks like only one of
    # them: the person's documents do not all support the link, so a supervisor decides.
    model = FixedModel({("ABDULLAEV", "ABDULAEV"): 0.999, ("ABDULLAEV", "SMITH"): 0.01})
    record(engine, passport("FA0000001", surname="ABDULAEV"), link=linker(model))
    record(engine, passport("FA0000002", surname="SMITH",
                            previous_document_number="FA0000001"), link=linker(model))  # fmt: skip
    record(engine, passport("FA0000003"), link=linker(model))
    new = document(engine, "FA0000003")
    assert new["link"] == "pending"
    person = str(person_of(engine, "FA0000001"))
    assert links_of(engine, new["id"])[0]["detail"]["weakest"] == {person: 0.01}


def test_documents_of_one_batch_link_to_each_other(engine):
    model = FixedModel()
    batch = [
        crossing(passport("FA0000001"), at=NOW - timedelta(days=5)),
        crossing(passport("FA0000002"), Direction.EXIT, NOW - timedelta(days=2)),
        crossing(passport("FA0000003", surname="KARIMOV"), at=NOW - timedelta(days=1)),
    ]
    results = record_crossings(engine, OFFICER, batch, now=NOW, linker=linker(model))
    assert person_of(engine, "FA0000002") == person_of(engine, "FA0000001")
    assert person_of(engine, "FA0000003") != person_of(engine, "FA0000001")
    assert [document(engine, n)["link"] for n in ("FA0000001", "FA0000002", "FA0000003")] == [
        "first", "automatic", "first"
    ]  # fmt: skip
    # The exit on the second passport closes the entry on the first: nothing flagged.
    assert [r.flags for r in results] == [(), (), ()]
    assert count(engine, travellers) == 2
    assert count(engine, person_links) == 3


@pytest.mark.parametrize("batch", [False, True])
def test_an_exit_on_a_new_passport_is_judged_on_the_persons_timeline(engine, batch):
    model = FixedModel()
    entry = crossing(passport("FA0000001"), at=NOW - timedelta(days=5))
    record_crossings(engine, OFFICER, [entry], now=NOW, linker=linker(model))
    exit_ = crossing(passport("FA0000002"), Direction.EXIT, NOW - timedelta(days=2))
    again = crossing(passport("FA0000003"), Direction.EXIT, NOW - timedelta(days=1))
    sent = [exit_, again] if batch else [exit_]
    results = record_crossings(engine, OFFICER, sent, now=NOW, linker=linker(model))
    assert results[0].flags == ()
    if batch:
        assert results[1].flags == (Flag.EXIT_WITHOUT_ENTRY,)


def test_recording_again_links_nothing_again(engine):
    model = FixedModel({("ABDULLAEV", "ABDULAEV"): 0.9})
    record(engine, passport("FA0000001"), link=linker(model))
    sent = [crossing(passport("FA0000002", surname="ABDULAEV"), at=NOW - timedelta(days=3))]
    record_crossings(engine, OFFICER, sent, now=NOW, linker=linker(model))
    before = (count(engine, person_links), count(engine, link_proposals), model.calls)
    [again] = record_crossings(engine, OFFICER, sent, now=NOW, linker=linker(model))
    assert again.duplicate
    # A later crossing on a document seen before asks linking nothing either.
    later = [crossing(passport("FA0000002", surname="ABDULAEV"), Direction.EXIT,
                      NOW - timedelta(days=1))]  # fmt: skip
    record_crossings(engine, OFFICER, later, now=NOW, linker=linker(model))
    assert (count(engine, person_links), count(engine, link_proposals), model.calls) == before


def test_deciding_writes_nothing(engine):
    from people_fixtures import new_facts

    with engine.connect() as connection:
        [decision] = decide_links(connection, [new_facts("N1")], linker())
    assert decision.link == "first" and decision.own_traveller
    assert count(engine, documents) == 0


def test_every_new_document_gets_a_person_links_row(engine):
    record(engine, passport("FA0000001"), passport("FA0000002"), passport("ZZ1", surname="X"))
    assert count(engine, person_links) == count(engine, documents) == 3


def _race(engine, calls):
    """Run the calls in threads that all pass their lookups before any writes (each waits at a
    barrier before its first INSERT), as tests/registry/test_crossings.py does."""
    barrier = threading.Barrier(len(calls), timeout=20)
    waited = threading.local()

    def hold_first_insert(conn, cursor, statement, parameters, context, executemany):
        if statement.lstrip().upper().startswith("INSERT") and not getattr(waited, "done", 0):
            waited.done = 1
            barrier.wait()

    event.listen(engine, "before_cursor_execute", hold_first_insert)
    try:
        with ThreadPoolExecutor(len(calls)) as pool:
            futures = [pool.submit(call) for call in calls]
            return [f.result(timeout=60) for f in futures]
    finally:
        event.remove(engine, "before_cursor_execute", hold_first_insert)


@pytest.mark.parametrize("batch_size", [1, 2])
def test_a_new_document_sent_twice_at_once_makes_one_document_and_one_person(engine, batch_size):
    model = FixedModel()
    record(engine, passport("FA0000001"), link=linker(model), direction=Direction.EXIT)
    renewed = passport("FA0000002", previous_document_number="FA0000001")
    batch = [
        crossing(renewed, at=NOW - timedelta(days=2)),
        crossing(passport("FA0000003", surname="KARIMOV"), at=NOW - timedelta(days=1)),
    ]
    batch = batch[:batch_size]
    send = lambda: record_crossings(engine, OFFICER, batch, now=NOW, linker=linker(model))  # noqa: E731
    first, second = sorted(_race(engine, [send, send]), key=lambda r: r[0].duplicate)
    assert [r.duplicate for r in first] == [False] * batch_size
    assert [r.duplicate for r in second] == [True] * batch_size
    assert count(engine, documents) == 1 + batch_size
    assert count(engine, travellers) == batch_size  # the renewal joined its person
    assert count(engine, person_links) == 1 + batch_size
    assert document(engine, "FA0000002")["link"] == "certain"
