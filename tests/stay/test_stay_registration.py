from __future__ import annotations

from datetime import date, timedelta

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from rmis.reference.stay_rules import load_stay_rules
from rmis.stay import DayCount, StayRule, add_working_days, registration_due

D = date.fromisoformat


def test_calendar_days_count_from_the_day_after_entry() -> None:
    rule = StayRule(registration_days=15)
    assert registration_due(D("2025-03-01"), rule) == D("2025-03-16")
    assert registration_due(D("2025-12-20"), rule) == D("2026-01-04")


def test_working_days_skip_saturday_and_sunday() -> None:
    rule = StayRule(registration_days=7, registration_count=DayCount.WORKING)
    # Entry on Friday 7 March 2025: Mon 10 .. Fri 14 are 1-5, Mon 17 is 6, Tue 18 is 7.
    assert registration_due(D("2025-03-07"), rule) == D("2025-03-18")
    # Entry on Saturday: the count starts on Monday.
    assert add_working_days(D("2025-03-08"), 1, frozenset({5, 6})) == D("2025-03-10")


def test_uzbekistan_counts_saturday_as_a_working_day() -> None:
    rule = load_stay_rules().lookup("UZB", "FRA", D("2025-03-07"))
    assert rule is not None and rule.rest_days == frozenset({6})
    # Friday entry: Sat 8 (1), Sunday skipped, Mon 10 (2), Tue 11 (3).
    assert registration_due(D("2025-03-07"), rule) == D("2025-03-11")


def test_exempt_short_stays_register_when_they_outgrow_the_exemption() -> None:
    rule = load_stay_rules().lookup("KAZ", "FRA", D("2025-06-01"))
    assert rule is not None and rule.registration_exempt_up_to == 30
    assert registration_due(D("2025-06-02"), rule) == D("2025-07-02")  # day 31 of the stay
    older = load_stay_rules().lookup("KAZ", "FRA", D("2024-06-01"))
    assert older is not None and registration_due(D("2024-06-03"), older) == D("2024-06-06")


def test_no_deadline_means_no_due_date() -> None:
    assert registration_due(D("2025-01-01"), StayRule()) is None


def test_a_week_without_working_days_is_refused() -> None:
    with pytest.raises(ValueError):
        add_working_days(D("2025-01-01"), 1, frozenset(range(7)))


@settings(max_examples=100, deadline=None)
@given(
    start=st.dates(date(2020, 1, 1), date(2030, 12, 31)),
    days=st.integers(0, 40),
    rest=st.frozensets(st.integers(0, 6), max_size=3),
)
def test_working_day_deadline_agrees_with_counting_day_by_day(start, days, rest) -> None:
    due = add_working_days(start, days, rest)
    working = [
        start + timedelta(days=i)
        for i in range(1, (due - start).days + 1)
        if (start + timedelta(days=i)).weekday() not in rest
    ]
    assert len(working) == days
    assert days == 0 or due.weekday() not in rest
