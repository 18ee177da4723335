"""The API's edge (issue 17): nothing breaks the record, every error is a problem document,
refusals are audited, logins are throttled, and every answer carries the security headers."""

from datetime import UTC, date, datetime, timedelta

import pytest
from fastapi.testclient import TestClient
from sqlalchemy import select
from uuid6 import uuid7

from rmis.security.accounts import create_principal
from rmis.security.principals import Role
from rmis.security.throttle import FREE_FAILURES
from rmis.store.schema import audit_log, crossings
from rmis.web.app import create_app

NOW = datetime(2026, 11, 23, 3, 0, tzinfo=UTC)
PASSWORD = "a passphrase long enough"


@pytest.fixture
def app(engine):
    return create_app(engine, clock=lambda: NOW)


@pytest.fixture
def client(app):
    return TestClient(app)


@pytest.fixture
def officer(engine):
    token = create_principal(engine, name="officer", role=Role.BORDER_OFFICER, state="KAZ",
                             bcp_codes=["KAZ-ALA"], password=PASSWORD, now=NOW)  # fmt: skip
    return {"Authorization": f"Bearer {token}"}


def body(**document) -> dict:
    return {
        "id": str(uuid7()), "direction": "entry", "bcp": "KAZ-ALA",
        "occurred_at": (NOW - timedelta(days=1)).isoformat(), "purpose": "work",
        "document": {"issuing_state": "UZB", "number": "FA7654321", "surname": "TOSHEV",
                     "given_names": "BOBUR", "nationality": "UZB", "sex": "M"} | document,
    }  # fmt: skip


def refused_rows(engine):
    with engine.connect() as connection:
        return connection.execute(
            select(audit_log.c.principal, audit_log.c.subject, audit_log.c.detail)
            .where(audit_log.c.action == "access.refused")
            .order_by(audit_log.c.seq)
        ).all()


@pytest.mark.parametrize(
    ("change", "code"),
    [
        ({"surname": "TOS\x00HEV"}, "nul_character"),
        ({"number": "FA\x007654321"}, "nul_character"),
        ({"surname": "TOS\x07HEV"}, "control_character"),
        ({"birth_date": "0001-01-01"}, "implausible_date"),
        ({"expiry_date": "9999-12-31"}, "implausible_date"),
        ({"birth_date": 0}, "date_as_text"),
        ({"mrz_valid": "yes"}, "bool_type"),
        ({"number": "X" * 33}, "string_too_long"),
    ],
)
def test_what_would_break_the_record_is_refused_at_the_edge(client, officer, engine, change, code):
    response = client.post("/api/v1/crossings", json=body(**change), headers=officer)
    assert response.status_code == 422, response.text
    assert response.headers["content-type"] == "application/problem+json"
    problem = response.json()
    codes = {problem["code"]} | {e["code"] for e in problem.get("errors", [])}
    assert code in codes
    with engine.connect() as connection:
        assert connection.execute(select(crossings.c.id)).first() is None


@pytest.mark.parametrize(
    ("change", "code"),
    [({"occurred_at": 1700000000}, "time_as_text"),
     ({"occurred_at": "0001-01-01T00:00:00+00:00"}, "implausible_date")],
)  # fmt: skip
def test_a_crossing_time_is_text_within_the_record_years(client, officer, change, code):
    response = client.post("/api/v1/crossings", json=body() | change, headers=officer)
    assert response.status_code == 422
    assert code in {e["code"] for e in response.json()["errors"]} | {response.json()["code"]}


def test_integers_beyond_their_column_are_refused(client, engine):
    token = create_principal(engine, name="sup", role=Role.SUPERVISOR, state="KAZ", now=NOW)
    headers = {"Authorization": f"Bearer {token}"}
    permit = {"kind": "visa", "valid_from": "2026-01-01", "valid_to": "2026-12-31"}
    for value in (2**31, 2**63, 9223372036854775807, "5"):
        response = client.post(
            f"/api/v1/travellers/{uuid7()}/permits", headers=headers,
            json=permit | {"entries_allowed": value},
        )  # fmt: skip
        assert response.status_code == 422, (value, response.text)


