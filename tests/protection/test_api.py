"""The protection routes: referrals made, moved and read; 409 non_refoulement wherever a
refusal is recorded; the check's protection answer; and a scope matrix: every role against
every route, each read audited."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

import pytest
from fastapi.testclient import TestClient
from sqlalchemy import func, select
from uuid6 import uuid7

from rmis.security import Role
from rmis.security.accounts import create_principal
from rmis.store.schema import audit_log
from rmis.web.app import create_app

NOW = datetime(2026, 11, 20, 9, 0, tzinfo=UTC)
ADULT = {
    "issuing_state": "AFG", "number": "P3000001", "surname": "RAHIMI", "given_names": "AHMAD",
    "nationality": "AFG", "sex": "M", "birth_date": "1990-05-01", "expiry_date": "2030-01-01",
}  # fmt: skip
CHILD = ADULT | {"number": "P3000002", "surname": "NOORI", "given_names": "ZAHRA",
                 "sex": "F", "birth_date": "2012-02-02"}  # fmt: skip
ROLES = {
    "officer": (Role.BORDER_OFFICER, ["KAZ-ALA"]), "supervisor": (Role.SUPERVISOR, []),
    "analyst": (Role.ANALYST, []), "protection": (Role.PROTECTION_OFFICER, []),
    "admin": (Role.ADMIN, []), "auditor": (Role.AUDITOR, []),
    # The receiving agency's account: the medical service of Kazakhstan.
    "agency": (Role.AGENCY, []),
}  # fmt: skip
AGENCY_OF = {"agency": "medical_service", "unhcr": "unhcr_partner"}


@pytest.fixture
def client(engine):
    return TestClient(create_app(engine, clock=lambda: NOW))


@pytest.fixture
def h(engine):
    headers = {}
    for name, (role, bcps) in ROLES.items():
        token = create_principal(engine, name=name, role=role, state="KAZ", bcp_codes=bcps,
                                 now=NOW, agency=AGENCY_OF.get(name))  # fmt: skip
        headers[name] = {"Authorization": f"Bearer {token}"}
    token = create_principal(engine, name="unhcr", role=Role.AGENCY, state="KAZ", now=NOW,
                             agency=AGENCY_OF["unhcr"])  # fmt: skip
    headers["unhcr"] = {"Authorization": f"Bearer {token}"}
    return headers


def cross(client, headers, doc, *, refused=False, days_ago=1.0):
    body = {
        "id": str(uuid7()), "direction": "entry", "bcp": "KAZ-ALA",
        "occurred_at": (NOW - timedelta(days=days_ago)).isoformat(), "purpose": "private",
        "document": doc,
    }  # fmt: skip
    if refused:
        body |= {"outcome": "refused", "refusal_reason": "A"}
    return client.post("/api/v1/crossings", json=body, headers=headers)


def person(client, h, doc) -> str:
    assert cross(client, h["officer"], doc).status_code == 201
    answer = client.post(
        "/api/v1/checks",
        json={"bcp": "KAZ-ALA", "direction": "entry", "document": doc},
        headers=h["officer"],
    )
    return answer.json()["traveller_id"]


def test_refer_move_and_read_then_the_guard_answers_409(client, h):
    who = person(client, h, ADULT)
    made = client.post(
        f"/api/v1/travellers/{who}/referrals",
        headers=h["officer"],
        json={"need": "asylum", "agency": "asylum_authority", "consent": True, "bcp": "KAZ-ALA"},
    )
    assert made.status_code == 201, made.text
    assert made.json()["state"] == "in_progress"
    rid = made.json()["id"]
    refused = cross(client, h["officer"], ADULT, refused=True, days_ago=0)
    assert refused.status_code == 409
    assert refused.json()["code"] == "non_refoulement"
    assert "asylum" in refused.json()["detail"]
    # The check tells the officer a referral exists, its state, and that a claim is pending.
    check = client.post(
        "/api/v1/checks",
        json={"bcp": "KAZ-ALA", "direction": "entry", "document": ADULT},
        headers=h["officer"],
    )
    protection = check.json()["protection"]
    assert protection["pending_claim"] is True
    # The claim is a lawful basis for the stay engine from the day it was made.
    assert check.json()["stay"]["status_code"] == "covered_by_permit"
    assert [(r["id"], r["state"]) for r in protection["referrals"]] == [(rid, "in_progress")]
    # The officer sees the state only; the protection officer the whole referral.
    states = client.get(f"/api/v1/travellers/{who}/referrals", headers=h["officer"]).json()
    assert set(states[0]) == {"id", "state", "created_at"}
    whole = client.get(f"/api/v1/travellers/{who}/referrals", headers=h["protection"]).json()
    assert whole[0]["need"] == "asylum" and whole[0]["agency"] == "asylum_authority"
    moved = client.post(f"/api/v1/referrals/{rid}/state", headers=h["protection"],
                        json={"state": "rejected"})  # fmt: skip
    assert (moved.status_code, moved.json()["code"]) == (422, "reason_required")
    moved = client.post(
        f"/api/v1/referrals/{rid}/state",
        headers=h["protection"],
        json={"state": "rejected", "reason": "not a claim for protection"},
    )
    assert moved.json()["state"] == "rejected"
    again = client.post(f"/api/v1/referrals/{rid}/state", headers=h["protection"],
                        json={"state": "accepted"})  # fmt: skip
    assert (again.status_code, again.json()["code"]) == (409, "invalid_transition")
    assert cross(client, h["officer"], ADULT, refused=True, days_ago=0).status_code == 201


def test_the_check_of_a_child_suggests_asking_who_travels_with_them(client, h):
    check = client.post(
        "/api/v1/checks",
        json={"bcp": "KAZ-ALA", "direction": "entry", "document": CHILD},
        headers=h["officer"],
    )
    [suggested] = check.json()["protection"]["suggested"]
    assert suggested["indicator"] == "child_alone"
    assert "14 years old" in suggested["why"]


def test_bad_requests_get_clear_problems(client, h):
    who = person(client, h, ADULT)
    url = f"/api/v1/travellers/{who}/referrals"
    cases = [
        ({"need": "asylum", "agency": "medical_service", "consent": True}, "agency_not_for_need"),
        ({"need": "asylum", "agency": "asylum_authority", "consent": False}, "consent_required"),
        ({"need": "housing", "agency": "asylum_authority", "consent": True}, "invalid_request"),
    ]
    for body, code in cases:
        answer = client.post(url, json=body, headers=h["officer"])
        assert (answer.status_code, answer.json()["code"]) == (422, code), answer.text
    unknown = client.post(
        f"/api/v1/travellers/{uuid7()}/referrals",
        headers=h["officer"],
        json={"need": "asylum", "agency": "asylum_authority", "consent": True},
    )
    assert unknown.status_code == 404
    bad = client.post(f"/api/v1/travellers/{who}/indicators", headers=h["officer"],
                      json={"indicators": ["looks_foreign"]})  # fmt: skip
    assert (bad.status_code, bad.json()["code"]) == (422, "unknown_indicator")


# Every route, and what each role gets: need-to-know.
# The agency's account reads its own referrals (the seed is to its agency), in its queues and
# one by one, and answers them; nothing else (a person's referrals would show other agencies').
MATRIX = {
    # route: officer, supervisor, analyst, protection, admin, auditor, agency
    "GET indicators": (200, 200, 200, 200, 200, 200, 200),
    "POST indicators": (201, 201, 403, 201, 403, 403, 403),
    "GET record": (403, 403, 403, 200, 403, 403, 403),
    "POST referral": (201, 201, 403, 201, 403, 403, 403),
    "GET referrals": (200, 200, 403, 200, 403, 403, 403),
    "GET queue": (403, 403, 403, 200, 403, 403, 200),
    "GET due": (403, 403, 403, 200, 403, 403, 200),
    "GET counts": (403, 200, 200, 200, 403, 403, 403),
    "GET referral": (403, 403, 403, 200, 403, 403, 200),
    "POST state": (403, 403, 403, 200, 403, 403, 200),
}


def test_scope_matrix_every_role_every_route(client, h, engine):
    who = person(client, h, ADULT)
    seed = client.post(
        f"/api/v1/travellers/{who}/referrals",
        headers=h["officer"],
        json={"need": "medical", "agency": "medical_service", "consent": True},
    )
    rid = seed.json()["id"]
    roles = list(ROLES)
    for route, expected in MATRIX.items():
        for role, status in zip(roles, expected, strict=True):
            headers = h[role] | {"RMIS-Purpose": f"matrix {route}"}
            method, what = route.split(" ")
            url, body = {
                "indicators": ("/api/v1/protection/indicators" if method == "GET" else
                               f"/api/v1/travellers/{who}/indicators",
                               {"indicators": ["medical_need"], "bcp": "KAZ-ALA"}),
                "record": (f"/api/v1/travellers/{who}/protection", None),
                "referral": (f"/api/v1/referrals/{rid}" if method == "GET" else
                             f"/api/v1/travellers/{who}/referrals",
                             {"need": "medical", "agency": "medical_service", "consent": True}),
                "referrals": (f"/api/v1/travellers/{who}/referrals", None),
                "queue": ("/api/v1/referrals?queue=new", None),
                "due": ("/api/v1/referrals?queue=due", None),
                "counts": ("/api/v1/referrals/counts?by=need,state", None),
                "state": (f"/api/v1/referrals/{rid}/state", {"state": "accepted"}),
            }[what]  # fmt: skip
            if what == "state" and status == 200:
                # Move a fresh referral each time, so the one that is allowed can succeed.
                fresh = client.post(f"/api/v1/travellers/{who}/referrals", headers=h["officer"],
                                    json={"need": "medical", "agency": "medical_service",
                                          "consent": True}).json()["id"]  # fmt: skip
                url = f"/api/v1/referrals/{fresh}/state"
            answer = client.request(method, url, json=body, headers=headers)
            assert answer.status_code == status, (route, role, answer.text)
    # Every read of protection data that was allowed left an audit row with its purpose.
    with engine.connect() as connection:
        purposes = set(connection.execute(
            select(audit_log.c.purpose).where(audit_log.c.action == "protection.read")
        ).scalars())  # fmt: skip
        counted = connection.execute(
            select(func.count()).where(audit_log.c.action == "protection.counts")
        ).scalar()  # fmt: skip
    assert {"matrix GET record", "matrix GET referrals", "matrix GET queue", "matrix GET due",
            "matrix GET referral"} <= purposes  # fmt: skip
    assert counted == 3
    with engine.connect() as connection:
        by_agency = set(connection.execute(
            select(audit_log.c.purpose).where(
                (audit_log.c.action == "protection.read") & (audit_log.c.principal == "agency")
            )
        ).scalars())  # fmt: skip
    assert by_agency == {"matrix GET queue", "matrix GET due", "matrix GET referral"}


def test_an_agency_sees_and_answers_only_its_own_referrals(client, h):
    who = person(client, h, ADULT)
    child = person(client, h, CHILD)

    def refer(traveller, need, agency, consent=True):
        body = {"need": need, "agency": agency, "consent": consent, "basis": "alone"}
        made = client.post(f"/api/v1/travellers/{traveller}/referrals", headers=h["officer"],
                           json=body)  # fmt: skip
        assert made.status_code == 201, made.text
        return made.json()["id"]

    ours = refer(who, "medical", "medical_service")
    theirs = refer(child, "child_protection", "unhcr_partner", consent=False)
    asylum = refer(who, "asylum", "asylum_authority")
    queue = client.get("/api/v1/referrals?queue=new", headers=h["agency"]).json()
    assert [r["id"] for r in queue] == [ours]
    assert [r["id"] for r in client.get("/api/v1/referrals?queue=new",
                                        headers=h["unhcr"]).json()] == [theirs]  # fmt: skip
    # Another agency's referral is answered as not found, read or moved.
    for rid in (theirs, asylum):
        assert client.get(f"/api/v1/referrals/{rid}", headers=h["agency"]).status_code == 404
        moved = client.post(f"/api/v1/referrals/{rid}/state", headers=h["agency"],
                            json={"state": "accepted"})  # fmt: skip
        assert moved.status_code == 404
    # It accepts, rejects with a reason and closes its own; revoking is the state's.
    revoked = client.post(f"/api/v1/referrals/{ours}/state", headers=h["agency"],
                          json={"state": "revoked", "reason": "no"})  # fmt: skip
    assert (revoked.status_code, revoked.json()["code"]) == (403, "role_not_allowed")
    for state in ("accepted", "done"):
        moved = client.post(f"/api/v1/referrals/{ours}/state", headers=h["agency"],
                            json={"state": state})  # fmt: skip
        assert moved.json()["state"] == state, moved.text
    events = client.get(f"/api/v1/referrals/{ours}", headers=h["agency"]).json()["events"]
    assert [e["role"] for e in events] == ["border_officer", "agency", "agency"]
    rejected = client.post(f"/api/v1/referrals/{theirs}/state", headers=h["unhcr"],
                           json={"state": "rejected", "reason": "no place for her"})  # fmt: skip
    assert rejected.json()["state"] == "rejected"
    # Nothing else of the record: not the person's protection record or referrals, not their
    # crossings or stay, not the overstays, not a check.
    for url in (f"/api/v1/travellers/{who}/protection", f"/api/v1/travellers/{who}/referrals",
                f"/api/v1/travellers/{who}/crossings", f"/api/v1/travellers/{who}/stay",
                "/api/v1/overstays", "/api/v1/referrals/counts"):  # fmt: skip
        assert client.get(url, headers=h["agency"]).status_code == 403, url
    check = client.post("/api/v1/checks", headers=h["agency"],
                        json={"bcp": "KAZ-ALA", "direction": "entry", "document": ADULT})
    assert check.status_code == 403


def test_counts_suppress_small_cells(client, h):
    who = person(client, h, ADULT)
    for _ in range(6):
        client.post(
            f"/api/v1/travellers/{who}/referrals",
            headers=h["officer"],
            json={"need": "medical", "agency": "medical_service", "consent": True},
        )
    client.post(
        f"/api/v1/travellers/{who}/referrals",
        headers=h["officer"],
        json={"need": "asylum", "agency": "unhcr_partner", "consent": True},
    )
    counts = client.get("/api/v1/referrals/counts?by=need&k=5", headers=h["analyst"]).json()
    cells = {c["need"]: c for c in counts["cells"]}
    assert cells["asylum"]["referrals"] is None and cells["asylum"]["confidential"]
    assert "RAHIMI" not in str(counts) and who not in str(counts)


def test_asking_for_asylum_at_the_desk_refers_at_once_and_the_guard_holds(client, h):
    who = person(client, h, ADULT)
    answer = client.post(f"/api/v1/travellers/{who}/indicators", headers=h["officer"],
                         json={"indicators": ["asks_asylum"], "bcp": "KAZ-ALA",
                               "note": "says he fears going back"})  # fmt: skip
    assert answer.status_code == 201, answer.text
    body = answer.json()
    assert body["needs"] == ["asylum"]
    assert body["asylum_referral"]["state"] == "in_progress"
    assert "asylum_authority" in body["agencies"]["asylum"]
    refused = cross(client, h["officer"], ADULT, refused=True, days_ago=0)
    assert (refused.status_code, refused.json()["code"]) == (409, "non_refoulement")
    # Asked again: no second referral while one is pending.
    again = client.post(f"/api/v1/travellers/{who}/indicators", headers=h["officer"],
                        json={"indicators": ["asks_asylum"], "bcp": "KAZ-ALA"})  # fmt: skip
    assert again.json()["asylum_referral"] is None
    assert len(client.get(f"/api/v1/travellers/{who}/referrals",
                          headers=h["protection"]).json()) == 1  # fmt: skip


def test_a_companion_pattern_found_by_the_job_is_offered_at_the_check(client, h, engine):
    from rmis.protection import find_group_patterns

    start = NOW - timedelta(days=90)

    def at(day, second=0):
        return (start + timedelta(days=day, seconds=second)).isoformat()

    companion = ADULT | {"number": "P3000100", "surname": "KARIMOV", "birth_date": "1975-01-01"}
    for trip in range(2):
        people = [companion] + [
            ADULT | {"number": f"P31{trip}{i:04d}", "surname": f"NAME{trip}X{i}",
                     "given_names": "GUL", "sex": "F", "birth_date": f"200{trip}-0{i + 1}-11"}
            for i in range(3)
        ]  # fmt: skip
        for i, doc in enumerate(people):
            body = {
                "id": str(uuid7()),
                "direction": "entry",
                "bcp": "KAZ-ALA",
                "occurred_at": at(30 * trip, 40 * i),
                "purpose": "tourism",
                "document": doc,
            }
            assert client.post("/api/v1/crossings", json=body,
                               headers=h["officer"]).status_code == 201  # fmt: skip
        out = {
            "id": str(uuid7()),
            "direction": "exit",
            "bcp": "KAZ-ALA",
            "occurred_at": at(30 * trip + 4),
            "purpose": "tourism",
            "document": companion,
        }
        assert client.post("/api/v1/crossings", json=out, headers=h["officer"]).status_code == 201
    run = find_group_patterns(engine, "KAZ", now=NOW)
    assert run.found == {"companion": 1}
    check = client.post(
        "/api/v1/checks",
        json={"bcp": "KAZ-ALA", "direction": "entry", "document": companion},
        headers=h["officer"],
    )
    protection = check.json()["protection"]
    assert [p["kind"] for p in protection["patterns"]] == ["companion"]
    assert protection["suggested"][0]["indicator"] == "controlling_companion"
    # Run again: the state's patterns are replaced, not added to.
    find_group_patterns(engine, "KAZ", now=NOW)
    again = client.post(
        "/api/v1/checks",
        json={"bcp": "KAZ-ALA", "direction": "entry", "document": companion},
        headers=h["officer"],
    )
    assert len(again.json()["protection"]["patterns"]) == 1
