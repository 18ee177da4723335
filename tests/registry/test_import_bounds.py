"""The bulk import applies the API edge's bounds (registry/bounds.py) and its 409 rule for a
crossing id recorded with other content, row by row, and stores nothing it refuses."""

import csv
import io
from datetime import UTC, date, datetime
from uuid import UUID

import pyarrow as pa
import pyarrow.parquet as pq
from hypothesis import given, settings
from hypothesis import strategies as st
from import_helpers import import_rows
from pydantic import ValidationError
from sqlalchemy import func, select
from uuid6 import uuid7

from rmis.reference.bcps import load_bcps
from rmis.reference.refusal_reasons import load_refusal_reasons
from rmis.registry.bounds import (
    CONTROL_CHARACTER,
    NUL_CHARACTER,
    SURROUNDING_SPACE,
    text_problem,
)
from rmis.registry.bulk_parse import parse_chunk
from rmis.registry.importing import import_crossings
from rmis.registry.recording import BcpFacts, ReferenceFacts
from rmis.store.schema import audit_log, crossings, documents
from rmis.web.api.schemas import DocumentIn

NOW = datetime(2026, 11, 23, tzinfo=UTC)


def row(**overrides: str) -> dict[str, str]:
    return {
        "crossing_id": str(uuid7()),
        "direction": "entry",
        "bcp": "KAZ-ALA",
        "occurred_at": "2026-03-01T06:00:00Z",
        "issuing_state": "UZB",
        "document_number": f"FA{uuid7().int % 10**7:07d}",
        "surname": "KARIMOV",
        "given_names": "AZIZ",
        "nationality": "UZB",
        "birth_date": "1990-05-17",
        "expiry_date": "2030-05-17",
        "purpose": "work",
        "officer": "officer.1",
    } | overrides


def run(engine, tmp_path, rows, name="c.csv"):
    return import_rows(engine, tmp_path, rows, NOW, name)


def test_refused_rows_are_reported_and_never_stored(engine, tmp_path):
    first = row(document_number="FA0000001")
    summary, report = run(engine, tmp_path, [first, row()], "first.csv")
    assert (summary.recorded, report) == (2, [])

    again = [
        row(),  # 1: good
        row(occurred_at="0001-03-01T06:00:00Z"),  # 2: a crossing in year 1
        row(surname="KARI\x00MOV"),  # 3: a NUL in a surname
        first | {"bcp": "KAZ-DOSTYK-ROAD"},  # 4: resent with another BCP
        dict(first),  # 5: resent as it was
        row(expiry_date="9999-12-31"),  # 6: a 9999 expiry
        row(given_names="AZ\x07IZ"),  # 7: a control character
        row(birth_date="0001-01-01"),  # 8: born in year 1
        row(),  # 9: good
    ]
    summary, report = run(engine, tmp_path, again, "again.csv")
    report.sort(key=lambda r: int(r["row"]))  # what the writer refuses comes after the parser's

    assert [(r["row"], r["field"], r["code"]) for r in report] == [
        ("2", "occurred_at", "implausible_date"),
        ("3", "surname", "nul_character"),
        ("4", "bcp", "conflicting_resend"),
        ("6", "expiry_date", "implausible_date"),
        ("7", "given_names", "control_character"),
        ("8", "birth_date", "implausible_date"),
    ]
    assert report[2]["crossing_id"] == first["crossing_id"]
    assert "bcp" in report[2]["reason"]
    assert (summary.rows, summary.recorded, summary.already_recorded, summary.rejected) == (
        9, 2, 1, 6
    )  # fmt: skip
    with engine.connect() as connection:
        assert connection.scalar(select(func.count()).select_from(crossings)) == 4
        stored = connection.execute(
            select(crossings.c.bcp_code).where(crossings.c.id == UUID(first["crossing_id"]))
        ).scalar_one()
        assert stored == "KAZ-ALA"  # the first content stands
        surnames = connection.execute(select(documents.c.surname, documents.c.given_names)).all()
        assert all("\x00" not in s and "\x07" not in g for s, g in surnames)
        earliest = connection.scalar(select(func.min(crossings.c.occurred_at)))
        assert earliest.year == 2026


def test_a_resend_within_one_file(engine, tmp_path):
    first = row()
    rows = [first, dict(first), first | {"occurred_at": "2026-03-01T07:00:00Z"}, row()]
    summary, report = run(engine, tmp_path, rows)
    assert [(r["row"], r["field"], r["code"]) for r in report] == [
        ("3", "occurred_at", "conflicting_resend")
    ]
    assert (summary.recorded, summary.already_recorded, summary.rejected) == (2, 1, 1)


