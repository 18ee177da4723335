"""The persons routes: the review queue, splits and a person's documents, with roles, scope,
RFC 9457 problems and the audit log."""

import sys
from pathlib import Path

import pytest
from fastapi.testclient import TestClient
from sqlalchemy import select

sys.path.insert(0, str(Path(__file__).parents[1] / "persons"))
from people_fixtures import NOW, FixedModel, document, linker, passport, record

from rmis.registry import Direction
from rmis.security import Role, create_principal
from rmis.store.schema import audit_log
from rmis.web.app import create_app

BAND = FixedModel({("ABDULLAEV", "ABDULAEV"): 0.9})


@pytest.fixture
def client(engine):
    return TestClient(create_app(engine, clock=lambda: NOW))


@pytest.fixture
def tokens(engine):
    def make(name, role, state, bcps=()):
        token = create_principal(engine, name=name, role=role, state=state,
                                 bcp_codes=list(bcps), now=NOW)  # fmt: skip
        return {"Authorization": f"Bearer {token}"}

    return {
        "officer": make("officer", Role.BORDER_OFFICER, "KAZ", ["KAZ-ALA"]),
        "supervisor": make("supervisor", Role.SUPERVISOR, "KAZ"),
        "uzb_supervisor": make("uzb.supervisor", Role.SUPERVISOR, "UZB"),
    }


@pytest.fixture
def pending(engine):
    """A document in the middle band with another on record: one open proposal."""
    record(engine, passport("FA0000001"), link=linker(BAND), days_ago=30)
    record(engine, passport("FA0000002", surname="ABDULAEV"), link=linker(BAND), days_ago=20,
           direction=Direction.EXIT)  # fmt: skip
    return document(engine, "FA0000001"), document(engine, "FA0000002")


def test_a_supervisor_pages_through_open_proposals_with_both_documents(client, tokens, pending):
    old, _ = pending
    response = client.get("/api/v1/persons/proposals?limit=1", headers=tokens["supervisor"])
    assert response.status_code == 200, response.text
    body = response.json()
    [proposal] = body["proposals"]
    assert proposal["document"]["number"] == "FA0000002"
    assert proposal["document_link"] == "pending"
    assert proposal["candidate"]["document_id"] == str(old["id"])
    assert proposal["probability"] == pytest.approx(0.9)
    assert proposal["evidence"]["levels"]["surname"] == "fixed"
    assert body["next_after"] == proposal["id"]
    after = client.get(f"/api/v1/persons/proposals?after={proposal['id']}",
                       headers=tokens["supervisor"]).json()  # fmt: skip
    assert after == {"proposals": [], "next_after": None}
    denied = client.get("/api/v1/persons/proposals", headers=tokens["officer"])
    assert denied.status_code == 403 and denied.json()["code"] == "role_not_allowed"
    elsewhere = client.get("/api/v1/persons/proposals", headers=tokens["uzb_supervisor"])
    assert elsewhere.json()["proposals"] == []


def test_confirming_merges_and_the_old_id_answers_with_the_survivor(client, tokens, pending):
    old, new = pending
    [proposal] = client.get("/api/v1/persons/proposals",
                            headers=tokens["supervisor"]).json()["proposals"]  # fmt: skip
    url = f"/api/v1/persons/proposals/{proposal['id']}/confirm"
    missing = client.post(url, json={}, headers=tokens["supervisor"])
    assert missing.status_code == 422 and missing.json()["code"] == "invalid_request"
    done = client.post(url, json={"reason": "same photo"}, headers=tokens["supervisor"])
    assert done.status_code == 200, done.text
    assert done.json()["traveller_id"] == str(old["traveller_id"])
    assert done.json()["merged_traveller_id"] == str(new["traveller_id"])
    again = client.post(url, json={"reason": "again"}, headers=tokens["supervisor"])
    assert again.status_code == 409 and again.json()["code"] == "already_decided"
    assert again.headers["content-type"] == "application/problem+json"
    history = client.get(f"/api/v1/travellers/{new['traveller_id']}/crossings",
                         headers=tokens["officer"]).json()  # fmt: skip
    assert history["traveller_id"] == str(old["traveller_id"])
    # The exit on the second passport now closes the entry on the first.
    assert [c["flags"] for c in history["crossings"]] == [[], []]
    held = client.get(f"/api/v1/travellers/{new['traveller_id']}/documents",
                      headers=tokens["officer"]).json()  # fmt: skip
    assert held["traveller_id"] == str(old["traveller_id"])
    assert [(d["number"], d["link"], d["rule"]) for d in held["documents"]] == [
        ("FA0000001", "first", "no_match"), ("FA0000002", "confirmed", "review"),
    ]  # fmt: skip
    assert held["documents"][1]["evidence"]["reason"] == "same photo"


