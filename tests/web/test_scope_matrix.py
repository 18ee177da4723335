"""The scope matrix: every role of two states against every route of the API, with a traveller
only one state has seen. 0 leaks: no answer to the other state's principals names the
traveller, their document or their crossing, and no such principal writes about them."""

from datetime import UTC, datetime, timedelta

import pytest
from fastapi.testclient import TestClient
from uuid6 import uuid7

from rmis.security.accounts import create_principal
from rmis.security.principals import Role
from rmis.store import open_database
from rmis.web.app import create_app

NOW = datetime(2026, 11, 23, 3, 0, tzinfo=UTC)
NUMBER = "FA7654321"
ROLES = list(Role)


@pytest.fixture(scope="module")
def world(tmp_path_factory):
    engine = open_database(f"sqlite:///{tmp_path_factory.mktemp('m') / 'r.sqlite3'}")
    client = TestClient(create_app(engine, clock=lambda: NOW))
    headers = {}
    for state, bcp in (("KAZ", "KAZ-ALA"), ("UZB", "UZB-TAS")):
        for role in ROLES:
            token = create_principal(
                engine, name=f"{role.value}.{state}", role=role, state=state,
                bcp_codes=[bcp] if role is Role.BORDER_OFFICER else [], now=NOW,
                agency="unhcr_partner" if role is Role.AGENCY else None,
            )  # fmt: skip
            headers[(role, state)] = {"Authorization": f"Bearer {token}",
                                      "RMIS-Purpose": "scope matrix"}  # fmt: skip
    crossing_id = str(uuid7())
    body = {
        "id": crossing_id, "direction": "entry", "bcp": "KAZ-ALA",
        "occurred_at": (NOW - timedelta(days=60)).isoformat(), "purpose": "work",
        "document": {"issuing_state": "UZB", "number": NUMBER, "surname": "TOSHEV",
                     "given_names": "BOBUR", "nationality": "UZB", "sex": "M",
                     "birth_date": "1991-04-12"},
    }  # fmt: skip
    officer = headers[(Role.BORDER_OFFICER, "KAZ")]
    assert client.post("/api/v1/crossings", json=body, headers=officer).status_code == 201
    history = client.post("/api/v1/documents/crossings", headers=officer,
                          json={"issuing_state": "UZB", "number": NUMBER}).json()  # fmt: skip
    traveller = history["traveller_id"]
    document_id = engine.dialect  # replaced below
    from sqlalchemy import select

    from rmis.store.schema import documents

    with engine.connect() as connection:
        document_id = str(connection.execute(select(documents.c.id)).scalar_one())
    yield client, headers, {"traveller_id": traveller, "document_id": document_id,
                            "crossing_id": crossing_id}  # fmt: skip
    engine.dispose()


def _bodies(ids: dict[str, str]) -> dict[str, dict]:
    return {
        "/api/v1/documents/crossings": {"issuing_state": "UZB", "number": NUMBER},
        "/api/v1/travellers/{traveller_id}/permits": {
            "kind": "visa", "valid_from": "2026-01-01", "valid_to": "2026-12-31"},
        "/api/v1/travellers/{traveller_id}/registrations": {"registered_on": "2026-10-01"},
        "/api/v1/redress": {
            "traveller_id": ids["traveller_id"], "flag": "overstay", "claim": "left in time",
            "evidence": [{"kind": "stamp", "note": "exit stamp"}],
            "remedy": {"kind": "missing_exit", "bcp": "KAZ-ALA",
                       "occurred_at": "2026-10-01T10:00:00+00:00"}},
        "/api/v1/crossings/{crossing_id}/corrections": {
            "kind": "void", "reason": "scope matrix"},
        "/api/v1/documents/{document_id}/rectification": {
            "changes": {"surname": "X"}, "evidence": "scope matrix"},
    }  # fmt: skip


def test_no_route_leaks_a_travellers_record_to_another_state(world):
    client, headers, ids = world
    paths = client.get("/api/v1/openapi.json").json()["paths"]
    bodies = _bodies(ids)
    secrets = (ids["traveller_id"], NUMBER, ids["crossing_id"], ids["document_id"])
    leaks, asked = [], 0
    for template, operations in sorted(paths.items()):
        path = template
        for name, value in ids.items():
            path = path.replace("{" + name + "}", value)
        path = path.replace("{", "").replace("}", "")  # other ids: nothing by that name
        about_them = path != template.replace("{", "").replace("}", "")
        for method in operations:
            if method not in ("get", "post"):
                continue
            body = bodies.get(template) if method == "post" else None
            sent = path + str(body)
            for role in ROLES:
                response = client.request(
                    method.upper(), path, headers=headers[(role, "UZB")], json=body
                )
                asked += 1
                # What the caller sent may be echoed back ("... is not in this state's
                # records"); anything else of the traveller's is a leak.
                named = any(s in response.text and s not in sent for s in secrets)
                wrote = method == "post" and about_them and response.status_code < 300
                if named or wrote:
                    leaks.append((role.value, method, template, response.status_code))
    assert asked > 100
    assert leaks == [], "\n".join(map(str, leaks))


def test_roles_read_personal_data_only_as_their_scope_allows(world):
    client, headers, ids = world
    reading = {Role.BORDER_OFFICER, Role.SUPERVISOR, Role.ANALYST}
    expectations = {
        f"/api/v1/travellers/{ids['traveller_id']}/crossings": reading,
        f"/api/v1/travellers/{ids['traveller_id']}/stay": reading,
        f"/api/v1/travellers/{ids['traveller_id']}/subject-access": {Role.SUPERVISOR},
        "/api/v1/overstays": reading,
        "/api/v1/audit": {Role.AUDITOR, Role.ADMIN},
    }
    wrong = []
    for path, allowed in expectations.items():
        for role in ROLES:
            status = client.get(path, headers=headers[(role, "KAZ")]).status_code
            if (status == 200) != (role in allowed):
                wrong.append((role.value, path, status))
    assert wrong == []
