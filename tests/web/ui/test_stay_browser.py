"""The migrant's page as migrants use it, in Debian's Chromium at 360x740 (a cheap phone) and at
desktop size: a Tajik worker in Russia planning a return, an Uzbek in Kazakhstan whose
registration is due, a Kyrgyz citizen (EAEU) in Russia, a wrong passport number (the neutral
answer), the throttle (the 6th try in a minute). Screenshots in Russian and Tajik (and the
others) under /tmp/shots/stay; the page weight of every step is measured."""

from __future__ import annotations

import json
from datetime import UTC, date, datetime, timedelta
from pathlib import Path

import pytest
from uuid6 import uuid7

from rmis.registry import DocumentSeen, NewCrossing, record_crossings
from rmis.registry.model import Direction, Purpose
from rmis.security import principal_named
from rmis.security.accounts import create_principal
from rmis.security.principals import Role
from rmis.web.app import create_app

SHOTS = Path("/tmp/shots")  # where the page tests keep their screenshots

NOW = datetime(2026, 6, 17, 5, 0, tzinfo=UTC)  # a Wednesday, 10:00 in Almaty
PHONE = {"width": 360, "height": 740}
DESKTOP = {"width": 1366, "height": 900}
BUDGET = 100 * 1024  # bytes a page may weigh, everything it loads


@pytest.fixture(scope="module")
def server(tmp_path_factory, live_server):
    from rmis.store import open_database

    engine = open_database(f"sqlite:///{tmp_path_factory.mktemp('stay') / 'rmis.sqlite3'}")
    create_principal(engine, name="kaz.sup", role=Role.SUPERVISOR, state="KAZ", now=NOW)
    # An Uzbek worker who came into Kazakhstan on Monday 2026-06-15 through Almaty airport.
    seen = DocumentSeen("UZB", "FA1234567", "P", "TOSHEV", "BOBUR", "UZB",
                        birth_date=date(1994, 3, 8), sex="M",
                        expiry_date=date(2031, 1, 15))  # fmt: skip
    crossing = NewCrossing(uuid7(), Direction.ENTRY, "KAZ-ALA", NOW - timedelta(days=2), seen,
                           Purpose.WORK)  # fmt: skip
    record_crossings(engine, principal_named(engine, "kaz.sup"), [crossing], now=NOW)
    app = create_app(engine, clock=lambda: NOW)
    app.state.stay_node_state = "KAZ"
    app.state.stay_check_floor = 0.05
    with live_server(app) as running:
        yield running
    engine.dispose()


class Weighed:
    """A tab that counts the bytes of everything each page loads: as the browser holds them
    (decoded) and as they came over the network (the page is sent gzipped)."""

    def __init__(self, tab) -> None:
        self.tab, self.loads = tab, []
        tab.on("requestfinished", self._finished)

    def _finished(self, request) -> None:
        response = request.response()
        body = response.body() if response else b""
        self.loads.append((request.url, len(body or b""), request.sizes()["responseBodySize"]))

    def page(self) -> tuple[int, int]:
        """(decoded, on the wire) bytes since the last call: one page and what it loaded."""
        self.tab.wait_for_load_state("load")
        loads, self.loads = self.loads, []
        WEIGHTS.extend(loads)
        return sum(d for _, d, _ in loads), sum(max(0, w) for _, _, w in loads)


WEIGHTS: list[tuple[str, int, int]] = []


@pytest.fixture(scope="module", autouse=True)
def weights_kept():
    """What every page of this run weighed, kept beside the screenshots for the record."""
    yield
    if WEIGHTS:
        out = SHOTS / "stay" / "weights.json"
        out.parent.mkdir(parents=True, exist_ok=True)
        out.write_text(json.dumps(WEIGHTS, indent=0))


def open_tab(chromium, size, language, javascript=True):
    context = chromium.new_context(viewport=size, locale=language.replace("_", "-"),
                                   java_script_enabled=javascript)  # fmt: skip
    tab = context.new_page()
    return context, tab, Weighed(tab)


