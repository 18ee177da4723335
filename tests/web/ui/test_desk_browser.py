"""The border desk as an officer works it, in Debian's Chromium: log in, scan a clean passport
and record the entry, see the repair of an OCR slip, decide a hit on an entry-ban list and
record a refusal with its reason, see an overstayer leave; the same in Russian. Screenshots of
each step are kept under /tmp/shots/desk for a person to look at."""

from __future__ import annotations

from datetime import UTC, date, datetime, timedelta

import pytest
from sqlalchemy import select
from uuid6 import uuid7

from rmis.documents import compose_td3
from rmis.registry import DocumentSeen, NewCrossing, record_crossings
from rmis.registry.model import Direction, Outcome, Purpose
from rmis.screening import BirthDate, EntryName, ListEntry, import_list
from rmis.security import principal_named
from rmis.security.accounts import create_principal
from rmis.security.principals import Role
from rmis.store.schema import crossings, hit_decisions
from rmis.web.app import create_app

NOW = datetime(2026, 11, 22, 6, 0, tzinfo=UTC)  # 11:00 in Almaty
PASSWORD = "a long shift at Almaty"


def td3(surname, given, number, nationality, birth, expiry=date(2031, 1, 15), sex="M"):
    return list(compose_td3(
        issuing_state=nationality, surname=surname, given_names=given, document_number=number,
        nationality=nationality, birth_date=birth, sex=sex, expiry_date=expiry,
    ))  # fmt: skip


CLEAN = td3("TOSHEV", "BOBUR", "FA7654321", "UZB", date(1994, 3, 8))
SLIP = td3("RAHIMOV", "DILSHOD", "400128456", "TJK", date(1990, 5, 17))
SLIP[1] = SLIP[1][:5] + "B" + SLIP[1][6:]  # the scanner read 8 as B
BANNED = td3("KARIMOV", "ANVAR", "AC1122334", "UZB", date(1985, 7, 2))
OVERSTAYER = td3("NAZAROV", "FARRUKH", "FB9988776", "UZB", date(1992, 11, 30))


@pytest.fixture(scope="module")
def desk(tmp_path_factory, live_server):
    from rmis.store import open_database

    engine = open_database(f"sqlite:///{tmp_path_factory.mktemp('desk') / 'rmis.sqlite3'}")
    create_principal(engine, name="a.officer", role=Role.BORDER_OFFICER, state="KAZ",
                     bcp_codes=["KAZ-ALA"], password=PASSWORD, now=NOW)  # fmt: skip
    import_list(
        engine, name="kaz-entry-bans", kind="entry_ban", owner="KAZ", source="test",
        principal="loader", now=NOW,
        items=[ListEntry("EB-12", "person", names=(EntryName("KARIMOV ANVAR"),
                                                    EntryName("КАРИМОВ АНВАР")),
                         birth_dates=(BirthDate(1985, 7, 2),), sex="M",
                         legal_basis="Law on Migration, art. 48", valid_from=date(2025, 1, 1))],
    )  # fmt: skip
    # An Uzbek citizen who entered 120 days ago: over the 90 days his stay allows.
    create_principal(engine, name="loader.sup", role=Role.SUPERVISOR, state="KAZ", now=NOW)
    o = OVERSTAYER[1]
    seen = DocumentSeen("UZB", "FB9988776", "P", "NAZAROV", "FARRUKH", "UZB",
                        date(1992, 11, 30), "M", date(2031, 1, 15))  # fmt: skip
    assert o.startswith("FB9988776")
    record_crossings(
        engine, principal_named(engine, "loader.sup"),
        [NewCrossing(uuid7(), Direction.ENTRY, "KAZ-ALA", NOW - timedelta(days=120), seen,
                     Purpose.WORK, Outcome.ADMITTED)],
        now=NOW,
    )  # fmt: skip
    app = create_app(engine, clock=lambda: datetime.now(UTC).replace(
        year=NOW.year, month=NOW.month, day=NOW.day))  # fmt: skip
    with live_server(app) as server:
        yield server, engine
    engine.dispose()


def log_in(tab, url, lane="entry"):
    tab.goto(f"{url}/")
    tab.fill("#name", "a.officer")
    tab.fill("#password", PASSWORD)
    tab.keyboard.press("Enter")
    tab.wait_for_url(f"{url}/shift")
    tab.check(f"input[name=lane][value={lane}]")
    tab.fill("#lane_number", "3")
    tab.keyboard.press("Enter")
    tab.wait_for_url(f"{url}/desk")


def scan(tab, lines):
    """A keyboard-wedge reader: each line typed, then Enter."""
    tab.focus("#mrz")
    for line in lines:
        tab.keyboard.type(line)
        tab.keyboard.press("Enter")
    tab.wait_for_selector("#result-h.waiting, h2#result-h", state="attached")
    tab.wait_for_load_state()


