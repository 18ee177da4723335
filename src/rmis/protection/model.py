"""Referrals and their states, what the protection room answers, and its errors."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, datetime, timedelta
from uuid import UUID

from rmis.locales import N_

STATES = ("in_progress", "accepted", "rejected", "done", "revoked")
STATE_NAMES = {
    "in_progress": N_("In progress"),
    "accepted": N_("Accepted"),
    "rejected": N_("Rejected"),
    "done": N_("Done"),
    "revoked": N_("Revoked"),
}
# in progress -> accepted or rejected -> done, or revoked (by the person or the officer) while
# still open. Rejected, done and revoked are final.
MOVES = {
    "in_progress": frozenset({"accepted", "rejected", "revoked"}),
    "accepted": frozenset({"done", "revoked"}),
}
NEEDS_A_REASON = frozenset({"rejected", "revoked"})
# A claim is pending, and the person may not be returned, while its referral is open.
PENDING = ("in_progress", "accepted")
# How long the receiving agency has to answer (days), as case-management systems set a first
# follow-up: a child or a trafficked person cannot wait a week.
ANSWER_DAYS = {
    "asylum": 7, "child_protection": 1, "trafficking": 2, "medical": 1,
    "statelessness": 14, "violence": 2,
}  # fmt: skip
# Once accepted, the case is followed up monthly until done.
FOLLOW_UP_DAYS = 30
MAX_TEXT = 2000


def next_follow_up(need: str, state: str, on: date) -> date | None:
    if state == "in_progress":
        return on + timedelta(days=ANSWER_DAYS[need])
    if state == "accepted":
        return on + timedelta(days=FOLLOW_UP_DAYS)
    return None


def check_move(current: str, wanted: str, reason: str | None) -> None:
    """Raise ProtectionError unless a referral `current` may become `wanted` with `reason`."""
    if wanted not in STATES or wanted == "in_progress":
        raise ProtectionError(
            "unknown_state", "state must be one of accepted, rejected, done, revoked", "state"
        )
    if wanted in NEEDS_A_REASON and not (reason and reason.strip()):
        raise ProtectionError("reason_required", f"a referral {wanted} needs a reason", "reason")
    allowed = MOVES.get(current, frozenset())
    if wanted not in allowed:
        raise ProtectionError(
            "invalid_transition",
            f"a referral {current} cannot become {wanted}"
            + (f"; it can become {sorted(allowed)}" if allowed else "; it is closed"),
            "state",
        )


class ProtectionError(ValueError):
    """A request the protection room cannot carry out: a stable code and words that say why."""

    def __init__(self, code: str, message: str, field: str | None = None) -> None:
        super().__init__(message)
        self.code = code
        self.field = field


class NonRefoulement(ProtectionError):
    """A refusal, removal or re-entry ban of a person whose asylum claim is pending."""

    def __init__(self, traveller_ids: list[UUID], action: str) -> None:
        who = ", ".join(str(t) for t in traveller_ids)
        super().__init__(
            "non_refoulement",
            f"cannot record a {action} for {who}: an asylum referral is in progress or "
            "accepted, and nobody may be returned while their claim is pending (non-refoulement). "
            "Admit the person or ask a protection officer.",
        )
        self.traveller_ids = traveller_ids


@dataclass(frozen=True, slots=True)
class Event:
    state: str
    reason: str | None
    at: datetime
    by: str
    role: str


@dataclass(frozen=True, slots=True)
class Referral:
    id: UUID
    traveller_id: UUID
    host_state: str
    bcp_code: str | None
    nationality: str | None
    need: str
    agency: str
    consent: bool
    basis: str | None
    state: str
    reason: str | None
    created_at: datetime
    created_by: str
    updated_at: datetime
    follow_up_on: date | None
    events: tuple[Event, ...] = ()


@dataclass(frozen=True, slots=True)
class ReferralSummary:
    """What a border officer may know: that a referral exists, and its state."""

    id: UUID
    state: str
    created_at: datetime


@dataclass(frozen=True, slots=True)
class RecordedIndicator:
    id: UUID
    traveller_id: UUID
    indicator: str
    note: str | None
    bcp_code: str | None
    check_id: UUID | None
    recorded_at: datetime
    recorded_by: str
