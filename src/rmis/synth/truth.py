"""Ground truth of overstays: the stay engine's own verdict on every stay that could be one.

A stay is labelled with the days it ran past the lawful stay under the rules table, exactly as
`rmis.stay` counts them (late exits: unlawful days up to the exit; still present at the end:
days since the lawful stay ended). Running the engine on millions of timelines would be slow,
so a vectorised bound first clears the travellers who cannot have overstayed (every window of
the rules holds less than its maximum even counting whole stays); the engine judges the rest.
"""

from __future__ import annotations

from datetime import date

import numpy as np

from rmis.reference.stay_rules import StayRulesTable
from rmis.stay.model import Permit, PermitKind, Stay, Timeline
from rmis.stay.overstays import TravellerTimeline, find_overstays
from rmis.stay.rules import Regime, WindowKind
from rmis.synth.behaviours import Period
from rmis.synth.geography import STATES
from rmis.synth.stays import OPEN, PERMIT_KINDS, Stays


def uncovered_days(stays: Stays, end: int) -> np.ndarray:
    """Days of each stay (to `end`) that no permit of the stay covers."""
    last = np.minimum(stays.exit, end)
    days = last - stays.entry + 1
    lo = np.maximum(stays.entry, stays.permit_from)
    hi = np.minimum(last, stays.permit_to)
    covered = np.where(stays.permit > 0, np.maximum(hi - lo + 1, 0), 0)
    return days - covered


def _window_sums(group: np.ndarray, exit_: np.ndarray, days: np.ndarray, window: int) -> np.ndarray:
    """Per stay j: uncovered days of the group's stays i..j that end within `window` days of
    stay j's end, counted whole (an upper bound on any window's count ending there)."""
    key = group.astype(np.int64) << 24 | exit_.astype(np.int64)
    start_key = group.astype(np.int64) << 24 | np.maximum(exit_ - window + 1, 0)
    first = np.searchsorted(key, start_key, side="left")
    cum = np.concatenate([[0], np.cumsum(days)])
    return cum[np.arange(len(days)) + 1] - cum[first]


def _years(days: np.ndarray) -> np.ndarray:
    unique, inverse = np.unique(days, return_inverse=True)
    return np.array([date.fromordinal(int(d)).year for d in unique], np.int64)[inverse]


def _year_sums(group: np.ndarray, entry: np.ndarray, exit_: np.ndarray,
               days: np.ndarray) -> np.ndarray:  # fmt: skip
    """Per stay: the most uncovered days its group has in one calendar year, counting every
    stay that touches the year whole (an upper bound on the calendar-year count)."""
    if len(days) == 0:
        return np.zeros(0, np.int64)
    first_year, last_year = _years(entry), _years(exit_)
    keys, weights, owners = [], [], []
    for shift in range(int((last_year - first_year).max()) + 1):
        touched = first_year + shift <= last_year
        keys.append(group[touched].astype(np.int64) * 4096 + (first_year + shift)[touched] % 4096)
        weights.append(days[touched])
        owners.append(group[touched])
    unique, inverse = np.unique(np.concatenate(keys), return_inverse=True)
    sums = np.bincount(inverse, weights=np.concatenate(weights), minlength=len(unique))
    group_ids, group_index = np.unique(group, return_inverse=True)
    best = np.zeros(len(group_ids))
    np.maximum.at(best, np.searchsorted(group_ids, np.concatenate(owners)), sums[inverse])
    return best[group_index].astype(np.int64)


