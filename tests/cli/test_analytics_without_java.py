"""`rmis analytics` on Spark without Java says what to install and exits 2 (no traceback)."""

from __future__ import annotations

from typer.testing import CliRunner

from rmis.cli import app


def test_spark_without_java_is_a_clear_error(tmp_path, monkeypatch):
    pytest_java = tmp_path / "no-java"
    pytest_java.mkdir()
    monkeypatch.setenv("RMIS_ENGINE", "spark")
    monkeypatch.setenv("RMIS_DATA_DIR", str(tmp_path / "data"))
    monkeypatch.setenv("PATH", str(pytest_java))
    monkeypatch.delenv("JAVA_HOME", raising=False)
    result = CliRunner().invoke(app, ["analytics", "flows"])
    assert result.exit_code == 2, result.output
    assert "Java" in result.output and "Traceback" not in result.output
