"""Overstays across many travellers in one host state: open ones and late exits."""

from __future__ import annotations

from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass
from datetime import date

from rmis.stay.model import Permit, Timeline
from rmis.stay.presence import OPEN_END, presence_of
from rmis.stay.rules import RuleSchedule
from rmis.stay.window import first_unlawful_day


@dataclass(frozen=True, slots=True)
class TravellerTimeline:
    traveller: str
    nationality: str  # ICAO code, as the rules table is keyed
    timeline: Timeline


@dataclass(frozen=True, slots=True)
class OpenOverstay:
    """Still present on the day of the report, after the lawful stay ended."""

    traveller: str
    nationality: str
    entry: date
    lawful_until: date
    days: int  # days present since lawful_until, the report day included


@dataclass(frozen=True, slots=True)
class LateExit:
    """Left, but after the lawful stay had ended."""

    traveller: str
    nationality: str
    entry: date
    exit: date
    lawful_until: date
    days_late: int  # unlawful days of the stay, exit day included


@dataclass(frozen=True, slots=True)
class OverstayReport:
    on: date
    open: tuple[OpenOverstay, ...]
    late_exits: tuple[LateExit, ...]


def find_overstays(
    travellers: Iterable[TravellerTimeline],
    rules_for: Callable[[str], RuleSchedule],
    on_date: date,
) -> OverstayReport:
    """Everyone overstaying on `on_date` without an exit, and every stay that ended late by then.

    `rules_for` maps a nationality to its rule schedule in this host state. A stay whose exit
    is recorded on or before `on` is finished; one without an exit (or exiting later) is open.
    """
    on = on_date
    d = on.toordinal()
    open_: list[OpenOverstay] = []
    late: list[LateExit] = []
    schedules: dict[str, RuleSchedule] = {}
    for t in travellers:
        if t.nationality not in schedules:  # one lookup per nationality, not per traveller
            schedules[t.nationality] = rules_for(t.nationality)
        stays = [
            (s.entry.toordinal(), s.exit.toordinal() if s.exit else OPEN_END)
            for s in t.timeline.stays
            if s.entry <= on
        ]
        schedule = schedules[t.nationality]
        _judge(t.traveller, t.nationality, stays, t.timeline.permits, schedule, d, open_, late)
    return OverstayReport(on, tuple(open_), tuple(late))


def _judge(
    traveller: str,
    nationality: str,
    stays: list[tuple[int, int]],
    permits: Sequence[Permit],
    schedule: RuleSchedule,
    d: int,
    open_: list[OpenOverstay],
    late: list[LateExit],
) -> None:
    """One traveller's open overstay on day `d` and late exits by then, added to `open_` and
    `late`. `stays`: the timeline's stays entered on or before `d`, (entry, exit) ordinals in
    order, an open one ending OPEN_END (presence_of's; the list is consumed)."""
    finished = [s for s in stays if s[1] <= d]
    # The latest stay entered by `d` is open on `d`: no exit, or a recorded exit after it.
    still = bool(stays) and stays[-1][1] > d
    pres = presence_of(stays, permits, schedule, d)
    runs = pres.counted
    j = 0
    for e, x in finished:
        while j < len(runs) and runs[j][1] < e:
            j += 1
        first = None
        unlawful = 0
        while j < len(runs) and runs[j][0] <= x:
            # A stay that exits on `on` is extended by presence_of; clip it to the exit.
            a, b = runs[j][0], min(runs[j][1], x)
            f = first_unlawful_day(a, b, e, pres.counter, schedule, pres.horizon, d)
            if f is not None:
                first = f if first is None else first
                unlawful += b - f + 1
            j += 1
        if first is not None:
            late.append(
                LateExit(traveller, nationality, _day(e), _day(x), _day(first - 1), unlawful)
            )
    if still:
        for a, b in pres.current_runs():
            if a > d:
                break
            if b < d:
                continue
            f = first_unlawful_day(a, b, pres.entry, pres.counter, schedule, pres.horizon, d)
            if f is not None and f <= d:
                open_.append(
                    OpenOverstay(traveller, nationality, _day(pres.entry), _day(f - 1), d - f + 1)
                )


def _day(ordinal: int) -> date:
    return date.fromordinal(ordinal)
