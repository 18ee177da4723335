"""`rmis persons`: export (format from the suffix), the queue, decisions and splits as a named
supervisor, and a full re-link."""

import json
import sys
from pathlib import Path

import pyarrow.parquet as pq
import pytest
from typer.testing import CliRunner

sys.path.insert(0, str(Path(__file__).parents[1] / "persons"))
from people_fixtures import NOW, FixedModel, document, linker, passport, record

from rmis.cli import app
from rmis.security import Role, create_principal
from rmis.store.database import open_database

runner = CliRunner()
BAND = FixedModel({("ABDULLAEV", "ABDULAEV"): 0.9})


@pytest.fixture
def engine(tmp_path, monkeypatch):
    url = f"sqlite:///{tmp_path / 'r.sqlite3'}"
    monkeypatch.setenv("RMIS_DATABASE_URL", url)
    engine = open_database(url)
    create_principal(engine, name="sup.kaz", role=Role.SUPERVISOR, state="KAZ", now=NOW)
    create_principal(engine, name="analyst", role=Role.ANALYST, state="KAZ", now=NOW)
    yield engine
    engine.dispose()


def test_export_takes_its_format_from_the_suffix_or_fails_clearly(engine, tmp_path):
    record(engine, passport("FA0000001"), passport("FA0000002"), link=linker(BAND))
    out = tmp_path / "people.parquet"
    done = runner.invoke(app, ["persons", "export", "--out", str(out)])
    assert done.exit_code == 0, done.output
    table = pq.read_table(out)
    assert table.column_names[:5] == [
        "issuing_state", "document_number", "document_type", "person_key", "link"
    ]  # fmt: skip
    assert table.num_rows == 2
    assert len(set(table.column("person_key").to_pylist())) == 1
    unknown = runner.invoke(app, ["persons", "export", "--out", str(tmp_path / "people.dat")])
    assert unknown.exit_code == 2 and "cannot tell the format" in unknown.output
    excel = runner.invoke(app, ["persons", "export", "--out", str(tmp_path / "p.xlsx")])
    assert excel.exit_code == 2 and "parquet or csv" in excel.output
    csv = runner.invoke(app, ["persons", "export", "--out", str(tmp_path / "p.txt"),
                              "--format", "csv"])  # fmt: skip
    assert csv.exit_code == 0, csv.output


def test_a_supervisor_reviews_the_queue_at_a_terminal(engine):
    record(engine, passport("FA0000001"), link=linker(BAND), days_ago=30)
    record(engine, passport("FA0000002", surname="ABDULAEV"), link=linker(BAND), days_ago=20)
    listed = runner.invoke(app, ["persons", "queue", "--as", "sup.kaz", "--json"])
    assert listed.exit_code == 0, listed.output
    [line] = [json.loads(x) for x in listed.output.splitlines() if x.startswith("{")]
    assert line["document"] == str(document(engine, "FA0000002")["id"])
    text = runner.invoke(app, ["persons", "queue", "--as", "sup.kaz"])
    assert "FA0000002" in text.output and "FA0000001" in text.output
    denied = runner.invoke(app, ["persons", "queue", "--as", "analyst"])
    assert denied.exit_code == 2 and "may not" in denied.output
    nobody = runner.invoke(app, ["persons", "queue", "--as", "nobody"])
    assert nobody.exit_code == 2 and "no active principal" in nobody.output
    no_reason = runner.invoke(app, ["persons", "confirm", line["id"], "--as", "sup.kaz"])
    assert no_reason.exit_code == 2
    done = runner.invoke(app, ["persons", "confirm", line["id"], "--reason", "same photo",
                               "--as", "sup.kaz"])  # fmt: skip
    assert done.exit_code == 0, done.output
    person = document(engine, "FA0000001")["traveller_id"]
    assert document(engine, "FA0000002")["traveller_id"] == person
    again = runner.invoke(app, ["persons", "reject", line["id"], "--reason", "x",
                                "--as", "sup.kaz"])  # fmt: skip
    assert again.exit_code == 2 and "not open" in again.output
    split = runner.invoke(app, ["persons", "split", str(document(engine, "FA0000002")["id"]),
                                "--reason", "another man", "--as", "sup.kaz"])  # fmt: skip
    assert split.exit_code == 0, split.output
    assert document(engine, "FA0000002")["traveller_id"] != person
    bad = runner.invoke(app, ["persons", "split", "not-an-id", "--reason", "x", "--as", "sup.kaz"])
    assert bad.exit_code == 2 and "must be an id" in bad.output


def test_relink_applies_the_model_in_force_once(engine):
    # Recorded under a model that linked nothing; the shipped model takes the second passport
    # for a misread of the first (same holder, same expiry, the number one character apart).
    record(engine, passport("FA0000001"), passport("FA0000002"), link=linker(FixedModel(same=0.01)))
    assert (
        document(engine, "FA0000001")["traveller_id"]
        != document(engine, "FA0000002")["traveller_id"]
    )
    done = runner.invoke(app, ["persons", "relink"])
    assert done.exit_code == 0, done.output
    summary = json.loads(done.output.strip().splitlines()[-1])
    assert (summary["documents"], summary["merged"], summary["split"]) == (2, 1, 0)
    assert document(engine, "FA0000002")["link"] == "automatic"
    again = json.loads(runner.invoke(app, ["persons", "relink"]).output.strip().splitlines()[-1])
    assert (again["merged"], again["split"], again["proposed"]) == (0, 0, 0)