def test_a_nul_in_a_login_name_is_a_422_not_a_500(client):
    response = client.post("/api/v1/login", json={"name": "a\x00b", "password": "x"})
    assert response.status_code == 422
    assert response.headers["content-type"] == "application/problem+json"


def test_an_unexpected_error_is_a_problem_document(app):
    @app.get("/api/v1/boom")
    def boom() -> None:
        raise RuntimeError("secret internals")

    response = TestClient(app, raise_server_exceptions=False).get("/api/v1/boom")
    assert response.status_code == 500
    assert response.headers["content-type"] == "application/problem+json"
    assert response.json()["code"] == "internal_error"
    assert "secret" not in response.text


def test_refusals_are_audited_with_who_and_why(client, officer, engine):
    assert (
        client.get("/api/v1/overstays", headers={"Authorization": "Bearer nope"}).status_code == 401
    )
    assert client.get(f"/api/v1/travellers/{uuid7()}/crossings", headers=officer).status_code == 404
    permit = {"kind": "visa", "valid_from": "2026-01-01", "valid_to": "2026-12-31"}
    forbidden = client.post(f"/api/v1/travellers/{uuid7()}/permits", json=permit, headers=officer)
    assert forbidden.status_code == 403
    assert client.get("/wp-admin/setup.php").status_code == 404
    rows = refused_rows(engine)
    statuses = [(principal, detail["status"], detail["code"]) for principal, _, detail in rows]
    assert ("anonymous", 401, "invalid_token") in statuses
    assert ("officer", 404, "not_found") in statuses
    assert ("officer", 403, "role_not_allowed") in statuses
    assert ("anonymous", 404, "not_found") in statuses
    assert all(detail["client"] == "testclient" for _, _, detail in rows)


def test_logins_are_throttled_with_retry_after_and_sessions_end(client, officer, engine):
    for _ in range(FREE_FAILURES):
        wrong = client.post("/api/v1/login", json={"name": "officer", "password": "wrong"})
        assert wrong.status_code == 401
    throttled = client.post("/api/v1/login", json={"name": "officer", "password": PASSWORD})
    assert throttled.status_code == 429
    assert int(throttled.headers["Retry-After"]) >= 1
    assert throttled.json()["code"] == "login_throttled"


def test_logout_ends_the_session(client, officer):
    session = client.post("/api/v1/login", json={"name": "officer", "password": PASSWORD})
    headers = {"Authorization": f"Bearer {session.json()['token']}"}
    assert client.get("/api/v1/overstays", headers=headers).status_code == 200
    assert client.post("/api/v1/logout", headers=headers).status_code == 204
    assert client.get("/api/v1/overstays", headers=headers).status_code == 401


def test_the_document_route_moved_out_of_the_url(client, officer):
    assert client.post("/api/v1/crossings", json=body(), headers=officer).status_code == 201
    old = client.get("/api/v1/documents/UZB/FA7654321/crossings", headers=officer)
    assert old.status_code == 410
    assert old.json()["new_route"] == "POST /api/v1/documents/crossings"
    new = client.post("/api/v1/documents/crossings", headers=officer,
                      json={"issuing_state": "UZB", "number": "FA7654321"})  # fmt: skip
    assert new.status_code == 200 and len(new.json()["crossings"]) == 1


def test_every_answer_carries_the_security_headers(client, officer):
    for response in (
        client.get("/api/v1/overstays", headers=officer),
        client.get("/api/v1/nothing-here"),
        client.get("/api/v1/openapi.json"),
    ):
        assert response.headers["cache-control"] == "no-store"
        assert response.headers["x-content-type-options"] == "nosniff"
        assert response.headers["x-frame-options"] == "DENY"
        assert "default-src 'none'" in response.headers["content-security-policy"]
        assert "server" not in response.headers


def test_the_docs_come_from_the_installed_package(client):
    page = client.get("/api/v1/docs")
    assert page.status_code == 200
    assert (
        "cdn" not in page.text.lower() and "/api/v1/docs/assets/swagger-ui-bundle.js" in page.text
    )
    script = client.get("/api/v1/docs/assets/swagger-ui-bundle.js")
    assert script.status_code == 200 and len(script.content) > 100_000
    assert "no-store" not in script.headers.get("cache-control", "")


