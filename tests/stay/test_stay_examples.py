"""Worked examples in plain numbers, checked by hand (EU short-stay calculator style)."""

from __future__ import annotations

from datetime import date

from rmis.reference.stay_rules import load_stay_rules
from rmis.stay import (
    Permit,
    PermitKind,
    Regime,
    Registration,
    RuleSchedule,
    StatusKind,
    Stay,
    StayRule,
    Timeline,
    WindowKind,
    evaluate,
)

D = date.fromisoformat
EU = StayRule.rolling(180, 90)


def test_entered_new_year_still_present_in_april_is_ten_days_over() -> None:
    ev = evaluate(Timeline((Stay(D("2026-01-01")),)), EU, D("2026-04-10"))
    assert ev.days_used == 100  # 31 + 28 + 31 + 10
    assert ev.days_remaining == 0
    assert ev.overstay_days == 10
    # Over on the day asked: the answer is the day the lawful stay ended (day 90).
    assert ev.latest_legal_exit == D("2026-03-31")
    assert ev.status.kind is StatusKind.OVERSTAY and ev.status.days == 10
    assert any("Lawful stay ended on 2026-03-31" in line for line in ev.trail)


def test_entered_new_year_on_first_of_march_has_thirty_days_left() -> None:
    ev = evaluate(Timeline((Stay(D("2026-01-01")),)), EU, D("2026-03-01"))
    assert (ev.days_used, ev.days_remaining, ev.overstay_days) == (60, 30, 0)
    assert ev.latest_legal_exit == D("2026-03-31")
    assert ev.status.kind is StatusKind.LAWFUL


def test_earlier_stay_in_the_window_shortens_the_new_one() -> None:
    # 60 days in Oct-Nov 2025; back on 1 Feb 2026. 60 + 30 = 90 on 2 March.
    timeline = Timeline((Stay(D("2025-10-01"), D("2025-11-29")), Stay(D("2026-02-01"))))
    ev = evaluate(timeline, EU, D("2026-02-10"))
    assert (ev.days_used, ev.days_remaining) == (70, 20)
    assert ev.latest_legal_exit == D("2026-03-02")


def test_exit_and_entry_days_both_count() -> None:
    ev = evaluate(Timeline((Stay(D("2026-01-01"), D("2026-01-01")),)), EU, D("2026-01-05"))
    assert ev.days_used == 1
    ev = evaluate(Timeline((Stay(D("2026-01-01"), D("2026-01-02")),)), EU, D("2026-01-02"))
    assert ev.days_used == 2 and ev.present


def test_days_per_stay_limit_thirty_days_per_entry() -> None:
    rule = StayRule.rolling(180, 90, max_days_per_stay=30)
    ev = evaluate(Timeline((Stay(D("2026-01-01")),)), rule, D("2026-01-20"))
    assert (ev.days_used, ev.days_remaining) == (20, 10)
    assert ev.latest_legal_exit == D("2026-01-30")
    ev = evaluate(Timeline((Stay(D("2026-01-01")),)), rule, D("2026-02-03"))
    assert ev.overstay_days == 4  # day 34 of a 30-day stay; 34 of 90 in the window
    assert ev.status.kind is StatusKind.OVERSTAY and ev.status.days == 4


def test_not_present_with_nothing_left_cannot_enter() -> None:
    timeline = Timeline((Stay(D("2025-12-01"), D("2026-02-28")),))  # 90 days
    ev = evaluate(timeline, EU, D("2026-03-15"))
    assert not ev.present
    assert (ev.days_used, ev.days_remaining, ev.overstay_days) == (90, 0, 0)
    assert ev.status.kind is StatusKind.NO_ALLOWANCE
    assert ev.latest_legal_exit == D("2026-03-14")  # before the day asked: no lawful day left
    # On 30 May 1 December has left the window: 89 used, so one may enter; each later day in
    # the country is matched by an old day leaving the window, so the stay runs 90 days.
    ev = evaluate(timeline, EU, D("2026-05-30"))
    assert ev.days_used == 89 and ev.status.kind is StatusKind.LAWFUL
    assert ev.latest_legal_exit == D("2026-08-27")


