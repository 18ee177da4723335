"""The export of people's links: one row per document, the contract's columns first."""

import pyarrow.csv as pa_csv
import pyarrow.parquet as pq
import pytest
from people_fixtures import NOW, FixedModel, document, linker, passport, record
from sqlalchemy import select

from rmis.persons import CONTRACT
from rmis.registry import export_links
from rmis.store.schema import audit_log

MODEL = FixedModel({("ABDULLAEV", "ABDULAEV"): 0.9})


@pytest.mark.parametrize("fmt", ["parquet", "csv"])
def test_one_row_per_document_with_its_person_and_link(engine, tmp_path, fmt):
    record(
        engine,
        passport("FA0000001"),
        passport("FA0000002"),  # automatic
        passport("FA0000003", previous_document_number="FA0000002", surname="X"),  # certain
        passport("FA0000004", surname="ABDULAEV"),  # pending
        passport("ZZ0000001", surname="KARIMOV", birth_date=None),  # first
        link=linker(MODEL),
    )
    out = tmp_path / f"people.{fmt}"
    assert export_links(engine, out, fmt, now=NOW) == 5
    table = pq.read_table(out) if fmt == "parquet" else pa_csv.read_csv(out)
    assert tuple(table.column_names[:5]) == CONTRACT
    rows = {r["document_number"]: r for r in table.to_pylist()}
    person = str(document(engine, "FA0000001")["traveller_id"])
    assert {n: (r["link"], r["person_key"] == person) for n, r in rows.items()} == {
        "FA0000001": ("first", True), "FA0000002": ("automatic", True),
        "FA0000003": ("certain", True), "FA0000004": ("pending", False),
        "ZZ0000001": ("first", False),
    }  # fmt: skip
    # A pending document's key is its own traveller.
    assert rows["FA0000004"]["person_key"] == str(document(engine, "FA0000004")["traveller_id"])
    assert {r["issuing_state"] for r in rows.values()} == {"UZB"}
    assert {r["document_type"] for r in rows.values()} == {"P"}
    with engine.connect() as connection:
        audit = connection.execute(select(audit_log).order_by(audit_log.c.seq.desc())).first()
    assert (audit.action, audit.detail) == ("persons.export", {"rows": 5, "format": fmt})


def test_an_empty_record_exports_the_columns(engine, tmp_path):
    out = tmp_path / "none.parquet"
    assert export_links(engine, out, "parquet", now=NOW) == 0
    assert tuple(pq.read_table(out).column_names[:5]) == CONTRACT
