"""Plan through the page: the stay engine's worked examples (tests/stay/test_stay_examples.py)
asked as a person would, with the host state and citizenship whose rule is the example's."""

from __future__ import annotations

import logging
from datetime import date

import pytest
from stay_helpers import NOW, answer_of, plan_form, stay_client

D = date.fromisoformat


@pytest.fixture
def client(tmp_path):
    from rmis.store.database import open_database

    engine = open_database(f"sqlite:///{tmp_path / 'rmis.sqlite3'}")
    yield stay_client(engine, NOW)
    engine.dispose()


def ask(client, nationality, host, trips, on, **kw):
    response = client.post("/stay/plan", data=plan_form(nationality, host, trips, on, **kw))
    assert response.status_code == 200, response.text
    figures = answer_of(response.text)
    assert figures is not None
    return figures


# Kazakh citizens in Kyrgyzstan (EAEU, from 2024-09-05): 90 days in any 180 -- the EU rule of
# the worked examples.
def test_entered_new_year_still_present_in_april_is_ten_days_over(client) -> None:
    a = ask(client, "KAZ", "KGZ", [(D("2026-01-01"), None)], D("2026-04-10"))
    assert (a["days-used"], a["days-left"], a["exit"]) == ("100", "0", "2026-03-31")
    assert a["status"] == "overstay"


def test_entered_new_year_on_first_of_march_has_thirty_days_left(client) -> None:
    a = ask(client, "KAZ", "KGZ", [(D("2026-01-01"), None)], D("2026-03-01"))
    assert (a["days-used"], a["days-left"], a["exit"]) == ("60", "30", "2026-03-31")


def test_earlier_stay_in_the_window_shortens_the_new_one(client) -> None:
    trips = [(D("2025-10-01"), D("2025-11-29")), (D("2026-02-01"), None)]
    a = ask(client, "KAZ", "KGZ", trips, D("2026-02-10"))
    assert (a["days-used"], a["days-left"], a["exit"]) == ("70", "20", "2026-03-02")


def test_not_present_with_nothing_left_cannot_enter(client) -> None:
    trips = [(D("2025-12-01"), D("2026-02-28"))]
    a = ask(client, "KAZ", "KGZ", trips, D("2026-03-15"))
    assert (a["days-used"], a["days-left"], a["status"]) == ("90", "0", "no_allowance")
    a = ask(client, "KAZ", "KGZ", trips, D("2026-05-30"))
    assert (a["days-used"], a["status"], a["exit"]) == ("89", "lawful", "2026-08-27")


# Uzbek citizens in Kazakhstan (2024 protocol): 30 days per trip within 90 in 180.
def test_days_per_stay_limit_thirty_days_per_entry(client) -> None:
    a = ask(client, "UZB", "KAZ", [(D("2026-01-01"), None)], D("2026-01-20"))
    assert (a["days-used"], a["days-left"], a["exit"]) == ("20", "10", "2026-01-30")
    a = ask(client, "UZB", "KAZ", [(D("2026-01-01"), None)], D("2026-02-03"))
    assert a["status"] == "overstay"


# Tajik citizens in Russia from 2025: 90 days per calendar year.
def test_calendar_year_overstay_does_not_end_with_the_year(client) -> None:
    trips = [(D("2025-10-01"), None)]
    a = ask(client, "TJK", "RUS", trips, D("2025-12-31"))
    assert (a["days-used"], a["exit"], a["status"]) == ("92", "2025-12-29", "overstay")
    a = ask(client, "TJK", "RUS", trips, D("2026-01-05"))
    assert (a["days-used"], a["exit"], a["status"]) == ("5", "2025-12-29", "overstay")


def test_russia_rule_change_from_90_in_180_to_90_per_calendar_year(client) -> None:
    trips = [(D("2024-11-01"), None)]
    response = client.post("/stay/plan", data=plan_form("UZB", "RUS", trips, D("2024-12-15")))
    a = answer_of(response.text)
    assert (a["days-used"], a["days-left"], a["exit"]) == ("45", "45", "2025-03-31")
    # The page says which rule applies and that it changed on 2025-01-01, with the sources.
    assert "At most 90 days in any 180 days." in response.text
    assert "From 2025-01-01:" in response.text
    assert "https://www.iiv.uz/en/news/" in response.text


