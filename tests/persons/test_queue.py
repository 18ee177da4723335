"""The review queue: listing a state's open proposals, confirming and rejecting them once each,
and never proposing a rejected pair again."""

from datetime import timedelta

import pytest
from people_fixtures import (
    NOW,
    OFFICER,
    SUPERVISOR,
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
from sqlalchemy import select

from rmis.persons import PersonChangeError
from rmis.registry import (
    Direction,
    NotFound,
    confirm_proposal,
    list_proposals,
    record_crossings,
    reject_proposal,
)
from rmis.security import AccessDenied, Principal, Role
from rmis.store.schema import audit_log, link_proposals, travellers

BAND = FixedModel({("ABDULLAEV", "ABDULAEV"): 0.9, ("ABDULLAEV", "ABDULAYEV"): 0.85,
                   ("ABDULAEV", "ABDULAYEV"): 0.5})  # fmt: skip


def pending_pair(engine):
    record(engine, passport("FA0000001"), link=linker(BAND))
    record(engine, passport("FA0000002", surname="ABDULAEV"), link=linker(BAND), days_ago=5)
    [proposal] = proposals(engine)
    return proposal


def test_a_supervisor_lists_open_proposals_with_both_documents(engine):
    proposal = pending_pair(engine)
    [view] = list_proposals(engine, SUPERVISOR, purpose="review", now=NOW)
    assert view.id == proposal["id"]
    assert (view.document.number, view.candidate.number) == ("FA0000002", "FA0000001")
    assert view.document_link == "pending"
    assert view.probability == pytest.approx(0.9)
    assert view.detail["levels"] == {"surname": "fixed", "birth_date": "exact"}
    with engine.connect() as connection:
        row = connection.execute(select(audit_log).order_by(audit_log.c.seq.desc())).first()
    assert (row.action, row.subject) == ("persons.proposals", str(proposal["id"]))


def test_the_queue_is_a_supervisors_and_their_states(engine):
    pending_pair(engine)
    with pytest.raises(AccessDenied):
        list_proposals(engine, OFFICER, purpose="review", now=NOW)
    uzbek = Principal("supervisor.uzb", Role.SUPERVISOR, "UZB")
    assert list_proposals(engine, uzbek, purpose="review", now=NOW) == []
    proposal = pending_pair_id(engine)
    with pytest.raises(NotFound):
        confirm_proposal(engine, uzbek, proposal, "same face", now=NOW)


def pending_pair_id(engine):
    return proposals(engine)[0]["id"]


def test_pages_run_oldest_first(engine):
    model = FixedModel({("ABDULLAEV", f"ABDULAEV{i}"): 0.9 for i in range(5)})
    record(engine, passport("FA0000001"), link=linker(model))
    for i in range(5):
        record(engine, passport(f"FC000000{i}", surname=f"ABDULAEV{i}"), link=linker(model))
    ids = [p["id"] for p in proposals(engine)]
    assert len(ids) == 5
    first = list_proposals(engine, SUPERVISOR, limit=2, purpose="review", now=NOW)
    rest = list_proposals(engine, SUPERVISOR, after=first[-1].id, limit=10, purpose="r", now=NOW)
    assert [p.id for p in first + rest] == ids


def test_confirming_merges_into_the_candidates_person(engine):
    proposal = pending_pair(engine)
    old = document(engine, "FA0000001")
    pending = document(engine, "FA0000002")
    decided = confirm_proposal(engine, SUPERVISOR, proposal["id"], "same photo", now=NOW)
    assert decided.status == "confirmed"
    assert decided.traveller_id == old["traveller_id"]
    assert decided.merged.absorbed == pending["traveller_id"]
    now_linked = document(engine, "FA0000002")
    assert (now_linked["traveller_id"], now_linked["link"]) == (old["traveller_id"], "confirmed")
    last = links_of(engine, pending["id"])[-1]
    assert (last["kind"], last["rule"], last["decided_by"]) == ("confirmed", "review",
                                                                "supervisor.kaz")  # fmt: skip
    assert last["previous_traveller_id"] == pending["traveller_id"]
    assert last["detail"]["reason"] == "same photo"
    assert proposals(engine, "confirmed")[0]["decided_by"] == "supervisor.kaz"
    with pytest.raises(PersonChangeError) as error:
        confirm_proposal(engine, SUPERVISOR, proposal["id"], "again", now=NOW)
    assert error.value.code == "already_decided"


def test_rejecting_makes_the_document_first_and_is_never_proposed_again(engine):
    proposal = pending_pair(engine)
    decided = reject_proposal(engine, SUPERVISOR, proposal["id"], "different people", now=NOW)
    pending = document(engine, "FA0000002")
    assert decided.status == "rejected"
    assert pending["link"] == "first"
    assert pending["traveller_id"] != document(engine, "FA0000001")["traveller_id"]
    last = links_of(engine, pending["id"])[-1]
    assert (last["kind"], last["detail"]["link"]) == ("rejected", "first")
    # Seen again, the document asks for nothing: the pair stays apart.
    again = [crossing(passport("FA0000002", surname="ABDULAEV"), Direction.EXIT,
                      NOW - timedelta(days=1))]  # fmt: skip
    record_crossings(engine, OFFICER, again, now=NOW, linker=linker(BAND))
    assert proposals(engine) == []
    assert count(engine, link_proposals) == 1
    with pytest.raises(PersonChangeError, match="not open"):
        reject_proposal(engine, SUPERVISOR, proposal["id"], "again", now=NOW)


def test_confirming_one_rival_withdraws_the_others(engine):
    record(engine, passport("FA0000001"), link=linker(BAND))
    record(engine, passport("FA0000002", surname="ABDULAYEV"), link=linker(BAND))
    assert document(engine, "FA0000002")["link"] == "pending"
    reject_proposal(engine, SUPERVISOR, proposals(engine)[0]["id"], "no", now=NOW)
    record(engine, passport("FA0000003", surname="ABDULAEV"), link=linker(BAND))
    # FA0000003 scores 0.9 with FA0000001 and 0.5 with FA0000002: one proposal.
    rivals = FixedModel({("ABDULAEV", "ABDULLAEV"): 0.9, ("ABDULAEV", "ABDULAYEV"): 0.95,
                         ("ABDULLAEV", "ABDULAYEV"): 0.5})  # fmt: skip
    record(engine, passport("FA0000004", surname="ABDULAEV"), link=linker(rivals))
    mine = [p for p in proposals(engine)
            if p["document_id"] == document(engine, "FA0000004")["id"]]  # fmt: skip
    assert len(mine) >= 2
    chosen = next(p for p in mine if p["candidate_id"] == document(engine, "FA0000001")["id"])
    confirm_proposal(engine, SUPERVISOR, chosen["id"], "passport photo", now=NOW)
    statuses = {p["id"]: p["status"] for p in all_proposals(engine, document(engine, "FA0000004"))}
    assert statuses[chosen["id"]] == "confirmed"
    assert set(statuses.values()) == {"confirmed", "withdrawn"}


def all_proposals(engine, doc):
    with engine.connect() as connection:
        return connection.execute(
            select(link_proposals).where(link_proposals.c.document_id == doc["id"])
        ).mappings().all()  # fmt: skip


def test_a_reason_is_required(engine):
    proposal = pending_pair(engine)
    with pytest.raises(PersonChangeError) as error:
        reject_proposal(engine, SUPERVISOR, proposal["id"], "  ", now=NOW)
    assert error.value.code == "reason_required"
    assert count(engine, travellers) == 2
