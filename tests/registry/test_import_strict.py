"""The bulk import is as strict as the API: a value is never trimmed (one with a space at an end is
refused, `surrounding_space`) and `mrz_valid` is `true` or `false`, never "yes" (`bool_type`).
Each refused row is reported with its row, column and value, and none of it is stored."""

import csv
import io
from datetime import UTC, datetime

import pyarrow as pa
import pyarrow.parquet as pq
import pytest
from import_helpers import import_rows
from pydantic import ValidationError
from sqlalchemy import select
from typer.testing import CliRunner
from uuid6 import uuid7

from rmis.cli import app
from rmis.registry.importing import import_crossings
from rmis.store.schema import crossings, documents
from rmis.web.api.schemas import CrossingIn, DocumentIn

NOW = datetime(2026, 11, 23, tzinfo=UTC)


def row(**overrides: str) -> dict[str, str]:
    return {
        "crossing_id": str(uuid7()), "direction": "entry", "bcp": "KAZ-ALA",
        "occurred_at": "2026-03-01T06:00:00Z", "issuing_state": "UZB",
        "document_number": f"FA{uuid7().int % 10**7:07d}", "surname": "KARIMOV",
        "given_names": "AZIZ", "nationality": "UZB", "birth_date": "1990-05-17",
        "purpose": "work", "officer": "officer.1", "mrz_valid": "true",
    } | overrides  # fmt: skip


def run(engine, tmp_path, rows):
    return import_rows(engine, tmp_path, rows, NOW)


def stored(engine):
    with engine.connect() as connection:
        return connection.execute(
            select(crossings.c.id, crossings.c.officer, crossings.c.mrz_valid,
                   documents.c.number, documents.c.surname, documents.c.given_names)
            .join(documents, documents.c.id == crossings.c.document_id)
            .order_by(crossings.c.seq)
        ).all()  # fmt: skip


SPACED = [
    ("crossing_id", lambda r: f" {r['crossing_id']}"),
    ("direction", lambda r: "entry "),
    ("bcp", lambda r: " KAZ-ALA"),
    ("occurred_at", lambda r: "2026-03-01T06:00:00Z "),
    ("issuing_state", lambda r: "UZB "),
    ("document_number", lambda r: f"{r['document_number']} "),
    ("surname", lambda r: " KARIMOV"),
    ("given_names", lambda r: "AZIZ  "),
    ("given_names", lambda r: " "),  # a blank of spaces is not an empty value
    ("nationality", lambda r: " UZB"),
    ("birth_date", lambda r: " 1990-05-17"),
    ("purpose", lambda r: "work "),
    ("officer", lambda r: "officer.1 "),
]


@pytest.mark.parametrize(("column", "spaced"), SPACED)
def test_a_value_with_a_space_at_an_end_is_refused_not_trimmed(engine, tmp_path, column, spaced):
    bad = row()
    bad[column] = spaced(bad)
    summary, rejected = run(engine, tmp_path, [row(), bad, row()])
    assert (summary.recorded, summary.rejected) == (2, 1)
    [report] = rejected
    assert (report["row"], report["field"], report["code"]) == ("2", column, "surrounding_space")
    assert repr(bad[column]) in report["reason"]  # the value, its spaces visible
    ids = {str(r.id) for r in stored(engine)}
    assert bad["crossing_id"].strip() not in ids and len(ids) == 2


def test_what_is_stored_is_what_the_file_says(engine, tmp_path):
    good = row(surname="AL HAJJ", given_names="ANNA MARIA", officer="officer.1")
    summary, rejected = run(engine, tmp_path, [good])
    assert (summary.recorded, rejected) == (1, [])
    [kept] = stored(engine)
    assert (kept.surname, kept.given_names, kept.number) == (
        "AL HAJJ", "ANNA MARIA", good["document_number"])  # fmt: skip


@pytest.mark.parametrize("value", ["yes", "no", "1", "0", "TRUE", "False", " true", "y"])
def test_mrz_valid_other_than_true_or_false_is_refused(engine, tmp_path, value):
    summary, rejected = run(engine, tmp_path, [row(mrz_valid="true"), row(mrz_valid=value)])
    assert (summary.recorded, summary.rejected) == (1, 1)
    [report] = rejected
    assert (report["row"], report["field"]) == ("2", "mrz_valid")
    # A space at an end is named as such, before what the value says.
    assert report["code"] == ("surrounding_space" if value != value.strip() else "bool_type")
    assert repr(value) in report["reason"]


def test_mrz_valid_true_false_or_empty(engine, tmp_path):
    rows = [row(mrz_valid="true"), row(mrz_valid="false"), row(mrz_valid="")]
    summary, rejected = run(engine, tmp_path, rows)
    assert (summary.recorded, rejected) == (3, [])
    assert [r.mrz_valid for r in stored(engine)] == [True, False, True]


