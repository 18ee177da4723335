"""Changing who is one person through the registry: a confirmed link merges two travellers and
a wrong one is split off; flags are judged again, the old id answers with the survivor, and
each change is in person_links and the audit log."""

import sys
from datetime import date, timedelta
from pathlib import Path

import pytest
from sqlalchemy import select

sys.path.insert(0, str(Path(__file__).parents[1] / "persons"))
from people_fixtures import (
    NOW,
    OFFICER,
    SUPERVISOR,
    FixedModel,
    crossing,
    document,
    linker,
    links_of,
    passport,
    proposals,
)

from rmis.persons import PersonChangeError
from rmis.reference.stay_rules import load_stay_rules
from rmis.registry import (
    Direction,
    Flag,
    NotFound,
    add_permit,
    confirm_proposal,
    person_documents,
    person_history,
    record_crossings,
    split_document,
    stay_status,
)
from rmis.security import AccessDenied, verify_chain
from rmis.stay import PermitKind
from rmis.store.schema import audit_log, crossing_flags, crossings, permits, travellers

BAND = FixedModel({("ABDULLAEV", "ABDULAEV"): 0.9})


def flags_of(engine, number):
    doc = document(engine, number)
    with engine.connect() as connection:
        return sorted(
            connection.execute(
                select(crossing_flags.c.flag)
                .join(crossings, crossings.c.seq == crossing_flags.c.crossing_seq)
                .where(crossings.c.document_id == doc["id"])
            ).scalars()
        )


def enter_then_leave_on_another_passport(engine, model):
    entry = crossing(passport("FA0000001"), at=NOW - timedelta(days=40))
    leave = crossing(passport("FA0000002", surname="ABDULAEV"), Direction.EXIT,
                     NOW - timedelta(days=35))  # fmt: skip
    for sent in (entry, leave):
        record_crossings(engine, OFFICER, [sent], now=NOW, linker=linker(model))


def test_a_confirmed_link_merges_and_the_exit_closes_the_entry(engine):
    enter_then_leave_on_another_passport(engine, BAND)
    # Two people so far: the exit on the pending passport has no entry before it.
    assert flags_of(engine, "FA0000002") == [Flag.EXIT_WITHOUT_ENTRY.value]
    survivor = document(engine, "FA0000001")["traveller_id"]
    absorbed = document(engine, "FA0000002")["traveller_id"]
    confirm_proposal(engine, SUPERVISOR, proposals(engine)[0]["id"], "same holder", now=NOW)
    assert flags_of(engine, "FA0000002") == []
    with engine.connect() as connection:
        moved = connection.execute(
            select(crossings.c.traveller_id).where(
                crossings.c.document_id == document(engine, "FA0000002")["id"]
            )
        ).scalar_one()
        gone = connection.execute(select(travellers).where(travellers.c.id == absorbed)).one()
    assert moved == survivor
    assert (gone.merged_into, gone.merged_at is not None) == (survivor, True)
    # The old id answers with the surviving one: history, stay, permits.
    person, history = person_history(engine, SUPERVISOR, absorbed, purpose="t", now=NOW)
    assert person == survivor and len(history) == 2
    answer = stay_status(engine, SUPERVISOR, absorbed, NOW.date(), load_stay_rules(),
                         purpose="t", now=NOW)  # fmt: skip
    assert answer.traveller_id == survivor and not answer.evaluation.present
    add_permit(engine, SUPERVISOR, absorbed, kind=PermitKind.WORK, valid_from=date(2026, 1, 1),
               valid_to=date(2026, 12, 31), now=NOW)  # fmt: skip
    with engine.connect() as connection:
        assert connection.execute(select(permits.c.traveller_id)).scalar_one() == survivor
    person, held = person_documents(engine, SUPERVISOR, absorbed, purpose="t", now=NOW)
    assert person == survivor
    assert [(d.number, d.link) for d in held] == [("FA0000001", "first"),
                                                  ("FA0000002", "confirmed")]  # fmt: skip
    assert held[1].rule == "review" and held[1].detail["reason"] == "same holder"


