"""Accounts: creating principals, officers' passwords (argon2) and machines' API tokens.

Tokens are shown once and stored only as a SHA-256 digest: a token is 256 random bits, so a
fast digest is enough to look it up and a stolen table gives nobody a usable token.
"""

from __future__ import annotations

import hashlib
import secrets
from collections.abc import Iterable
from datetime import datetime, timedelta

from argon2 import PasswordHasher
from argon2.exceptions import VerificationError
from sqlalchemy import Connection, Engine, bindparam, insert, select
from uuid6 import uuid7

from rmis.reference.countries import code_problem
from rmis.security.audit import append_audit
from rmis.security.principals import AccessDenied, Principal, Role
from rmis.store.schema import api_tokens, bcps, principal_bcps, principals

TOKEN_PREFIX = "rmis_"
SESSION_LIFETIME = timedelta(hours=12)  # one shift at a BCP
_hasher = PasswordHasher()


class AccountError(ValueError):
    def __init__(self, code: str, message: str) -> None:
        super().__init__(message)
        self.code = code


def _token_digest(token: str) -> str:
    return hashlib.sha256(token.encode()).hexdigest()


def create_principal(
    engine: Engine,
    *,
    name: str,
    role: Role,
    state: str,
    bcp_codes: Iterable[str] = (),
    password: str | None = None,
    now: datetime,
    created_by: str = "rmis users create",
) -> str:
    """Create a principal and return a new API token for it (the only time it is shown).

    Raises AccountError when the scope names what does not exist: a role that is not a Role
    (`unknown_role`), a state that is not an ICAO 9303 code (`unknown_country`, or
    `specimen_country` for UTO) or has no BCP in the record's reference list
    (`state_without_bcps`: every record belongs to the state of a BCP, so a principal of such a
    state would see nothing and record nothing), a BCP not in that list (`unknown_bcp`) or not
    in the state (`bcp_outside_state`).
    """
    try:
        role = Role(role)
    except ValueError:
        roles = ", ".join(r.value for r in Role)
        raise AccountError("unknown_role", f"no role {role!r}; roles: {roles}") from None
    problem = code_problem("state", state)
    if problem is not None:
        raise AccountError(*problem)
    bcp_codes = sorted(set(bcp_codes))
    if role is Role.BORDER_OFFICER and not bcp_codes:
        raise AccountError("bcp_required", "a border officer must be posted to at least one BCP")
    with engine.begin() as connection:
        if connection.execute(select(principals.c.id).where(principals.c.name == name)).first():
            raise AccountError("name_taken", f"a principal named {name!r} already exists")
        states = set(connection.execute(select(bcps.c.state).distinct()).scalars())
        if state not in states:
            raise AccountError(
                "state_without_bcps",
                f"the record has no BCP of {state}; principals belong to a state with BCPs: "
                + ", ".join(sorted(states)),
            )
        known = dict(
            connection.execute(
                select(bcps.c.code, bcps.c.state).where(bcps.c.code.in_(bcp_codes))
            ).all()
        )
        for code in bcp_codes:
            if code not in known:
                raise AccountError("unknown_bcp", f"no BCP with code {code!r}")
            if known[code] != state:
                raise AccountError(
                    "bcp_outside_state", f"{code} is in {known[code]}, not in {state}"
                )
        principal_id = uuid7()
        connection.execute(
            insert(principals).values(
                id=principal_id,
                name=name,
                role=role.value,
                state=state,
                password_hash=_hasher.hash(password) if password else None,
                created_at=now,
                disabled=False,
            )
        )
        if bcp_codes:
            connection.execute(
                insert(principal_bcps),
                [{"principal_id": principal_id, "bcp_code": code} for code in bcp_codes],
            )
        token = _issue_token(connection, principal_id, now)
        append_audit(
            connection,
            at=now,
            principal=created_by,
            action="principals.create",
            subject=name,
            purpose="account administration",
            detail={"role": role.value, "state": state, "bcps": bcp_codes},
        )
    return token


