"""Accounts that resist attack: throttling and lockout, the same work for unknown names, the
password policy, logout, machine tokens that expire and rotate, disable/enable/revoke, all
audited."""

from datetime import UTC, datetime, timedelta

import pytest
from sqlalchemy import select

from rmis.security import accounts
from rmis.security.accounts import (
    MACHINE_TOKEN_LIFETIME,
    AccountError,
    create_principal,
    log_in,
    log_out,
    principal_for_token,
    revoke_tokens,
    rotate_token,
    set_disabled,
    set_password,
    unlock,
)
from rmis.security.principals import Role
from rmis.security.throttle import FREE_FAILURES, LOCK_AFTER, delay_after
from rmis.store.schema import audit_log

NOW = datetime(2026, 11, 23, 8, 0, tzinfo=UTC)
GOOD = "a long enough passphrase"


@pytest.fixture
def officer(engine):
    return create_principal(engine, name="off", role=Role.BORDER_OFFICER, state="KAZ",
                            bcp_codes=["KAZ-ALA"], password=GOOD, now=NOW)  # fmt: skip


def _code(engine, name, password, at, client=None):
    try:
        log_in(engine, name, password, at, client)
    except AccountError as error:
        return error.code, error.retry_after
    return "ok", None


def _actions(engine, action):
    with engine.connect() as connection:
        return connection.execute(
            select(audit_log.c.subject, audit_log.c.detail)
            .where(audit_log.c.action == action)
            .order_by(audit_log.c.seq)
        ).all()


@pytest.mark.parametrize("name", ["off", "nobody"])
def test_failures_slow_a_name_down_then_lock_it_until_an_admin_lifts_it(engine, officer, name):
    at = NOW
    for _ in range(FREE_FAILURES):
        assert _code(engine, name, "wrong", at) == ("login_failed", None)
    # The next attempt at once is refused without a password check, with the time to wait.
    code, retry = _code(engine, name, GOOD, at)
    assert code == "login_throttled" and retry == delay_after(FREE_FAILURES).total_seconds()
    while True:
        at += delay_after(LOCK_AFTER) + timedelta(seconds=1)
        code, _ = _code(engine, name, "wrong", at)
        if code != "login_failed":
            break
    # Names that exist and names that do not are locked alike: the lock tells nothing.
    assert code == "login_locked"
    assert _code(engine, name, GOOD, at + timedelta(days=3))[0] == "login_locked"
    if name == "off":
        assert unlock(engine, "off", at, by="admin.1")
        assert _code(engine, "off", GOOD, at)[0] == "ok"
    refused = _actions(engine, "principals.log_in_refused")
    reasons = [detail["reason"] for _, detail in refused]
    assert reasons.count("unknown_name" if name == "nobody" else "wrong_password") == LOCK_AFTER
    assert {"login_throttled", "login_locked"} <= set(reasons)


def test_an_address_is_slowed_across_names_but_never_locked(engine, officer):
    for i in range(FREE_FAILURES):
        assert _code(engine, f"guess{i}", "wrong", NOW, "10.0.0.9")[0] == "login_failed"
    assert _code(engine, "off", GOOD, NOW, "10.0.0.9")[0] == "login_throttled"
    assert _code(engine, "off", GOOD, NOW, "10.0.0.8")[0] == "ok"  # another desk is not slowed
    later = NOW + delay_after(FREE_FAILURES)
    assert _code(engine, "off", GOOD, later, "10.0.0.9")[0] == "ok"


def test_an_unknown_name_costs_the_same_password_check(engine, officer, monkeypatch):
    checked = []
    real = accounts._verify
    monkeypatch.setattr(accounts, "_verify", lambda h, p: checked.append(h) or real(h, p))
    for name in ("off", "nobody"):
        assert _code(engine, name, "wrong", NOW)[0] == "login_failed"
    # One argon2 check each, with the same parameters: the answer's time tells nothing.
    assert len(checked) == 2
    assert checked[0].rsplit("$", 2)[0] == checked[1].rsplit("$", 2)[0]


