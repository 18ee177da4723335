"""The reference the engine is checked against: walk the calendar one day at a time.

Deliberately plain: a flag per day for presence, counts by prefix sums over those flags, and
the documented rules applied day after day. Visas are left out (their entry rules are tested
by worked examples); residence and work permits and patents are covered here.
bench/stay_bench.py uses this as the named peer.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from dataclasses import dataclass
from datetime import date

from rmis.stay import Permit, PermitKind, Regime, Stay, StayRule, WindowKind

RuleOn = Callable[[date], StayRule | None]


@dataclass(frozen=True)
class Figures:
    days_used: int | None
    days_remaining: int | None
    overstay_days: int
    latest_legal_exit: date | None
    present: bool


class DayByDay:
    def __init__(
        self,
        stays: Sequence[Stay],
        rule_on: RuleOn,
        on: date,
        permits: Sequence[Permit] = (),
        # Far enough that a lawful run never reaches it: the largest allowance the property
        # tests draw plus up to three permits of 200 days each, with room to spare.
        horizon: int = 3000,
    ) -> None:
        assert all(p.kind is not PermitKind.VISA for p in permits)
        self.rule_on, self.on, self.D = rule_on, on, on.toordinal()
        seen = sorted((s for s in stays if s.entry <= on), key=lambda s: s.entry)
        self.present = bool(seen) and (seen[-1].exit is None or seen[-1].exit >= on)
        if self.present:
            self.entry = seen[-1].entry.toordinal()
            past = seen[:-1]
        else:
            self.entry = self.D
            past = seen
        first = min([s.entry.toordinal() for s in seen] + [self.D])
        self.lo, self.hi = first - 800, self.D + horizon
        n = self.hi - self.lo + 1
        self.stay_of = [None] * n  # entry day of the stay each day belongs to
        for s in past:
            assert s.exit is not None
            for d in range(s.entry.toordinal(), s.exit.toordinal() + 1):
                self.stay_of[d - self.lo] = s.entry.toordinal()
        for d in range(self.entry, self.hi + 1):
            self.stay_of[d - self.lo] = self.entry
        self.rules = [rule_on(date.fromordinal(d)) for d in range(self.lo, self.hi + 1)]
        self.covered = [False] * n
        for i in range(n):
            if self.stay_of[i] is None:
                continue
            d, rule = self.lo + i, self.rules[i]
            self.covered[i] = any(
                p.valid_from.toordinal() <= d <= p.valid_to.toordinal()
                and (rule is None or p.kind in rule.permits)
                for p in permits
            )
        counted = [self.stay_of[i] is not None and not self.covered[i] for i in range(n)]
        self.prefix = [0]
        for c in counted:
            self.prefix.append(self.prefix[-1] + c)
        self.counted = counted
        self.lawful = [True] * n
        for i in range(n):
            if not counted[i]:
                continue
            run_goes_on = i > 0 and counted[i - 1] and self.stay_of[i - 1] == self.stay_of[i]
            if run_goes_on and not self.lawful[i - 1]:
                self.lawful[i] = False  # an overstay lasts until exit or a permit
            else:
                self.lawful[i] = self._rule_allows(i)

    def count(self, first: int, last: int) -> int:
        first, last = max(first, self.lo), min(last, self.hi)
        return 0 if last < first else self.prefix[last - self.lo + 1] - self.prefix[first - self.lo]

    def _start(self, rule: StayRule, d: int) -> int:
        if rule.window is WindowKind.ROLLING:
            assert rule.window_days is not None
            return d - rule.window_days + 1
        return date(date.fromordinal(d).year, 1, 1).toordinal()

    def _rule_allows(self, i: int) -> bool:
        d, rule = self.lo + i, self.rules[i]
        if rule is None or rule.regime is Regime.UNKNOWN:
            return True
        if rule.regime is Regime.VISA_REQUIRED:
            return False
        if rule.window is not None and self.count(self._start(rule, d), d) > rule.max_days:
            return False
        stay = self.stay_of[i]
        return rule.max_days_per_stay is None or self.count(stay, d) <= rule.max_days_per_stay

    def is_lawful(self, d: int) -> bool:
        return self.lawful[d - self.lo]

    def figures(self) -> Figures:
        D, rule = self.D, self.rule_on(self.on)
        today = 1 if self.present and self.counted[D - self.lo] else 0
        stay_days = self.count(self.entry, D) if self.present else 0
        used = remaining = None
        over = 0
        if rule is not None and rule.limited:
            if rule.window is not None:
                used = self.count(self._start(rule, D), D - 1) + today
                remaining = max(0, rule.max_days - used)
                over = max(0, used - rule.max_days)
            if rule.max_days_per_stay is not None:
                s = rule.max_days_per_stay
                used = stay_days if used is None else used
                left = max(0, s - stay_days)
                remaining = left if remaining is None else min(remaining, left)
                over = max(over, stay_days - s)
        if self.covered[D - self.lo]:
            over = 0
        return Figures(used, remaining, over, self.latest_legal_exit(), self.present)

    def latest_legal_exit(self) -> date | None:
        D = self.D
        if not self.is_lawful(D):
            f = D
            # Back to the start of the unlawful run that holds `on`.
            while (
                f - 1 >= self.entry and self.counted[f - 1 - self.lo] and not self.is_lawful(f - 1)
            ):
                f -= 1
            return date.fromordinal(f - 1)
        for d in range(D + 1, self.hi + 1):
            if not self.is_lawful(d):
                return date.fromordinal(d - 1)
        return None

    def late_exits(self, stays: Sequence[Stay]) -> list[tuple[date, date, int]]:
        """(entry, lawful_until, unlawful days) for each stay that ended by `on`, late."""
        out = []
        for s in stays:
            if s.exit is None or s.exit > self.on:
                continue
            days = [
                d
                for d in range(s.entry.toordinal(), s.exit.toordinal() + 1)
                if not self.is_lawful(d)
            ]
            if days:
                out.append((s.entry, date.fromordinal(days[0] - 1), len(days)))
        return out


def brute_figures(
    stays: Sequence[Stay], rule: StayRule | RuleOn, on: date, permits: Sequence[Permit] = ()
) -> Figures:
    rule_on = rule if callable(rule) else (lambda _d: rule)
    return DayByDay(stays, rule_on, on, permits).figures()
