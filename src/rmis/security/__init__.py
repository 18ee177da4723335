"""Principals, roles and scopes, accounts and tokens, the audit log.

This is the room's one door: other rooms use what is named here and nothing else of security.
"""

from rmis.security.accounts import (
    MACHINE_TOKEN_LIFETIME,
    AccountError,
    create_principal,
    log_in,
    log_out,
    principal_for_token,
    principal_named,
    refuse_busy,
    revoke_tokens,
    rotate_token,
    set_disabled,
    set_password,
    unlock,
)
from rmis.security.audit import (
    AuditVerdict,
    Checkpoint,
    Sealed,
    append_audit,
    append_audit_now,
    seal_audit,
    verify_audit,
    verify_chain,
)
from rmis.security.gate import LoginBusy, LoginGate
from rmis.security.keys import AuditKeys, KeyringError, load_keys, rotate_keys
from rmis.security.principals import (
    PERMIT_ROLES,
    READING_ROLES,
    RECORDING_ROLES,
    AccessDenied,
    Principal,
    Role,
)
from rmis.security.sealer import AuditSealer
from rmis.security.search import AUDIT_SEARCH_ROLES, AuditQuery, audited_search

__all__ = [
    "AUDIT_SEARCH_ROLES",
    "MACHINE_TOKEN_LIFETIME",
    "PERMIT_ROLES",
    "READING_ROLES",
    "RECORDING_ROLES",
    "AccessDenied",
    "AccountError",
    "AuditKeys",
    "AuditQuery",
    "AuditSealer",
    "AuditVerdict",
    "Checkpoint",
    "KeyringError",
    "LoginBusy",
    "LoginGate",
    "Principal",
    "Role",
    "Sealed",
    "append_audit",
    "append_audit_now",
    "audited_search",
    "create_principal",
    "load_keys",
    "log_in",
    "log_out",
    "principal_for_token",
    "principal_named",
    "refuse_busy",
    "revoke_tokens",
    "rotate_keys",
    "rotate_token",
    "seal_audit",
    "set_disabled",
    "set_password",
    "unlock",
    "verify_audit",
    "verify_chain",
]
