"""The engine against the day-by-day reference, on random timelines and rules."""

from __future__ import annotations

from datetime import date, timedelta

from hypothesis import given, settings
from hypothesis import strategies as st
from stay_brute_force import DayByDay, brute_figures

from rmis.stay import (
    Permit,
    PermitKind,
    RuleSchedule,
    Stay,
    StayRule,
    Timeline,
    TravellerTimeline,
    WindowKind,
    evaluate,
    find_overstays,
)

BASE = date(2024, 1, 1)


@st.composite
def stays(draw, max_stays: int = 8) -> tuple[Stay, ...]:
    """Disjoint stays from gaps and lengths; the last may be open."""
    n = draw(st.integers(0, max_stays))
    day = BASE + timedelta(days=draw(st.integers(0, 60)))
    out = []
    for i in range(n):
        length = draw(st.integers(1, 120))
        exit_ = day + timedelta(days=length - 1)
        if i == n - 1 and draw(st.booleans()):
            out.append(Stay(day, None))
        else:
            out.append(Stay(day, exit_))
        day = exit_ + timedelta(days=draw(st.integers(1, 150)))
    return tuple(out)


@st.composite
def rolling_rules(draw) -> StayRule:
    window = draw(st.integers(1, 400))
    max_days = draw(st.integers(0, window + 5))
    per_stay = draw(st.none() | st.integers(0, 120))
    return StayRule.rolling(window, max_days, per_stay)


@st.composite
def on_dates(draw, timeline_stays: tuple[Stay, ...]) -> date:
    last = max([s.exit or s.entry for s in timeline_stays], default=BASE)
    return BASE + timedelta(days=draw(st.integers(0, (last - BASE).days + 200)))


def _engine(timeline: Timeline, rules, on: date):
    ev = evaluate(timeline, rules, on)
    return ev.days_used, ev.days_remaining, ev.overstay_days, ev.latest_legal_exit


def _brute(ss, rule, on, permits=()):
    f = brute_figures(ss, rule, on, permits)
    return f.days_used, f.days_remaining, f.overstay_days, f.latest_legal_exit


@settings(max_examples=150, deadline=None)
@given(data=st.data())
def test_rolling_window_agrees_with_day_by_day(data) -> None:
    ss = data.draw(stays())
    rule = data.draw(rolling_rules())
    on = data.draw(on_dates(ss))
    assert _engine(Timeline(ss), rule, on) == _brute(ss, rule, on)


@settings(max_examples=60, deadline=None)
@given(data=st.data())
def test_calendar_year_and_rule_change_agree_with_day_by_day(data) -> None:
    """A rolling rule that gives way to a calendar-year allowance on a date (Russia, 2025)."""
    ss = data.draw(stays())
    before = data.draw(rolling_rules())
    after = StayRule(
        window=WindowKind.CALENDAR_YEAR,
        max_days=data.draw(st.integers(0, 200)),
        max_days_per_stay=data.draw(st.none() | st.integers(1, 100)),
        valid_from=date(2025, 1, 1),
    )
    before = StayRule.rolling(
        before.window_days or 1, before.max_days or 0, before.max_days_per_stay
    )
    schedule = RuleSchedule.of([(1, before), (2, after)])
    on = data.draw(on_dates(ss))

    def rule_on(d: date) -> StayRule:
        return after if d >= date(2025, 1, 1) else before

    assert _engine(Timeline(ss), schedule, on) == _brute(ss, rule_on, on)


@settings(max_examples=60, deadline=None)
@given(data=st.data())
def test_permits_agree_with_day_by_day(data) -> None:
    ss = data.draw(stays(max_stays=5))
    rule = data.draw(rolling_rules())
    permits = []
    for _ in range(data.draw(st.integers(0, 3))):
        start = BASE + timedelta(days=data.draw(st.integers(0, 700)))
        permits.append(
            Permit(
                data.draw(
                    st.sampled_from([PermitKind.RESIDENCE, PermitKind.WORK, PermitKind.PATENT])
                ),
                start,
                start + timedelta(days=data.draw(st.integers(0, 200))),
            )
        )
    on = data.draw(on_dates(ss))
    timeline = Timeline(ss, tuple(permits))
    assert _engine(timeline, rule, on) == _brute(ss, rule, on, permits)


@settings(max_examples=60, deadline=None)
@given(data=st.data())
def test_overstays_agree_with_day_by_day(data) -> None:
    travellers = [
        TravellerTimeline(f"T{i}", "UZB", Timeline(data.draw(stays(max_stays=5)))) for i in range(3)
    ]
    rule = data.draw(rolling_rules())
    on = data.draw(st.dates(BASE, BASE + timedelta(days=1200)))
    report = find_overstays(travellers, lambda _n: RuleSchedule.single(rule), on)
    for t in travellers:
        brute = DayByDay(t.timeline.stays, lambda _d: rule, on)
        late = [
            (x.entry, x.lawful_until, x.days_late)
            for x in report.late_exits
            if x.traveller == t.traveller
        ]
        assert late == brute.late_exits(t.timeline.stays)
        opened = [x for x in report.open if x.traveller == t.traveller]
        current = [s for s in t.timeline.stays if s.entry <= on and (s.exit is None or s.exit > on)]
        if current and not brute.is_lawful(on.toordinal()):
            (o,) = opened
            assert o.lawful_until == brute.latest_legal_exit()
            assert o.days == (on - o.lawful_until).days
        else:
            assert opened == []
