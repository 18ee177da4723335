"""POST /api/v1/checks, and a crossing recorded after it naming its check_id."""

from datetime import UTC, date, datetime, timedelta

import pytest
from fastapi.testclient import TestClient
from sqlalchemy import func, select
from uuid6 import uuid7

from rmis.documents import compose_td3
from rmis.screening import BirthDate, EntryDocument, EntryName, ListEntry, import_list
from rmis.security.accounts import create_principal
from rmis.security.principals import Role
from rmis.store.schema import audit_log, checks, crossings, documents
from rmis.web.app import create_app

# 20:00 UTC on the 22nd is 01:00 on the 23rd in Almaty (UTC+5): the check judges the 23rd.
NOW = datetime(2026, 11, 22, 20, 0, tzinfo=UTC)
LOCAL_TODAY = "2026-11-23"
DOCUMENT = {
    "issuing_state": "UZB", "number": "FA7654321", "surname": "TOSHEV", "given_names": "BOBUR",
    "nationality": "UZB", "sex": "M", "birth_date": "1994-03-08", "expiry_date": "2031-01-15",
}  # fmt: skip
MRZ = "\n".join(
    compose_td3(issuing_state="UZB", surname="TOSHEV", given_names="BOBUR",
                document_number="FA7654321", nationality="UZB", birth_date=date(1994, 3, 8),
                sex="M", expiry_date=date(2031, 1, 15))
)  # fmt: skip


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
        "other_officer": make("other.officer", Role.BORDER_OFFICER, "KAZ", ["KAZ-ALA"]),
        "astana_officer": make("astana.officer", Role.BORDER_OFFICER, "KAZ", ["KAZ-NQZ"]),
        "supervisor": make("supervisor", Role.SUPERVISOR, "KAZ"),
        "analyst": make("analyst", Role.ANALYST, "KAZ"),
    }


def cross(client, headers, days_ago, direction="entry", **extra):
    body = {
        "id": str(uuid7()), "direction": direction, "bcp": "KAZ-ALA",
        "occurred_at": (NOW - timedelta(days=days_ago)).isoformat(), "purpose": "work",
        "document": DOCUMENT,
    } | extra  # fmt: skip
    return client.post("/api/v1/crossings", json=body, headers=headers)


def check(client, headers, **body):
    return client.post(
        "/api/v1/checks", json={"bcp": "KAZ-ALA", "direction": "entry"} | body, headers=headers
    )


def checks_audited(engine):
    with engine.connect() as connection:
        return connection.execute(
            select(func.count()).where(audit_log.c.action.like("checks.%"))
        ).scalar()


def count(engine, table):
    with engine.connect() as connection:
        return connection.execute(select(func.count()).select_from(table)).scalar()


def test_an_mrz_never_seen_answers_in_the_full_shape_and_records_nothing(client, tokens, engine):
    response = check(client, tokens["officer"], mrz=MRZ)
    assert response.status_code == 200, response.text
    body = response.json()
    assert body["document"]["source"] == "mrz" and body["document"]["format"] == "TD3"
    assert body["document"]["valid"] is True
    assert body["document"]["fields"] == DOCUMENT | {"document_type": "P", "optional_data": None}
    assert body["traveller_id"] is None and body["link"] is None and body["stay"] is None
    assert body["recent_crossings"] == [] and body["flags"] == []
    assert body["hits"] == []
    # Someone never seen: nothing to suggest from the record, no referral, no claim.
    assert body["protection"] == {"suggested": [], "patterns": [], "referrals": [],
                                  "pending_claim": False}  # fmt: skip
    assert body["on"] == LOCAL_TODAY and body["host_state"] == "KAZ"
    assert count(engine, crossings) == 0 and count(engine, documents) == 0
    assert count(engine, checks) == 1


def test_a_known_person_gets_what_the_reads_answer(client, tokens):
    for days_ago, direction in ((40, "entry"), (33, "exit"), (20, "entry")):
        assert cross(client, tokens["officer"], days_ago, direction).status_code == 201
    response = check(client, tokens["officer"] | {"RMIS-Purpose": "exit control"},
                     document=DOCUMENT, direction="exit")  # fmt: skip
    assert response.status_code == 200, response.text
    body = response.json()
    tid = body["traveller_id"]
    assert tid is not None and body["link"] == "first"
    assert body["document"]["source"] == "typed" and body["flags"] == []
    stay = client.get(f"/api/v1/travellers/{tid}/stay", params={"on": LOCAL_TODAY},
                      headers=tokens["officer"]).json()  # fmt: skip
    assert body["stay"] == stay
    history = client.get(f"/api/v1/travellers/{tid}/crossings", headers=tokens["officer"]).json()
    assert body["recent_crossings"] == history["crossings"]
    again = check(client, tokens["officer"], mrz=MRZ, direction="entry").json()
    assert again["traveller_id"] == tid
    assert [(f["code"], f["source"]) for f in again["flags"]] == [
        ("entry_while_inside", "crossing")
    ]


