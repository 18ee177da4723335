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
