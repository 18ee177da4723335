"""The traveller's side of a stay check: stays, permits and registrations in one host state.

Dates are local calendar dates of the host state. The day of entry and the day of exit both
count as days of stay.
"""

from __future__ import annotations

import itertools
from dataclasses import dataclass, field
from datetime import date
from enum import StrEnum


class TimelineError(ValueError):
    """A timeline that cannot be true: exit before entry, overlapping stays."""


class PermitKind(StrEnum):
    VISA = "visa"
    RESIDENCE = "residence"
    WORK = "work"
    PATENT = "patent"
    # A pending asylum claim (rmis.protection): lawful presence under every rule while it is
    # pending. Never a row of the permits table: the registry adds it from the claim's referral.
    ASYLUM = "asylum"


@dataclass(frozen=True, slots=True)
class Stay:
    """One stay: entry date, and exit date or None while the traveller is still present."""

    entry: date
    exit: date | None = None

    def __post_init__(self) -> None:
        if self.exit is not None and self.exit < self.entry:
            raise TimelineError(f"exit {self.exit} is before entry {self.entry}")


@dataclass(frozen=True, slots=True)
class Permit:
    """A permit that can make days of stay lawful beyond the visa-free allowance.

    For a visa, `entries` is how many entries it allows (None: multiple) and `duration_days`
    how many days each stay under it may last, counted from the day of entry (None: to the end
    of validity). Only stays entered while the visa is valid use it.
    """

    kind: PermitKind
    valid_from: date
    valid_to: date
    entries: int | None = None
    duration_days: int | None = None
    reference: str = ""

    def __post_init__(self) -> None:
        if self.valid_to < self.valid_from:
            raise TimelineError(f"{self.kind} valid_to {self.valid_to} is before {self.valid_from}")
        if self.entries is not None and self.entries < 1:
            raise TimelineError(f"{self.kind} must allow at least one entry")
        if self.duration_days is not None and self.duration_days < 1:
            raise TimelineError(f"{self.kind} duration must be at least one day")

    def label(self) -> str:
        name = {
            "visa": "visa",
            "residence": "residence permit",
            "work": "work permit",
            "patent": "patent",
            "asylum": "pending asylum claim",
        }[self.kind.value]
        ref = f" {self.reference}" if self.reference else ""
        if self.valid_to == date.max:  # open-ended: a claim while it is pending
            return f"{name}{ref} since {self.valid_from}"
        return f"{name}{ref} valid {self.valid_from} to {self.valid_to}"


@dataclass(frozen=True, slots=True)
class Registration:
    """A registration (migration registration, temporary registration) made on a date."""

    on: date


@dataclass(frozen=True, slots=True)
class Timeline:
    """One traveller's stays in ONE host state, with their permits and registrations.

    Stays are kept sorted by entry. They may not overlap, and only the last may be open.
    """

    stays: tuple[Stay, ...] = ()
    permits: tuple[Permit, ...] = field(default=())
    registrations: tuple[Registration, ...] = ()

    def __post_init__(self) -> None:
        stays = tuple(sorted(self.stays, key=lambda s: s.entry))
        for before, after in itertools.pairwise(stays):
            if before.exit is None:
                raise TimelineError(
                    f"stay entered {before.entry} has no exit but a later stay starts {after.entry}"
                )
            if after.entry <= before.exit:
                raise TimelineError(
                    f"stays overlap: {before.entry}..{before.exit} and {after.entry}.."
                    f"{after.exit or 'present'}"
                )
        object.__setattr__(self, "stays", stays)
        object.__setattr__(self, "permits", tuple(self.permits))
        object.__setattr__(
            self, "registrations", tuple(sorted(self.registrations, key=lambda r: r.on))
        )
