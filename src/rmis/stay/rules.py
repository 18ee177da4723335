"""What a stay rule says, and which rule is in force on which day.

The engine is generic: every national difference lives in `StayRule` values, which
`rmis.reference.stay_rules` loads from a data file.
"""

from __future__ import annotations

from bisect import bisect_right
from collections.abc import Iterable
from dataclasses import dataclass, field
from datetime import date
from enum import StrEnum

from rmis.stay.model import PermitKind

ALL_PERMITS = frozenset(PermitKind)
SAT_SUN = frozenset({5, 6})  # date.weekday(): Monday is 0
WEEKDAY_NAMES = ("Monday", "Tuesday", "Wednesday", "Thursday", "Friday", "Saturday", "Sunday")


class Regime(StrEnum):
    VISA_FREE = "visa_free"  # a window and per-stay limit may apply; none means no published limit
    VISA_REQUIRED = "visa_required"  # only a permit (the visa) makes a day lawful
    UNKNOWN = "unknown"  # the sources do not say; rmis does not judge the length of stay


class WindowKind(StrEnum):
    ROLLING = "rolling"  # at most max_days in any window_days consecutive days
    CALENDAR_YEAR = "calendar_year"  # at most max_days from 1 January to 31 December


class DayCount(StrEnum):
    CALENDAR = "calendar"
    WORKING = "working"


@dataclass(frozen=True, slots=True)
class StayRule:
    """One rule of one host state for one nationality group, over its validity period."""

    regime: Regime = Regime.VISA_FREE
    window: WindowKind | None = None
    max_days: int | None = None
    window_days: int | None = None
    max_days_per_stay: int | None = None
    registration_days: int | None = None
    registration_count: DayCount = DayCount.CALENDAR
    # A stay of at most this many days needs no registration.
    registration_exempt_up_to: int | None = None
    rest_days: frozenset[int] = SAT_SUN
    permits: frozenset[PermitKind] = ALL_PERMITS
    valid_from: date | None = None
    valid_to: date | None = None
    host: str = ""
    applies_to: str = ""
    source: str = ""
    registration_source: str = ""
    notes: str = ""

    def __post_init__(self) -> None:
        if self.window is not None and (self.max_days is None or self.max_days < 0):
            raise ValueError("a window rule needs max_days >= 0")
        if self.window is WindowKind.ROLLING and (self.window_days or 0) < 1:
            raise ValueError("a rolling window needs window_days >= 1")
        if self.window is None and self.max_days is not None:
            raise ValueError("max_days needs a window (rolling or calendar_year)")
        if self.max_days_per_stay is not None and self.max_days_per_stay < 0:
            raise ValueError("max_days_per_stay must be >= 0")
        if self.registration_days is not None and self.registration_days < 0:
            raise ValueError("registration_days must be >= 0")
        if self.valid_from and self.valid_to and self.valid_to < self.valid_from:
            raise ValueError(f"valid_to {self.valid_to} is before valid_from {self.valid_from}")

    @classmethod
    def rolling(
        cls, window_days: int, max_days: int, max_days_per_stay: int | None = None
    ) -> StayRule:
        """An ad hoc visa-free rule: at most max_days in any window_days, as `rmis stay check`."""
        return cls(
            window=WindowKind.ROLLING,
            window_days=window_days,
            max_days=max_days,
            max_days_per_stay=max_days_per_stay,
        )

    @property
    def limited(self) -> bool:
        """Whether the rule limits the length of visa-free stay at all."""
        return self.regime is Regime.VISA_FREE and (
            self.window is not None or self.max_days_per_stay is not None
        )

    def valid_on(self, day: date) -> bool:
        return (self.valid_from is None or self.valid_from <= day) and (
            self.valid_to is None or day <= self.valid_to
        )

    def describe(self) -> str:
        """The rule in words an officer can read aloud."""
        who = f" for {self.applies_to} in {self.host}" if self.host else ""
        if self.regime is Regime.VISA_REQUIRED:
            limit = "a visa is required; the stay is governed by the visa"
        elif self.regime is Regime.UNKNOWN:
            limit = "the sources give no stay limit, so rmis does not judge the length of stay"
        else:
            parts = []
            if self.max_days_per_stay is not None:
                parts.append(f"{self.max_days_per_stay} days per stay")
            if self.window is WindowKind.ROLLING:
                parts.append(f"{self.max_days} days in any {self.window_days}")
            elif self.window is WindowKind.CALENDAR_YEAR:
                parts.append(f"{self.max_days} days per calendar year")
            limit = "visa-free, " + (", ".join(parts) if parts else "no published stay limit")
        when = ""
        if self.valid_from or self.valid_to:
            when = f" (in force {self.valid_from or '...'} to {self.valid_to or '...'})"
        source = f"; source: {self.source}" if self.source else ""
        return f"Rule{who}{when}: {limit}{source}."

    def describe_registration(self) -> str:
        if self.registration_days is None:
            return "The rules give no registration deadline."
        if self.registration_count is DayCount.WORKING:
            rest = " and ".join(WEEKDAY_NAMES[d] + "s" for d in sorted(self.rest_days))
            unit = (
                f"{self.registration_days} working days after the day of entry ({rest} "
                "skipped; public holidays are not in rmis data)"
            )
        else:
            unit = f"{self.registration_days} calendar days after the day of entry"
        exempt = ""
        if self.registration_exempt_up_to is not None:
            exempt = f"; stays of up to {self.registration_exempt_up_to} days are exempt"
        src = self.registration_source or self.source
        return f"Registration within {unit}{exempt}" + (f" (source: {src})." if src else ".")