def test_kyrgyz_citizen_in_russia_has_no_limit_but_a_registration_deadline(client) -> None:
    response = client.post(
        "/stay/plan", data=plan_form("KGZ", "RUS", [(D("2025-01-10"), None)], D("2025-08-01"))
    )
    a = answer_of(response.text)
    assert (a["days-left"], a["exit"], a["due"]) == (None, None, "2025-02-09")
    assert a["status"] == "registration_overdue"
    # Registered in time: lawful.
    a = ask(client, "KGZ", "RUS", [(D("2025-01-10"), None)], D("2025-08-01"),
            registered_on=D("2025-02-01"))  # fmt: skip
    assert a["status"] == "lawful"
    assert "Work as a citizen of the Eurasian Economic Union" in response.text


def test_no_rule_found_is_undetermined(client) -> None:
    a = ask(client, "TKM", "RUS", [(D("2026-01-01"), None)], D("2026-06-01"))
    assert a["status"] == "undetermined" and a["days-left"] is None


def test_a_planned_return_is_answered_for_its_first_day(client) -> None:
    # Today is 2026-03-01 (the app's clock); a Tajik worker who spent 60 days in Russia in
    # January-February plans to go back on 2026-06-01: 30 days left, until 2026-06-30.
    trips = [(D("2026-01-01"), D("2026-03-01")), (D("2026-06-01"), None)]
    a = ask(client, "TJK", "RUS", trips, None)
    assert (a["on"], a["days-left"], a["exit"]) == ("2026-06-01", "29", "2026-06-30")


@pytest.mark.parametrize(
    ("form", "field", "message"),
    [
        ({"nationality": "TJK", "host_state": "RUS", "entry_1": "2026-02-30"}, "entry_1",
         "This is not a date."),
        ({"nationality": "TJK", "host_state": "RUS", "entry_1": "2026-02-10",
          "exit_1": "2026-02-01"}, "exit_1", "The exit is before the entry."),
        ({"nationality": "TJK", "host_state": "RUS"}, "entry_1",
         "Give at least one date of entry."),
        ({"nationality": "TJK", "host_state": "XXX", "entry_1": "2026-02-10"}, "host_state",
         "Choose the country you stay in."),
        ({"nationality": "TJK", "host_state": "RUS", "entry_1": "2026-01-01",
          "entry_2": "2026-02-01"}, "exit_1", "Only the last trip may have no exit date."),
        ({"nationality": "TJK", "host_state": "RUS", "entry_1": "2026-01-01",
          "exit_1": "2026-01-10", "entry_2": "2026-01-10"}, "entry_2",
         "This trip starts before the one before it ends."),
    ],
)  # fmt: skip
def test_bad_input_is_answered_by_field_in_plain_words(client, form, field, message) -> None:
    response = client.post("/stay/plan", data=form)
    assert response.status_code == 422
    assert f'id="{field}-error">{message}' in response.text
    assert answer_of(response.text) is None
    # What was typed is shown back, so the person fixes one field, not all.
    assert form.get("entry_1", "") in response.text


def test_dotted_dates_are_read_too(client) -> None:
    form = {"nationality": "TJK", "host_state": "RUS", "entry_1": "01.01.2026", "on": "1.3.2026"}
    a = answer_of(client.post("/stay/plan", data=form).text)
    assert (a["on"], a["days-used"]) == ("2026-03-01", "60")


def test_more_trips_adds_rows_and_keeps_what_was_typed(client) -> None:
    form = plan_form("TJK", "RUS", [(D("2026-01-01"), D("2026-01-05"))])
    form["more"] = "1"
    response = client.post("/stay/plan", data=form)
    assert response.status_code == 200 and answer_of(response.text) is None
    assert 'name="entry_5"' in response.text and 'value="2026-01-05"' in response.text


def test_nothing_typed_into_plan_is_logged_or_stored(client, caplog, tmp_path) -> None:
    caplog.set_level(logging.DEBUG)
    trips = [(D("2025-07-13"), D("2025-08-21"))]
    response = client.post("/stay/plan", data=plan_form("TJK", "RUS", trips, D("2025-09-17")))
    assert response.status_code == 200
    assert response.headers["cache-control"] == "no-store"
    for record in caplog.records:
        text = record.getMessage()
        assert "2025-07-13" not in text and "2025-09-17" not in text
    # Nor in the record: the database file holds none of the dates.
    raw = (tmp_path / "rmis.sqlite3").read_bytes()
    assert b"2025-07-13" not in raw and b"2025-09-17" not in raw
