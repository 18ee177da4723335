"""Protection in Debian's Chromium: a border officer ticks "asks for asylum" in the desk's
prompt and a refusal of that person is then not recorded; the protection officer finds the
referral in the queue, opens the person's record, accepts it, and a follow-up is due. The same
queue in Russian. Screenshots under /tmp/shots/protection, for a person to look at."""

from __future__ import annotations

from datetime import UTC, date, datetime, timedelta

import pytest
from sqlalchemy import select
from uuid6 import uuid7

from rmis.documents import compose_td3
from rmis.protection import refer
from rmis.registry import DocumentSeen, NewCrossing, record_crossings
from rmis.registry.model import Direction, Outcome, Purpose
from rmis.security import principal_named
from rmis.security.accounts import create_principal
from rmis.security.principals import Role
from rmis.store.schema import crossings, referrals
from rmis.web.app import create_app

NOW = datetime(2026, 11, 22, 6, 0, tzinfo=UTC)
PASSWORD = "a long day of protection"
SEEKER = list(compose_td3(
    issuing_state="AFG", surname="RAHIMI", given_names="AHMAD", document_number="P01234567",
    nationality="AFG", birth_date=date(1991, 4, 12), sex="M", expiry_date=date(2030, 6, 1),
))  # fmt: skip


@pytest.fixture(scope="module")
def site(tmp_path_factory, live_server):
    from rmis.store import open_database

    engine = open_database(f"sqlite:///{tmp_path_factory.mktemp('prot') / 'rmis.sqlite3'}")
    for name, role, bcps in (("a.officer", Role.BORDER_OFFICER, ["KAZ-ALA"]),
                             ("p.officer", Role.PROTECTION_OFFICER, []),
                             ("loader.sup", Role.SUPERVISOR, [])):  # fmt: skip
        create_principal(engine, name=name, role=role, state="KAZ", bcp_codes=bcps,
                         password=PASSWORD, now=NOW)  # fmt: skip
    # Known here: entered three weeks ago; a girl of 15 referred last week (a follow-up due).
    seeker = DocumentSeen("AFG", "P01234567", "P", "RAHIMI", "AHMAD", "AFG",
                          date(1991, 4, 12), "M", date(2030, 6, 1))  # fmt: skip
    girl = DocumentSeen("TJK", "400555111", "P", "NAZAROVA", "ZARINA", "TJK",
                        date(2011, 2, 3), "F", date(2029, 1, 1))  # fmt: skip
    sup = principal_named(engine, "loader.sup")
    record_crossings(engine, sup, [
        NewCrossing(uuid7(), Direction.ENTRY, "KAZ-ALA", NOW - timedelta(days=21), seeker,
                    Purpose.PRIVATE, Outcome.ADMITTED),
        NewCrossing(uuid7(), Direction.ENTRY, "KAZ-ALA", NOW - timedelta(days=8), girl,
                    Purpose.PRIVATE, Outcome.ADMITTED),
    ], now=NOW)  # fmt: skip
    with engine.connect() as connection:
        girl_id = connection.execute(
            select(crossings.c.traveller_id).where(crossings.c.nationality == "TJK")
        ).scalar_one()  # fmt: skip
    refer(
        engine,
        sup,
        girl_id,
        need="child_protection",
        agency="child_protection_service",
        consent=False,
        basis="15, alone, no carer reachable",
        now=NOW - timedelta(days=7),
    )
    app = create_app(engine, clock=lambda: datetime.now(UTC).replace(
        year=NOW.year, month=NOW.month, day=NOW.day))  # fmt: skip
    with live_server(app) as server:
        yield server, engine
    engine.dispose()


def log_in(tab, url, name, next_path="/desk"):
    tab.goto(f"{url}/?next={next_path}")
    tab.fill("#name", name)
    tab.fill("#password", PASSWORD)
    tab.keyboard.press("Enter")


