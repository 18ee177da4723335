"""The receiving agency's account: a principal of role agency bound to one agency code of its
state, made with `rmis users create --role agency --agency CODE`; the code travels with it."""

from __future__ import annotations

from datetime import UTC, datetime

import pytest
from typer.testing import CliRunner

from rmis.cli import app
from rmis.security import AccountError, Principal, Role, principal_for_token, principal_named
from rmis.security.accounts import create_principal

NOW = datetime(2026, 11, 20, 9, 0, tzinfo=UTC)
runner = CliRunner()


def test_the_agency_travels_with_the_principal(engine):
    token = create_principal(engine, name="unhcr.kaz", role=Role.AGENCY, state="KAZ",
                             agency="unhcr_partner", now=NOW)  # fmt: skip
    expected = Principal("unhcr.kaz", Role.AGENCY, "KAZ", frozenset(), "unhcr_partner")
    with engine.connect() as connection:
        assert principal_for_token(connection, token, NOW) == expected
    assert principal_named(engine, "unhcr.kaz") == expected
    create_principal(engine, name="analyst", role=Role.ANALYST, state="KAZ", now=NOW)
    assert principal_named(engine, "analyst").agency is None


@pytest.mark.parametrize(
    ("kwargs", "code"),
    [
        ({"role": Role.AGENCY}, "agency_required"),
        ({"role": Role.AGENCY, "agency": " "}, "agency_required"),
        ({"role": Role.ANALYST, "agency": "unhcr_partner"}, "agency_only_for_agency"),
        ({"role": Role.AGENCY, "agency": "unhcr_partner", "bcp_codes": ["KAZ-ALA"]},
         "bcp_not_for_role"),
    ],
)  # fmt: skip
def test_an_agency_account_names_its_agency_and_nothing_else_does(engine, kwargs, code):
    with pytest.raises(AccountError) as refused:
        create_principal(engine, name="x", state="KAZ", now=NOW, **kwargs)
    assert refused.value.code == code


def test_users_create_an_agency_account(tmp_path, monkeypatch):
    monkeypatch.setenv("RMIS_DATABASE_URL", f"sqlite:///{tmp_path / 'r.sqlite3'}")
    base = ["users", "create", "--role", "agency", "--state", "KAZ"]
    made = runner.invoke(app, [*base, "msf.kaz", "--agency", "medical_service"])
    assert made.exit_code == 0, made.output
    assert made.output.strip().startswith("rmis_")
    unknown = runner.invoke(app, [*base, "x.1", "--agency", "red_cross"])
    assert unknown.exit_code == 2 and "no agency 'red_cross'" in unknown.output
    missing = runner.invoke(app, [*base, "x.2"])
    assert missing.exit_code == 2 and "names its agency" in missing.output
