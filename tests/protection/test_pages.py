"""The protection officer's pages and the desk's prompt, through the app (no browser): need to
know, the forms, the errors in words, and the way back to the desk."""

from __future__ import annotations

import re
from datetime import UTC, datetime

import pytest
from fastapi.testclient import TestClient
from sqlalchemy import func, select

from rmis.protection import refer
from rmis.security import principal_named
from rmis.security.accounts import create_principal
from rmis.security.principals import Role
from rmis.store.schema import audit_log, protection_indicators, referrals
from rmis.web.app import create_app

from .helpers import NOW as RECORDED
from .helpers import OFFICER, document, traveller

NOW = datetime(2026, 11, 20, 12, 0, tzinfo=UTC)
PASSWORD = "a long day of protection"


@pytest.fixture
def app(engine):
    for name, role, bcps in (("p.officer", Role.PROTECTION_OFFICER, []),
                             ("b.officer", Role.BORDER_OFFICER, ["KAZ-ALA"]),
                             ("analyst", Role.ANALYST, [])):  # fmt: skip
        create_principal(engine, name=name, role=role, state="KAZ", bcp_codes=bcps,
                         password=PASSWORD, now=NOW)  # fmt: skip
    return create_app(engine, clock=lambda: NOW)


def logged_in(app, name: str) -> tuple[TestClient, str]:
    client = TestClient(app)
    page = client.post(
        "/login",
        data={"name": name, "password": PASSWORD, "next": "/protection"},
        follow_redirects=False,
    )
    assert page.status_code == 303, page.text
    body = client.get("/protection").text
    csrf = re.search(r'name="csrf" value="([0-9a-f]+)"', body)
    return client, csrf.group(1) if csrf else ""


def test_the_queue_the_record_and_the_forms(app, engine):
    person = traveller(engine, document("P4000001"))
    refer(engine, OFFICER, person, need="asylum", agency="asylum_authority", consent=True,
          basis=None, now=RECORDED)  # fmt: skip
    client, csrf = logged_in(app, "p.officer")
    queue = client.get("/protection")
    assert queue.status_code == 200
    assert "Asylum" in queue.text and "Asylum authority" in queue.text
    assert "Follow-ups due" in queue.text
    page = client.get(f"/protection/travellers/{person}")
    assert page.status_code == 200 and str(person) in page.text
    # A rejection without a reason: the page says so in words, nothing changes.
    [rid] = re.findall(r'action="/protection/referrals/([0-9a-f-]+)/state"', page.text)
    wrong = client.post(f"/protection/referrals/{rid}/state",
                        data={"csrf": csrf, "state": "rejected", "reason": ""})  # fmt: skip
    assert wrong.status_code == 422 and "Give the reason." in wrong.text
    moved = client.post(f"/protection/referrals/{rid}/state", follow_redirects=False,
                        data={"csrf": csrf, "state": "accepted"})  # fmt: skip
    assert moved.status_code == 303
    # An adult referred without consent: refused, in words, the form kept.
    refused = client.post(f"/protection/travellers/{person}/referrals", data={
        "csrf": csrf, "need": "medical", "agency": "medical_service", "consent": "no",
        "basis": "",
    })  # fmt: skip
    assert refused.status_code == 422 and "only with their consent" in refused.text
    made = client.post(f"/protection/travellers/{person}/referrals", follow_redirects=False,
                       data={"csrf": csrf, "need": "medical", "agency": "medical_service",
                             "consent": "yes"})  # fmt: skip
    assert made.status_code == 303
    with engine.connect() as connection:
        states = sorted(connection.execute(select(referrals.c.state)).scalars())
    assert states == ["accepted", "in_progress"]
    # A form without this session's token is refused.
    forged = client.post(f"/protection/travellers/{person}/referrals",
                         data={"csrf": "0" * 32, "need": "medical", "agency": "medical_service",
                               "consent": "yes"})  # fmt: skip
    assert forged.status_code == 403


def test_need_to_know_on_the_pages(app, engine):
    person = traveller(engine, document("P4000002"))
    for name in ("b.officer", "analyst"):
        client, _ = logged_in(app, name)
        for url in ("/protection", f"/protection/travellers/{person}"):
            page = client.get(url)
            assert page.status_code == 403, (name, url)
            assert str(person) not in page.text
    anonymous = TestClient(app).get("/protection", follow_redirects=False)
    assert anonymous.status_code == 303 and "/?next=" in anonymous.headers["location"]
    client, _ = logged_in(app, "p.officer")
    client.get(f"/protection/travellers/{person}")
    with engine.connect() as connection:
        purposes = connection.execute(
            select(audit_log.c.principal, audit_log.c.purpose)
            .where(audit_log.c.action == "protection.read")
        ).all()  # fmt: skip
    assert ("p.officer", "protection officer's page") in purposes


def test_the_desk_prompt_records_and_goes_back(app, engine):
    person = traveller(engine, document("P4000003"))
    client, csrf = logged_in(app, "b.officer")
    assert csrf  # the officer's session token, as every desk form carries
    back = client.post("/desk/protection/indicators", follow_redirects=False, data={
        "csrf": csrf, "traveller_id": str(person), "indicators": ["asks_asylum", "medical_need"],
        "note": "fears going back", "next": "/desk?x=1",
    })  # fmt: skip
    assert back.status_code == 303
    assert back.headers["location"] == "/desk?x=1&protection=referred"
    nothing = client.post(
        "/desk/protection/indicators",
        follow_redirects=False,
        data={"csrf": csrf, "traveller_id": str(person), "next": "https://elsewhere.example/"},
    )
    assert nothing.headers["location"] == "/desk?protection=unknown_indicator"
    with engine.connect() as connection:
        assert connection.execute(
            select(func.count()).select_from(protection_indicators)
        ).scalar() == 2  # fmt: skip
    assert principal_named(engine, "b.officer").role is Role.BORDER_OFFICER