def plan(tab, weighed, url, nationality, host, trips, language):
    tab.goto(f"{url}/stay?lang={language}")
    assert weighed.page()[0] < BUDGET
    tab.select_option("#nationality", nationality)
    tab.select_option("#host_state", host)
    for i, (entry, exit_) in enumerate(trips, 1):
        tab.fill(f"#entry_{i}", entry)
        if exit_:
            tab.fill(f"#exit_{i}", exit_)
    tab.click("#plan button[type=submit]:not([name=more])")
    tab.wait_for_selector("#plan-answer")


WIDER_THAN_SCREEN = """() => Array.from(document.querySelectorAll('body *'))
  .filter(e => e.getBoundingClientRect().right > document.documentElement.clientWidth + 1)
  .map(e => e.tagName + '#' + e.id + '.' + e.className).slice(0, 8)"""


def fits(tab, size) -> None:
    """Nothing sideways: the page is as wide as the screen."""
    wide = tab.evaluate(WIDER_THAN_SCREEN)
    assert tab.evaluate("document.documentElement.scrollWidth") <= size["width"], wide


def facts(tab, where):
    return tab.eval_on_selector(f"{where} dl.facts", "e => ({...e.dataset})")


@pytest.mark.parametrize("size", [PHONE, DESKTOP], ids=["phone", "desktop"])
@pytest.mark.parametrize("language", ["ru", "tg"])
def test_a_tajik_worker_in_russia_plans_a_return(chromium, server, shoot, contrast_failures,
                                                 size, language) -> None:  # fmt: skip
    context, tab, weighed = open_tab(chromium, size, language)
    # In Russia from 5 January to 20 March (75 days of 2026); back on 1 September?
    plan(tab, weighed, server.url, "TJK", "RUS",
         [("2026-01-05", "2026-03-20"), ("2026-09-01", "")], language)  # fmt: skip
    got = facts(tab, "#plan-answer")
    figures = (got["on"], got["daysUsed"], got["daysLeft"], got["exit"])
    assert figures == ("2026-09-01", "76", "14", "2026-09-15")
    assert got["due"] == "2026-09-16"  # 15 days after entry (RU-TJ agreement)
    text = tab.inner_text("#plan-answer")
    expected = {"ru": "Осталось дней", "tg": "Рӯзҳои боқимонда"}[language]
    assert expected in text and "2026-09-15" in text
    assert weighed.page()[0] < BUDGET
    fits(tab, size)
    assert contrast_failures(tab) == []
    name = "phone" if size is PHONE else "desktop"
    shoot(tab, "stay", f"tajik-in-russia-return-{language}-{name}")
    context.close()


@pytest.mark.parametrize("language", ["ru", "uz", "uz_Cyrl"])
def test_an_uzbek_in_kazakhstan_checks_his_record_and_sees_registration_due(
    chromium, server, shoot, language
) -> None:
    # Without script: the form posts and the answer comes back as a page.
    context, tab, weighed = open_tab(chromium, PHONE, language, javascript=False)
    tab.goto(f"{server.url}/stay?lang={language}#check")
    assert weighed.page()[0] < BUDGET
    tab.select_option("#check select[name=issuing_state]", "UZB")
    tab.fill("#document_number", "FA1234567")
    tab.fill("#birth_date", "1994-03-08")
    tab.fill("#expiry_date", "2031-01-15")
    tab.click("#check button[type=submit]")
    tab.wait_for_selector("#check-answer")
    got = facts(tab, "#check-answer")
    # Entered Monday 15 June: the host notifies within 3 working days, by Thursday 18 June.
    figures = (got["status"], got["due"], got["daysUsed"], got["daysLeft"])
    assert figures == ("lawful", "2026-06-18", "3", "27")
    assert "TOSHEV" not in tab.content() and "KAZ-ALA" not in tab.content()
    assert weighed.page()[0] < BUDGET
    fits(tab, PHONE)
    shoot(tab, "stay", f"uzbek-in-kazakhstan-record-{language}-phone")
    context.close()


