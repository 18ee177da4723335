import threading
from concurrent.futures import ThreadPoolExecutor
from datetime import UTC, datetime

import pytest
from fastapi.testclient import TestClient
from sqlalchemy import event, func, select
from uuid6 import uuid7

from rmis.security.accounts import create_principal
from rmis.security.principals import Role
from rmis.store.schema import crossings
from rmis.web.app import create_app

NOW = datetime(2026, 11, 23, 3, 0, tzinfo=UTC)


@pytest.fixture
def client(engine):
    return TestClient(create_app(engine, clock=lambda: NOW))


@pytest.fixture
def officer_token(engine):
    return create_principal(
        engine,
        name="officer",
        role=Role.BORDER_OFFICER,
        state="KAZ",
        bcp_codes=["KAZ-ALA"],
        password="s3cret pass",
        now=NOW,
    )


def crossing_body(**overrides):
    body = {
        "id": str(uuid7()),
        "direction": "entry",
        "bcp": "KAZ-ALA",
        "occurred_at": "2026-11-23T02:55:00Z",
        "document": {
            "issuing_state": "TJK",
            "number": "400123456",
            "surname": "RAKHIMOV",
            "given_names": "DILSHOD",
            "nationality": "TJK",
            "birth_date": "1995-02-03",
            "sex": "M",
            "expiry_date": "2031-01-01",
        },
        "purpose": "work",
    }
    return body | overrides


def auth(token):
    return {"Authorization": f"Bearer {token}"}


def test_record_a_crossing_and_resend_it(client, officer_token, engine):
    body = crossing_body()
    first = client.post("/api/v1/crossings", json=body, headers=auth(officer_token))
    assert first.status_code == 201, first.text
    assert first.json()["local_date"] == "2026-11-23"
    again = client.post("/api/v1/crossings", json=body, headers=auth(officer_token))
    assert again.status_code == 200
    assert again.json()["duplicate"] is True
    with engine.connect() as connection:
        assert connection.execute(select(func.count()).select_from(crossings)).scalar() == 1


def test_batch_records_in_order_with_flags(client, officer_token):
    batch = [crossing_body(direction="exit"), crossing_body(occurred_at="2026-11-23T02:58:00Z")]
    response = client.post(
        "/api/v1/crossings/batch", json={"crossings": batch}, headers=auth(officer_token)
    )
    assert response.status_code == 200, response.text
    assert [r["flags"] for r in response.json()] == [["exit_without_entry"], []]


def test_no_token_no_service(client):
    response = client.post("/api/v1/crossings", json=crossing_body())
    assert response.status_code == 401
    assert response.headers["content-type"] == "application/problem+json"
    assert response.json()["code"] == "not_authenticated"
    bad = client.post("/api/v1/crossings", json=crossing_body(), headers=auth("rmis_nope"))
    assert bad.json()["code"] == "invalid_token"


def test_officer_outside_their_bcp_is_refused(client, officer_token):
    response = client.post(
        "/api/v1/crossings", json=crossing_body(bcp="KAZ-NQZ"), headers=auth(officer_token)
    )
    assert response.status_code == 403
    assert response.json()["code"] == "outside_bcp_scope"


@pytest.mark.parametrize(
    ("overrides", "code"),
    [
        ({"occurred_at": "2026-11-23T02:55:00"}, "invalid_request"),
        ({"direction": "sideways"}, "invalid_request"),
        ({"bcp": "KAZ-NOWHERE"}, "unknown_bcp"),
        ({"outcome": "refused"}, "unknown_refusal_reason"),
        ({"surprise": 1}, "invalid_request"),
    ],
)
def test_bad_input_gets_a_problem_with_a_stable_code(client, officer_token, overrides, code):
    response = client.post(
        "/api/v1/crossings", json=crossing_body(**overrides), headers=auth(officer_token)
    )
    assert response.status_code == 422
    problem = response.json()
    assert problem["code"] == code
    assert problem["status"] == 422 and problem["type"].endswith(code)


def test_officer_logs_in_and_uses_the_session(client, officer_token):
    assert (
        client.post("/api/v1/login", json={"name": "officer", "password": "no"}).status_code == 401
    )
    session = client.post("/api/v1/login", json={"name": "officer", "password": "s3cret pass"})
    assert session.status_code == 200
    token = session.json()["token"]
    response = client.post("/api/v1/crossings", json=crossing_body(), headers=auth(token))
    assert response.status_code == 201


def test_the_same_crossing_sent_twice_at_once_is_answered_as_a_resend(
    client, officer_token, engine
):
    """Both requests pass their lookups before either writes (a barrier before each one's first
    INSERT); the one that loses on the unique id answers 200 "duplicate", not 500."""
    barrier = threading.Barrier(2, timeout=20)
    waited = threading.local()

    def hold_first_insert(conn, cursor, statement, parameters, context, executemany):
        if statement.lstrip().upper().startswith("INSERT") and not getattr(waited, "done", 0):
            waited.done = 1
            barrier.wait()

    body = crossing_body()
    event.listen(engine, "before_cursor_execute", hold_first_insert)
    try:
        with ThreadPoolExecutor(2) as pool:
            responses = list(
                pool.map(
                    lambda _: client.post(
                        "/api/v1/crossings", json=body, headers=auth(officer_token)
                    ),
                    range(2),
                )
            )
    finally:
        event.remove(engine, "before_cursor_execute", hold_first_insert)
    assert sorted(r.status_code for r in responses) == [200, 201], [r.text for r in responses]
    assert sorted(r.json()["duplicate"] for r in responses) == [False, True]
    with engine.connect() as connection:
        assert connection.execute(select(func.count()).select_from(crossings)).scalar() == 1
