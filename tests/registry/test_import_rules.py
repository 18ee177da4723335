"""Each rule of the import format, checked on whole chunks, decides row by row as documented."""

import csv
import io
import string
from datetime import UTC, date, datetime
from uuid import UUID

import pyarrow as pa
import pyarrow.parquet as pq
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st
from import_helpers import import_rows
from sqlalchemy import func, select
from uuid6 import uuid7

from rmis.documents import compose_td1, compose_td3
from rmis.reference.bcps import load_bcps
from rmis.reference.countries import all_codes
from rmis.reference.refusal_reasons import load_refusal_reasons
from rmis.registry.bulk_parse import parse_chunk
from rmis.registry.importing import import_crossings
from rmis.registry.recording import MAX_CLOCK_SKEW, BcpFacts, ReferenceFacts
from rmis.store.schema import crossing_flags, crossings, documents

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
    return import_rows(engine, tmp_path, rows, NOW, **kw)


@pytest.mark.parametrize(
    ("overrides", "field", "code"),
    [
        ({"crossing_id": " "}, "crossing_id", "surrounding_space"),
        ({"crossing_id": "not-a-uuid"}, "crossing_id", "invalid_uuid"),
        ({"surname": ""}, "surname", "missing_value"),
        ({"expiry_date": "2026-02-30"}, "expiry_date", "invalid_date"),
        ({"mrz_valid": "maybe"}, "mrz_valid", "bool_type"),
        ({"purpose": "Work"}, "purpose", "invalid_value"),
        ({"occurred_at": "yesterday"}, "occurred_at", "invalid_time"),
        ({"occurred_at": "2026-03-01 06:00"}, "occurred_at", "naive_time"),
        ({"outcome": "refused"}, "refusal_reason", "unknown_refusal_reason"),
        ({"refusal_reason": "H"}, "refusal_reason", "reason_without_refusal"),
        ({"document_number": "X" * 33}, "document_number", "too_long"),
        ({"nationality": "ABC"}, "nationality", "unknown_country"),
        ({"issuing_state": "QQ1"}, "issuing_state", "unknown_country"),
        ({"issuing_state": "uzb"}, "issuing_state", "unknown_country"),
        ({"nationality": "UZBK"}, "nationality", "unknown_country"),
        ({"issuing_state": "UTO"}, "issuing_state", "specimen_country"),
        ({"occurred_at": "2031-01-01T00:00:00Z"}, "occurred_at", "future_crossing"),
        # Five minutes of clock skew are allowed; a second more is not.
        ({"occurred_at": "2026-11-23T00:05:01Z"}, "occurred_at", "future_crossing"),
        # The country codes are checked before the BCP and the time.
        ({"nationality": "ABC", "bcp": "KAZ-NOWHERE"}, "nationality", "unknown_country"),
        ({"bcp": "KAZ-NOWHERE", "occurred_at": "2031-01-01T00:00:00Z"}, "bcp", "unknown_bcp"),
        # The first broken rule is the one reported.
        ({"surname": "", "purpose": "nothing"}, "surname", "missing_value"),
    ],
)
def test_a_broken_rule_rejects_its_row_only(engine, tmp_path, overrides, field, code):
    summary, rejected = run(engine, tmp_path, [row(), row(**overrides), row()])
    assert (summary.recorded, summary.rejected) == (2, 1)
    assert [(r["row"], r["field"], r["code"]) for r in rejected] == [("2", field, code)]
    assert rejected[0]["reason"]


