"""`rmis lists import|show` and `rmis screen`: the contracts of issue 12 at the terminal, on the
real UN list (when the shared folder is there) and on small files made here."""

import json
from datetime import UTC, datetime
from pathlib import Path

import pytest
from sqlalchemy import select
from typer.testing import CliRunner

from rmis.cli import app
from rmis.security import Role, create_principal
from rmis.store.database import open_database
from rmis.store.schema import audit_log

runner = CliRunner()
NOW = datetime(2026, 11, 23, tzinfo=UTC)
UN_LIST = Path(__file__).parents[3] / "shared/data/alert-lists/un_sc_consolidated_2026-02-27.xml"
DOCUMENTS = (
    "entry_id,issuing_state,document_number,document_type,reported_on,status\n"
    "LS-1,KAZ,N12345678,P,2026-01-10,stolen\n"
    "LS-2,UZB,FA7654321,P,2026-02-01,lost\n"
)


@pytest.fixture
def engine(tmp_path, monkeypatch):
    url = f"sqlite:///{tmp_path / 'r.sqlite3'}"
    monkeypatch.setenv("RMIS_DATABASE_URL", url)
    monkeypatch.delenv("RMIS_SCREENING_THRESHOLD", raising=False)
    monkeypatch.delenv("RMIS_PRINCIPAL", raising=False)
    engine = open_database(url)
    create_principal(engine, name="sup.kaz", role=Role.SUPERVISOR, state="KAZ", now=NOW)
    yield engine
    engine.dispose()


def documents_file(tmp_path: Path, text: str = DOCUMENTS) -> Path:
    path = tmp_path / "stolen.csv"
    path.write_text(text, encoding="utf-8")
    return path


def load(path: Path, *extra: str):
    return runner.invoke(app, ["lists", "import", str(path), "--list", "kaz-sld",
                               "--kind", "documents", "--owner", "KAZ", *extra])  # fmt: skip


def screen(lines: list[str], *extra: str):
    return runner.invoke(app, ["screen", *extra], input="\n".join(lines) + "\n")


def test_a_documents_list_loads_then_a_new_version_says_what_it_changed(engine, tmp_path):
    first = load(documents_file(tmp_path))
    assert first.exit_code == 0, first.output
    assert "kaz-sld version 1: 2 in force (2 added" in first.output
    second = load(
        documents_file(tmp_path, DOCUMENTS.replace("LS-2,UZB,FA7654321,P,2026-02-01,lost\n", ""))
    )
    assert second.exit_code == 0, second.output
    assert (
        "version 2: 1 in force (0 added, 0 changed, 1 withdrawn, 1 unchanged)"
        in second.output
    )
    shown = runner.invoke(app, ["lists", "show", "--json"])
    [row] = json.loads(shown.output)
    assert (row["list"], row["kind"], row["owner"], row["version"], row["entries"]) == (
        "kaz-sld", "documents", "KAZ", 2, 1
    )  # fmt: skip
    history = json.loads(runner.invoke(app, ["lists", "show", "kaz-sld", "--json"]).output)
    assert [v["withdrawn"] for v in history["versions"]] == [0, 1]


def test_screen_answers_every_line_in_order_and_a_withdrawn_entry_stops_hitting(engine, tmp_path):
    assert load(documents_file(tmp_path)).exit_code == 0
    travellers = [
        json.dumps({"id": "t1", "names": ["ALIEV ARMAN"], "birth_date": "1990", "sex": "M",
                    "nationality": "KAZ",
                    "document": {"issuing_state": "KAZ", "number": "N12345678", "type": "P"}}),
        json.dumps({"id": "t2", "names": ["TOSHEV BOBUR"], "birth_date": None, "sex": None,
                    "nationality": "UZB", "document": None}),
        "{not json",
        json.dumps({"id": "t4", "names": [], "document":
                    {"issuing_state": "UZB", "number": "FA7654321"}}),
    ]  # fmt: skip
    done = screen(travellers)
    assert done.exit_code == 1  # one line was not a traveller: said, after every line
    out = [json.loads(line) for line in done.stdout.splitlines()]
    assert [o["id"] for o in out] == ["t1", "t2", None, "t4"]
    assert [h["entry_id"] for h in out[0]["hits"]] == ["LS-1"]
    assert out[0]["hits"][0]["list"] == "kaz-sld" and out[0]["hits"][0]["reasons"]
    assert 0.0 <= out[0]["hits"][0]["score"] <= 1.0
    assert out[1]["hits"] == [] and "error" not in out[1]
    assert out[2]["hits"] == [] and out[2]["error"].startswith("not JSON")
    assert [h["entry_id"] for h in out[3]["hits"]] == ["LS-2"]

    # The next version leaves LS-2 out: it stops hitting at once.
    load(documents_file(tmp_path, DOCUMENTS.replace("LS-2,UZB,FA7654321,P,2026-02-01,lost\n", "")))
    again = screen([travellers[3]])
    assert again.exit_code == 0, again.output
    assert json.loads(again.stdout)["hits"] == []
    with engine.connect() as connection:
        actions = connection.scalars(select(audit_log.c.action)).all()
    assert actions.count("screening.batch") == 2


def test_screen_refuses_an_unknown_list_and_a_bad_threshold(engine, tmp_path, monkeypatch):
    assert load(documents_file(tmp_path)).exit_code == 0
    unknown = screen(["{}"], "--lists", "kaz-sld,interpol-sltd")
    assert unknown.exit_code == 2 and "interpol-sltd" in unknown.output
    bad = screen(["{}"], "--threshold", "1.5")
    assert bad.exit_code == 2 and "(0, 1]" in bad.output
    monkeypatch.setenv("RMIS_SCREENING_THRESHOLD", "high")
    from_env = screen(["{}"])
    assert from_env.exit_code != 0 and "RMIS_SCREENING_THRESHOLD" in str(
        from_env.exception or from_env.output
    )


def test_a_file_in_no_known_format_or_a_bad_kind_is_refused_and_nothing_loads(engine, tmp_path):
    junk = tmp_path / "junk.txt"
    junk.write_text("hello\n", encoding="utf-8")
    refused = load(junk)
    assert refused.exit_code == 2 and "cannot tell the list format" in refused.output
    kind = runner.invoke(app, ["lists", "import", str(junk), "--list", "x", "--kind", "bad"])
    assert kind.exit_code == 2 and "--kind must be one of" in kind.output
    no_owner = runner.invoke(app, ["lists", "import", str(documents_file(tmp_path)), "--list",
                                   "x", "--kind", "documents"])  # fmt: skip
    assert no_owner.exit_code == 2 and "--owner" in no_owner.output
    assert json.loads(runner.invoke(app, ["lists", "show", "--json"]).output) == []


@pytest.mark.skipif(not UN_LIST.is_file(), reason="the shared alert-lists folder is not here")
def test_the_un_list_loads_and_its_alias_finds_its_entry(engine):
    done = runner.invoke(app, ["lists", "import", str(UN_LIST), "--list", "un-sc",
                               "--kind", "sanctions"])  # fmt: skip
    assert done.exit_code == 0, done.output
    assert "730 in force" in done.output
    shown = json.loads(runner.invoke(app, ["lists", "show", "--json"]).output)
    assert shown[0]["owner"] == "UN Security Council"
    found = screen([json.dumps({"id": "a", "names": ["FRANK KAKORERE"], "birth_date": None})])
    assert found.exit_code == 0, found.output
    assert "CDi.002" in [h["entry_id"] for h in json.loads(found.stdout)["hits"]]
