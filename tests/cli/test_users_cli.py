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
