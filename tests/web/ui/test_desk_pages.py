"""The border desk's pages through HTTP: sessions, scope, forms, and that the page does what the
API does (and nothing the API would refuse), on SQLite and PostgreSQL."""

from __future__ import annotations

import re
from datetime import UTC, date, datetime, timedelta

import pytest
from fastapi.testclient import TestClient
from sqlalchemy import func, select

from rmis.documents import compose_td3
from rmis.screening import BirthDate, EntryName, ListEntry, import_list
from rmis.security.accounts import create_principal
from rmis.security.principals import Role
from rmis.store.schema import audit_log, corrections, crossings, hits
from rmis.web.app import create_app

NOW = datetime(2026, 11, 22, 6, 0, tzinfo=UTC)
PASSWORD = "a long shift at Almaty"
MRZ = "\n".join(compose_td3(
    issuing_state="UZB", surname="TOSHEV", given_names="BOBUR", document_number="FA7654321",
    nationality="UZB", birth_date=date(1994, 3, 8), sex="M", expiry_date=date(2031, 1, 15),
))  # fmt: skip
BANNED = "\n".join(compose_td3(
    issuing_state="UZB", surname="KARIMOV", given_names="ANVAR", document_number="AC1122334",
    nationality="UZB", birth_date=date(1985, 7, 2), sex="M", expiry_date=date(2031, 1, 15),
))  # fmt: skip


@pytest.fixture
def app(engine):
    for name, role, bcps in (("officer", Role.BORDER_OFFICER, ["KAZ-ALA"]),
                             ("chief", Role.SUPERVISOR, []), ("analyst", Role.ANALYST, [])):
        create_principal(engine, name=name, role=role, state="KAZ", bcp_codes=bcps,
                         password=PASSWORD, now=NOW)  # fmt: skip
    return create_app(engine, clock=lambda: NOW)


def desk(app, name="officer", bcp="KAZ-ALA", lane="entry") -> tuple[TestClient, str]:
    """A browser logged in and on shift; returns it and the form token."""
    client = TestClient(app)
    answer = client.post("/login", data={"name": name, "password": PASSWORD},
                         follow_redirects=False)  # fmt: skip
    assert answer.status_code == 303
    csrf = re.search(r'name="csrf" value="([^"]+)"', client.get("/shift").text).group(1)
    answer = client.post("/shift", data={"csrf": csrf, "bcp": bcp, "lane": lane},
                         follow_redirects=False)  # fmt: skip
    assert answer.headers["location"] == "/desk", answer.text
    return client, csrf


def field(html: str, name: str) -> str:
    return re.search(rf'name="{name}" value="([^"]*)"', html).group(1)


def record_form(card: str, csrf: str, **fields) -> dict[str, str]:
    return {"csrf": csrf, "mrz": MRZ} | {
        name: field(card, name) for name in ("crossing_id", "check_id", "checked_at")
    } | fields


def count(engine, table, *where):
    with engine.connect() as connection:
        return connection.execute(select(func.count()).select_from(table).where(*where)).scalar()


def test_the_login_speaks_the_browsers_language_and_the_desk_needs_a_session(app):
    client = TestClient(app)
    page = client.get("/", headers={"Accept-Language": "ru-RU,ru;q=0.9,en;q=0.5"})
    assert page.status_code == 200 and '<html lang="ru">' in page.text
    assert '<html lang="uz-Cyrl">' in client.get("/?lang=uz_Cyrl").text
    # ?lang= is remembered: the next page without it keeps the language.
    assert '<html lang="uz-Cyrl">' in client.get("/").text
    away = client.get("/desk", follow_redirects=False)
    assert away.status_code == 303 and away.headers["location"] == "/?next=/desk"


def test_a_wrong_password_is_refused_without_saying_which_part_was_wrong(app):
    client = TestClient(app)
    for name in ("officer", "nobody"):
        answer = client.post("/login", data={"name": name, "password": "not the password"})
        assert answer.status_code == 401
        assert "Unknown name or wrong password." in answer.text
    assert "rmis_desk" not in client.cookies


