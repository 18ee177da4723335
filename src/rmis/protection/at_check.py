"""What protection adds to the border check: indicators the record suggests (a child, a
stateless person's document, a group pattern), offered to the officer to confirm or not, and
whether the person has referrals and in which state (that, and no more, for a border officer)."""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date, datetime
from uuid import UUID

from sqlalchemy import Engine, select

from rmis.protection import access
from rmis.protection.indicators import STATELESS_CODES
from rmis.protection.model import PENDING
from rmis.protection.reading import stored_patterns
from rmis.security import Principal
from rmis.store import as_utc
from rmis.store.schema import referrals, travellers


@dataclass(frozen=True, slots=True)
class Suggestion:
    indicator: str
    why: str


@dataclass(frozen=True, slots=True)
class AtCheck:
    suggested: list[Suggestion] = field(default_factory=list)
    patterns: list[dict] = field(default_factory=list)
    referrals: list[dict] = field(default_factory=list)  # id, state, created_at
    pending_claim: bool = False

    def to_dict(self) -> dict:
        return {
            "suggested": [{"indicator": s.indicator, "why": s.why} for s in self.suggested],
            "patterns": self.patterns,
            "referrals": self.referrals,
            "pending_claim": self.pending_claim,
        }


def _age(born: date | None, on: date) -> int | None:
    if born is None:
        return None
    return on.year - born.year - ((on.month, on.day) < (born.month, born.day))


def at_check(
    engine: Engine,
    principal: Principal,
    *,
    traveller_id: UUID | None,
    nationality: str | None,
    birth_date: date | None,
    on: date,
    now: datetime,
    purpose: str = "border check",
) -> AtCheck:
    """Suggestions for the person at the desk, their referrals' states and whether a claim is
    pending. Each suggestion is a question for the officer, never a finding."""
    suggested: list[Suggestion] = []
    age = _age(birth_date, on)
    if age is not None and age < 18:
        suggested.append(Suggestion(
            "child_alone", f"{age} years old by the birth date: ask who travels with them"
        ))  # fmt: skip
    if nationality in STATELESS_CODES:
        suggested.append(Suggestion(
            "stateless", f"the document's nationality is {nationality} (ICAO: no or "
            "unspecified nationality)"
        ))  # fmt: skip
    if traveller_id is None:
        return AtCheck(suggested)
    # The person and any id merged into theirs, in the statements themselves: two indexed
    # SELECTs in the common case (no referral, no pattern), so the check stays fast.
    ids = select(travellers.c.id).where(
        (travellers.c.id == traveller_id) | (travellers.c.merged_into == traveller_id)
    )
    with engine.begin() as connection:
        # Found by the last run over the state's crossings (find_group_patterns): an index
        # lookup, whatever the size of the record.
        patterns = stored_patterns(connection, ids, principal.state)
        for pattern in patterns:
            suggested.append(Suggestion(
                "controlling_companion",
                f"crossed in with {pattern['parties']} different groups and left without them",
            ) if pattern["kind"] == "companion" else Suggestion(
                "child_alone",
                f"crossed in with children of other families {pattern['parties']} times "
                "and left without them",
            ))  # fmt: skip
        if principal.role not in access.READ_FULL | access.READ_SUMMARY:
            return AtCheck(suggested, patterns)
        rows = connection.execute(
            select(referrals.c.id, referrals.c.state, referrals.c.need, referrals.c.created_at)
            .where(referrals.c.traveller_id.in_(ids))
            .where(referrals.c.host_state == principal.state)
            .order_by(referrals.c.created_at.desc())
        ).all()
        if rows:  # what was read of protection data is audited; nothing read, nothing to log
            access.audit(
                connection,
                principal,
                "protection.read",
                str(traveller_id),
                purpose,
                now,
                {"what": "referral states at the check", "referrals": len(rows)},
            )
    pending = any(r.need == "asylum" and r.state in PENDING for r in rows)
    return AtCheck(
        suggested,
        patterns,
        [{"id": str(r.id), "state": r.state, "created_at": as_utc(r.created_at).isoformat()}
         for r in rows],
        pending,
    )  # fmt: skip