def test_a_check_is_audited_with_its_purpose(client, tokens, engine):
    body = check(client, tokens["officer"] | {"RMIS-Purpose": "secondary inspection"},
                 mrz=MRZ).json()  # fmt: skip
    with engine.connect() as connection:
        [row] = connection.execute(
            select(audit_log.c.action, audit_log.c.purpose, audit_log.c.detail).where(
                audit_log.c.action.like("checks.%")
            )
        ).all()
    assert row.action == "checks.run" and row.purpose == "secondary inspection"
    assert row.detail["check_id"] == body["check_id"]


@pytest.mark.parametrize(
    ("body", "code"),
    [({}, "mrz_or_document"), ({"mrz": MRZ, "document": DOCUMENT}, "mrz_or_document"),
     ({"mrz": "P<UZBTOSHEV<<BOBUR\nFA7654321"}, "mrz_line_length"),
     ({"mrz": "   "}, "mrz_empty")],
)  # fmt: skip
def test_what_cannot_be_checked_is_a_problem_with_a_code(client, tokens, engine, body, code):
    response = check(client, tokens["officer"], **body)
    assert response.status_code == 422
    assert response.headers["content-type"] == "application/problem+json"
    assert response.json()["code"] == code
    assert count(engine, checks) == 0


def test_only_who_may_record_at_the_bcp_may_check_there(client, tokens, engine):
    elsewhere = check(client, tokens["astana_officer"], mrz=MRZ)
    assert elsewhere.status_code == 403 and elsewhere.json()["code"] == "outside_bcp_scope"
    analyst = check(client, tokens["analyst"], mrz=MRZ)
    assert analyst.status_code == 403 and analyst.json()["code"] == "role_not_allowed"
    assert check(client, {}, mrz=MRZ).status_code == 401
    assert count(engine, checks) == 0 and checks_audited(engine) == 0


def test_the_crossing_names_its_check_in_the_audit_log(client, tokens, engine):
    check_id = check(client, tokens["officer"], mrz=MRZ).json()["check_id"]
    crossing_id = str(uuid7())
    recorded = cross(client, tokens["officer"], 0, id=crossing_id, check_id=check_id)
    assert recorded.status_code == 201, recorded.text
    with engine.connect() as connection:
        detail = connection.execute(
            select(audit_log.c.detail).where(audit_log.c.action == "crossings.record")
        ).scalar_one()
    assert detail["check_ids"] == {crossing_id: check_id}
    # A batch names each crossing's check.
    second = check(client, tokens["officer"], mrz=MRZ, direction="exit").json()["check_id"]
    batch_id = str(uuid7())
    body = {"crossings": [{
        "id": batch_id, "direction": "exit", "bcp": "KAZ-ALA", "purpose": "work",
        "occurred_at": NOW.isoformat(), "document": DOCUMENT, "check_id": second,
    }, {
        "id": str(uuid7()), "direction": "entry", "bcp": "KAZ-ALA", "purpose": "work",
        "occurred_at": NOW.isoformat(), "document": DOCUMENT | {"number": "FA0000001"},
    }]}  # fmt: skip
    response = client.post("/api/v1/crossings/batch", json=body, headers=tokens["officer"])
    assert response.status_code == 200, response.text
    with engine.connect() as connection:
        details = (
            connection.execute(
                select(audit_log.c.detail)
                .where(audit_log.c.action == "crossings.record")
                .order_by(audit_log.c.seq)
            )
            .scalars()
            .all()
        )
    assert details[-1]["check_ids"] == {batch_id: second}


def test_a_crossing_names_only_its_own_principals_check_at_its_bcp(client, tokens, engine):
    mine = check(client, tokens["officer"], mrz=MRZ).json()["check_id"]
    at_astana = check(client, tokens["supervisor"], mrz=MRZ, bcp="KAZ-NQZ").json()["check_id"]
    cases = [
        (tokens["officer"], str(uuid7()), "unknown_check"),
        (tokens["other_officer"], mine, "check_by_another_principal"),
        (tokens["supervisor"], at_astana, "check_at_another_bcp"),
    ]
    for headers, check_id, code in cases:
        response = cross(client, headers, 0, check_id=check_id)
        assert response.status_code == 422, response.text
        assert response.json()["code"] == code
        assert response.json()["field"] == "check_id"
    assert count(engine, crossings) == 0


def test_the_openapi_document_describes_what_later_issues_fill(client):
    schema = client.get("/api/v1/openapi.json").json()["components"]["schemas"]["CheckOut"]
    assert "alert-list hits" in schema["properties"]["hits"]["description"]
    assert "protection" in schema["properties"]["protection"]["description"]


def load_lists(engine):
    stolen = ListEntry("SLTD-1", "document", documents=(EntryDocument("FA7654321", "UZB", "P"),),
                       status="stolen")  # fmt: skip
    wanted = ListEntry("W-7", "person", names=(EntryName("ТОШЕВ БОБУР"),),
                       birth_dates=(BirthDate(1994, 3, 8),), sex="M")  # fmt: skip
    for name, kind, entry in (("uzb-sltd", "documents", stolen), ("kaz-wanted", "wanted", wanted)):
        import_list(engine, name=name, kind=kind, owner="KAZ", items=[entry], source="test",
                    principal="loader", now=NOW)  # fmt: skip


