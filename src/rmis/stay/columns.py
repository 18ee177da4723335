"""The overstay engine over many travellers' timelines given as columns (numpy arrays), for
the analysis at the scale of a country (analytics/overstays.py): find_overstays' answer, by the
same per-traveller code, without a Stay or Timeline object per stay. Apart from
rmis.stay so that the engine itself loads no numpy (the migrant's page and `rmis stay check`
start fast)."""

from __future__ import annotations

from collections.abc import Callable, Sequence
from dataclasses import dataclass
from datetime import date

import numpy as np

from rmis.stay.model import Permit, Stay, Timeline, TimelineError
from rmis.stay.overstays import (
    LateExit,
    OpenOverstay,
    OverstayReport,
    TravellerTimeline,
    _day,
    _judge,
)
from rmis.stay.presence import OPEN_END
from rmis.stay.rules import RuleSchedule

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
