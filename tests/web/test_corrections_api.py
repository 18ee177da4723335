from datetime import UTC, datetime, timedelta

import pytest
from fastapi.testclient import TestClient
from sqlalchemy import func, select
from uuid6 import uuid7

from rmis.security.accounts import create_principal
from rmis.security.principals import Role
from rmis.store.schema import audit_log, corrections
from rmis.web.app import create_app

NOW = datetime(2026, 11, 23, 3, 0, tzinfo=UTC)


@pytest.fixture
def client(engine):
    return TestClient(create_app(engine, clock=lambda: NOW))


@pytest.fixture
def tokens(engine):
    def make(name, role, state, bcps=()):
        token = create_principal(
            engine, name=name, role=role, state=state, bcp_codes=list(bcps), now=NOW
        )
        return {"Authorization": f"Bearer {token}"}

    return {
        "officer": make("officer", Role.BORDER_OFFICER, "KAZ", ["KAZ-ALA"]),
        "supervisor": make("supervisor", Role.SUPERVISOR, "KAZ"),
        "analyst": make("analyst", Role.ANALYST, "KAZ"),
        "uzb_supervisor": make("uzb.supervisor", Role.SUPERVISOR, "UZB"),
    }


def cross(client, headers, days_ago, direction="entry"):
    crossing_id = str(uuid7())
    body = {
        "id": crossing_id,
        "direction": direction,
        "bcp": "KAZ-ALA",
        "occurred_at": (NOW - timedelta(days=days_ago)).isoformat(),
        "purpose": "work",
        "document": {
            "issuing_state": "UZB",
            "number": "FA7654321",
            "surname": "TOSHEV",
            "given_names": "BOBUR",
            "nationality": "UZB",
            "sex": "M",
        },
    }
    response = client.post("/api/v1/crossings", json=body, headers=headers)
    assert response.status_code == 201, response.text
    return crossing_id


def correct(client, headers, crossing_id, **body):
    return client.post(f"/api/v1/crossings/{crossing_id}/corrections", json=body, headers=headers)


def history(client, headers):
    response = client.post("/api/v1/documents/crossings", headers=headers,
                           json={"issuing_state": "UZB", "number": "FA7654321"})  # fmt: skip
    assert response.status_code == 200, response.text
    return response.json()


def stay(client, headers):
    tid = history(client, headers)["traveller_id"]
    response = client.get(f"/api/v1/travellers/{tid}/stay", headers=headers)
    assert response.status_code == 200, response.text
    return response.json()


def count(engine, table):
    with engine.connect() as connection:
        return connection.execute(select(func.count()).select_from(table)).scalar()


def test_an_amendment_changes_the_stay_and_shows_in_the_history(client, tokens, engine):
    entry = cross(client, tokens["officer"], days_ago=39)
    assert stay(client, tokens["officer"])["overstay_days"] == 10
    new_time = (NOW - timedelta(days=20)).isoformat()
    response = correct(
        client,
        tokens["officer"] | {"RMIS-Purpose": "booth date error"},
        entry,
        kind="amend",
        changes={"occurred_at": new_time},
        reason="date keyed wrong",
    )
    assert response.status_code == 201, response.text
    made = response.json()
    assert made["crossing_id"] == entry
    assert made["kind"] == "amend"
    assert made["officer"] == "officer"
    assert made["duplicate"] is False
    assert made["changes"]["local_date"] == str((NOW - timedelta(days=20)).date())
    assert stay(client, tokens["officer"])["overstay_days"] == 0
    [shown] = history(client, tokens["officer"])["crossings"]
    assert shown["local_date"] == made["changes"]["local_date"]
    assert shown["voided"] is False
    assert [c["id"] for c in shown["corrections"]] == [made["id"]]
    with engine.connect() as connection:
        audited = connection.execute(
            select(audit_log.c.principal, audit_log.c.purpose).where(
                audit_log.c.action == "crossings.correct"
            )
        ).all()
    assert [tuple(a) for a in audited] == [("officer", "booth date error")]


