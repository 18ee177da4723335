import json

from sqlalchemy import create_engine, update
from typer.testing import CliRunner

from rmis.cli import app
from rmis.store.schema import audit_log

runner = CliRunner()


def test_verify_says_where_the_chain_breaks_and_exits_non_zero(tmp_path, monkeypatch):
    db = tmp_path / "r.sqlite3"
    monkeypatch.setenv("RMIS_DATABASE_URL", f"sqlite:///{db}")
    monkeypatch.setenv("RMIS_DATA_DIR", str(tmp_path))
    for name, role in (("aud.1", "auditor"), ("an.1", "analyst")):
        made = runner.invoke(app, ["users", "create", name, "--role", role, "--state", "KAZ"])
        assert made.exit_code == 0, made.output
    no_key = runner.invoke(app, ["audit", "verify"])
    assert no_key.exit_code == 2 and "no audit keyring" in no_key.output
    sealed = runner.invoke(app, ["audit", "seal"])
    assert sealed.exit_code == 0 and "sealed 2 rows" in sealed.output
    whole = runner.invoke(app, ["audit", "verify"])
    assert whole.exit_code == 0 and whole.output.startswith("whole: 2 links verified")
    assert ((tmp_path / "audit.key").stat().st_mode & 0o777) == 0o600

    found = runner.invoke(
        app, ["audit", "search", "--as", "aud.1", "--reason", "spot check", "--action",
              "principals.", "--from", "2000-01-01"],
    )  # fmt: skip
    assert found.exit_code == 0, found.output
    assert [json.loads(line)["subject"] for line in found.output.splitlines()] == [
        "aud.1", "an.1",
    ]  # fmt: skip
    refused = runner.invoke(app, ["audit", "search", "--as", "an.1", "--reason", "curious"])
    assert refused.exit_code == 2 and "may not search the audit log" in refused.output

    engine = create_engine(f"sqlite:///{db}")
    with engine.begin() as connection:
        connection.exec_driver_sql("DROP TRIGGER audit_log_no_update")
        connection.execute(update(audit_log).where(audit_log.c.seq == 2).values(subject="x"))
    broken = runner.invoke(app, ["audit", "verify", "--json"])
    assert broken.exit_code == 1
    verdict = json.loads(broken.output)
    assert (verdict["whole"], verdict["broken_at"], verdict["seq"]) == (False, 2, 2)
