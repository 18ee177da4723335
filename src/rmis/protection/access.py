"""Need to know: who may write and read which protection data, and the audit of every read."""

from __future__ import annotations

from datetime import datetime
from typing import Any

from sqlalchemy import Connection

from rmis.security import AccessDenied, Principal, Role, append_audit

# At first contact the border officer records what they saw and may refer; only protection
# officers read what was recorded and move referrals on.
WRITE_INDICATORS = frozenset({Role.BORDER_OFFICER, Role.SUPERVISOR, Role.PROTECTION_OFFICER})
REFER = WRITE_INDICATORS
MOVE = frozenset({Role.PROTECTION_OFFICER})
READ_FULL = frozenset({Role.PROTECTION_OFFICER})
# Border officers and supervisors see that a referral exists and its state, nothing more.
READ_SUMMARY = frozenset({Role.BORDER_OFFICER, Role.SUPERVISOR})
# Analysts see counts with small cells suppressed.
READ_COUNTS = frozenset({Role.ANALYST, Role.PROTECTION_OFFICER, Role.SUPERVISOR})


def require(principal: Principal, roles: frozenset[Role], action: str) -> None:
    principal.require_role(roles, action)


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
