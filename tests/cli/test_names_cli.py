"""`rmis names` commands through typer's CliRunner."""

import json
from pathlib import Path

from typer.testing import CliRunner

from rmis.cli import app

runner = CliRunner()


def test_similarity_json() -> None:
    result = runner.invoke(app, ["names", "similarity", "Абдуллаев Анвар Каримович",
                                 "ANVAR ABDULLAYEV", "--json"])
    assert result.exit_code == 0, result.output
    data = json.loads(result.stdout)
    assert set(data) == {"score", "match", "explain"}
    assert data["match"] is True
    assert data["explain"]["unmatched"][0]["role"] == "patronymic"


def test_similarity_readable() -> None:
    result = runner.invoke(app, ["names", "similarity", "ALIEV ANVAR", "ALIMOV ANVAR"])
    assert result.exit_code == 0, result.output
    assert "different names" in result.stdout


def test_similarity_pairs_file_one_line_per_row_in_order(tmp_path: Path) -> None:
    csv_file = tmp_path / "pairs.csv"
    csv_file.write_text("a,b\nЮлия,YULIYA\nALIEV ANVAR,ALIEV AZIZ\n\"Ҷӯраев, Ҷамшед\",JURAEV\n",
                        encoding="utf-8")
    result = runner.invoke(app, ["names", "similarity", "--pairs", str(csv_file), "--json"])
    assert result.exit_code == 0, result.output
    lines = [json.loads(line) for line in result.stdout.splitlines()]
    assert [line["match"] for line in lines] == [True, False, False]


def test_similarity_pairs_bad_header(tmp_path: Path) -> None:
    csv_file = tmp_path / "pairs.csv"
    csv_file.write_text("left,right\nA,B\n", encoding="utf-8")
    result = runner.invoke(app, ["names", "similarity", "--pairs", str(csv_file), "--json"])
    assert result.exit_code != 0
    assert "header with columns a,b" in result.output


def test_similarity_pairs_missing_file(tmp_path: Path) -> None:
    result = runner.invoke(app, ["names", "similarity", "--pairs", str(tmp_path / "no.csv")])
    assert result.exit_code != 0
    assert "cannot read" in result.output


def test_similarity_needs_two_names_or_a_file() -> None:
    result = runner.invoke(app, ["names", "similarity", "ONLY"])
    assert result.exit_code != 0
    assert "two names" in result.output


def test_latin_json() -> None:
    result = runner.invoke(app, ["names", "latin", "Ўткир", "--json"])
    assert result.exit_code == 0, result.output
    data = json.loads(result.stdout)
    by_text = {s["spelling"]: s["systems"] for s in data["spellings"]}
    assert by_text["OʻTKIR"] == ["uz_latin"]
    assert "icao_9303" in by_text["UTKIR"]


def test_latin_readable() -> None:
    result = runner.invoke(app, ["names", "latin", "Юлия"])
    assert result.exit_code == 0, result.output
    assert "IULIIA" in result.stdout and "icao_9303" in result.stdout