CAL = StayRule(window=WindowKind.CALENDAR_YEAR, max_days=90)


def test_calendar_year_allowance_restarts_on_first_january() -> None:
    ev = evaluate(Timeline((Stay(D("2025-12-01")),)), CAL, D("2025-12-15"))
    assert (ev.days_used, ev.days_remaining) == (15, 75)
    # 31 days of December are lawful; from 1 January a fresh 90: to 31 March.
    assert ev.latest_legal_exit == D("2026-03-31")


def test_calendar_year_overstay_does_not_end_with_the_year() -> None:
    timeline = Timeline((Stay(D("2025-10-01")),))
    ev = evaluate(timeline, CAL, D("2025-12-31"))
    assert (ev.days_used, ev.overstay_days) == (92, 2)  # 31 + 30 + 31
    assert ev.latest_legal_exit == D("2025-12-29")  # day 90 of the year's stay
    ev = evaluate(timeline, CAL, D("2026-01-05"))
    assert ev.days_used == 5 and ev.overstay_days == 0  # the count restarted ...
    assert ev.status.kind is StatusKind.OVERSTAY and ev.status.days == 7  # ... the overstay not
    assert ev.latest_legal_exit == D("2025-12-29")


def test_russia_rule_change_from_90_in_180_to_90_per_calendar_year() -> None:
    schedule = load_stay_rules().schedule("RUS", "UZB")
    timeline = Timeline((Stay(D("2024-11-01")),))
    ev = evaluate(timeline, schedule, D("2024-12-15"))
    assert ev.rule is not None and ev.rule.window is WindowKind.ROLLING
    assert (ev.days_used, ev.days_remaining) == (45, 45)
    # 61 days to 31 Dec under 90/180, then 90 days of 2025 under the new law.
    assert ev.latest_legal_exit == D("2025-03-31")
    ev = evaluate(timeline, schedule, D("2025-02-01"))
    assert ev.rule is not None and ev.rule.window is WindowKind.CALENDAR_YEAR
    assert (ev.days_used, ev.days_remaining) == (32, 58)


def test_permit_covers_stay_and_the_allowance_starts_after_it() -> None:
    permit = Permit(PermitKind.RESIDENCE, D("2026-01-01"), D("2026-12-31"), reference="RP-1")
    timeline = Timeline((Stay(D("2026-01-01")),), (permit,))
    ev = evaluate(timeline, EU, D("2026-06-01"))
    assert ev.status.kind is StatusKind.COVERED_BY_PERMIT and ev.status.permit == permit
    assert "RP-1" in str(ev.status)
    assert (ev.days_used, ev.overstay_days) == (0, 0)
    assert ev.latest_legal_exit == D("2027-03-31")  # then 90 visa-free days


def test_permit_of_a_kind_the_rule_does_not_accept_does_not_cover() -> None:
    rule = StayRule(
        window=WindowKind.ROLLING,
        window_days=180,
        max_days=90,
        permits=frozenset({PermitKind.RESIDENCE}),
    )
    work = Permit(PermitKind.WORK, D("2026-01-01"), D("2026-12-31"))
    ev = evaluate(Timeline((Stay(D("2026-01-01")),), (work,)), rule, D("2026-04-10"))
    assert ev.status.kind is StatusKind.OVERSTAY and ev.status.days == 10


VISA_ONLY = StayRule(regime=Regime.VISA_REQUIRED)