def _issue_token(
    connection: Connection, principal_id, now: datetime, expires_at: datetime | None = None
) -> str:
    token = TOKEN_PREFIX + secrets.token_urlsafe(32)
    connection.execute(
        insert(api_tokens).values(
            id=uuid7(),
            principal_id=principal_id,
            token_hash=_token_digest(token),
            created_at=now,
            expires_at=expires_at,
        )
    )
    return token


# The principal and its BCPs in one query: a row per BCP (one with None for no BCP).
_PRINCIPAL_FOR_TOKEN = (
    select(principals.c.name, principals.c.role, principals.c.state, principal_bcps.c.bcp_code)
    .select_from(
        principals.join(api_tokens, api_tokens.c.principal_id == principals.c.id).outerjoin(
            principal_bcps, principal_bcps.c.principal_id == principals.c.id
        )
    )
    .where(
        (api_tokens.c.token_hash == bindparam("token_hash"))
        & api_tokens.c.revoked_at.is_(None)
        & (
            api_tokens.c.expires_at.is_(None)
            | (api_tokens.c.expires_at > bindparam("now", type_=api_tokens.c.expires_at.type))
        )
        & ~principals.c.disabled
    )
)


def _principal_of_rows(rows: list) -> Principal | None:
    """A principal from its rows, one per BCP (one with None for no BCP)."""
    if not rows:
        return None
    name, role, state, _ = rows[0]
    codes = frozenset(row.bcp_code for row in rows if row.bcp_code is not None)
    return Principal(name, Role(role), state, codes)


def principal_for_token(connection: Connection, token: str, now: datetime) -> Principal | None:
    """The active principal holding this unexpired, unrevoked token, or None."""
    return _principal_of_rows(
        connection.execute(
            _PRINCIPAL_FOR_TOKEN, {"token_hash": _token_digest(token), "now": now}
        ).all()
    )


_PRINCIPAL_NAMED = (
    select(principals.c.name, principals.c.role, principals.c.state, principal_bcps.c.bcp_code)
    .select_from(
        principals.outerjoin(principal_bcps, principal_bcps.c.principal_id == principals.c.id)
    )
    .where((principals.c.name == bindparam("name")) & ~principals.c.disabled)
)


def principal_named(engine: Engine, name: str) -> Principal:
    """The active principal of that name, for a command run at a terminal on its behalf.

    Raises AccessDenied("unknown_principal") when there is none (or it is disabled)."""
    with engine.connect() as connection:
        principal = _principal_of_rows(connection.execute(_PRINCIPAL_NAMED, {"name": name}).all())
    if principal is None:
        raise AccessDenied("unknown_principal", f"no active principal named {name!r}")
    return principal


def log_in(engine: Engine, name: str, password: str, now: datetime) -> tuple[str, datetime]:
    """A session token for an officer's name and password, and when it expires.

    Raises AccountError("login_failed") without saying which of the two was wrong.
    """
    with engine.begin() as connection:
        row = _password_holder(connection, name, password)
        if row is None:
            raise AccountError("login_failed", "unknown name or wrong password")
        expires_at = now + SESSION_LIFETIME
        token = _issue_token(connection, row.id, now, expires_at)
        append_audit(
            connection,
            at=now,
            principal=name,
            action="principals.log_in",
            subject=name,
            purpose="log in",
        )
    return token, expires_at


def _password_holder(connection: Connection, name: str, password: str):
    row = connection.execute(
        select(
            principals.c.id,
            principals.c.name,
            principals.c.role,
            principals.c.state,
            principals.c.password_hash,
        ).where((principals.c.name == name) & ~principals.c.disabled)
    ).first()
    if row is None or row.password_hash is None:
        return None
    try:
        _hasher.verify(row.password_hash, password)
    except VerificationError:
        return None
    return row
