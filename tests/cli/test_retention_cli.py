import json

from typer.testing import CliRunner

from rmis.cli import app

runner = CliRunner()


def test_retention_run_prints_counts_per_state_and_rules_show_the_terms(tmp_path, monkeypatch):
    monkeypatch.setenv("RMIS_DATA_DIR", str(tmp_path))
    monkeypatch.setenv("RMIS_DATABASE_URL", f"sqlite:///{tmp_path / 'r.sqlite3'}")
    done = runner.invoke(app, ["retention", "run", "--on", "2030-01-01", "--state", "kaz"])
    assert done.exit_code == 0, done.output
    [line] = done.stdout.splitlines()
    assert json.loads(line) == {"state": "KAZ", "travellers": 0, "crossings": 0,
                                "other_rows": 0, "held": 0}  # fmt: skip
    bad = runner.invoke(app, ["retention", "run", "--on", "soon"])
    assert bad.exit_code == 2
    own = tmp_path / "retention.toml"
    own.write_text("[default]\ncrossings_years = 3\noverstay_years = 5\n"
                   "[states.KAZ]\ncrossings_years = 4\n")  # fmt: skip
    monkeypatch.setenv("RMIS_RETENTION", str(own))
    shown = runner.invoke(app, ["retention", "rules"])
    assert "KAZ: 4 years after the stay, 5 after an overstay" in shown.output