def test_a_resend_with_other_content_is_refused_and_logged(client, officer, engine):
    first = body()
    assert client.post("/api/v1/crossings", json=first, headers=officer).status_code == 201
    assert client.post("/api/v1/crossings", json=first, headers=officer).json()["duplicate"]
    later = (NOW - timedelta(hours=2)).isoformat()
    changed = first | {"occurred_at": later, "direction": "exit"}
    conflict = client.post("/api/v1/crossings", json=changed, headers=officer)
    assert conflict.status_code == 409, conflict.text
    assert conflict.json()["code"] == "conflicting_resend"
    assert conflict.json()["fields"] == ["direction", "occurred_at"]
    other_document = first | {"document": first["document"] | {"number": "FB1111111"}}
    twice = {"crossings": [body(), other_document]}
    assert client.post("/api/v1/crossings/batch", json=twice, headers=officer).status_code == 409
    same_batch = body()
    moved = same_batch | {"occurred_at": later}
    pair = {"crossings": [same_batch, moved]}
    assert client.post("/api/v1/crossings/batch", json=pair, headers=officer).status_code == 409
    with engine.connect() as connection:
        assert len(connection.execute(select(crossings.c.id)).all()) == 1
    codes = [detail["code"] for _, _, detail in refused_rows(engine)]
    assert codes.count("conflicting_resend") == 3


def test_a_state_writes_only_about_travellers_it_knows(client, officer, engine):
    assert client.post("/api/v1/crossings", json=body(), headers=officer).status_code == 201
    history = client.post("/api/v1/documents/crossings", headers=officer,
                          json={"issuing_state": "UZB", "number": "FA7654321"})  # fmt: skip
    traveller = history.json()["traveller_id"]

    def supervisor(name, state):
        token = create_principal(engine, name=name, role=Role.SUPERVISOR, state=state, now=NOW)
        return {"Authorization": f"Bearer {token}"}

    permit = {"kind": "visa", "valid_from": "2026-01-01", "valid_to": "2026-12-31"}
    registration = {"registered_on": "2026-11-20"}
    for state, status in (("UZB", 404), ("KAZ", 201)):
        headers = supervisor(f"sup.{state}", state)
        for route, payload in (("permits", permit), ("registrations", registration)):
            made = client.post(f"/api/v1/travellers/{traveller}/{route}", json=payload,
                               headers=headers)  # fmt: skip
            assert made.status_code == status, (state, route, made.text)


def test_the_overstay_list_names_in_the_audit_log_whom_it_showed(client, officer, engine):
    long_ago = body() | {"occurred_at": (NOW - timedelta(days=200)).isoformat()}
    assert client.post("/api/v1/crossings", json=long_ago, headers=officer).status_code == 201
    listed = client.get("/api/v1/overstays", headers=officer).json()
    shown = sorted(o["traveller_id"] for o in listed["open"])
    assert shown
    with engine.connect() as connection:
        detail = connection.execute(
            select(audit_log.c.detail).where(audit_log.c.action == "overstays.list")
        ).scalar_one()
    assert detail["travellers"] == shown


def test_the_registry_itself_refuses_a_permit_count_beyond_its_column(engine):
    from rmis.registry import InvalidRecord, add_permit
    from rmis.security import Principal
    from rmis.stay import PermitKind

    supervisor = Principal("sup", Role.SUPERVISOR, "KAZ")
    for extra, code in (({"entries_allowed": 2**63 - 1}, "invalid_value"),
                        ({"valid_from": date(1, 1, 1)}, "implausible_date")):  # fmt: skip
        kwargs = {"kind": PermitKind.VISA, "valid_from": date(2026, 1, 1),
                  "valid_to": date(2026, 12, 31)} | extra  # fmt: skip
        with pytest.raises(InvalidRecord) as refused:
            add_permit(engine, supervisor, uuid7(), now=NOW, **kwargs)
        assert refused.value.code == code