def test_visa_with_duration_and_single_entry() -> None:
    visa = Permit(PermitKind.VISA, D("2026-03-01"), D("2026-03-31"), entries=1, duration_days=10)
    first = Stay(D("2026-03-05"))
    ev = evaluate(Timeline((first,), (visa,)), VISA_ONLY, D("2026-03-10"))
    assert ev.status.kind is StatusKind.COVERED_BY_PERMIT
    assert ev.latest_legal_exit == D("2026-03-14")  # 10 days from entry on 5 March
    ev = evaluate(Timeline((first,), (visa,)), VISA_ONLY, D("2026-03-20"))
    assert ev.status.kind is StatusKind.OVERSTAY and ev.status.days == 6
    assert ev.latest_legal_exit == D("2026-03-14")
    # The single entry is used: a second entry is not covered from its first day.
    second = (Stay(D("2026-03-05"), D("2026-03-08")), Stay(D("2026-03-25")))
    ev = evaluate(Timeline(second, (visa,)), VISA_ONLY, D("2026-03-26"))
    assert ev.status.kind is StatusKind.OVERSTAY and ev.status.days == 2
    assert ev.latest_legal_exit == D("2026-03-24")


def test_multiple_entry_visa_covers_each_entry_within_validity() -> None:
    visa = Permit(PermitKind.VISA, D("2026-03-01"), D("2026-03-31"))
    ss = (Stay(D("2026-03-05"), D("2026-03-08")), Stay(D("2026-03-25")))
    ev = evaluate(Timeline(ss, (visa,)), VISA_ONLY, D("2026-03-26"))
    assert ev.status.kind is StatusKind.COVERED_BY_PERMIT
    assert ev.latest_legal_exit == D("2026-03-31")


def test_registration_overdue_then_done() -> None:
    rule = StayRule(window=WindowKind.ROLLING, window_days=180, max_days=90, registration_days=15)
    stay = Stay(D("2025-03-01"))
    ev = evaluate(Timeline((stay,)), rule, D("2025-03-20"))
    assert ev.registration_due == D("2025-03-16")
    assert ev.status.kind is StatusKind.REGISTRATION_OVERDUE and ev.status.days == 4
    ev = evaluate(
        Timeline((stay,), registrations=(Registration(D("2025-03-18")),)), rule, D("2025-03-20")
    )
    assert ev.status.kind is StatusKind.LAWFUL
    assert any("2 days late" in line for line in ev.trail)


def test_no_rule_found_is_undetermined() -> None:
    ev = evaluate(
        Timeline((Stay(D("2026-01-01")),)),
        load_stay_rules().schedule("RUS", "TKM"),
        D("2026-06-01"),
    )
    assert ev.status.kind is StatusKind.UNDETERMINED
    assert (ev.days_used, ev.days_remaining, ev.latest_legal_exit) == (None, None, None)
    assert any("not found" in line for line in ev.trail)


def test_no_published_limit_still_has_a_registration_deadline() -> None:
    schedule = load_stay_rules().schedule("RUS", "KGZ")  # EAEU: no stay limit, 30 days
    ev = evaluate(Timeline((Stay(D("2025-01-10")),)), schedule, D("2025-08-01"))
    assert ev.days_remaining is None and ev.latest_legal_exit is None
    assert ev.registration_due == D("2025-02-09")
    assert ev.status.kind is StatusKind.REGISTRATION_OVERDUE


def test_stays_after_the_day_asked_are_ignored() -> None:
    timeline = Timeline((Stay(D("2026-01-01"), D("2026-01-10")), Stay(D("2026-05-01"))))
    ev = evaluate(timeline, EU, D("2026-01-05"))
    assert ev.present and ev.days_used == 5


def test_a_limit_that_starts_long_after_entry_still_binds() -> None:
    # No rule until 2025; then 90 days per calendar year. Present since 2010.
    rule = StayRule(window=WindowKind.CALENDAR_YEAR, max_days=90, valid_from=D("2025-01-01"))
    schedule = RuleSchedule.of([(1, rule)])
    ev = evaluate(Timeline((Stay(D("2010-01-01")),)), schedule, D("2025-02-01"))
    assert (ev.days_used, ev.days_remaining) == (32, 58)
    assert ev.latest_legal_exit == D("2025-03-31")