def scan(tab, lines):
    tab.focus("#mrz")
    for line in lines:
        tab.keyboard.type(line)
        tab.keyboard.press("Enter")
    tab.wait_for_selector("h2#result-h", state="attached")
    tab.wait_for_load_state()


def test_asylum_at_the_desk_then_the_protection_officer(site, chromium, shoot,
                                                        contrast_failures):  # fmt: skip
    server, engine = site
    context = chromium.new_context(viewport={"width": 1366, "height": 900}, locale="en-GB")
    tab = context.new_page()
    tab.set_default_timeout(90_000)  # a shared, busy machine: slow, not wrong
    fetched: list[str] = []
    tab.on("request", lambda request: fetched.append(request.url))
    log_in(tab, server.url, "a.officer")
    tab.wait_for_url(f"{server.url}/shift")
    tab.check("input[name=lane][value=entry]")
    tab.fill("#lane_number", "2")
    tab.keyboard.press("Enter")
    tab.wait_for_url(f"{server.url}/desk")
    scan(tab, SEEKER)
    tab.wait_for_selector(".protection-prompt")
    tab.check("input[name=indicators][value=asks_asylum]")
    tab.fill("#protection-note", "says he fears going back; family threatened")
    shoot(tab, "protection", "01-desk-prompt")
    assert contrast_failures(tab) == []
    tab.click(".protection-prompt button[type=submit]")
    tab.wait_for_url(f"{server.url}/desk?protection=referred")
    with engine.connect() as connection:
        [(need, state)] = connection.execute(
            select(referrals.c.need, referrals.c.state).where(referrals.c.need == "asylum")
        ).all()  # fmt: skip
    assert (need, state) == ("asylum", "in_progress")
    # The same person again: the card says a claim is pending; a refusal is not recorded.
    scan(tab, SEEKER)
    tab.keyboard.press("r")
    tab.select_option("#refusal_reason", index=1)
    tab.keyboard.press("Control+Enter")
    tab.wait_for_load_state()
    shoot(tab, "protection", "02-refusal-not-recorded")
    assert "asylum" in tab.inner_text("main").lower()
    with engine.connect() as connection:
        refused = connection.execute(
            select(crossings.c.id).where(crossings.c.outcome == "refused")
        ).all()  # fmt: skip
    assert refused == []
    context.close()

    # The protection officer: the queue, the follow-up due, the record, the referral accepted.
    context = chromium.new_context(viewport={"width": 1366, "height": 900}, locale="en-GB")
    tab = context.new_page()
    tab.set_default_timeout(90_000)
    tab.on("request", lambda request: fetched.append(request.url))
    log_in(tab, server.url, "p.officer", "/protection")
    tab.wait_for_url(f"{server.url}/protection")
    assert tab.is_visible("text=Child-protection service")
    assert tab.is_visible("#due-h .badge.bad")
    shoot(tab, "protection", "03-queue")
    assert contrast_failures(tab) == []
    tab.click("#new-h ~ table a:has-text('Asylum')")
    tab.wait_for_selector("text=says he fears going back")
    shoot(tab, "protection", "04-record")
    assert contrast_failures(tab) == []
    tab.select_option("form.move select[name=state]", "accepted")
    tab.click("form.move button")
    tab.wait_for_selector("article.referral .badge.ok")
    shoot(tab, "protection", "05-accepted")
    context.close()
    assert all(url.startswith(server.url) for url in fetched), "nothing from the internet"


def test_the_queue_in_russian(site, chromium, shoot):
    server, _ = site
    context = chromium.new_context(
        viewport={"width": 1366, "height": 768},
        locale="ru-RU",
        extra_http_headers={"Accept-Language": "ru-RU,ru;q=0.9"},
    )
    tab = context.new_page()
    tab.set_default_timeout(90_000)
    log_in(tab, server.url, "p.officer", "/protection")
    tab.wait_for_url(f"{server.url}/protection")
    assert tab.get_attribute("html", "lang") == "ru"
    assert tab.is_visible("text=Служба защиты детей")
    shoot(tab, "protection", "ru-03-queue")
    context.close()
