import hashlib
from datetime import UTC, datetime, timedelta

import pytest
from sqlalchemy import func, select, update

from rmis.security.accounts import (
    SESSION_LIFETIME,
    AccountError,
    create_principal,
    log_in,
    principal_for_token,
    principal_named,
)
from rmis.security.principals import AccessDenied, Principal, Role
from rmis.store.schema import api_tokens, principals

NOW = datetime(2026, 11, 23, 8, 0, tzinfo=UTC)


def test_a_new_principals_token_identifies_it_with_its_scope(engine):
    token = create_principal(
        engine,
        name="a.officer",
        role=Role.BORDER_OFFICER,
        state="KAZ",
        bcp_codes=["KAZ-ALA", "KAZ-DOSTYK-RAIL"],
        now=NOW,
    )
    with engine.connect() as connection:
        principal = principal_for_token(connection, token, NOW)
        assert principal == Principal(
            "a.officer", Role.BORDER_OFFICER, "KAZ", frozenset({"KAZ-ALA", "KAZ-DOSTYK-RAIL"})
        )
        assert principal_for_token(connection, token + "x", NOW) is None


@pytest.mark.parametrize(
    ("kwargs", "code"),
    [
        ({"role": Role.BORDER_OFFICER, "state": "KAZ"}, "bcp_required"),
        (
            {"role": Role.BORDER_OFFICER, "state": "KAZ", "bcp_codes": ["UZB-TAS"]},
            "bcp_outside_state",
        ),
        ({"role": Role.SUPERVISOR, "state": "KAZ", "bcp_codes": ["KAZ-NOPE"]}, "unknown_bcp"),
        # The state must be an ICAO 9303 code, and one with BCPs in the record.
        ({"role": Role.ANALYST, "state": "XYZ"}, "unknown_country"),
        ({"role": Role.ANALYST, "state": "kaz"}, "unknown_country"),
        ({"role": Role.ANALYST, "state": "UTO"}, "specimen_country"),
        ({"role": Role.ANALYST, "state": "XXA"}, "state_without_bcps"),
        ({"role": Role.SUPERVISOR, "state": "FRA"}, "state_without_bcps"),
        ({"role": "king", "state": "KAZ"}, "unknown_role"),
    ],
)
def test_scopes_must_make_sense(engine, kwargs, code):
    with pytest.raises(AccountError) as error:
        create_principal(engine, name="x", now=NOW, **kwargs)
    assert error.value.code == code
    with engine.connect() as connection:
        assert connection.execute(select(func.count()).select_from(principals)).scalar() == 0


def test_a_state_without_bcps_is_refused_with_the_states_that_have_them(engine):
    with pytest.raises(AccountError, match="no BCP of FRA") as error:
        create_principal(engine, name="x", role=Role.ANALYST, state="FRA", now=NOW)
    assert "KAZ" in str(error.value) and "UZB" in str(error.value)


def test_a_role_given_as_its_name_is_taken(engine):
    token = create_principal(engine, name="a", role="analyst", state="KGZ", now=NOW)
    with engine.connect() as connection:
        assert principal_for_token(connection, token, NOW).role is Role.ANALYST


def test_names_are_unique(engine):
    create_principal(engine, name="analyst", role=Role.ANALYST, state="UZB", now=NOW)
    with pytest.raises(AccountError) as error:
        create_principal(engine, name="analyst", role=Role.ANALYST, state="UZB", now=NOW)
    assert error.value.code == "name_taken"


def test_officers_log_in_with_a_password_for_one_shift(engine):
    create_principal(
        engine,
        name="b.officer",
        role=Role.BORDER_OFFICER,
        state="UZB",
        bcp_codes=["UZB-TAS"],
        password="correct horse battery",
        now=NOW,
    )
    with pytest.raises(AccountError) as error:
        log_in(engine, "b.officer", "wrong", NOW)
    assert error.value.code == "login_failed"
    token, expires_at = log_in(engine, "b.officer", "correct horse battery", NOW)
    assert expires_at == NOW + SESSION_LIFETIME
    with engine.connect() as connection:
        assert principal_for_token(connection, token, NOW + timedelta(hours=1)).name == "b.officer"
        assert principal_for_token(connection, token, expires_at + timedelta(seconds=1)) is None


def test_a_token_stops_working_at_once_when_revoked_or_its_holder_disabled(engine):
    token = create_principal(engine, name="sup", role=Role.SUPERVISOR, state="TJK", now=NOW)
    other = create_principal(engine, name="sup2", role=Role.SUPERVISOR, state="TJK", now=NOW)
    with engine.connect() as connection:
        # No BCPs: the principal is still found, with an empty posting.
        assert principal_for_token(connection, token, NOW) == Principal(
            "sup", Role.SUPERVISOR, "TJK", frozenset()
        )
    with engine.begin() as connection:
        digest = hashlib.sha256(token.encode()).hexdigest()
        connection.execute(
            update(api_tokens).where(api_tokens.c.token_hash == digest).values(revoked_at=NOW)
        )
        connection.execute(
            update(principals).where(principals.c.name == "sup2").values(disabled=True)
        )
    with engine.connect() as connection:
        assert principal_for_token(connection, token, NOW) is None
        assert principal_for_token(connection, other, NOW) is None


def test_a_principal_is_found_by_name_with_its_posting_unless_disabled(engine):
    create_principal(engine, name="o", role=Role.BORDER_OFFICER, state="KAZ",
                     bcp_codes=["KAZ-ALA"], now=NOW)  # fmt: skip
    assert principal_named(engine, "o") == Principal(
        "o", Role.BORDER_OFFICER, "KAZ", frozenset({"KAZ-ALA"})
    )
    with engine.begin() as connection:
        connection.execute(update(principals).where(principals.c.name == "o").values(disabled=True))
    for name in ("o", "nobody"):
        with pytest.raises(AccessDenied) as refused:
            principal_named(engine, name)
        assert refused.value.code == "unknown_principal"
