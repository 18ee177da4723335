"""Accounts: creating principals, officers' passwords (argon2) and machines' API tokens.

Tokens are shown once and stored only as a SHA-256 digest: a token is 256 random bits, so a
fast digest is enough to look it up and a stolen table gives nobody a usable token. Machine
tokens expire too (MACHINE_TOKEN_LIFETIME) and are rotated with a grace period; logins are
throttled (throttle.py) and do the same work for a name that does not exist as for one that
does, so that neither the answer nor its time tells which names are real. Every change to an
account, and every refused login, is in the audit log.
"""

from __future__ import annotations

import hashlib
import os
import secrets
import sys
import threading
import time
from collections.abc import Iterable
from concurrent.futures import ThreadPoolExecutor
from datetime import datetime, timedelta
from functools import cache

from argon2 import PasswordHasher
from argon2.exceptions import VerificationError
from sqlalchemy import Connection, Engine, bindparam, insert, select, update
from uuid6 import uuid7

from rmis.reference.countries import code_problem
from rmis.security.audit import append_audit
from rmis.security.gate import LoginBusy, LoginGate
from rmis.security.passwords import PasswordRefused, check_password
from rmis.security.principals import AccessDenied, Principal, Role
from rmis.security.throttle import address_key, forget, name_key, note_failure, refusal
from rmis.store.schema import api_tokens, bcps, principal_bcps, principals

TOKEN_PREFIX = "rmis_"
SESSION_LIFETIME = timedelta(hours=12)  # one shift at a BCP
MACHINE_TOKEN_LIFETIME = timedelta(days=90)
# How long a rotated machine token still works, for the machine to take up its new one.
ROTATION_GRACE = timedelta(days=1)
# OWASP's argon2id setting (46 MiB, one pass, one lane): one core per hash, not all of them,
# so a flood of logins cannot starve the recordings (bench/login_load_bench.py). Hashes made
# with other settings still verify and are made again at the next good login.
_hasher = PasswordHasher(time_cost=1, memory_cost=47_104, parallelism=1)


def _lowest_priority() -> None:
    # Linux schedules threads as tasks: this one yields the CPU to every request thread.
    if sys.platform == "linux":
        os.setpriority(os.PRIO_PROCESS, threading.get_native_id(), 19)


# Every argon2 hash of the process in one thread at the lowest CPU priority: a flood of logins
# then uses one core at most, and only what recordings and reads leave of it.
_HASHING = ThreadPoolExecutor(1, thread_name_prefix="rmis-argon2", initializer=_lowest_priority)


class AccountError(ValueError):
    def __init__(self, code: str, message: str, *, retry_after: int | None = None) -> None:
        super().__init__(message)
        self.code = code
        self.retry_after = retry_after  # seconds, for a throttled login


@cache
def _unknown_name_hash() -> str:
    """What a password is checked against when the name has none: the same argon2 work."""
    return _hasher.hash(secrets.token_urlsafe(16))


def _checked(password_hash: str, password: str) -> bool:
    try:
        return _hasher.verify(password_hash, password)
    except VerificationError:
        return False


def _verify(password_hash: str, password: str) -> bool:
    return _HASHING.submit(_checked, password_hash, password).result()


def _hash(password: str) -> str:
    return _HASHING.submit(_hasher.hash, password).result()