@pytest.mark.parametrize("size", [PHONE, DESKTOP], ids=["phone", "desktop"])
def test_a_kyrgyz_citizen_in_russia_sees_eaeu_rights(chromium, server, shoot, size) -> None:
    context, tab, weighed = open_tab(chromium, size, "ky")
    plan(tab, weighed, server.url, "KGZ", "RUS", [("2026-05-01", "")], "ky")
    got = facts(tab, "#plan-answer")
    assert (got["daysLeft"], got["exit"], got["due"]) == ("None", "None", "2026-05-31")
    options = tab.inner_text("#options")
    assert "Евразиялык экономикалык биримдиктин жараны катары иштөө" in options
    assert "Иштөөгө патент" not in options  # an EAEU worker needs no patent
    assert weighed.page()[0] < BUDGET
    name = "phone" if size is PHONE else "desktop"
    fits(tab, size)
    shoot(tab, "stay", f"kyrgyz-in-russia-eaeu-ky-{name}")
    context.close()


@pytest.mark.parametrize("language", ["ru", "tg"])
def test_a_wrong_passport_number_gets_the_neutral_answer(chromium, server, shoot,
                                                         language) -> None:  # fmt: skip
    context, tab, _ = open_tab(chromium, PHONE, language)
    tab.goto(f"{server.url}/stay?lang={language}")
    tab.select_option("#check select[name=issuing_state]", "UZB")
    tab.fill("#document_number", "FA1234576")  # two digits swapped
    tab.fill("#birth_date", "1994-03-08")
    tab.fill("#expiry_date", "2031-01-15")
    tab.click("#check button[type=submit]")
    tab.wait_for_selector("#check-answer")
    assert tab.query_selector("#check-answer dl.facts") is None
    neutral = {"ru": "Мы не можем ответить по этим данным.",
               "tg": "Мо бо ин маълумот ҷавоб дода наметавонем."}[language]  # fmt: skip
    assert neutral in tab.inner_text("#check-answer")
    fits(tab, PHONE)
    shoot(tab, "stay", f"wrong-number-neutral-{language}-phone")
    context.close()


def test_the_sixth_try_in_a_minute_is_answered_429(chromium, server, shoot) -> None:
    context, tab, _ = open_tab(chromium, PHONE, "tg")
    statuses = []
    for i in range(6):
        tab.goto(f"{server.url}/stay?lang=tg")
        tab.select_option("#check select[name=issuing_state]", "TJK")
        tab.fill("#document_number", f"40012845{i}")
        tab.fill("#birth_date", "1990-05-17")
        tab.fill("#expiry_date", "2030-01-01")
        with tab.expect_response(lambda r: r.url.endswith("/stay/check") and
                                 r.request.method == "POST") as answer:  # fmt: skip
            tab.click("#check button[type=submit]")
        statuses.append(answer.value.status)
    # The Uzbek scenario's browser came from the same address: count from this test's first.
    assert 429 in statuses and statuses[-1] == 429
    assert "Кӯшишҳо аз ҳад зиёд." in tab.inner_text("#check-answer")
    fits(tab, PHONE)
    shoot(tab, "stay", "throttle-429-tg-phone")
    context.close()


@pytest.mark.parametrize("language", ["kk", "tk", "en"])
def test_the_empty_page_in_other_languages(chromium, server, shoot, language) -> None:
    context, tab, weighed = open_tab(chromium, PHONE, language)
    tab.goto(f"{server.url}/stay?lang={language}")
    assert weighed.page()[0] < BUDGET
    fits(tab, PHONE)
    shoot(tab, "stay", f"empty-{language}-phone")
    context.close()