@pytest.mark.parametrize(
    ("password", "code"),
    [("short", "password_too_short"), ("Password123!", "password_common"),
     ("qwertyuiop12", "password_common"), ("x" * 300, "password_too_long"),
     ("pass\x00word-long-enough", "password_control_characters"),
     ("my name is new.one!", "password_is_name")],
)  # fmt: skip
def test_the_password_policy_refuses_weak_passwords(engine, password, code):
    with pytest.raises(AccountError) as refused:
        create_principal(engine, name="new.one", role=Role.ANALYST, state="KAZ",
                         password=password, now=NOW)  # fmt: skip
    assert refused.value.code == code


def test_logging_out_ends_the_session(engine, officer):
    token, _ = log_in(engine, "off", GOOD, NOW)
    assert log_out(engine, token, NOW)
    with engine.connect() as connection:
        assert principal_for_token(connection, token, NOW) is None
    assert not log_out(engine, token, NOW)
    assert [s for s, _ in _actions(engine, "principals.log_out")] == ["off"]


def test_machine_tokens_expire_and_rotate_with_a_grace_period(engine, officer):
    with engine.connect() as connection:
        assert principal_for_token(connection, officer, NOW + MACHINE_TOKEN_LIFETIME) is None
    new, expires = rotate_token(engine, "off", NOW, by="admin.1", grace=timedelta(hours=2))
    assert expires == NOW + MACHINE_TOKEN_LIFETIME
    with engine.connect() as connection:
        assert principal_for_token(connection, officer, NOW + timedelta(hours=1)) is not None
        assert principal_for_token(connection, officer, NOW + timedelta(hours=3)) is None
        assert principal_for_token(connection, new, NOW + timedelta(days=30)).name == "off"


def test_disable_enable_revoke_and_set_password_are_audited(engine, officer):
    session, _ = log_in(engine, "off", GOOD, NOW)
    set_disabled(engine, "off", True, NOW, by="admin.1")
    assert _code(engine, "off", GOOD, NOW)[0] == "login_failed"
    with engine.connect() as connection:
        assert principal_for_token(connection, session, NOW) is None
    set_disabled(engine, "off", False, NOW, by="admin.1")
    assert revoke_tokens(engine, "off", NOW, by="admin.1") == 2  # the machine's and the session's
    with engine.connect() as connection:
        assert principal_for_token(connection, officer, NOW) is None
    with pytest.raises(AccountError, match="20,000"):
        set_password(engine, "off", "iloveyou1234", NOW, by="admin.1")
    set_password(engine, "off", "another fine passphrase", NOW, by="admin.1")
    assert _code(engine, "off", "another fine passphrase", NOW)[0] == "ok"
    with pytest.raises(AccountError) as unknown:
        set_disabled(engine, "ghost", True, NOW, by="admin.1")
    assert unknown.value.code == "unknown_principal"
    with engine.connect() as connection:
        actions = (
            connection.execute(select(audit_log.c.action).where(audit_log.c.principal == "admin.1"))
            .scalars()
            .all()
        )
    assert actions == ["principals.disable", "principals.enable", "principals.revoke_tokens",
                       "principals.set_password"]  # fmt: skip


def test_a_hash_made_with_older_settings_is_made_again_at_a_good_login(engine, officer):
    from argon2 import PasswordHasher
    from sqlalchemy import update

    from rmis.store.schema import principals

    old = PasswordHasher(parallelism=4).hash(GOOD)
    with engine.begin() as connection:
        connection.execute(update(principals).values(password_hash=old))
    log_in(engine, "off", GOOD, NOW)
    with engine.connect() as connection:
        now_hash = connection.execute(select(principals.c.password_hash)).scalar_one()
    assert "p=1" in now_hash and "p=4" in old
