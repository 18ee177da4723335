"""How each kind of traveller moves: stays made for many people at once, one function each.

Every function takes the people of one cohort (same nationality and host state, or the same
transit route) and returns their stays. Lawful travellers are kept within their allowance under
the rules table (allowance.py); the ones drawn as overstayers are sent past it and marked.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from datetime import date

import numpy as np

from rmis.synth.allowance import UNLIMITED, Allowances
from rmis.synth.calibration import (
    IRREGULAR_OVERSTAY_SHARE,
    IRREGULAR_WORK_SHARE,
    SHORT_VISIT_OVERSTAY_SHARE,
)
from rmis.synth.geography import STATE, STATES, air_routes
from rmis.synth.stays import OPEN, PERMIT, PURPOSE, Stays

VISA_DAYS = 30  # a tourist or business visa: stays under it are kept within a month
YEAR = 365.25


@dataclass(frozen=True, slots=True)
class Period:
    start: int  # first day (ordinal)
    end: int  # last day (ordinal)

    @property
    def days(self) -> int:
        return self.end - self.start + 1

    @property
    def years(self) -> float:
        return self.days / YEAR


@dataclass(frozen=True, slots=True)
class Cohort:
    """People of one nationality going to one host state (or along one transit path)."""

    person: np.ndarray  # int64 ids
    home: int  # state index of nationality
    host: int
    visit_purposes: Mapping[str, float]


def local_crossings_per_month(host: str) -> float:
    """Russia counts 90 days per calendar year since 2025: residents across that line cross
    less often, as they must."""
    return 2.0 if host == "RUS" else 4.0


def _slotted(
    rng: np.random.Generator, counts: np.ndarray, lo: int, hi: int, durations: np.ndarray
) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """counts[i] trips for person i, one in each equal slot of [lo, hi], never overlapping.

    Returns (owner index, entry day, exit day); a duration longer than its slot is shortened.
    """
    owner = np.repeat(np.arange(len(counts)), counts)
    first = np.repeat(np.cumsum(counts) - counts, counts)
    k = np.arange(len(owner)) - first
    slot = (hi - lo + 1) / np.maximum(counts[owner], 1)
    slot_start = lo + np.floor(k * slot).astype(np.int64)
    width = np.floor(slot).astype(np.int64)
    durations = np.clip(durations, 1, np.maximum(width - 1, 1))
    room = np.maximum(width - durations - 1, 0)
    entry = slot_start + np.floor(rng.random(len(owner)) * (room + 1)).astype(np.int64)
    return owner, entry, entry + durations - 1


def _purposes(rng: np.random.Generator, weights: Mapping[str, float], n: int) -> np.ndarray:
    names = list(weights)
    p = np.array([weights[k] for k in names], float)
    codes = np.array([PURPOSE[k] for k in names], np.int8)
    return codes[rng.choice(len(names), size=n, p=p / p.sum())]


def _within(
    allowances: Allowances,
    host: np.ndarray,
    home: np.ndarray,
    entry: np.ndarray,
    exit_: np.ndarray,
    visa_days: int = VISA_DAYS,
) -> tuple[np.ndarray, np.ndarray, np.ndarray, np.ndarray]:
    """Exit days shortened to the lawful stay, and a visa for stays where one is required.

    Returns (exit, permit kind, permit from, permit to).
    """
    allowed, visa = allowances.lookup(host, home, entry)
    allowed = np.where(visa, visa_days, allowed)
    exit_ = np.minimum(exit_, entry + allowed - 1)
    permit = np.where(visa, PERMIT["visa"], 0).astype(np.int8)
    permit_from = np.where(visa, entry - 14, 0)
    permit_to = np.where(visa, entry + visa_days - 1, 0)
    return exit_, permit, permit_from, permit_to


def _overstay(
    allowances: Allowances,
    host: np.ndarray,
    home: np.ndarray,
    entry: np.ndarray,
    overstay: np.ndarray,
    period: Period,
) -> tuple[np.ndarray, np.ndarray]:
    """Exit days `overstay` days past the lawful stay (OPEN beyond the period) and whether
    the stay can be overstayed at all (no limit: it cannot)."""
    allowed, visa = allowances.lookup(host, home, entry)
    allowed = np.where(visa, VISA_DAYS, allowed)
    limited = allowed < UNLIMITED
    exit_ = entry + np.minimum(allowed, UNLIMITED - 1) - 1 + overstay
    exit_ = np.where(exit_ > period.end, OPEN, exit_)
    return exit_, limited


def short_visits(
    rng: np.random.Generator,
    cohort: Cohort,
    period: Period,
    allowances: Allowances,
    group: np.ndarray,
) -> Stays:
    """Tourists, business visitors, family visits: one to a few stays of days to weeks.

    `group[i] >= 0` puts person i in a group travelling together that does not come back
    (the pattern of trafficking indicators): one shared arrival, no exit.
    """
    n = len(cohort.person)
    counts = 1 + rng.binomial(3, min(0.9, 0.1 * period.years), n)
    durations = 1 + rng.geometric(1 / 6, counts.sum())
    durations = np.minimum(durations, 30)
    owner, entry, exit_ = _slotted(rng, counts, period.start, period.end, durations)
    host = np.full(len(owner), cohort.host, np.int16)
    home = np.full(len(owner), cohort.home, np.int16)
    exit_, permit, p_from, p_to = _within(allowances, host, home, entry, exit_)
    last = np.r_[owner[1:] != owner[:-1], True] if len(owner) else np.zeros(0, bool)
    overstayer = rng.random(n) < SHORT_VISIT_OVERSTAY_SHARE
    late = last & overstayer[owner]
    late_exit, limited = _overstay(
        allowances, host, home, entry, rng.integers(1, 91, len(owner)), period
    )
    late &= limited
    exit_ = np.where(late, late_exit, exit_)
    route_key = np.full(len(owner), -1, np.int64)

    # Groups: every member's one stay starts on the group's day and never ends.
    grouped = group[owner] >= 0
    first_of_person = np.r_[True, owner[1:] != owner[:-1]] if len(owner) else grouped
    keep = ~grouped | first_of_person
    if grouped.any():
        groups = np.unique(group[group >= 0])
        day = rng.integers(period.start, period.end - 30, len(groups))
        g = np.searchsorted(groups, group[owner])
        entry = np.where(grouped, day[np.minimum(g, len(groups) - 1)], entry)
        exit_ = np.where(grouped, OPEN, exit_)
        route_key = np.where(grouped, 1_000_000_000 + group[owner], route_key)
        permit = np.where(grouped, 0, permit)
        late |= grouped
    stays = Stays.build(
        len(owner), person=cohort.person[owner], host=host, entry=entry, exit=exit_,
        came_from=home, going_to=home,
        purpose=_purposes(rng, cohort.visit_purposes, len(owner)), route_key=route_key,
        permit=permit, permit_from=p_from, permit_to=p_to, intends_overstay=late,
    )  # fmt: skip
    return stays.take(np.flatnonzero(keep))


def seasonal(
    rng: np.random.Generator, cohort: Cohort, period: Period, allowances: Allowances
) -> tuple[Stays, np.ndarray]:
    """Labour migrants: out in spring, back in late autumn, year after year.

    Most hold a patent (Russia) or work permit (elsewhere) for the season; the rest work
    without one: half of those leave within their visa-free stay, half stay on.
    Season: out from early spring (mean day 100, about 10 April), home in November (mean day
    315), after seasonality_signals.csv: construction migrants leave in spring and return in
    late autumn (RFE/RL, BBC), 59.7 % of Tajik labour departures in H1 2016, Russia's Q1 the
    low quarter (21 % of 2023 entries).
    Returns the stays and, per person, whether they work without a permit.
    """
    n = len(cohort.person)
    irregular = rng.random(n) < IRREGULAR_WORK_SHARE
    stays_over = irregular & (rng.random(n) < IRREGULAR_OVERSTAY_SHARE)
    first_year = _year_of(period.start)
    last_year = _year_of(period.end)
    parts = []
    for year in range(first_year, last_year + 1):
        jan1 = _jan1(year)
        goes = rng.random(n) > 0.05  # some stay home a year
        leave = jan1 + np.clip(rng.normal(100, 18, n), 50, 150).astype(np.int64)
        back = jan1 + np.clip(rng.normal(315, 15, n), 275, 350).astype(np.int64)
        who = np.flatnonzero(goes & (leave >= period.start) & (leave <= period.end))
        if len(who) == 0:
            continue
        entry, exit_ = leave[who], back[who]
        host = np.full(len(who), cohort.host, np.int16)
        home = np.full(len(who), cohort.home, np.int16)
        allowed, _visa = allowances.lookup(host, home, entry)
        limited = allowed < UNLIMITED
        capped = np.minimum(allowed, UNLIMITED - 1)
        within = np.minimum(exit_, entry + capped - 1 - rng.integers(0, 11, len(who)))
        late = np.where(limited, entry + capped - 1 + rng.integers(1, 151, len(who)), exit_)
        exit_ = np.where(irregular[who], np.where(stays_over[who], late, within), exit_)
        exit_ = np.maximum(exit_, entry)
        exit_ = np.where(exit_ > period.end, OPEN, exit_)
        kind = PERMIT["patent"] if cohort.host == STATE["RUS"] else PERMIT["work"]
        legal = ~irregular[who]
        parts.append(Stays.build(
            len(who), person=cohort.person[who], host=host, entry=entry, exit=exit_,
            came_from=home, going_to=home,
            purpose=np.where(legal, PURPOSE["work"], PURPOSE["private"]),
            permit=np.where(legal, kind, 0),
            permit_from=np.where(legal, entry + 3, 0),
            permit_to=np.where(legal, np.minimum(exit_, period.end + 30) + 30, 0),
            intends_overstay=stays_over[who] & limited,
        ))  # fmt: skip
    return Stays.concat(parts), irregular


def circular(
    rng: np.random.Generator, cohort: Cohort, period: Period, allowances: Allowances
) -> Stays:
    """Shuttle traders: many short stays a year in the same neighbouring state."""
    n = len(cohort.person)
    per_year = rng.integers(6, 13, n)
    counts = np.maximum(1, np.round(per_year * period.years)).astype(np.int64)
    durations = np.minimum(1 + rng.geometric(1 / 3, counts.sum()), 7)
    owner, entry, exit_ = _slotted(rng, counts, period.start, period.end, durations)
    host = np.full(len(owner), cohort.host, np.int16)
    home = np.full(len(owner), cohort.home, np.int16)
    exit_, permit, p_from, p_to = _within(allowances, host, home, entry, exit_)
    return Stays.build(
        len(owner), person=cohort.person[owner], host=host, entry=entry, exit=exit_,
        came_from=home, going_to=home, purpose=PURPOSE["business"],
        permit=permit, permit_from=p_from, permit_to=p_to,
    )  # fmt: skip


def local_border(
    rng: np.random.Generator, cohort: Cohort, period: Period, allowances: Allowances
) -> Stays:
    """Border residents: the same land crossing point, often, back the same day or the next."""
    n = len(cohort.person)
    per_month = local_crossings_per_month(STATES[cohort.host])
    counts = np.maximum(1, rng.poisson(per_month * period.days / 30.4, n))
    durations = np.where(rng.random(counts.sum()) < 0.7, 1, 2)
    owner, entry, exit_ = _slotted(rng, counts, period.start, period.end, durations)
    host = np.full(len(owner), cohort.host, np.int16)
    home = np.full(len(owner), cohort.home, np.int16)
    exit_, permit, p_from, p_to = _within(allowances, host, home, entry, exit_)
    purpose = np.where(rng.random(len(owner)) < 0.6, PURPOSE["private"], PURPOSE["business"])
    return Stays.build(
        len(owner), person=cohort.person[owner], host=host, entry=entry, exit=exit_,
        came_from=home, going_to=home, purpose=purpose, route_key=cohort.person[owner],
        permit=permit, permit_from=p_from, permit_to=p_to,
    )  # fmt: skip


def long_term(rng: np.random.Generator, cohort: Cohort, period: Period, purpose: str) -> Stays:
    """Residence permit holders and students: present all along, home once or twice a year."""
    n = len(cohort.person)
    arrive = period.start + rng.integers(0, 90, n)
    visits = np.maximum(1, rng.poisson(1.5 * period.years, n))
    lo, hi = period.start + 120, period.end - 1
    owner, v_from, v_to = _slotted(rng, visits, lo, hi, rng.integers(7, 31, visits.sum()))
    # Stays are the gaps between home visits: from arrival or a visit's end to the next visit.
    starts = np.concatenate([arrive, v_to + 1])
    ends = np.concatenate([v_from - 1, np.full(n, OPEN)])
    start_owner = np.concatenate([np.arange(n), owner])
    end_owner = np.concatenate([owner, np.arange(n)])
    s = np.lexsort((starts, start_owner))
    e = np.lexsort((ends, end_owner))
    who = start_owner[s]
    host = np.full(len(who), cohort.host, np.int16)
    home = np.full(len(who), cohort.home, np.int16)
    return Stays.build(
        len(who), person=cohort.person[who], host=host, entry=starts[s], exit=ends[e],
        came_from=home, going_to=home,
        purpose=PURPOSE["study" if purpose == "study" else "residence"],
        permit=PERMIT["residence"], permit_from=arrive[who] - 30, permit_to=period.end + 365,
    )  # fmt: skip


def asylum_arrivals(rng: np.random.Generator, cohort: Cohort, period: Period) -> Stays:
    """People arriving to seek asylum: one entry over a land border, no exit."""
    n = len(cohort.person)
    host = np.full(n, cohort.host, np.int16)
    home = np.full(n, cohort.home, np.int16)
    return Stays.build(
        n, person=cohort.person, host=host, entry=rng.integers(period.start, period.end + 1, n),
        came_from=home, going_to=home, purpose=PURPOSE["other"],
    )  # fmt: skip


def transit(
    rng: np.random.Generator,
    person: np.ndarray,
    path: tuple[int, ...],
    period: Period,
    allowances: Allowances,
) -> Stays:
    """Journeys through one or more states within days to a destination, and back.

    The way out crosses every state of `path`; the way back is a flight home where there is
    one, otherwise the same road in reverse.
    """
    n = len(person)
    journeys = 1 + (rng.random(n) < 0.3)
    total_days = 40 + 3 * len(path)
    owner, start, _ = _slotted(rng, journeys, period.start, period.end - total_days,
                               np.full(journeys.sum(), total_days))  # fmt: skip
    m = len(owner)
    parts = []
    day = start.copy()
    home = path[0]
    person = person[owner]
    for i, state in enumerate(path[1:-1], start=1):
        stay_days = rng.integers(2, 5, m)  # overnight at least: a day on the road
        parts.append(dict(host=state, entry=day, exit=day + stay_days - 1,
                          came_from=path[i - 1], going_to=path[i + 1], chained=True,
                          purpose=PURPOSE["transit"]))  # fmt: skip
        day = day + stay_days - 1
    destination = path[-1]
    allowed, visa = allowances.lookup(
        np.full(m, destination, np.int16), np.full(m, home, np.int16), day
    )
    length = np.minimum(rng.integers(5, 36, m), np.where(visa, VISA_DAYS, allowed))
    by_air = bool(air_routes(STATES[destination], STATES[home]))
    back = home if by_air else path[-2]
    parts.append(dict(host=destination, entry=day, exit=day + length - 1, came_from=path[-2],
                      going_to=back, chained=back != home, purpose=PURPOSE["private"]))  # fmt: skip
    if back != home:  # the road home: the transit states again, in reverse, within days
        day = day + length - 1
        for i in range(len(path) - 2, 0, -1):
            stay_days = rng.integers(2, 4, m)
            parts.append(dict(host=path[i], entry=day, exit=day + stay_days - 1,
                              came_from=path[i + 1], going_to=path[i - 1], chained=i > 1,
                              purpose=PURPOSE["transit"]))  # fmt: skip
            day = day + stay_days - 1
    stays = []
    for part in parts:
        host = np.full(m, part["host"], np.int16)
        nationality = np.full(m, home, np.int16)
        exit_, permit, p_from, p_to = _within(
            allowances, host, nationality, part["entry"], part["exit"]
        )
        stays.append(Stays.build(
            m, person=person, host=host, entry=part["entry"], exit=exit_,
            came_from=part["came_from"], going_to=part["going_to"], chained=part["chained"],
            purpose=part["purpose"], permit=permit, permit_from=p_from, permit_to=p_to,
        ))  # fmt: skip
    return Stays.concat(stays)


def _jan1(year: int) -> int:
    return date(year, 1, 1).toordinal()


def _year_of(day: int) -> int:
    return date.fromordinal(day).year
