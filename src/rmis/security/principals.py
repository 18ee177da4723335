"""Who is asking: principals, their roles and the scope each role may act in."""

from __future__ import annotations

from dataclasses import dataclass, field
from enum import StrEnum


class Role(StrEnum):
    BORDER_OFFICER = "border_officer"
    SUPERVISOR = "supervisor"
    ANALYST = "analyst"
    PROTECTION_OFFICER = "protection_officer"
    ADMIN = "admin"
    AUDITOR = "auditor"
    # A receiving agency's account (asylum authority, UNHCR partner...): bound to one agency
    # code of its state, it sees and moves on only the referrals made to that agency.
    AGENCY = "agency"


# Roles that record crossings; an officer only at the BCPs they are posted to.
RECORDING_ROLES = frozenset({Role.BORDER_OFFICER, Role.SUPERVISOR})
# Roles that read travellers' histories and stay status, always within their own state.
READING_ROLES = frozenset({Role.BORDER_OFFICER, Role.SUPERVISOR, Role.ANALYST})
# Roles that record permits and registrations.
PERMIT_ROLES = frozenset({Role.SUPERVISOR, Role.ADMIN})


class AccessDenied(PermissionError):
    """The principal's role or scope does not allow this action."""

    def __init__(self, code: str, message: str) -> None:
        super().__init__(message)
        self.code = code


@dataclass(frozen=True, slots=True)
class Principal:
    name: str
    role: Role
    state: str  # the host state whose records this principal may see (ICAO code)
    bcps: frozenset[str] = field(default_factory=frozenset)  # officers: the BCPs they work at
    agency: str | None = None  # an agency account: the code of its agency, None for any other

    def require_role(self, allowed: frozenset[Role], action: str) -> None:
        if self.role not in allowed:
            raise AccessDenied("role_not_allowed", f"role {self.role} may not {action}")

    def require_recording_at(self, bcp_code: str, bcp_state: str) -> None:
        self.require_role(RECORDING_ROLES, "record crossings")
        if bcp_state != self.state:
            raise AccessDenied(
                "outside_state_scope",
                f"{self.name} works for {self.state}; {bcp_code} is in {bcp_state}",
            )
        if self.role is Role.BORDER_OFFICER and bcp_code not in self.bcps:
            raise AccessDenied("outside_bcp_scope", f"{self.name} is not posted at {bcp_code}")