def test_a_conflict_found_again_when_the_file_is_imported_twice(engine, tmp_path):
    first = row()
    run(engine, tmp_path, [first], "one.csv")
    rows = [first | {"issuing_state": "KAZ"}, row()]
    for _ in range(2):  # an import run again reports the same rows, stores nothing twice
        summary, report = run(engine, tmp_path, rows, "two.csv")
        assert [(r["row"], r["field"], r["code"]) for r in report] == [
            ("1", "document", "conflicting_resend")
        ]
    assert summary.recorded == 0 and summary.already_recorded == 1
    with engine.connect() as connection:
        logged = (
            connection.execute(
                select(audit_log.c.detail).where(audit_log.c.action == "crossings.import")
            )
            .scalars()
            .all()
        )
    assert [d.get("conflicting_resends") for d in logged] == [
        None, [first["crossing_id"]], [first["crossing_id"]]
    ]  # fmt: skip


def test_parquet_types_are_strict(engine, tmp_path):
    good, wrong_time, wrong_bool = row(), row(), row()
    table = pa.table(
        {
            **{k: pa.array([r[k] for r in (good, wrong_time, wrong_bool)]) for k in good
               if k not in ("occurred_at", "birth_date")},
            "occurred_at": pa.array(
                [datetime(2026, 3, 1, 6, tzinfo=UTC)] * 3, pa.timestamp("us", tz="UTC")
            ),
            "birth_date": pa.array([None, 19900517, None], pa.int64()),  # not a date
            "mrz_valid": pa.array([None, None, 1], pa.int8()),  # not true or false
        }
    )  # fmt: skip
    path = tmp_path / "c.parquet"
    pq.write_table(table, path)
    report = io.StringIO()
    summary = import_crossings(engine, path, report, now=NOW)
    rejected = list(csv.DictReader(io.StringIO(report.getvalue())))
    assert [(r["row"], r["field"], r["code"]) for r in rejected] == [
        ("2", "birth_date", "date_as_text"),
        ("3", "mrz_valid", "bool_type"),
    ]
    assert summary.recorded == 1


def test_a_parquet_time_of_year_one_is_refused(engine, tmp_path):
    r = row()
    table = pa.table(
        {k: pa.array([v]) for k, v in r.items() if k != "occurred_at"}
        | {"occurred_at": pa.array([datetime(1, 1, 1, tzinfo=UTC)], pa.timestamp("us", "UTC"))}
    )
    path = tmp_path / "c.parquet"
    pq.write_table(table, path)
    report = io.StringIO()
    summary = import_crossings(engine, path, report, now=NOW)
    assert "implausible_date" in report.getvalue() and summary.recorded == 0


def _reference() -> ReferenceFacts:
    bcps = {b.code: BcpFacts(b.code, b.state, b.mode, b.time_zone) for b in load_bcps().values()}
    return ReferenceFacts(bcps, frozenset(load_refusal_reasons()))


@settings(max_examples=150, deadline=None)
@given(surname=st.text(min_size=1, max_size=12) | st.builds("{} {}".format, st.text(max_size=3),
                                                               st.text(max_size=3)))  # fmt: skip
def test_the_import_and_the_api_judge_a_surname_alike(surname):
    """One rule: the import refuses a surname exactly when the API does, with its code (a
    character, then a space at an end); neither trims it."""
    parsed = parse_chunk(pa.table({k: [v] for k, v in row(surname=surname).items()}), 1,
                         _reference(), NOW)  # fmt: skip
    codes = {r.code for r in parsed.rejected if r.field == "surname"}
    try:
        DocumentIn(issuing_state="UZB", number="FA1", surname=surname, nationality="UZB")
        api = None
    except ValidationError as error:
        api = error.errors()[0]["type"]
    expected = text_problem(surname) or (SURROUNDING_SPACE if surname != surname.strip() else None)
    assert codes == ({expected} if expected else set()), (repr(surname), parsed.rejected)
    # The API names a NUL at its door (retry.py) before its schema; its schema, a control one.
    assert api == (CONTROL_CHARACTER if expected == NUL_CHARACTER else expected), repr(surname)


def test_the_bounds_are_the_apis():
    from rmis.registry import bounds
    from rmis.web.api import schemas

    assert schemas.FIRST_DOCUMENT_DAY is bounds.FIRST_DOCUMENT_DAY == date(1800, 1, 1)
    assert schemas.FIRST_CROSSING is bounds.FIRST_CROSSING