def test_an_officer_chooses_only_their_own_bcps_and_a_forged_shift_is_ignored(app):
    client, csrf = desk(app)
    options = re.findall(r'<option value="([A-Z]{3}-[A-Z0-9-]+)"', client.get("/shift").text)
    assert options == ["KAZ-ALA"]
    refused = client.post("/shift", data={"csrf": csrf, "bcp": "KAZ-NQZ", "lane": "entry"})
    assert refused.status_code == 422
    client.cookies.set("rmis_shift", "KAZ-NQZ|entry|1")
    assert client.get("/desk", follow_redirects=False).headers["location"] == "/shift"
    # A supervisor works at any BCP of the state.
    chief, _ = desk(app, "chief", bcp="KAZ-NQZ")
    assert "KAZ-NQZ" in chief.get("/desk").text


def test_a_form_of_another_session_records_nothing(app, engine):
    client, _ = desk(app)
    answer = client.post("/desk/check", data={"csrf": "0" * 32, "mrz": MRZ})
    assert answer.status_code == 403
    assert count(engine, audit_log, audit_log.c.action.like("checks.%")) == 0


def test_the_card_shows_what_the_api_answers_and_the_check_is_audited_with_its_purpose(
    app, engine
):
    client, csrf = desk(app)
    card = client.post("/desk/check", data={"csrf": csrf, "mrz": MRZ})
    assert card.status_code == 200
    assert "TOSHEV" in card.text and "document valid" in card.text
    with engine.connect() as connection:
        purposes = connection.execute(
            select(audit_log.c.purpose).where(audit_log.c.action.like("checks.%"))
        ).scalars().all()  # fmt: skip
    assert purposes == ["border check at the desk"]
    unreadable = client.post("/desk/check", data={"csrf": csrf, "mrz": "HELLO\nWORLD"})
    assert unreadable.status_code == 422 and "The MRZ cannot be read" in unreadable.text


def test_a_crossing_recorded_twice_from_the_same_card_is_recorded_once_and_undone_by_a_void(
    app, engine
):
    client, csrf = desk(app)
    card = client.post("/desk/check", data={"csrf": csrf, "mrz": MRZ}).text
    form = record_form(card, csrf, decision="entry", purpose="work")
    first = client.post("/desk/record", data=form)
    assert first.status_code == 200 and "Entry recorded: TOSHEV BOBUR" in first.text
    again = client.post("/desk/record", data=form)
    assert "nothing was recorded twice" in again.text
    assert count(engine, crossings) == 1
    undone = client.post("/desk/undo", data={"csrf": csrf, "crossing_id": form["crossing_id"]})
    assert undone.status_code == 200 and "Undone" in undone.text
    assert count(engine, corrections, corrections.c.kind == "void") == 1
    # Only this desk's crossings of this shift: another browser of the same officer cannot.
    other, other_csrf = desk(app)
    refused = other.post("/desk/undo", data={"csrf": other_csrf,
                                              "crossing_id": form["crossing_id"]})  # fmt: skip
    assert refused.status_code == 403


def test_a_refusal_needs_its_reason(app, engine):
    client, csrf = desk(app)
    card = client.post("/desk/check", data={"csrf": csrf, "mrz": MRZ}).text
    form = record_form(card, csrf, decision="refusal")
    assert client.post("/desk/record", data=form).status_code == 422
    assert count(engine, crossings) == 0
    done = client.post("/desk/record", data=form | {"refusal_reason": "E"})
    assert "Refusal recorded" in done.text
    with engine.connect() as connection:
        assert connection.execute(select(crossings.c.outcome, crossings.c.refusal_reason)).one() \
            == ("refused", "E")