def test_every_extended_iso_spelling_is_accepted_and_stored_in_utc(engine, tmp_path):
    # The compact forms Python also reads (20260301T110000+0500, 20300101) are refused, as the
    # API refuses them: test_import_strict.py.
    braced = uuid7()
    rows = [
        row(crossing_id=f"{{{braced}}}", occurred_at="2026-03-01T11:00:00+0500"),
        row(occurred_at="2026-03-01T06:00:00.250+00:00", expiry_date="2030-01-01"),
        row(occurred_at="2026-03-01 01:00:00-05:00", mrz_valid="false", refusal_reason=""),
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


# --- the optional `mrz` column: the document read by the service the border check uses -------

KARIMOV = compose_td3(issuing_state="UZB", surname="KARIMOV", given_names="AZIZ BEKOVICH",
                      document_number="FA0000001", nationality="UZB",
                      birth_date=date(1990, 3, 7), sex="M", expiry_date=date(2031, 3, 6),
                      optional_data="30703901230012")  # fmt: skip
NO_DOCUMENT = {"issuing_state": "", "document_number": "", "surname": "", "nationality": ""}


def file_row(**overrides: str) -> dict[str, str]:
    """A row of a file with an `mrz` column (and every document column, maybe empty)."""
    return row(mrz="", document_type="", birth_date="", sex="") | overrides


def mrz_row(lines, **overrides: str) -> dict[str, str]:
    return file_row(**NO_DOCUMENT, mrz="\n".join(lines)) | overrides


def stored_documents(engine):
    with engine.connect() as connection:
        return connection.execute(
            select(documents.c.issuing_state, documents.c.number, documents.c.document_type,
                   documents.c.surname, documents.c.given_names, documents.c.nationality,
                   documents.c.birth_date, documents.c.sex, documents.c.expiry_date,
                   documents.c.optional_data).order_by(documents.c.number)
        ).all()  # fmt: skip


def stored_mrz_valid(engine):
    with engine.connect() as connection:
        query = select(crossings.c.mrz_valid).order_by(crossings.c.seq)
        return connection.execute(query).scalars().all()


def test_a_row_with_only_an_mrz_gets_its_document_from_it(engine, tmp_path):
    plain = file_row(document_number="FA0000099")
    summary, rejected = run(engine, tmp_path, [plain, mrz_row(KARIMOV, mrz_valid="")])
    assert (summary.recorded, rejected) == (2, [])
    (document,) = [d for d in stored_documents(engine) if d.optional_data]
    assert tuple(document) == (
        "UZB", "FA0000001", "P", "KARIMOV", "AZIZ BEKOVICH", "UZB", date(1990, 3, 7), "M",
        date(2031, 3, 6), "30703901230012",
    )  # fmt: skip
    assert stored_mrz_valid(engine) == [True, True]


def test_mrz_valid_is_what_the_reader_says(engine, tmp_path):
    broken = (KARIMOV[0], KARIMOV[1][:19] + "0" + KARIMOV[1][20:])  # birth date check digit
    assert broken != KARIMOV
    summary, rejected = run(engine, tmp_path, [mrz_row(broken, mrz_valid="true")])
    assert (summary.recorded, rejected) == (1, [])
    assert stored_mrz_valid(engine) == [False]


def test_given_fields_that_agree_with_the_mrz_are_kept(engine, tmp_path):
    agreeing = mrz_row(KARIMOV, issuing_state="UZB", document_number="FA0000001",
                       surname="Karimov", given_names="Aziz Bekovich", birth_date="1990-03-07",
                       sex="M", document_type="P")  # fmt: skip
    summary, rejected = run(engine, tmp_path, [agreeing])
    assert (summary.recorded, rejected) == (1, [])


@pytest.mark.parametrize(
    ("overrides", "field"),
    [
        ({"issuing_state": "KAZ"}, "issuing_state"),
        ({"document_number": "FA0000002"}, "document_number"),
        ({"document_type": "PO"}, "document_type"),
        ({"surname": "KARIMOVA"}, "surname"),
        ({"given_names": "AZIZ"}, "given_names"),
        ({"nationality": "TJK"}, "nationality"),
        ({"birth_date": "1990-03-08"}, "birth_date"),
        ({"sex": "F"}, "sex"),
        ({"expiry_date": "2031-03-07"}, "expiry_date"),
    ],
)
def test_a_given_field_that_disagrees_with_the_mrz_rejects_the_row(
    engine, tmp_path, overrides, field
):
    rows = [file_row(), mrz_row(KARIMOV, **overrides), file_row()]
    summary, rejected = run(engine, tmp_path, rows)
    assert (summary.recorded, summary.rejected) == (2, 1)
    assert [(r["row"], r["field"], r["code"]) for r in rejected] == [("2", field, "mrz_mismatch")]
    assert "MRZ" in rejected[0]["reason"]


@pytest.mark.parametrize(
    "text",
    ["not an mrz", KARIMOV[0], f"{KARIMOV[0]}\n{KARIMOV[1][:-2]}"],
)
def test_an_unreadable_mrz_rejects_the_row(engine, tmp_path, text):
    summary, rejected = run(engine, tmp_path, [file_row(), file_row(**NO_DOCUMENT, mrz=text)])
    assert (summary.recorded, summary.rejected) == (1, 1)
    assert [(r["field"], r["code"]) for r in rejected] == [("mrz", "invalid_mrz")]
    assert rejected[0]["reason"].startswith("mrz cannot be read")


def test_real_documents_the_reader_once_refused_are_imported(engine, tmp_path):
    # A Belgian card with a 12-digit number (datacheckerbv/MRZParser testTD1_ID_BEL_2_Valid)
    # and a surname-less name (cheminfo/mrz td1.test.ts "No last name"), with their MRZ lines
    # written as the two characters \n, as some exports do.
    belgian = ("IDBEL592211692<1741<<<<<<<<<<<", "9003107F2509301BEL900310244094",
               "SPECIMEN<<SPECIMEN<<<<<<<<<<<<")  # fmt: skip
    one_name = compose_td1(issuing_state="CHE", surname="", given_names="ANNA MARIA",
                           document_number="D23145890", nationality="CHE",
                           birth_date=date(1974, 8, 12), sex="F", expiry_date=date(2029, 4, 15),
                           optional_data="ABC")  # fmt: skip
    rows = [mrz_row(belgian), file_row(**NO_DOCUMENT, mrz="\\n".join(one_name))]
    summary, rejected = run(engine, tmp_path, rows)
    assert (summary.recorded, rejected) == (2, [])
    found = {(d.issuing_state, d.number, d.surname, d.given_names)
             for d in stored_documents(engine)}  # fmt: skip
    assert found == {("BEL", "592211692174", "SPECIMEN", "SPECIMEN"),
                     ("CHE", "D23145890", "", "ANNA MARIA")}  # fmt: skip


def test_a_surname_is_still_required_where_the_mrz_gives_one_and_the_row_has_no_mrz(
    engine, tmp_path
):
    _, rejected = run(engine, tmp_path, [file_row(), file_row(surname="")])
    assert [(r["field"], r["code"]) for r in rejected] == [("surname", "missing_value")]


def test_an_mrz_row_with_an_unreadable_time_reports_the_time(engine, tmp_path):
    rows = [file_row(), mrz_row(KARIMOV, occurred_at="yesterday")]
    _, rejected = run(engine, tmp_path, rows)
    assert [(r["field"], r["code"]) for r in rejected] == [("occurred_at", "invalid_time")]


def test_parquet_date_columns_are_filled_and_compared(engine, tmp_path):
    rows = [mrz_row(KARIMOV), mrz_row(KARIMOV, document_number="FA0000001")]
    rows[1]["crossing_id"] = str(uuid7())
    dates = [None, date(1990, 3, 8)]  # the second disagrees with the MRZ
    columns = {k: [r[k] for r in rows] for k in rows[0] if k not in ("birth_date", "expiry_date")}
    table = pa.table({**columns, "birth_date": pa.array(dates, pa.date32()),
                      "expiry_date": pa.array([None, None], pa.date32())})  # fmt: skip
    path = tmp_path / "c.parquet"
    pq.write_table(table, path)
    report = io.StringIO()
    summary = import_crossings(engine, path, report, now=NOW)
    rejected = list(csv.DictReader(io.StringIO(report.getvalue())))
    assert (summary.recorded, summary.rejected) == (1, 1)
    assert [(r["row"], r["field"], r["code"]) for r in rejected] == [
        ("2", "birth_date", "mrz_mismatch")
    ]
    (document,) = stored_documents(engine)
    assert (document.birth_date, document.expiry_date) == (date(1990, 3, 7), date(2031, 3, 6))


def test_a_name_the_mrz_cut_short_agrees_with_the_whole_name(engine, tmp_path):
    lines = compose_td1(issuing_state="KAZ", surname="Wolfeschlegelsteinhausen",
                        given_names="Hubert Blaine", document_number="N7654321",
                        nationality="KAZ", birth_date=date(1980, 1, 1), sex="M",
                        expiry_date=date(2030, 1, 1))  # fmt: skip
    assert lines[2] == "WOLFESCHLEGELSTEINHAUSEN<<HUBE"
    whole = mrz_row(lines, surname="Wolfeschlegelsteinhausen", given_names="Hubert Blaine")
    other = mrz_row(lines, given_names="Hugo Blaine")
    summary, rejected = run(engine, tmp_path, [whole, other])
    assert summary.recorded == 1
    assert [(r["row"], r["field"], r["code"]) for r in rejected] == [
        ("2", "given_names", "mrz_mismatch")
    ]


def test_the_new_users_file_keeps_its_good_rows_and_says_why_the_others_are_out(engine, tmp_path):
    # The case: nationality ABC, issuing state QQ1 and a crossing dated 2031-01-01.
    rows = [
        row(),
        row(nationality="ABC"),
        row(issuing_state="QQ1"),
        row(occurred_at="2031-01-01T00:00:00Z"),
        row(occurred_at="2026-11-23T00:05:00Z"),  # within the clock skew: recorded
    ]
    summary, rejected = run(engine, tmp_path, rows)
    assert (summary.recorded, summary.rejected) == (2, 3)
    assert [(r["row"], r["field"], r["code"]) for r in rejected] == [
        ("2", "nationality", "unknown_country"),
        ("3", "issuing_state", "unknown_country"),
        ("4", "occurred_at", "future_crossing"),
    ]
    assert "'ABC' is not an ICAO 9303 country code" in rejected[0]["reason"]
    assert "later than now" in rejected[2]["reason"]
    with engine.connect() as connection:
        latest = connection.execute(select(func.max(crossings.c.occurred_at))).scalar()
    assert latest.replace(tzinfo=None) <= NOW.replace(tzinfo=None) + MAX_CLOCK_SKEW


def test_a_chunk_whose_rows_are_all_rejected_is_reported_and_the_import_goes_on(engine, tmp_path):
    rows = [row(nationality="ABC"), row(nationality="XYZ"), row(), row()]
    summary, rejected = run(engine, tmp_path, rows, chunk_rows=2)
    assert (summary.rows, summary.recorded, summary.rejected) == (4, 2, 2)
    assert {r["code"] for r in rejected} == {"unknown_country"}


def test_dates_no_document_can_carry_are_flagged_as_recording_flags_them(engine, tmp_path):
    cases = [
        ({"birth_date": "1990-05-01", "expiry_date": "2030-01-01"}, set()),
        ({"birth_date": "2026-03-01"}, set()),  # born the day they crossed
        ({"birth_date": "2026-03-02"}, {"implausible_birth_date"}),
        ({"birth_date": "1900-01-01"}, set()),
        ({"birth_date": "1899-12-31"}, {"implausible_birth_date"}),
        ({"expiry_date": "2056-12-31"}, set()),
        ({"expiry_date": "2057-01-01"}, {"implausible_expiry_date"}),
    ]
    rows = [
        row(document_number=f"FA{i:07d}", birth_date="") | overrides
        for i, (overrides, _) in enumerate(cases)
    ]
    summary, rejected = run(engine, tmp_path, rows)
    assert (summary.recorded, rejected) == (len(cases), [])
    with engine.connect() as connection:
        flagged = connection.execute(
            select(crossings.c.id, crossing_flags.c.flag).join(
                crossing_flags, crossing_flags.c.crossing_seq == crossings.c.seq
            )
        ).all()
    flags = {str(i): set() for i in (r["crossing_id"] for r in rows)}
    for crossing_id, flag in flagged:
        flags[str(crossing_id)].add(flag)
    assert [flags[r["crossing_id"]] for r in rows] == [expected for _, expected in cases]


def _reference() -> ReferenceFacts:
    bcps = {b.code: BcpFacts(b.code, b.state, b.mode, b.time_zone) for b in load_bcps().values()}
    return ReferenceFacts(bcps, frozenset(load_refusal_reasons()))


def _verdicts(table: pa.Table) -> list[str | None]:
    """Each row's code of rejection (None: understood), by parsing alone."""
    parsed = parse_chunk(table, 1, _reference(), NOW)
    codes: list[str | None] = [None] * table.num_rows
    for rejected in parsed.rejected:
        codes[rejected.row - 1] = rejected.code
    return codes


def _rows_with(column: str, codes: list[str]) -> pa.Table:
    return pa.Table.from_pylist([row(**{column: code}) for code in codes])


@pytest.mark.parametrize("column", ["issuing_state", "nationality"])
def test_every_icao_code_is_taken_and_the_specimen_is_not(column):
    codes = sorted(all_codes())
    verdicts = dict(zip(codes, _verdicts(_rows_with(column, codes)), strict=True))
    assert {code for code, verdict in verdicts.items() if verdict is not None} == {"UTO"}
    assert verdicts["UTO"] == "specimen_country"
    assert {"D", "GBD", "UNA", "UNK", "UNO", "XXA", "XXB", "XXC", "XXX", "EUE"} <= set(verdicts)


@settings(max_examples=50, deadline=None)
@given(
    st.sampled_from(["issuing_state", "nationality"]),
    st.lists(
        st.text(
            alphabet=string.ascii_uppercase + string.digits + "<", min_size=1, max_size=3
        ).filter(lambda code: code not in all_codes()),
        min_size=1,
        max_size=20,
    ),
)
def test_codes_that_are_not_icao_codes_are_refused_by_name(column, codes):
    assert _verdicts(_rows_with(column, codes)) == ["unknown_country"] * len(codes)
