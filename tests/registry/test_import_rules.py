"""Each rule of the import format, checked on whole chunks, decides row by row as documented."""

import csv
import io
from datetime import UTC, datetime
from uuid import UUID

import pytest
from sqlalchemy import select
from uuid6 import uuid7

from rmis.registry.importing import import_crossings
from rmis.store.schema import crossings, documents

NOW = datetime(2026, 11, 23, tzinfo=UTC)


def row(**overrides: str) -> dict[str, str]:
    return {
        "crossing_id": str(uuid7()),
        "direction": "entry",
        "bcp": "KAZ-ALA",
        "occurred_at": "2026-03-01T06:00:00Z",
        "issuing_state": "UZB",
        "document_number": "FA0000001",
        "surname": "KARIMOV",
        "nationality": "UZB",
        "purpose": "work",
        "officer": "officer.1",
        "given_names": "",
        "expiry_date": "",
        "mrz_valid": "true",
        "outcome": "admitted",
        "refusal_reason": "",
    } | overrides


def run(engine, tmp_path, rows: list[dict[str, str]], **kw):
    path = tmp_path / "c.csv"
    with path.open("w", newline="", encoding="utf-8") as f:
        writer = csv.DictWriter(f, fieldnames=list(rows[0]))
        writer.writeheader()
        writer.writerows(rows)
    report = io.StringIO()
    summary = import_crossings(engine, path, report, now=NOW, **kw)
    return summary, list(csv.DictReader(io.StringIO(report.getvalue())))


@pytest.mark.parametrize(
    ("overrides", "field", "code"),
    [
        ({"crossing_id": " "}, "crossing_id", "missing_value"),
        ({"crossing_id": "not-a-uuid"}, "crossing_id", "invalid_uuid"),
        ({"surname": ""}, "surname", "missing_value"),
        ({"expiry_date": "2026-02-30"}, "expiry_date", "invalid_date"),
        ({"mrz_valid": "maybe"}, "mrz_valid", "invalid_value"),
        ({"purpose": "Work"}, "purpose", "invalid_value"),
        ({"occurred_at": "yesterday"}, "occurred_at", "invalid_time"),
        ({"occurred_at": "2026-03-01 06:00"}, "occurred_at", "naive_time"),
        ({"outcome": "refused"}, "refusal_reason", "unknown_refusal_reason"),
        ({"refusal_reason": "H"}, "refusal_reason", "reason_without_refusal"),
        ({"document_number": "X" * 33}, "document_number", "too_long"),
        # The first broken rule is the one reported.
        ({"surname": "", "purpose": "nothing"}, "surname", "missing_value"),
    ],
)
def test_a_broken_rule_rejects_its_row_only(engine, tmp_path, overrides, field, code):
    summary, rejected = run(engine, tmp_path, [row(), row(**overrides), row()])
    assert (summary.recorded, summary.rejected) == (2, 1)
    assert [(r["row"], r["field"], r["code"]) for r in rejected] == [("2", field, code)]
    assert rejected[0]["reason"]


def test_every_spelling_python_reads_is_accepted_and_stored_in_utc(engine, tmp_path):
    braced = uuid7()
    rows = [
        row(crossing_id=f"{{{braced}}}", occurred_at="20260301T110000+0500"),
        row(occurred_at="2026-03-01T06:00:00.250+00:00", expiry_date="20300101"),
        row(occurred_at="2026-03-01 01:00:00-05:00", mrz_valid="NO", refusal_reason=" "),
    ]
    summary, rejected = run(engine, tmp_path, rows)
    assert (summary.recorded, rejected) == (3, [])
    with engine.connect() as connection:
        stored = connection.execute(
            select(crossings.c.id, crossings.c.occurred_at, crossings.c.mrz_valid).order_by(
                crossings.c.seq
            )
        ).all()
    assert stored[0].id == UUID(str(braced))
    times = [r.occurred_at.replace(tzinfo=None) for r in stored]
    assert times == [
        datetime(2026, 3, 1, 6, 0),
        datetime(2026, 3, 1, 6, 0, 0, 250_000),
        datetime(2026, 3, 1, 6, 0),
    ]
    assert [r.mrz_valid for r in stored] == [True, True, False]


def test_a_repeated_id_is_recorded_once_and_the_first_document_reading_kept(engine, tmp_path):
    first = row(given_names="AZIZ")
    again = first | {"given_names": "AZIZBEK"}
    summary, _ = run(engine, tmp_path, [first, row(document_number="FA2"), again], chunk_rows=2)
    assert (summary.rows, summary.recorded, summary.already_recorded) == (3, 2, 1)
    with engine.connect() as connection:
        names = connection.execute(select(documents.c.given_names)).scalars().all()
    assert sorted(names) == ["", "AZIZ"]


def test_short_csv_rows_are_padded_and_reported(engine, tmp_path):
    path = tmp_path / "c.csv"
    good = row()
    path.write_text(
        ",".join(good) + "\n" + ",".join(good.values()) + "\n\n" + str(uuid7()) + ",entry\n"
    )
    report = io.StringIO()
    summary = import_crossings(engine, path, report, now=NOW)
    rejected = list(csv.DictReader(io.StringIO(report.getvalue())))
    assert (summary.rows, summary.recorded) == (2, 1)
    assert [(r["row"], r["field"], r["code"]) for r in rejected] == [
        ("2", "issuing_state", "missing_value")
    ]