def test_a_parquet_text_is_not_trimmed_either(engine, tmp_path):
    rows = [row(), row(surname="KARIMOV "), row(mrz_valid="yes")]
    path = tmp_path / "c.parquet"
    pq.write_table(pa.table({k: [r[k] for r in rows] for k in rows[0]}), path)
    report = io.StringIO()
    summary = import_crossings(engine, path, report, now=NOW)
    refused = list(csv.DictReader(io.StringIO(report.getvalue())))
    assert (summary.recorded, summary.rejected) == (1, 2)
    assert [(r["row"], r["field"], r["code"]) for r in refused] == [
        ("2", "surname", "surrounding_space"), ("3", "mrz_valid", "bool_type")]  # fmt: skip
    assert [r.surname for r in stored(engine)] == ["KARIMOV"]


def test_a_spaced_resend_of_a_recorded_crossing_is_refused_not_taken_as_it(engine, tmp_path):
    first = row()
    run(engine, tmp_path, [first])
    again = first | {"document_number": first["document_number"] + " "}
    summary, rejected = run(engine, tmp_path, [again])
    assert (summary.recorded, summary.already_recorded, summary.rejected) == (0, 0, 1)
    assert rejected[0]["code"] == "surrounding_space"


def test_the_api_refuses_the_same_values():
    for field, value in [("number", "FA1 "), ("surname", " KARIMOV"), ("given_names", " ")]:
        fields = {"issuing_state": "UZB", "number": "FA1", "surname": "K", "nationality": "UZB"}
        with pytest.raises(ValidationError) as refused:
            DocumentIn(**(fields | {field: value}))
        assert refused.value.errors()[0]["type"] == "surrounding_space"
    with pytest.raises(ValidationError) as refused:
        DocumentIn(issuing_state="UZB", number="FA1", surname="K", nationality="UZB",
                   mrz_valid="yes")  # fmt: skip
    assert refused.value.errors()[0]["type"] == "bool_type"


@pytest.mark.parametrize(
    ("column", "value", "code"),
    [
        ("birth_date", "19900517", "invalid_date"),  # Python 3.11 reads it as 1990-05-17
        ("expiry_date", "2030-W01-1", "invalid_date"),  # a week date
        ("birth_date", "1990-137", "invalid_date"),  # an ordinal date
        ("occurred_at", "20260301T060000Z", "invalid_time"),
        ("occurred_at", "2026-03-01T0600Z", "invalid_time"),
        ("occurred_at", "2026-03-01T06Z", "invalid_time"),
    ],
)
def test_a_compact_date_or_time_is_refused_as_the_api_refuses_it(
    engine, tmp_path, column, value, code
):
    good = {"birth_date": "1990-05-17", "expiry_date": "2030-01-01",
            "occurred_at": "2026-03-01T06:00:00Z"}  # fmt: skip
    summary, rejected = run(engine, tmp_path, [row(**{column: good[column]}),
                                               row(**{column: value})])  # fmt: skip
    assert (summary.recorded, summary.rejected) == (1, 1)
    [report] = rejected
    assert (report["row"], report["field"], report["code"]) == ("2", column, code)
    assert repr(value) in report["reason"]
    with pytest.raises(ValidationError):  # the API's schema refuses the same value
        if column == "occurred_at":
            CrossingIn(id=str(uuid7()), direction="entry", bcp="KAZ-ALA", occurred_at=value,
                       purpose="work", document={"issuing_state": "UZB", "number": "FA1",
                                                 "surname": "K", "nationality": "UZB"})  # fmt: skip
        else:
            DocumentIn(issuing_state="UZB", number="FA1", surname="K", nationality="UZB",
                       **{column: value})  # fmt: skip


def test_the_import_command_exits_1_when_a_row_was_refused(engine, tmp_path, monkeypatch):
    monkeypatch.setenv("RMIS_DATABASE_URL", engine.url.render_as_string(hide_password=False))
    monkeypatch.setenv("RMIS_DATA_DIR", str(tmp_path))
    runner = CliRunner()

    def command(rows, name):
        path = tmp_path / name
        with path.open("w", newline="", encoding="utf-8") as f:
            writer = csv.DictWriter(f, fieldnames=list(rows[0]))
            writer.writeheader()
            writer.writerows(rows)
        return runner.invoke(app, ["crossings", "import", str(path)])

    clean = command([row(), row()], "clean.csv")
    assert clean.exit_code == 0, clean.output
    refused = command([row(), row(birth_date="19900517")], "refused.csv")
    assert refused.exit_code == 1, refused.output
    assert "1 recorded, 0 already recorded, 1 rejected" in refused.output
    report = (tmp_path / "refused.csv.rejected.csv").read_text()
    assert "invalid_date" in report
    assert len(stored(engine)) == 3  # the good rows are kept