def _shown(name: str) -> str:
    """A name as the audit log can hold it: control characters escaped, 128 characters."""
    return "".join(c if c.isprintable() else repr(c)[1:-1] for c in name)[:128]


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
    agency: str | None = None,
    token_lifetime: timedelta | None = MACHINE_TOKEN_LIFETIME,
) -> str:
    """Create a principal and return a new API token for it (the only time it is shown).

    Raises AccountError when the scope names what does not exist: a role that is not a Role
    (`unknown_role`), a state that is not an ICAO 9303 code (`unknown_country`, or
    `specimen_country` for UTO) or has no BCP in the record's reference list
    (`state_without_bcps`: every record belongs to the state of a BCP, so a principal of such a
    state would see nothing and record nothing), a BCP not in that list (`unknown_bcp`) or not
    in the state (`bcp_outside_state`); an agency account without its agency's code
    (`agency_required`), or another role with one (`agency_only_for_agency`). Which codes name
    agencies is protection's list, checked by the caller (security sits below protection).
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
    _check_name(name)
    if password is not None:
        _check_policy(password, name)
    if role is Role.BORDER_OFFICER and not bcp_codes:
        raise AccountError("bcp_required", "a border officer must be posted to at least one BCP")
    if role is Role.AGENCY and not (agency and agency.strip()):
        raise AccountError("agency_required", "an agency account names its agency's code")
    if role is not Role.AGENCY and agency is not None:
        raise AccountError("agency_only_for_agency", "only an agency account names an agency")
    if role is Role.AGENCY and bcp_codes:
        raise AccountError("bcp_not_for_role", "an agency account is posted at no BCP")
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
                password_hash=_hash(password) if password else None,
                created_at=now,
                disabled=False,
                agency=agency,
            )
        )
        if bcp_codes:
            connection.execute(
                insert(principal_bcps),
                [{"principal_id": principal_id, "bcp_code": code} for code in bcp_codes],
            )
        expires = now + token_lifetime if token_lifetime else None
        token = _issue_token(connection, principal_id, now, expires)
        append_audit(
            connection,
            at=now,
            principal=created_by,
            action="principals.create",
            subject=name,
            purpose="account administration",
            detail={"role": role.value, "state": state, "bcps": bcp_codes,
                    "agency": agency, "token_expires_at": expires},
        )  # fmt: skip
    return token


def _check_name(name: str) -> None:
    if not 1 <= len(name) <= 128 or not name.isprintable() or name != name.strip():
        raise AccountError(
            "invalid_name", "a login name has 1 to 128 printable characters, no outer spaces"
        )


def _check_policy(password: str, name: str) -> None:
    try:
        check_password(password, name)
    except PasswordRefused as refused:
        raise AccountError(refused.code, str(refused)) from None


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
    select(
        principals.c.name,
        principals.c.role,
        principals.c.state,
        principal_bcps.c.bcp_code,
        principals.c.agency,
    )
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
    name, role, state, _, agency = rows[0]
    codes = frozenset(row.bcp_code for row in rows if row.bcp_code is not None)
    return Principal(name, Role(role), state, codes, agency)


def principal_for_token(connection: Connection, token: str, now: datetime) -> Principal | None:
    """The active principal holding this unexpired, unrevoked token, or None."""
    return _principal_of_rows(
        connection.execute(
            _PRINCIPAL_FOR_TOKEN, {"token_hash": _token_digest(token), "now": now}
        ).all()
    )


_PRINCIPAL_NAMED = (
    select(
        principals.c.name,
        principals.c.role,
        principals.c.state,
        principal_bcps.c.bcp_code,
        principals.c.agency,
    )
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


def log_in(
    engine: Engine,
    name: str,
    password: str,
    now: datetime,
    client: str | None = None,
    gate: LoginGate | None = None,
) -> tuple[str, datetime]:
    """A session token for an officer's name and password, and when it expires.

    `client` is the address the attempt comes from (throttled apart from the name). Raises
    AccountError("login_failed") without saying which of the two was wrong, and
    AccountError("login_throttled" | "login_locked", retry_after=seconds) without checking the
    password at all. With a `gate`, the attempt first waits for its turn there (this thread
    sleeps), or is refused AccountError("login_busy", retry_after=seconds) when the gate's
    queue is full; a caller that waited for its turn itself passes none (the API, which
    waits without holding a thread). Every refusal is audited with its reason.
    """
    if gate is not None:
        try:
            wait = gate.reserve()
        except LoginBusy as busy:
            raise refuse_busy(engine, name, client, now, busy) from None
        time.sleep(wait)
    keys = [name_key(name)] + ([address_key(client)] if client else [])
    with engine.connect() as connection:
        refused = refusal(connection, keys, now)
    if refused is not None:
        _audit_refused_login(engine, name, client, refused.code, now)
        message = (
            "too many failed logins for this name: an administrator must unlock it"
            if refused.code == "login_locked"
            else f"too many failed logins: try again in {refused.retry_after_s} s"
        )
        raise AccountError(refused.code, message, retry_after=refused.retry_after_s)
    with engine.connect() as connection:
        row = connection.execute(
            select(principals.c.id, principals.c.password_hash, principals.c.disabled).where(
                principals.c.name == name
            )
        ).first()
    usable = row is not None and row.password_hash is not None and not row.disabled
    # The same argon2 work whether or not the name exists, has a password, or is disabled.
    matches = _verify(row.password_hash if usable else _unknown_name_hash(), password)
    if not (usable and matches):
        reason = (
            "unknown_name" if row is None
            else "no_password" if row.password_hash is None
            else "disabled" if row.disabled
            else "wrong_password"
        )  # fmt: skip
        with engine.begin() as connection:
            note_failure(connection, keys, now)
            _append_refused_login(connection, name, client, reason, now)
        raise AccountError("login_failed", "unknown name or wrong password")
    with engine.begin() as connection:
        forget(connection, name_key(name))
        if _hasher.check_needs_rehash(row.password_hash):
            connection.execute(
                update(principals)
                .where(principals.c.id == row.id)
                .values(password_hash=_hash(password))
            )
        expires_at = now + SESSION_LIFETIME
        token = _issue_token(connection, row.id, now, expires_at)
        append_audit(
            connection,
            at=now,
            principal=name,
            action="principals.log_in",
            subject=name,
            purpose="log in",
            detail={"client": client},
        )
    return token, expires_at


def refuse_busy(
    engine: Engine, name: str, client: str | None, now: datetime, busy: LoginBusy
) -> AccountError:
    """The refusal of an attempt the login gate had no room for, audited (`login_busy`)."""
    _audit_refused_login(engine, name, client, "login_busy", now)
    return AccountError("login_busy", str(busy), retry_after=busy.retry_after_s)


def _append_refused_login(connection, name, client, reason, now) -> None:
    append_audit(
        connection, at=now, principal=_shown(name), action="principals.log_in_refused",
        subject=_shown(name), purpose="log in", detail={"reason": reason, "client": client},
    )  # fmt: skip


def _audit_refused_login(engine, name, client, reason, now) -> None:
    with engine.begin() as connection:
        _append_refused_login(connection, name, client, reason, now)


def log_out(engine: Engine, token: str, now: datetime) -> bool:
    """Revoke this token (a session's end); False when it was not a live token."""
    with engine.begin() as connection:
        principal = principal_for_token(connection, token, now)
        if principal is None:
            return False
        connection.execute(
            update(api_tokens)
            .where(api_tokens.c.token_hash == _token_digest(token))
            .values(revoked_at=now)
        )
        append_audit(connection, at=now, principal=principal.name, action="principals.log_out",
                     subject=principal.name, purpose="log out")  # fmt: skip
    return True


def _principal_id(connection: Connection, name: str):
    found = connection.execute(select(principals.c.id).where(principals.c.name == name)).scalar()
    if found is None:
        raise AccountError("unknown_principal", f"no principal named {name!r}")
    return found


def _administer(engine, name, now, by, action, detail=None, work=None):
    """Run `work(connection, principal_id)` on an account and audit it as `action`."""
    with engine.begin() as connection:
        principal_id = _principal_id(connection, name)
        result = work(connection, principal_id) if work else None
        append_audit(connection, at=now, principal=by, action=action, subject=name,
                     purpose="account administration", detail=detail)  # fmt: skip
    return result


def set_disabled(engine: Engine, name: str, disabled: bool, now: datetime, by: str) -> None:
    """Disable an account (its tokens stop working at once) or enable it again."""

    def work(connection, principal_id):
        connection.execute(
            update(principals).where(principals.c.id == principal_id).values(disabled=disabled)
        )

    action = "principals.disable" if disabled else "principals.enable"
    _administer(engine, name, now, by, action, work=work)


def revoke_tokens(engine: Engine, name: str, now: datetime, by: str) -> int:
    """Revoke every live token of an account (sessions and machine tokens); how many."""

    def work(connection, principal_id):
        return connection.execute(
            update(api_tokens)
            .where((api_tokens.c.principal_id == principal_id) & api_tokens.c.revoked_at.is_(None))
            .values(revoked_at=now)
        ).rowcount

    count = _administer(engine, name, now, by, "principals.revoke_tokens", work=work)
    return count


def unlock(engine: Engine, name: str, now: datetime, by: str) -> bool:
    """Lift a lockout (and the count of failures) from a login name; False when none."""
    return _administer(engine, name, now, by, "principals.unlock",
                       work=lambda connection, _: forget(connection, name_key(name)))  # fmt: skip


def rotate_token(
    engine: Engine,
    name: str,
    now: datetime,
    by: str,
    lifetime: timedelta = MACHINE_TOKEN_LIFETIME,
    grace: timedelta = ROTATION_GRACE,
) -> tuple[str, datetime]:
    """A new machine token; the account's older ones keep working for `grace`, then expire."""

    def work(connection, principal_id):
        ending = now + grace
        connection.execute(
            update(api_tokens)
            .where(
                (api_tokens.c.principal_id == principal_id)
                & api_tokens.c.revoked_at.is_(None)
                & (api_tokens.c.expires_at.is_(None) | (api_tokens.c.expires_at > ending))
            )
            .values(expires_at=ending)
        )
        return _issue_token(connection, principal_id, now, now + lifetime)

    token = _administer(engine, name, now, by, "principals.rotate_token",
                        detail={"grace_ends": now + grace}, work=work)  # fmt: skip
    return token, now + lifetime


def set_password(engine: Engine, name: str, password: str, now: datetime, by: str) -> None:
    _check_policy(password, name)
    digest = _hash(password)
    _administer(engine, name, now, by, "principals.set_password",
                work=lambda connection, principal_id: connection.execute(
                    update(principals).where(principals.c.id == principal_id)
                    .values(password_hash=digest)))  # fmt: skip