@dataclass(frozen=True, slots=True)
class Piece:
    """A stretch of days [start, end] (ordinals, inclusive) with one rule, or none, in force."""

    start: int
    end: int
    rule: StayRule | None


FIRST_DAY = date.min.toordinal()
LAST_DAY = date.max.toordinal()


@dataclass(frozen=True, slots=True)
class RuleSchedule:
    """The rules for one host state and one nationality, cut into pieces that cover all days.

    Build it with `RuleSchedule.of(rules)` from rules already chosen for the nationality
    (the table does that), or `RuleSchedule.single(rule)` for one rule at all times.
    """

    pieces: tuple[Piece, ...]
    _starts: tuple[int, ...] = field(init=False, repr=False, compare=False)

    @classmethod
    def single(cls, rule: StayRule | None) -> RuleSchedule:
        return cls((Piece(FIRST_DAY, LAST_DAY, rule),))

    @classmethod
    def of(cls, ranked: Iterable[tuple[int, StayRule]]) -> RuleSchedule:
        """Rules with a rank (higher wins: nationality > group > default); pieces per day."""
        ranked = list(ranked)
        cuts = {FIRST_DAY}
        for _, rule in ranked:
            if rule.valid_from:
                cuts.add(rule.valid_from.toordinal())
            if rule.valid_to and rule.valid_to < date.max:
                cuts.add(rule.valid_to.toordinal() + 1)
        starts = sorted(cuts)
        pieces: list[Piece] = []
        for i, start in enumerate(starts):
            end = starts[i + 1] - 1 if i + 1 < len(starts) else LAST_DAY
            day = date.fromordinal(start)
            best = max(
                ((rank, rule) for rank, rule in ranked if rule.valid_on(day)),
                key=lambda rr: rr[0],
                default=None,
            )
            rule = best[1] if best else None
            if pieces and pieces[-1].rule is rule:
                pieces[-1] = Piece(pieces[-1].start, end, rule)
            else:
                pieces.append(Piece(start, end, rule))
        return cls(tuple(pieces))

    def __post_init__(self) -> None:
        object.__setattr__(self, "_starts", tuple(p.start for p in self.pieces))

    def index_on(self, day: int) -> int:
        return bisect_right(self._starts, day) - 1

    def rule_on(self, day: date | int) -> StayRule | None:
        d = day if isinstance(day, int) else day.toordinal()
        return self.pieces[self.index_on(d)].rule

    def between(self, start: int, end: int) -> list[Piece]:
        """The pieces that meet [start, end], clipped to it."""
        out = []
        for piece in self.pieces[self.index_on(start) :]:
            if piece.start > end:
                break
            out.append(Piece(max(piece.start, start), min(piece.end, end), piece.rule))
        return out