def test_an_officer_works_the_queue_in_english(desk, chromium, shoot, contrast_failures):
    server, engine = desk
    context = chromium.new_context(viewport={"width": 1366, "height": 768}, locale="en-GB",
                                   accept_downloads=False)  # fmt: skip
    tab = context.new_page()
    fetched: list[str] = []
    tab.on("request", lambda request: fetched.append(request.url))
    tab.goto(f"{server.url}/")
    shoot(tab, "desk", "01-login")
    assert contrast_failures(tab) == []
    log_in(tab, server.url)

    # A clean passport: valid, no hit, first seen; E is preselected on an arrivals lane.
    scan(tab, CLEAN)
    assert "TOSHEV" in tab.inner_text("h2#result-h")
    assert tab.is_visible("text=document valid")
    tab.keyboard.press("3")  # purpose: work
    shoot(tab, "desk", "02-clean-passport")
    tab.keyboard.press("Control+Enter")
    tab.wait_for_selector("text=Entry recorded: TOSHEV BOBUR")
    shoot(tab, "desk", "03-entry-recorded")

    # An OCR slip: the live check shows the failing digit; the card offers the repair; F uses it.
    tab.focus("#mrz")
    tab.keyboard.type(SLIP[0])
    tab.keyboard.press("Enter")
    tab.keyboard.type(SLIP[1])
    assert "✗" in tab.inner_text("#mrz-live")
    tab.keyboard.press("Enter")
    tab.wait_for_selector("text=document not valid")
    assert tab.is_visible("text=40012B456 → 400128456")
    shoot(tab, "desk", "04-ocr-slip")
    tab.keyboard.press("f")
    tab.wait_for_selector("text=document valid")
    assert "400128456" in tab.inner_text(".cards")
    shoot(tab, "desk", "05-repaired")

    # A traveller on the entry-ban list: the hit is decided, entry is locked until then, and a
    # refusal is recorded with reason H.
    tab.keyboard.press("Escape")
    tab.wait_for_url(f"{server.url}/desk")
    scan(tab, BANNED)
    tab.wait_for_selector("text=kaz-entry-bans")
    assert tab.is_disabled("input[name=decision][value=entry]")
    shoot(tab, "desk", "06-hit-to-decide")
    assert contrast_failures(tab) == []
    tab.fill(".hit.decide input.reason", "same name, birth date and photo on the ban notice")
    tab.click(".hit.decide button[value=confirm]")
    tab.wait_for_selector(".hit.decided")
    assert tab.is_enabled("input[name=decision][value=entry]")
    tab.keyboard.press("r")
    tab.select_option("#refusal_reason", "H")
    shoot(tab, "desk", "07-hit-confirmed-refusal")
    tab.keyboard.press("Control+Enter")
    tab.wait_for_selector("text=Refusal recorded: KARIMOV ANVAR")
    with engine.connect() as connection:
        refused = connection.execute(
            select(crossings.c.outcome, crossings.c.refusal_reason).where(
                crossings.c.outcome == "refused")
        ).all()  # fmt: skip
        decided = connection.execute(select(hit_decisions.c.decision)).scalars().all()
    assert [tuple(r) for r in refused] == [("refused", "H")]
    assert decided == ["confirm"]

    # The overstayer leaving, at a departures lane: the overstay is shown, the exit recorded.
    tab.goto(f"{server.url}/shift")
    tab.check("input[name=lane][value=exit]")
    tab.click('form[action="/shift"] button')
    tab.wait_for_url(f"{server.url}/desk")
    scan(tab, OVERSTAYER)
    tab.wait_for_selector("text=Overstay")
    assert tab.is_checked("input[name=decision][value=exit]")
    shoot(tab, "desk", "08-overstayer-leaving")
    assert contrast_failures(tab) == []
    tab.keyboard.press("Control+Enter")
    tab.wait_for_selector("text=Exit recorded: NAZAROV FARRUKH")

    # Undo within the shift: a void correction, shown as done.
    tab.click(".shift-list li:first-child button")
    tab.wait_for_selector("text=Undone")
    shoot(tab, "desk", "09-undone")
    context.close()
    assert all(url.startswith(server.url) for url in fetched), "nothing from the internet"


def test_the_same_desk_in_russian(desk, chromium, shoot):
    server, _ = desk
    context = chromium.new_context(
        viewport={"width": 1366, "height": 768},
        locale="ru-RU",
        extra_http_headers={"Accept-Language": "ru-RU,ru;q=0.9"},
    )
    tab = context.new_page()
    tab.goto(f"{server.url}/")
    assert tab.get_attribute("html", "lang") == "ru"
    assert tab.is_visible("text=Пароль")
    shoot(tab, "desk", "ru-01-login")
    log_in(tab, server.url)
    scan(tab, BANNED)
    tab.wait_for_selector("text=kaz-entry-bans")
    assert tab.is_visible("text=Запись")
    shoot(tab, "desk", "ru-02-hit")
    scan_clean = td3("YUSUPOVA", "MADINA", "FA1112223", "UZB", date(1999, 1, 9), sex="F")
    tab.keyboard.press("Escape")
    tab.wait_for_url(f"{server.url}/desk")
    scan(tab, scan_clean)
    tab.wait_for_selector("text=документ действителен")
    tab.keyboard.press("Control+Enter")
    tab.wait_for_selector("text=Въезд зарегистрирован")
    shoot(tab, "desk", "ru-03-recorded")
    context.close()


def test_the_card_reads_on_a_tablet_without_a_keyboard(desk, chromium, shoot, contrast_failures):
    server, _ = desk
    context = chromium.new_context(viewport={"width": 820, "height": 1180}, has_touch=True,
                                   is_mobile=True, device_scale_factor=1)  # fmt: skip
    tab = context.new_page()
    log_in(tab, server.url)
    tab.fill("#mrz", "\n".join(OVERSTAYER))
    tab.tap("#check-form button[type=submit]")
    tab.wait_for_selector("h2#result-h")
    shoot(tab, "desk", "tablet-card")
    # One column, nothing wider than the screen, the record bar reachable and tappable.
    assert tab.evaluate("document.documentElement.scrollWidth") <= 820
    assert contrast_failures(tab) == []
    tab.tap("label:has(input[value=exit])")
    assert tab.is_checked("input[name=decision][value=exit]")
    # The contrast check itself can fail: pale grey on white is caught.
    tab.evaluate("document.querySelector('h2#result-h').style.color = '#aaaaaa'")
    assert any("NAZAROV" in f["text"] for f in contrast_failures(tab))
    context.close()
