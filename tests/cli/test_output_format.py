"""--out FILE without --format: the suffix names the format, or the command fails clearly."""

from __future__ import annotations

from datetime import date
from pathlib import Path

import pandas as pd
import pytest
from typer.testing import CliRunner

from rmis.cli import app
from rmis.cli.output import (
    SUFFIXES,
    OutputFormatError,
    check_report_file,
    output_format,
    suffix_of,
)
from rmis.store import open_database
from rmis.warehouse.sync import sync_warehouse
from warehouse.scenario import NOW, Person, record

runner = CliRunner()


@pytest.mark.parametrize(
    ("fmt", "out", "expected"),
    [
        (None, None, "table"),
        ("csv", None, "csv"),
        (None, "flows.csv", "csv"),
        (None, "FLOWS.CSV", "csv"),
        (None, "flows.json", "json"),
        (None, "flows.parquet", "parquet"),
        (None, "flows.xlsx", "excel"),
        (None, "flows.sdmx.csv", "sdmx"),
        (None, "flows.2026.csv", "csv"),
        ("sdmx", "flows.csv", "sdmx"),  # an SDMX-CSV file is a CSV file
        ("csv", "flows.txt", "csv"),  # a suffix that names nothing: --format decides
        ("parquet", "flows.parquet", "parquet"),
    ],
)
def test_the_format_comes_from_format_or_the_suffix(fmt, out, expected):
    assert output_format(fmt, Path(out) if out else None) == expected


@pytest.mark.parametrize(
    ("fmt", "out", "says"),
    [
        (None, "flows.txt", "cannot tell the format of --out flows.txt"),
        (None, "flows", "cannot tell the format of --out flows"),
        (None, "flows.xls", "give --format"),
        ("csv", "flows.parquet", "--format csv contradicts --out flows.parquet"),
        ("json", "flows.sdmx.csv", "whose suffix .sdmx.csv says sdmx"),
        ("csv", "flows.sdmx.csv", "contradicts"),
        ("table", "flows.csv", "--format table prints to the terminal"),
        ("xml", None, "--format must be one of"),
    ],
)
def test_no_format_or_two_formats_is_an_error(fmt, out, says):
    with pytest.raises(OutputFormatError, match=says):
        output_format(fmt, Path(out) if out else None)


def test_every_file_format_has_a_suffix():
    from rmis.cli.output import FILE_FORMATS

    assert set(SUFFIXES.values()) == set(FILE_FORMATS)
    assert suffix_of(Path("a.sdmx.csv")) == ".sdmx.csv"
    assert suffix_of(Path(".csv")) == ""  # a hidden file named .csv has no suffix


def test_the_report_must_be_html():
    check_report_file(Path("report.html"))
    check_report_file(Path("REPORT.HTM"))
    with pytest.raises(OutputFormatError, match=r"must end in \.html"):
        check_report_file(Path("report.pdf"))


@pytest.fixture(scope="module")
def data_dir(tmp_path_factory):
    path = tmp_path_factory.mktemp("formats")
    engine = open_database(f"sqlite:///{path / 'rmis.sqlite3'}")
    worker = Person("W1", "KGZ")
    worker.stay("KAZ-KORDAI-ROAD", date(2026, 3, 1), 40, purpose="work")
    visitor = Person("V1", "UZB")
    visitor.cross("entry", "KAZ-ALA", date(2026, 5, 1))
    record(engine, path, [worker, visitor])
    sync_warehouse(engine, path / "warehouse", NOW)
    engine.dispose()
    return path


@pytest.fixture
def env(data_dir, monkeypatch):
    monkeypatch.setenv("RMIS_DATA_DIR", str(data_dir))
    monkeypatch.setenv("RMIS_DATABASE_URL", f"sqlite:///{data_dir / 'rmis.sqlite3'}")
    monkeypatch.delenv("RMIS_ENGINE", raising=False)
    return data_dir


def test_analytics_write_the_format_their_file_names(env, tmp_path):
    for name, read in (("flows.parquet", pd.read_parquet), ("flows.csv", pd.read_csv),
                       ("flows.json", pd.read_json), ("flows.xlsx", pd.read_excel)):  # fmt: skip
        out = tmp_path / name
        result = runner.invoke(app, ["analytics", "flows", "--by", "host_state", "--out", str(out)])
        assert result.exit_code == 0, result.output
        frame = read(out)
        assert frame.set_index("host_state").loc["KAZ", "entries"] == 2, name
    sdmx = tmp_path / "flows.sdmx.csv"
    result = runner.invoke(app, ["analytics", "flows", "--by", "host_state", "--out", str(sdmx)])
    assert result.exit_code == 0, result.output
    assert sdmx.read_text(encoding="utf-8").startswith("DATAFLOW,HOST_STATE,MEASURE,OBS_VALUE")


def test_analytics_refuse_a_suffix_they_cannot_read_and_a_contradiction(env, tmp_path):
    unknown = runner.invoke(app, ["analytics", "mirror", "--out", str(tmp_path / "m.txt")])
    assert unknown.exit_code == 2
    assert "cannot tell the format of --out m.txt" in unknown.stderr
    both = runner.invoke(
        app, ["analytics", "state-roles", "--format", "csv", "--out", str(tmp_path / "r.parquet")]
    )
    assert both.exit_code == 2
    assert "--format csv contradicts --out r.parquet" in both.stderr
    assert not (tmp_path / "m.txt").exists() and not (tmp_path / "r.parquet").exists()
    explicit = runner.invoke(
        app, ["analytics", "mirror", "--format", "csv", "--out", str(tmp_path / "m.txt")]
    )
    assert explicit.exit_code == 0, explicit.output
    assert (tmp_path / "m.txt").read_text(encoding="utf-8").startswith("month,from_state,")


def test_report_refuses_a_file_that_is_not_html(env, tmp_path):
    result = runner.invoke(app, ["report", "--out", str(tmp_path / "report.pdf")])
    assert result.exit_code == 2
    assert "must end in .html" in result.stderr
    assert not (tmp_path / "report.pdf").exists()
