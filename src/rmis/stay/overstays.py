"""Overstays across many travellers in one host state: open ones and late exits."""

from __future__ import annotations

from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass
from datetime import date

import numpy as np

from rmis.stay.model import Permit, Stay, Timeline, TimelineError
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


# TimelineColumns.exit while the traveller is still present: no day has ordinal 0.
STILL_PRESENT = 0


@dataclass(frozen=True)
class TimelineColumns:
    """Many travellers' timelines in one host state as columns, for find_overstays_in_columns:
    what a list of TravellerTimeline says, without an object per stay (docs/scaling.md
    "Overstays"). Traveller k's stays are rows bounds[k] to bounds[k + 1] - 1 of `entry` and
    `exit` (date ordinals; exit STILL_PRESENT while open), in entry order, disjoint, only the
    last one open: a Timeline's rules, checked here as whole columns (TimelineError). Their
    permits are permits[permit_bounds[k]:permit_bounds[k + 1]]."""

    travellers: Sequence[str]
    nationalities: Sequence[str]
    bounds: np.ndarray
    entry: np.ndarray
    exit: np.ndarray
    permits: Sequence[Permit] = ()
    permit_bounds: np.ndarray | None = None  # None: no traveller holds a permit

    def __post_init__(self) -> None:
        n = len(self.travellers)
        if len(self.nationalities) != n:
            raise TimelineError(f"{len(self.nationalities)} nationalities for {n} travellers")
        _check_bounds("bounds", self.bounds, n, len(self.entry))
        if len(self.exit) != len(self.entry):
            raise TimelineError(f"{len(self.exit)} exits for {len(self.entry)} entries")
        if self.permit_bounds is not None:
            _check_bounds("permit_bounds", self.permit_bounds, n, len(self.permits))
        elif len(self.permits):
            raise TimelineError("permits without permit_bounds")
        entry, exit_ = np.asarray(self.entry), np.asarray(self.exit)
        closed = exit_ != STILL_PRESENT
        if (entry < 1).any():
            raise TimelineError("an entry is not a date ordinal")
        backwards = np.flatnonzero(closed & (exit_ < entry))
        if len(backwards):
            i = int(backwards[0])
            raise TimelineError(
                f"traveller {self._owner(i)}: exit {_day(int(exit_[i]))} is before entry "
                f"{_day(int(entry[i]))}"
            )
        # Each row but a traveller's last is followed by the next of the same traveller.
        bounds = np.asarray(self.bounds, dtype=np.int64)
        followed = np.ones(len(entry), dtype=bool)
        followed[bounds[1:][np.diff(bounds) > 0] - 1] = False  # each traveller's last row
        rows = np.flatnonzero(followed)
        bad = rows[~closed[rows] | (entry[rows + 1] <= exit_[rows])]
        if len(bad):
            i = int(bad[0])
            raise TimelineError(
                f"traveller {self._owner(i)}: stays out of order or overlapping: entered "
                f"{_day(int(entry[i]))} (exit {_exit_words(int(exit_[i]))}), then "
                f"{_day(int(entry[i + 1]))}"
            )

    def _owner(self, row: int) -> str:
        return self.travellers[int(np.searchsorted(self.bounds, row, side="right")) - 1]

    def timelines(self) -> list[TravellerTimeline]:
        """The same travellers as TravellerTimeline objects (what find_overstays takes)."""
        bounds = np.asarray(self.bounds).tolist()
        permit_bounds = (
            [0] * (len(bounds)) if self.permit_bounds is None else self.permit_bounds.tolist()
        )
        entry, exit_ = np.asarray(self.entry).tolist(), np.asarray(self.exit).tolist()
        stays = [
            Stay(_day(e), None if x == STILL_PRESENT else _day(x))
            for e, x in zip(entry, exit_, strict=True)
        ]
        return [
            TravellerTimeline(
                traveller,
                nationality,
                Timeline(
                    stays=tuple(stays[bounds[k] : bounds[k + 1]]),
                    permits=tuple(self.permits[permit_bounds[k] : permit_bounds[k + 1]]),
                ),
            )
            for k, (traveller, nationality) in enumerate(
                zip(self.travellers, self.nationalities, strict=True)
            )
        ]


def _check_bounds(name: str, bounds: np.ndarray, n: int, rows: int) -> None:
    b = np.asarray(bounds)
    if len(b) != n + 1 or b[0] != 0 or b[-1] != rows or (np.diff(b) < 0).any():
        raise TimelineError(f"{name} must rise from 0 to {rows} in {n + 1} steps")


def _exit_words(x: int) -> str:
    return "none" if x == STILL_PRESENT else str(_day(x))


def find_overstays_in_columns(
    timelines: TimelineColumns,
    rules_for: Callable[[str], RuleSchedule],
    on_date: date,
) -> OverstayReport:
    """find_overstays over timelines given as columns: the same answer, in the same order, as
    find_overstays(timelines.timelines(), rules_for, on_date), by the same code per traveller,
    without making a Stay, Timeline or TravellerTimeline per traveller."""
    d = on_date.toordinal()
    open_: list[OpenOverstay] = []
    late: list[LateExit] = []
    schedules: dict[str, RuleSchedule] = {}
    entry = np.asarray(timelines.entry, dtype=np.int64)
    exit_ = np.asarray(timelines.exit, dtype=np.int64)
    exits = np.where(exit_ == STILL_PRESENT, OPEN_END, exit_)
    spans = list(zip(entry.tolist(), exits.tolist(), strict=True))
    bounds = np.asarray(timelines.bounds, dtype=np.int64)
    firsts = bounds[:-1]
    ends = _entered_by(entry, bounds, d).tolist()
    permits = timelines.permits
    permit_bounds = (
        [0] * len(bounds) if timelines.permit_bounds is None else timelines.permit_bounds.tolist()
    )
    for k, (traveller, nationality, a, b) in enumerate(
        zip(timelines.travellers, timelines.nationalities, firsts.tolist(), ends, strict=True)
    ):
        schedule = schedules.get(nationality)
        if schedule is None:  # one lookup per nationality, not per traveller
            schedule = schedules[nationality] = rules_for(nationality)
        theirs = permits[permit_bounds[k] : permit_bounds[k + 1]]
        _judge(traveller, nationality, spans[a:b], theirs, schedule, d, open_, late)
    return OverstayReport(on_date, tuple(open_), tuple(late))


def _entered_by(entry: np.ndarray, bounds: np.ndarray, d: int) -> np.ndarray:
    """Per traveller, the end (exclusive) of their rows entered on or before day `d`: rows are
    in traveller, then entry order, so these are the leading rows of each."""
    later = np.concatenate(([0], np.cumsum(entry > d)))
    return bounds[1:] - (later[bounds[1:]] - later[bounds[:-1]])


def _day(ordinal: int) -> date:
    return date.fromordinal(ordinal)