def test_a_void_takes_the_crossing_out_of_the_count(client, tokens):
    cross(client, tokens["officer"], days_ago=39)
    wrong_exit = cross(client, tokens["officer"], days_ago=35, direction="exit")
    assert stay(client, tokens["officer"])["present"] is False
    response = correct(
        client, tokens["supervisor"], wrong_exit, kind="void", reason="another traveller's exit"
    )
    assert response.status_code == 201, response.text
    assert response.json()["changes"] == {}
    assert stay(client, tokens["officer"])["overstay_days"] == 10
    shown = history(client, tokens["officer"])["crossings"]
    assert [c["voided"] for c in shown] == [False, True]
    again = correct(
        client,
        tokens["supervisor"],
        wrong_exit,
        kind="amend",
        changes={"purpose": "study"},
        reason="r",
    )
    assert again.status_code == 409
    assert again.json()["code"] == "crossing_voided"


def test_a_resent_correction_is_recorded_once(client, tokens, engine):
    entry = cross(client, tokens["officer"], days_ago=3)
    body = {
        "id": str(uuid7()),
        "kind": "amend",
        "changes": {"bcp": "KAZ-KHORGOS-ROAD"},
        "reason": "wrong booth",
    }
    first = correct(client, tokens["supervisor"], entry, **body)
    again = correct(client, tokens["supervisor"], entry, **body)
    assert (first.status_code, again.status_code) == (201, 200)
    assert first.json()["changes"]["bcp"] == "KAZ-KHORGOS-ROAD"
    assert first.json()["changes"]["mode"] == "road"
    assert again.json() == first.json() | {"duplicate": True}
    assert count(engine, corrections) == 1
    reused = correct(
        client, tokens["supervisor"], entry, **(body | {"kind": "void", "changes": {}})
    )
    assert reused.status_code == 409
    assert reused.json()["code"] == "correction_id_reused"


@pytest.mark.parametrize(
    ("body", "status", "code"),
    [
        ({"kind": "amend", "changes": {"surname": "X"}, "reason": "r"}, 422, "invalid_request"),
        ({"kind": "amend", "changes": {"direction": "up"}, "reason": "r"}, 422, "invalid_request"),
        ({"kind": "amend", "changes": {"direction": None}, "reason": "r"}, 422, "invalid_value"),
        ({"kind": "amend", "changes": {"bcp": "KAZ-NOWHERE"}, "reason": "r"}, 422, "unknown_bcp"),
        (
            {"kind": "amend", "changes": {"outcome": "refused"}, "reason": "r"},
            422,
            "unknown_refusal_reason",
        ),
        ({"kind": "amend", "changes": {}, "reason": "r"}, 422, "no_changes"),
        (
            {"kind": "void", "changes": {"purpose": "study"}, "reason": "r"},
            422,
            "changes_with_void",
        ),
        ({"kind": "void", "reason": ""}, 422, "invalid_request"),
        ({"kind": "void", "reason": "  "}, 422, "reason_required"),
        ({"kind": "erase", "reason": "r"}, 422, "invalid_request"),
    ],
)
def test_bad_corrections_are_problems_and_write_nothing(client, tokens, engine, body, status, code):
    entry = cross(client, tokens["officer"], days_ago=3)
    audit_rows = count(engine, audit_log)
    response = correct(client, tokens["supervisor"], entry, **body)
    assert response.status_code == status, response.text
    assert response.headers["content-type"] == "application/problem+json"
    assert response.json()["code"] == code
    assert count(engine, corrections) == 0
    assert count(engine, audit_log) == audit_rows


def test_only_the_crossings_state_and_bcp_may_correct_it(client, tokens, engine):
    entry = cross(client, tokens["officer"], days_ago=3)
    body = {"kind": "void", "reason": "r"}
    denied = correct(client, tokens["analyst"], entry, **body)
    assert (denied.status_code, denied.json()["code"]) == (403, "role_not_allowed")
    other_state = correct(client, tokens["uzb_supervisor"], entry, **body)
    assert (other_state.status_code, other_state.json()["code"]) == (404, "not_found")
    moved = correct(
        client, tokens["officer"], entry, kind="amend", changes={"bcp": "KAZ-NQZ"}, reason="r"
    )
    assert (moved.status_code, moved.json()["code"]) == (403, "outside_bcp_scope")
    unknown = correct(client, tokens["supervisor"], uuid7(), **body)
    assert unknown.status_code == 404
    assert correct(client, {}, entry, **body).status_code == 401
    assert count(engine, corrections) == 0
