from typer.testing import CliRunner

from rmis.cli import app


def test_an_unknown_engine_is_named_in_a_clear_error(tmp_path, monkeypatch):
    monkeypatch.setenv("RMIS_DATA_DIR", str(tmp_path))
    monkeypatch.setenv("RMIS_ENGINE", "hadoop")
    result = CliRunner().invoke(app, ["analytics", "flows", "--by", "month"])
    assert result.exit_code == 2
    assert "RMIS_ENGINE must be one of duckdb, spark, not 'hadoop'" in result.output
