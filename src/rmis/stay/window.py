"""Counting days in windows, interval by interval instead of day by day.

Days are date ordinals (int). A `Counter` holds the counted days of a timeline (days present
and not covered by a permit) as sorted disjoint closed intervals with prefix sums, so the
number of counted days in any span costs two binary searches, however long the history.
"""

from __future__ import annotations

from bisect import bisect_right
from collections.abc import Sequence
from datetime import date

from rmis.stay.rules import Regime, RuleSchedule, StayRule, WindowKind

# Beyond the last binding limit a stay is lawful for good; we look this far ahead (11 years,
# so it spans a leap year) before we say that no limit binds.
HORIZON_DAYS = 4018


class Counter:
    """Counted days as sorted, disjoint, closed intervals [start, end] of ordinals."""

    __slots__ = ("_before", "_ends", "_starts")

    def __init__(self, intervals: Sequence[tuple[int, int]]) -> None:
        self._starts = [a for a, _ in intervals]
        self._ends = [b for _, b in intervals]
        before = [0]
        for a, b in intervals:
            before.append(before[-1] + b - a + 1)
        self._before = before  # counted days in the intervals before interval i

    def upto(self, day: int) -> int:
        """Counted days on or before `day`."""
        i = bisect_right(self._starts, day) - 1
        if i < 0:
            return 0
        return self._before[i] + min(self._ends[i], day) - self._starts[i] + 1

    def between(self, first: int, last: int) -> int:
        """Counted days in [first, last]."""
        if last < first:
            return 0
        return self.upto(last) - self.upto(first - 1)


def window_start(rule: StayRule, day: int) -> int:
    """First day of the window that ends on `day` (ordinal)."""
    if rule.window is WindowKind.ROLLING:
        assert rule.window_days is not None
        return day - rule.window_days + 1
    return date(date.fromordinal(day).year, 1, 1).toordinal()


def _year_chunks(first: int, last: int) -> list[tuple[int, int]]:
    """[first, last] cut at each 1 January: a calendar-year count restarts there."""
    chunks = []
    start = first
    while start <= last:
        next_year = date(date.fromordinal(start).year + 1, 1, 1).toordinal()
        chunks.append((start, min(last, next_year - 1)))
        start = next_year
    return chunks


def first_unlawful_day(
    run_start: int,
    run_end: int,
    stay_entry: int,
    counter: Counter,
    schedule: RuleSchedule,
    horizon: int = HORIZON_DAYS,
    look_from: int | None = None,
) -> int | None:
    """The first unlawful day of a run of counted days, or None if every day is lawful.

    A run is an unbroken stretch of presence not covered by a permit: [run_start, run_end],
    all counted in `counter`, inside the stay that began on `stay_entry`. Once a day of a run
    is unlawful, the rest of the run is too: an overstay ends with an exit or a permit, not
    with a new calendar year. While presence is unbroken the count in a rolling window and in
    a calendar year can only grow, so within one rule (and one year) lawfulness is a prefix
    and a binary search finds where it ends. An open-ended run is searched up to `horizon`
    days past `look_from` (the day asked about; default the run's start).
    """
    last = min(run_end, max(run_start, look_from or run_start) + horizon)
    for piece in schedule.between(run_start, last):
        rule = piece.rule
        if rule is None or rule.regime is Regime.UNKNOWN:
            continue  # nothing to judge by; see the evaluation's status
        if rule.regime is Regime.VISA_REQUIRED:
            return piece.start  # a day not covered by a visa or permit
        if not rule.limited:
            continue
        chunks = (
            _year_chunks(piece.start, piece.end)
            if rule.window is WindowKind.CALENDAR_YEAR
            else [(piece.start, piece.end)]
        )
        for first, end in chunks:
            if _lawful(end, rule, stay_entry, counter):
                continue
            lo, hi = first, end
            while lo < hi:
                mid = (lo + hi) // 2
                if _lawful(mid, rule, stay_entry, counter):
                    lo = mid + 1
                else:
                    hi = mid
            return lo
    return None


def _lawful(day: int, rule: StayRule, stay_entry: int, counter: Counter) -> bool:
    if rule.window is not None:
        assert rule.max_days is not None
        if counter.between(window_start(rule, day), day) > rule.max_days:
            return False
    return rule.max_days_per_stay is None or (
        counter.between(stay_entry, day) <= rule.max_days_per_stay
    )