def cannot_overstay(stays: Stays, nationality: np.ndarray, period: Period,
                    table: StayRulesTable) -> np.ndarray:  # fmt: skip
    """Per stay: True when no rule in force during the period can find an overstay in the
    traveller's stays in that host state. Stays must be sorted by (person, entry)."""
    end = period.end
    group = stays.person.astype(np.int64) * 64 + stays.host
    order = np.lexsort((stays.entry, group))
    g, entry = group[order], stays.entry[order]
    exit_ = np.minimum(stays.exit[order], end)
    days = uncovered_days(stays, end)[order]
    nat = nationality[order]
    ok = np.ones(len(order), bool)
    _, first = np.unique(g, return_index=True)
    group_of = np.repeat(np.arange(len(first)), np.diff(np.r_[first, len(g)]))

    def worst(per_stay: np.ndarray) -> np.ndarray:  # the group's worst value, on every stay
        return np.maximum.reduceat(per_stay, first)[group_of] if len(per_stay) else per_stay

    longest = worst(days)
    total = worst(np.cumsum(days) - np.r_[0, np.cumsum(days)][first][group_of])
    windows: dict[int, np.ndarray] = {}
    year = None
    pairs = np.unique(stays.host[order].astype(np.int64) * 1024 + nat)
    for pair in pairs:
        host, nationality_ = STATES[int(pair // 1024)], STATES[int(pair % 1024)]
        rows = (stays.host[order] == pair // 1024) & (nat == pair % 1024)
        schedule = table.schedule(host, nationality_)
        for piece in schedule.pieces:
            rule = piece.rule
            if piece.end < period.start or piece.start > end or rule is None:
                continue
            if rule.regime is Regime.UNKNOWN:
                continue
            if rule.regime is Regime.VISA_REQUIRED:
                ok[rows] &= total[rows] == 0
                continue
            if rule.max_days_per_stay is not None:
                ok[rows] &= longest[rows] <= rule.max_days_per_stay
            if rule.window is WindowKind.ROLLING:
                w = int(rule.window_days)
                if w not in windows:
                    windows[w] = worst(_window_sums(g, exit_, days, w))
                ok[rows] &= windows[w][rows] <= rule.max_days
            elif rule.window is WindowKind.CALENDAR_YEAR:
                if year is None:
                    year = _year_sums(g, entry, exit_, days)
                ok[rows] &= year[rows] <= rule.max_days
    out = np.empty(len(order), bool)
    out[order] = ok
    return out


def overstay_days(
    stays: Stays, nationality: np.ndarray, period: Period, table: StayRulesTable
) -> np.ndarray:
    """Days past the lawful stay, per stay, by the stay engine. Stays sorted by (person, entry)."""
    result = np.zeros(len(stays), np.int64)
    judge = ~cannot_overstay(stays, nationality, period, table) | stays.intends_overstay
    group = stays.person.astype(np.int64) * 64 + stays.host
    judged_groups = np.unique(group[judge])
    rows = np.flatnonzero(np.isin(group, judged_groups))
    if len(rows) == 0:
        return result
    end_day = date.fromordinal(period.end)
    order = rows[np.lexsort((stays.entry[rows], group[rows]))]
    boundaries = np.flatnonzero(np.diff(group[order])) + 1
    by_host: dict[int, list[TravellerTimeline]] = {}
    where: dict[tuple[int, int], int] = {}
    for chunk in np.split(order, boundaries):
        g = int(group[chunk[0]])
        timeline_stays, permits = [], set()
        for i in chunk:
            exit_day = None if stays.exit[i] == OPEN else date.fromordinal(int(stays.exit[i]))
            timeline_stays.append(Stay(date.fromordinal(int(stays.entry[i])), exit_day))
            where[(g, int(stays.entry[i]))] = int(i)
            if stays.permit[i]:
                permits.add((int(stays.permit[i]), int(stays.permit_from[i]),
                             int(stays.permit_to[i])))  # fmt: skip
        timeline = Timeline(
            stays=tuple(timeline_stays),
            permits=tuple(
                Permit(PermitKind(PERMIT_KINDS[k]), date.fromordinal(a), date.fromordinal(b))
                for k, a, b in sorted(permits)
            ),
        )
        host = int(stays.host[chunk[0]])
        nat = STATES[int(nationality[chunk[0]])]
        by_host.setdefault(host, []).append(TravellerTimeline(str(g), nat, timeline))
    for host, travellers in by_host.items():
        report = find_overstays(
            travellers, lambda nat, host=host: table.schedule(STATES[host], nat), end_day
        )
        for item in report.open:
            result[where[(int(item.traveller), item.entry.toordinal())]] = item.days
        for item in report.late_exits:
            result[where[(int(item.traveller), item.entry.toordinal())]] = item.days_late
    return result
