from typer.testing import CliRunner

from rmis.cli import app

runner = CliRunner()


def test_demo_runs_end_to_end_and_reuses_what_is_there(tmp_path, monkeypatch):
    monkeypatch.setenv("RMIS_DATA_DIR", str(tmp_path / "rmis-data"))
    monkeypatch.delenv("RMIS_DATABASE_URL", raising=False)
    monkeypatch.setenv("COLUMNS", "200")
    args = ["demo", "--travellers", "400", "--no-serve"]
    first = runner.invoke(app, args)
    assert first.exit_code == 0, first.output
    assert (tmp_path / "rmis-data" / "rmis.sqlite3").exists()
    assert (tmp_path / "rmis-data" / "region" / "crossings.parquet").exists()
    assert "400 travellers" in first.output
    assert "Yearly entries: generated (scaled) and published" in first.output
    assert "suggest birth_date 94O308 -> 940308" in first.output
    assert "overstay of" in first.output
    assert "Crossings recorded, by host state" in first.output
    assert "Top corridors" in first.output
    assert "Foreigners present and overstays" in first.output
    assert "Movement types of the travellers" in first.output
    assert "demo.border_officer" in first.output
    # Every check screened: the student found across scripts, the trader's number with an OCR
    # slip on the stolen list, the visitor's namesake left alone; each hit a case.
    assert "demo-wanted KAZ-W-2026-0141" in first.output
    assert "demo-sltd SLTD-KGZ-88213" in first.output
    assert first.output.count("new case: open") == 2
    page = tmp_path / "rmis-data" / "report.html"
    assert f"open {page}" in first.output.replace("\n", "")
    assert "<svg" in page.read_text(encoding="utf-8")
    # The demo's sync made the summaries, as `rmis warehouse sync` does (the report reads them).
    import ibis

    from rmis.analytics.quick import open_summary

    assert open_summary(tmp_path / "rmis-data" / "warehouse", ibis.duckdb.connect()) is not None
    again = runner.invoke(app, args)
    assert again.exit_code == 0, again.output
    assert "reusing" in again.output and "already loaded into the record" in again.output
    assert "Warehouse: 0 new crossings exported" in again.output
    assert again.output.count("case open since") == 2 and "new case" not in again.output
    new_this_run = [
        line.split("│")[-2].strip()
        for line in again.output.splitlines()
        if ("KAZ-ALA" in line or "KAZ-KORDAI" in line) and line.count("│") == 6
    ]
    assert new_this_run == ["0", "0", "0", "0"]