def test_a_hit_is_decided_with_a_reason_and_waits_on_the_supervisors_page_until_then(
    app, engine
):
    import_list(
        engine, name="kaz-entry-bans", kind="entry_ban", owner="KAZ", source="test",
        principal="loader", now=NOW,
        items=[ListEntry("EB-1", "person", names=(EntryName("KARIMOV ANVAR"),),
                         birth_dates=(BirthDate(1985, 7, 2),), sex="M")],
    )  # fmt: skip
    client, csrf = desk(app)
    card = client.post("/desk/check", data={"csrf": csrf, "mrz": BANNED}).text
    assert "kaz-entry-bans" in card and "Decide the hits first" in card
    assert re.search(r'value="entry" class="admit"\s+disabled', card)
    hit_id = re.search(r'action="/desk/hits/([0-9a-f-]+)/decision"', card).group(1)
    chief, _ = desk(app, "chief")
    waiting = chief.get("/desk/hits")
    assert waiting.status_code == 200 and f'id="hit-{hit_id}"' in waiting.text
    no_reason = client.post(f"/desk/hits/{hit_id}/decision",
                            data={"csrf": csrf, "decision": "dismiss", "reason": " "})  # fmt: skip
    assert no_reason.status_code == 422
    decided = client.post(
        f"/desk/hits/{hit_id}/decision",
        data={"csrf": csrf, "decision": "dismiss", "reason": "another birth place"},
        headers={"x-rmis-fragment": "1"},
    )
    assert decided.status_code == 200 and decided.text.startswith('<article class="hit decided"')
    assert count(engine, hits, hits.c.status == "dismissed") == 1
    assert f'id="hit-{hit_id}"' not in chief.get("/desk/hits").text
    # Analysts see counts, not hits: the page says so rather than showing an empty list.
    analyst = TestClient(app)
    analyst.post("/login", data={"name": "analyst", "password": PASSWORD})
    assert analyst.get("/desk/hits").status_code == 403


def test_a_stay_is_shown_as_the_stay_engine_judges_it(app, engine):
    client, csrf = desk(app)
    card = client.post("/desk/check", data={"csrf": csrf, "mrz": MRZ}).text
    form = record_form(card, csrf, decision="entry", purpose="work")
    client.post("/desk/record", data=form)
    exit_lane, exit_csrf = desk(app, lane="exit")
    later = exit_lane.post("/desk/check", data={"csrf": exit_csrf, "mrz": MRZ}).text
    api = TestClient(app)
    token = api.post("/api/v1/login", json={"name": "officer", "password": PASSWORD}).json()
    answer = api.post("/api/v1/checks", json={"mrz": MRZ, "bcp": "KAZ-ALA", "direction": "exit"},
                      headers={"Authorization": f"Bearer {token['token']}"}).json()  # fmt: skip
    stay = answer["stay"]
    assert f"<dd>{stay['days_used']}</dd>" in later
    assert f"<dd>{stay['days_remaining']}</dd>" in later
    assert f"<dd>{stay['latest_legal_exit']}</dd>" in later
    assert stay["latest_legal_exit"] == str(date(2026, 11, 22) + timedelta(days=29))


def test_a_card_recorded_again_with_other_details_is_refused_and_a_stale_card_checked_again(
    app, engine
):
    client, csrf = desk(app)
    card = client.post("/desk/check", data={"csrf": csrf, "mrz": MRZ}).text
    client.post("/desk/record", data=record_form(card, csrf, decision="entry", purpose="work"))
    changed = client.post("/desk/record",
                          data=record_form(card, csrf, decision="entry", purpose="tourism"))
    assert changed.status_code == 409 and "undo it, then check again" in changed.text
    stale = record_form(card, csrf, decision="entry", checked_at="2026-11-22T04:00:00+00:00")
    stale["crossing_id"] = "0193f0f0-0000-7000-8000-000000000001"
    assert client.post("/desk/record", data=stale).status_code == 422
    assert count(engine, crossings) == 1


def test_unreviewed_translations_are_marked_when_asked(app):
    client = TestClient(app)
    marked = client.get("/?lang=ru&unreviewed=1").text
    assert '<mark class="unreviewed" title="unreviewed translation">Пароль</mark>' in marked
    assert "<mark" not in client.get("/?lang=ru").text
    assert "<mark" not in client.get("/?lang=en&unreviewed=1").text  # English is the source
