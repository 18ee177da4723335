from typer.testing import CliRunner

from rmis.cli import app

runner = CliRunner()


def test_users_create_prints_a_token_once_and_refuses_bad_scopes(tmp_path, monkeypatch):
    monkeypatch.setenv("RMIS_DATABASE_URL", f"sqlite:///{tmp_path / 'r.sqlite3'}")
    made = runner.invoke(
        app,
        [
            "users",
            "create",
            "ala.1",
            "--role",
            "border_officer",
            "--state",
            "KAZ",
            "--bcp",
            "KAZ-ALA",
        ],
    )
    assert made.exit_code == 0, made.output
    assert made.output.strip().startswith("rmis_")
    again = runner.invoke(app, ["users", "create", "ala.1", "--role", "analyst", "--state", "KAZ"])
    assert again.exit_code == 2
    assert "already exists" in again.output
    no_post = runner.invoke(
        app, ["users", "create", "ala.2", "--role", "border_officer", "--state", "KAZ"]
    )
    assert no_post.exit_code == 2
    assert "at least one BCP" in no_post.output


def test_users_create_refuses_states_and_bcps_that_do_not_exist(tmp_path, monkeypatch):
    monkeypatch.setenv("RMIS_DATABASE_URL", f"sqlite:///{tmp_path / 'r.sqlite3'}")
    cases = [
        (["x.1", "--role", "analyst", "--state", "XYZ"], "'XYZ' is not an ICAO 9303 country code"),
        (["x.2", "--role", "analyst", "--state", "FRA"], "the record has no BCP of FRA"),
        (
            ["x.3", "--role", "border_officer", "--state", "KAZ", "--bcp", "KAZ-NOPE"],
            "no BCP with code 'KAZ-NOPE'",
        ),
        (
            ["x.4", "--role", "border_officer", "--state", "KAZ", "--bcp", "UZB-TAS"],
            "UZB-TAS is in UZB, not in KAZ",
        ),
    ]
    for args, message in cases:
        result = runner.invoke(app, ["users", "create", *args])
        assert result.exit_code == 2, result.output
        assert message in result.output
        assert "rmis_" not in result.output  # no token printed
    no_role = runner.invoke(app, ["users", "create", "x.5", "--role", "king", "--state", "KAZ"])
    assert no_role.exit_code == 2
    assert "king" in no_role.output
    # Lower case is the user's typing, not another state: the CLI takes it.
    made = runner.invoke(app, ["users", "create", "x.6", "--role", "analyst", "--state", "kgz"])
    assert made.exit_code == 0, made.output


def test_users_disable_enable_revoke_unlock_rotate(tmp_path, monkeypatch):
    from datetime import UTC, datetime

    from sqlalchemy import create_engine, select

    from rmis.security import principal_for_token
    from rmis.store.schema import audit_log

    monkeypatch.setenv("RMIS_DATABASE_URL", f"sqlite:///{tmp_path / 'r.sqlite3'}")
    token = runner.invoke(
        app, ["users", "create", "m.1", "--role", "analyst", "--state", "KAZ"]
    ).output.strip()
    steps = [
        (["disable", "m.1"], "m.1 disabled"),
        (["enable", "m.1"], "m.1 enabled"),
        (["unlock", "m.1"], "m.1 was not locked"),
        (["revoke-tokens", "m.1", "--by", "admin.7"], "1 tokens of m.1 revoked"),
    ]
    for args, said in steps:
        done = runner.invoke(app, ["users", *args])
        assert done.exit_code == 0 and said in done.output, done.output
    rotated = runner.invoke(app, ["users", "rotate-token", "m.1", "--grace-hours", "0"])
    assert rotated.exit_code == 0
    new = rotated.stdout.strip().splitlines()[0]
    engine = create_engine(f"sqlite:///{tmp_path / 'r.sqlite3'}")
    now = datetime.now(UTC)
    with engine.connect() as connection:
        assert principal_for_token(connection, token, now) is None
        assert principal_for_token(connection, new, now).name == "m.1"
        actions = connection.execute(
            select(audit_log.c.principal, audit_log.c.action).order_by(audit_log.c.seq)
        ).all()
    assert ("admin.7", "principals.revoke_tokens") in actions
    assert [a for _, a in actions][1:] == [
        "principals.disable", "principals.enable", "principals.unlock",
        "principals.revoke_tokens", "principals.rotate_token",
    ]  # fmt: skip
    missing = runner.invoke(app, ["users", "disable", "ghost"])
    assert missing.exit_code == 2 and "no principal named 'ghost'" in missing.output