def test_a_check_screens_every_known_name_and_the_document_and_each_hit_is_a_case(
    client, tokens, engine
):
    load_lists(engine)
    first = check(client, tokens["officer"], mrz=MRZ)
    assert first.status_code == 200, first.text
    hits = {h["entry_id"]: h for h in first.json()["hits"]}
    assert set(hits) == {"SLTD-1", "W-7"}  # the document, and the name in Cyrillic
    assert all(h["standing"] == "new" and h["status"] == "open" for h in hits.values())
    assert all(h["reasons"] for h in hits.values())
    # The same traveller checked again: the open case is shown, not raised twice.
    again = check(client, tokens["officer"], mrz=MRZ).json()["hits"]
    assert {h["standing"] for h in again} == {"open"}
    assert {h["hit_id"] for h in again} == {h["hit_id"] for h in hits.values()}

    wanted = hits["W-7"]["hit_id"]
    reason = "another man: other father's name"
    decided = client.post(f"/api/v1/hits/{wanted}/decision", headers=tokens["officer"],
                          json={"decision": "dismiss", "reason": reason})  # fmt: skip
    assert decided.status_code == 200, decided.text
    assert decided.json()["status"] == "dismissed"
    third = {h["entry_id"]: h for h in check(client, tokens["officer"], mrz=MRZ).json()["hits"]}
    assert third["W-7"]["standing"] == "dismissed"
    assert third["W-7"]["note"] == (
        f"dismissed on {NOW.date().isoformat()} by officer: another man: other father's name"
    )
    assert third["SLTD-1"]["standing"] == "open"

    open_now = client.get("/api/v1/hits?state=open", headers=tokens["supervisor"])
    assert [h["entry_id"] for h in open_now.json()] == ["SLTD-1"]
    assert client.get("/api/v1/hits", headers=tokens["analyst"]).status_code == 403
    counts = client.get("/api/v1/hits/counts", headers=tokens["analyst"]).json()
    assert counts["by_status"]["dismissed"] == 1 and counts["by_status"]["open"] == 1


def test_a_decision_needs_a_reason_and_an_escalated_hit_is_a_supervisors(client, tokens, engine):
    load_lists(engine)
    [hit] = [h for h in check(client, tokens["officer"], mrz=MRZ).json()["hits"]
             if h["entry_id"] == "SLTD-1"]  # fmt: skip
    url = f"/api/v1/hits/{hit['hit_id']}/decision"
    blank = client.post(url, headers=tokens["officer"], json={"decision": "confirm", "reason": ""})
    assert blank.status_code == 422
    up = client.post(url, headers=tokens["officer"],
                     json={"decision": "escalate", "reason": "the photo differs"})  # fmt: skip
    assert up.json()["status"] == "escalated"
    refused = client.post(url, headers=tokens["other_officer"],
                          json={"decision": "confirm", "reason": "same"})  # fmt: skip
    assert refused.status_code == 403
    reason = "reported stolen in Tashkent"
    confirmed = client.post(url, headers=tokens["supervisor"],
                            json={"decision": "confirm", "reason": reason})  # fmt: skip
    body = confirmed.json()
    assert body["status"] == "confirmed"
    assert body["answer_seconds_left"] == 12 * 3600  # SIRENE: the owner answers within 12 h
    assert [d["decision"] for d in body["decisions"]] == ["escalate", "confirm"]
    again = client.post(url, headers=tokens["supervisor"],
                        json={"decision": "dismiss", "reason": "changed my mind"})  # fmt: skip
    assert again.status_code == 409


def test_screening_one_traveller_without_a_check(client, tokens, engine):
    load_lists(engine)
    body = {"id": "q1", "names": ["TOSHEV BOBUR"], "birth_date": "1994", "sex": "M",
            "nationality": "UZB", "document": None, "bcp": "KAZ-ALA"}  # fmt: skip
    response = client.post("/api/v1/screenings", json=body, headers=tokens["officer"])
    assert response.status_code == 200, response.text
    answer = response.json()
    assert answer["host_state"] == "KAZ"
    assert [h["entry_id"] for h in answer["hits"]] == ["W-7"]
    assert {screened["list"] for screened in answer["lists"]} == {"uzb-sltd", "kaz-wanted"}
    nothing = client.post("/api/v1/screenings", json={"names": []}, headers=tokens["officer"])
    assert nothing.status_code == 422 and nothing.json()["code"] == "bad_traveller"


@pytest.mark.parametrize(
    ("code", "flag"), [("QQ1", "unknown_country"), ("UTO", "specimen_country")]
)
def test_a_typed_state_code_the_record_would_refuse_is_a_flag_not_an_error(
    client, tokens, code, flag
):
    response = check(client, tokens["officer"], document=DOCUMENT | {"issuing_state": code})
    assert response.status_code == 200, response.text
    assert flag in {f["code"] for f in response.json()["flags"]}
    # Recording it is refused: the check told the officer why beforehand.
    refused = cross(client, tokens["officer"], 1, document=DOCUMENT | {"issuing_state": code})
    assert refused.status_code == 422
    assert refused.json()["code"] == flag