def test_a_wrong_link_is_split_off_with_its_crossings(engine):
    sure = FixedModel({("ABDULLAEV", "ABDULAEV"): 0.995})
    enter_then_leave_on_another_passport(engine, sure)
    first = document(engine, "FA0000001")
    second = document(engine, "FA0000002")
    assert second["traveller_id"] == first["traveller_id"] and second["link"] == "automatic"
    assert flags_of(engine, "FA0000002") == []
    previous, new = split_document(engine, SUPERVISOR, second["id"], "another man", now=NOW)
    assert previous == first["traveller_id"] and new != previous
    split_doc = document(engine, "FA0000002")
    assert (split_doc["traveller_id"], split_doc["link"]) == (new, "first")
    # On a person of its own, the exit has no entry before it.
    assert flags_of(engine, "FA0000002") == [Flag.EXIT_WITHOUT_ENTRY.value]
    assert flags_of(engine, "FA0000001") == []
    row = links_of(engine, second["id"])[-1]
    assert (row["kind"], row["decided_by"], row["previous_traveller_id"]) == (
        "split", "supervisor.kaz", previous)  # fmt: skip
    assert row["detail"] == {"reason": "another man", "staying": [str(first["id"])]}
    with engine.connect() as connection:
        audit = connection.execute(select(audit_log).order_by(audit_log.c.seq.desc())).first()
        assert verify_chain(connection) is None
    assert (audit.action, audit.principal, audit.detail["reason"]) == (
        "persons.split", "supervisor.kaz", "another man")  # fmt: skip
    _, history = person_history(engine, SUPERVISOR, new, purpose="t", now=NOW)
    assert [h["document_number"] for h in history] == ["FA0000002"]


def test_only_a_supervisor_of_the_state_splits_and_never_a_persons_only_document(engine):
    enter_then_leave_on_another_passport(engine, FixedModel({("ABDULLAEV", "ABDULAEV"): 0.995}))
    doc = document(engine, "FA0000002")
    with pytest.raises(AccessDenied):
        split_document(engine, OFFICER, doc["id"], "no", now=NOW)
    from rmis.security import Principal, Role

    with pytest.raises(NotFound):
        split_document(engine, Principal("s.uzb", Role.SUPERVISOR, "UZB"), doc["id"], "x", now=NOW)
    split_document(engine, SUPERVISOR, doc["id"], "another man", now=NOW)
    with pytest.raises(PersonChangeError) as error:
        split_document(engine, SUPERVISOR, doc["id"], "again", now=NOW)
    assert error.value.code == "only_document"


def test_a_merge_keeps_the_older_id_and_chains_answer(engine):
    model = FixedModel({("ABDULLAEV", "ABDULAEV"): 0.9, ("ABDULAEV", "ABDULAYEV"): 0.9})
    for number, surname in [("FA1", "ABDULLAEV"), ("FA2", "ABDULAEV"), ("FA3", "ABDULAYEV")]:
        record_crossings(engine, OFFICER, [crossing(passport(number, surname=surname),
                                                    at=NOW - timedelta(days=3))],
                         now=NOW, linker=linker(model))  # fmt: skip
    oldest = document(engine, "FA1")["traveller_id"]
    middle = document(engine, "FA2")["traveller_id"]
    youngest = document(engine, "FA3")["traveller_id"]
    by_doc = {p["document_id"]: p["id"] for p in proposals(engine)}
    confirm_proposal(engine, SUPERVISOR, by_doc[document(engine, "FA3")["id"]], "r", now=NOW)
    confirm_proposal(engine, SUPERVISOR, by_doc[document(engine, "FA2")["id"]], "r", now=NOW)
    # FA3 went into FA2's person, which then went into FA1's: every id answers with the oldest.
    assert {document(engine, n)["traveller_id"] for n in ("FA1", "FA2", "FA3")} == {oldest}
    for old in (youngest, middle, oldest):
        person, _ = person_history(engine, SUPERVISOR, old, purpose="t", now=NOW)
        assert person == oldest
