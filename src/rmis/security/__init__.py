"""Principals, roles and scopes, accounts and tokens, the audit log.

This is the room's one door: other rooms use what is named here and nothing else of security.
"""

from rmis.security.accounts import (
    AccountError,
    create_principal,
    log_in,
    principal_for_token,
    principal_named,
)
from rmis.security.audit import append_audit, verify_chain
from rmis.security.principals import (
    PERMIT_ROLES,
    READING_ROLES,
    RECORDING_ROLES,
    AccessDenied,
    Principal,
    Role,
)

__all__ = [
    "PERMIT_ROLES",
    "READING_ROLES",
    "RECORDING_ROLES",
    "AccessDenied",
    "AccountError",
    "Principal",
    "Role",
    "append_audit",
    "create_principal",
    "log_in",
    "principal_for_token",
    "principal_named",
    "verify_chain",
]
