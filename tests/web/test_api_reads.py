from datetime import UTC, datetime, timedelta

import pytest
from fastapi.testclient import TestClient
from sqlalchemy import select
from uuid6 import uuid7

from rmis.security.accounts import create_principal
from rmis.security.principals import Role
from rmis.store.schema import audit_log
from rmis.web.app import create_app

NOW = datetime(2026, 11, 23, 3, 0, tzinfo=UTC)


@pytest.fixture
def client(engine):
    return TestClient(create_app(engine, clock=lambda: NOW))


@pytest.fixture
def tokens(engine):
    def make(name, role, state, bcps=()):
        return {
            "Authorization": "Bearer "
            + create_principal(
                engine, name=name, role=role, state=state, bcp_codes=list(bcps), now=NOW
            )
        }

    return {
        "officer": make("officer", Role.BORDER_OFFICER, "KAZ", ["KAZ-ALA"]),
        "supervisor": make("supervisor", Role.SUPERVISOR, "KAZ"),
        "uzb_analyst": make("uzb.analyst", Role.ANALYST, "UZB"),
        "protection": make("protection", Role.PROTECTION_OFFICER, "KAZ"),
    }  # fmt: skip


def enter(client, headers, days_ago, number="FA7654321", direction="entry"):
    body = {
        "id": str(uuid7()), "direction": direction, "bcp": "KAZ-ALA",
        "occurred_at": (NOW - timedelta(days=days_ago)).isoformat(), "purpose": "work",
        "document": {"issuing_state": "UZB", "number": number, "surname": "TOSHEV",
                     "given_names": "BOBUR", "nationality": "UZB", "sex": "M"},
    }  # fmt: skip
    response = client.post("/api/v1/crossings", json=body, headers=headers)
    assert response.status_code == 201, response.text


def traveller_of(client, headers, number="FA7654321"):
    response = client.post("/api/v1/documents/crossings", headers=headers,
                           json={"issuing_state": "UZB", "number": number})  # fmt: skip
    assert response.status_code == 200, response.text
    return response.json()["traveller_id"]


def test_stay_status_finds_an_overstay_under_the_rules_table(client, tokens):
    # Uzbek citizens may stay 30 days per entry in Kazakhstan (KAZ/UZB rule of 2024).
    enter(client, tokens["officer"], days_ago=39)
    tid = traveller_of(client, tokens["officer"])
    stay = client.get(f"/api/v1/travellers/{tid}/stay", headers=tokens["officer"]).json()
    assert stay["nationality"] == "UZB"
    assert stay["present"] is True
    assert stay["status_code"] == "overstay"
    assert stay["overstay_days"] == 10  # day 40 of a 30-day stay
    assert stay["latest_legal_exit"] == str((NOW - timedelta(days=39 - 29)).date())
    assert any("30" in line for line in stay["trail"])

    report = client.get("/api/v1/overstays", headers=tokens["supervisor"]).json()
    assert [(o["traveller_id"], o["days"]) for o in report["open"]] == [(tid, 10)]


def test_a_permit_covers_the_stay(client, tokens):
    enter(client, tokens["officer"], days_ago=39)
    tid = traveller_of(client, tokens["officer"])
    permit = {"kind": "work", "valid_from": "2026-01-01", "valid_to": "2027-01-01"}
    denied = client.post(f"/api/v1/travellers/{tid}/permits", json=permit,
                         headers=tokens["officer"])  # fmt: skip
    assert denied.status_code == 403
    made = client.post(f"/api/v1/travellers/{tid}/permits", json=permit,
                       headers=tokens["supervisor"])  # fmt: skip
    assert made.status_code == 201, made.text
    stay = client.get(f"/api/v1/travellers/{tid}/stay", headers=tokens["officer"]).json()
    assert stay["overstay_days"] == 0
    assert stay["status_code"] == "registration_overdue"  # 3 working days after entry
    registered = {"registered_on": str((NOW - timedelta(days=38)).date())}
    made = client.post(f"/api/v1/travellers/{tid}/registrations", json=registered,
                       headers=tokens["supervisor"])  # fmt: skip
    assert made.status_code == 201, made.text
    stay = client.get(f"/api/v1/travellers/{tid}/stay", headers=tokens["officer"]).json()
    assert stay["status_code"] == "covered_by_permit"


def test_history_shows_flags_and_is_audited_with_its_purpose(client, tokens, engine):
    enter(client, tokens["officer"], days_ago=20, direction="exit")
    tid = traveller_of(client, tokens["officer"])
    history = client.get(
        f"/api/v1/travellers/{tid}/crossings",
        headers=tokens["officer"] | {"RMIS-Purpose": "secondary inspection"},
    )
    assert history.status_code == 200
    assert [c["flags"] for c in history.json()["crossings"]] == [["exit_without_entry"]]
    with engine.connect() as connection:
        reads = connection.execute(
            select(audit_log.c.principal, audit_log.c.action, audit_log.c.purpose).where(
                audit_log.c.action == "travellers.history"
            )
        ).all()
    assert [tuple(r) for r in reads] == [("officer", "travellers.history", "secondary inspection")]


def test_a_document_of_no_real_state_is_a_mistake_not_a_miss(client, tokens):
    def ask(state, number):
        return client.post("/api/v1/documents/crossings", headers=tokens["officer"],
                           json={"issuing_state": state, "number": number})  # fmt: skip

    unknown = ask("XYZ", "FA7654321")
    assert unknown.status_code == 422
    assert (unknown.json()["code"], unknown.json()["field"]) == (
        "unknown_country", "body.issuing_state",
    )  # fmt: skip
    assert ask("UTO", "L898902C3").json()["code"] == "specimen_country"
    assert ask("UZB", "FA0000000").status_code == 404


def test_a_state_sees_only_its_own_records(client, tokens):
    enter(client, tokens["officer"], days_ago=5)
    tid = traveller_of(client, tokens["officer"])
    other = client.get(f"/api/v1/travellers/{tid}/crossings", headers=tokens["uzb_analyst"])
    assert other.status_code == 404
    assert other.json()["code"] == "not_found"
    # Protection officers work through referrals, not by browsing crossing histories.
    assert client.get(f"/api/v1/travellers/{tid}/stay",
                      headers=tokens["protection"]).status_code == 403  # fmt: skip