def test_rejecting_and_splitting(client, tokens, pending, engine):
    _, new = pending
    [proposal] = client.get("/api/v1/persons/proposals",
                            headers=tokens["supervisor"]).json()["proposals"]  # fmt: skip
    url = f"/api/v1/persons/proposals/{proposal['id']}/reject"
    rejected = client.post(url, json={"reason": "different people"}, headers=tokens["supervisor"])
    assert rejected.status_code == 200 and rejected.json()["status"] == "rejected"
    assert document(engine, "FA0000002")["link"] == "first"
    alone = client.post(f"/api/v1/documents/{new['id']}/split", json={"reason": "x"},
                        headers=tokens["supervisor"])  # fmt: skip
    assert alone.status_code == 409 and alone.json()["code"] == "only_document"
    unknown = client.post(f"/api/v1/persons/proposals/{new['id']}/confirm",
                          json={"reason": "x"}, headers=tokens["supervisor"])  # fmt: skip
    assert unknown.status_code == 404 and unknown.json()["code"] == "not_found"


def test_a_wrong_automatic_link_is_split_by_a_supervisor(client, tokens, engine):
    sure = FixedModel({("ABDULLAEV", "ABDULAEV"): 0.995})
    record(engine, passport("FA0000001"), link=linker(sure), days_ago=30)
    record(engine, passport("FA0000002", surname="ABDULAEV"), link=linker(sure), days_ago=20)
    second = document(engine, "FA0000002")
    url = f"/api/v1/documents/{second['id']}/split"
    assert client.post(url, json={"reason": "x"}, headers=tokens["officer"]).status_code == 403
    assert client.post(url, json={"reason": "x"},
                       headers=tokens["uzb_supervisor"]).status_code == 404  # fmt: skip
    done = client.post(url, json={"reason": "another man"}, headers=tokens["supervisor"])
    assert done.status_code == 201, done.text
    body = done.json()
    assert body["previous_traveller_id"] == str(second["traveller_id"])
    assert body["traveller_id"] == str(document(engine, "FA0000002")["traveller_id"])
    with engine.connect() as connection:
        actions = connection.execute(
            select(audit_log.c.action, audit_log.c.principal).order_by(audit_log.c.seq)
        ).all()
    assert ("persons.split", "supervisor") in [tuple(a) for a in actions]
    # Each entry on its own person now: the second entry is no longer while inside.
    first_history = client.get(f"/api/v1/travellers/{body['previous_traveller_id']}/crossings",
                               headers=tokens["officer"]).json()  # fmt: skip
    assert [c["document_number"] for c in first_history["crossings"]] == ["FA0000001"]


def test_the_routes_are_in_the_openapi_document(client):
    paths = client.get("/api/v1/openapi.json").json()["paths"]
    for path in ("/api/v1/persons/proposals", "/api/v1/persons/proposals/{proposal_id}/confirm",
                 "/api/v1/persons/proposals/{proposal_id}/reject",
                 "/api/v1/documents/{document_id}/split",
                 "/api/v1/travellers/{traveller_id}/documents"):  # fmt: skip
        assert path in paths
