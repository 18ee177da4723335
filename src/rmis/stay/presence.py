"""A timeline turned into intervals of ordinals, ready to count on a given day."""

from __future__ import annotations

from bisect import bisect_right
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import date

from rmis.stay.coverage import covered, uncovered
from rmis.stay.model import Permit, Timeline
from rmis.stay.rules import LAST_DAY, RuleSchedule
from rmis.stay.window import HORIZON_DAYS, Counter

# An open stay runs on "for ever": to the end of the window we look into.
OPEN_END = LAST_DAY - 2 * HORIZON_DAYS


@dataclass(frozen=True, slots=True)
class Presence:
    """The timeline as seen on day `on`, with the current stay continuing from `on` onward.

    If the traveller is not present on `on`, the current stay is a hypothetical one that
    begins on `on` (what the officer asks when someone arrives: how long may they stay?).
    Stays entered after `on` are ignored, and so is a recorded exit after `on`.
    """

    on: int
    present: bool
    entry: int  # entry day of the current (or hypothetical) stay
    stays: tuple[tuple[int, int], ...]  # the last one is the current stay, open-ended
    counted: tuple[tuple[int, int], ...]  # presence not covered by an accepted permit
    cover: tuple[tuple[int, int, Permit], ...]
    counter: Counter
    horizon: int

    def current_runs(self) -> tuple[tuple[int, int], ...]:
        """Counted runs of the current stay, in order."""
        i = bisect_right([a for a, _ in self.counted], self.entry - 1)
        return self.counted[i:]

    def covering(self, day: int) -> Permit | None:
        return next((p for a, b, p in self.cover if a <= day <= b), None)

    def is_counted(self, day: int) -> bool:
        return self.counter.between(day, day) == 1


def presence_on(timeline: Timeline, schedule: RuleSchedule, on: date) -> Presence:
    return presence_of(
        [
            (s.entry.toordinal(), s.exit.toordinal() if s.exit else OPEN_END)
            for s in timeline.stays
            if s.entry <= on
        ],
        timeline.permits,
        schedule,
        on.toordinal(),
    )


def presence_of(
    stays: list[tuple[int, int]], permits: Sequence[Permit], schedule: RuleSchedule, d: int
) -> Presence:
    """presence_on from ordinals: `stays` are the timeline's stays entered on or before day
    `d`, as (entry, exit) ordinals in entry order, disjoint, an open one ending OPEN_END. The
    list is the caller's to give away: the current stay is written into it."""
    present = bool(stays) and stays[-1][1] >= d
    if present:
        stays[-1] = (stays[-1][0], OPEN_END)
    else:
        stays.append((d, OPEN_END))
    cover = covered(stays, permits, schedule)
    counted = uncovered(stays, cover)
    limits = [
        (p.rule.max_days or 0) + (p.rule.max_days_per_stay or 0)
        for p in schedule.pieces
        if p.rule is not None
    ]
    return Presence(
        on=d,
        present=present,
        entry=stays[-1][0],
        stays=tuple(stays),
        counted=tuple(counted),
        cover=tuple(cover),
        counter=Counter(counted),
        horizon=HORIZON_DAYS + max(limits, default=0),
    )
