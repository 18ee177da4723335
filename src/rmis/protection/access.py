"""Need to know: who may write and read which protection data, and the audit of every read."""

from __future__ import annotations

from datetime import datetime
from typing import Any

from sqlalchemy import Connection, Table

from rmis.security import AccessDenied, Principal, Role, append_audit

# At first contact the border officer records what they saw and may refer; only protection
# officers read what was recorded and move referrals on.
WRITE_INDICATORS = frozenset({Role.BORDER_OFFICER, Role.SUPERVISOR, Role.PROTECTION_OFFICER})
REFER = WRITE_INDICATORS
MOVE = frozenset({Role.PROTECTION_OFFICER, Role.AGENCY})
READ_FULL = frozenset({Role.PROTECTION_OFFICER})
# The receiving agency's account reads, in its queues and one by one, only the referrals made
# to its own agency (see own_referrals), and answers them; revoking is the referring state's.
READ_REFERRALS = frozenset({Role.PROTECTION_OFFICER, Role.AGENCY})
AGENCY_MOVES = frozenset({"accepted", "rejected", "done"})
# Border officers and supervisors see that a referral exists and its state, nothing more.
READ_SUMMARY = frozenset({Role.BORDER_OFFICER, Role.SUPERVISOR})
# Analysts see counts with small cells suppressed.
READ_COUNTS = frozenset({Role.ANALYST, Role.PROTECTION_OFFICER, Role.SUPERVISOR})


def require(principal: Principal, roles: frozenset[Role], action: str) -> None:
    principal.require_role(roles, action)


def own_referrals(principal: Principal, referrals: Table):
    """Which referrals the principal may read at all: its state's; an agency account's, only
    those made to its agency. Anything else is answered as not found."""
    scope = referrals.c.host_state == principal.state
    if principal.role is Role.AGENCY:
        scope = scope & (referrals.c.agency == principal.agency)
    return scope


def require_agency_move(principal: Principal, state: str) -> None:
    if principal.role is Role.AGENCY and state not in AGENCY_MOVES:
        raise AccessDenied(
            "role_not_allowed", f"an agency answers its referrals (accepted, rejected, done); "
            f"{state} is for the state's protection officers"
        )  # fmt: skip


def require_bcp(principal: Principal, bcp_code: str | None, bcp_state: str | None) -> None:
    """A BCP named with protection data is one of the principal's state, and a border officer's
    own post."""
    if bcp_code is None:
        return
    if bcp_state != principal.state:
        raise AccessDenied(
            "outside_state_scope", f"{principal.name} works for {principal.state}; "
            f"{bcp_code} is in {bcp_state}"
        )  # fmt: skip
    if principal.role is Role.BORDER_OFFICER and bcp_code not in principal.bcps:
        raise AccessDenied("outside_bcp_scope", f"{principal.name} is not posted at {bcp_code}")


def audit(
    connection: Connection,
    principal: Principal,
    action: str,
    subject: str,
    purpose: str,
    now: datetime,
    detail: Any = None,
) -> None:
    append_audit(
        connection, at=now, principal=principal.name, action=action, subject=subject,
        purpose=purpose, detail={"role": str(principal.role), **(detail or {})},
    )  # fmt: skip
