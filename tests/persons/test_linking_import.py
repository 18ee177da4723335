"""Linking in the bulk import: new documents of one chunk link to each other and to people on
record, before anything is inserted, so flags are judged on the person's whole timeline."""

import io
from datetime import timedelta

import pyarrow as pa
import pyarrow.parquet as pq
from people_fixtures import NOW, FixedModel, count, document, linker, links_of, passport, record
from sqlalchemy import select

from rmis.registry import import_crossings
from rmis.store.schema import crossing_flags, crossings, documents, link_proposals, person_links
from rmis.store.schema import travellers as travellers_table

MODEL = FixedModel({("ABDULLAEV", "ABDULAEV"): 0.9})


def row(number, direction, days_ago, surname="ABDULLAEV", **extra):
    return {
        "crossing_id": str(__import__("uuid6").uuid7()), "direction": direction, "bcp": "KAZ-ALA",
        "occurred_at": NOW - timedelta(days=days_ago), "issuing_state": "UZB",
        "document_number": number, "surname": surname, "given_names": "NURSULTAN",
        "nationality": "UZB", "birth_date": "1990-05-01", "sex": "M", "purpose": "work",
        "officer": "officer.1", "previous_document_number": extra.get("previous"),
    }  # fmt: skip


def import_rows(engine, tmp_path, rows, chunk_rows=1000):
    path = tmp_path / f"crossings-{len(rows)}-{rows[0]['crossing_id']}.parquet"
    pq.write_table(pa.Table.from_pylist(rows), path)
    return import_crossings(engine, path, io.StringIO(), now=NOW, chunk_rows=chunk_rows,
                            linker=linker(MODEL))  # fmt: skip


def flags(engine):
    with engine.connect() as connection:
        return dict(
            connection.execute(
                select(documents.c.number, crossing_flags.c.flag)
                .join(crossings, crossings.c.seq == crossing_flags.c.crossing_seq)
                .join(documents, documents.c.id == crossings.c.document_id)
            ).all()
        )


def test_documents_of_one_chunk_link_to_each_other(engine, tmp_path):
    rows = [
        row("FA0000001", "entry", 30),
        row("FA0000002", "exit", 25),  # the same person, same names: automatic
        row("FA0000003", "entry", 20, previous="FA0000002"),  # a renewal: certain
        row("FA0000004", "exit", 15, surname="ABDULAEV"),  # the middle band: pending
        row("ZZ0000001", "entry", 10, surname="KARIMOV"),  # someone else: first
    ]
    summary = import_rows(engine, tmp_path, rows)
    assert summary.recorded == 5
    person = document(engine, "FA0000001")["traveller_id"]
    numbers = ("FA0000001", "FA0000002", "FA0000003", "FA0000004", "ZZ0000001")
    links = {n: (document(engine, n)["link"], document(engine, n)["traveller_id"] == person)
             for n in numbers}  # fmt: skip
    assert links == {
        "FA0000001": ("first", True), "FA0000002": ("automatic", True),
        "FA0000003": ("certain", True), "FA0000004": ("pending", False),
        "ZZ0000001": ("first", False),
    }  # fmt: skip
    assert count(engine, travellers_table) == 3
    assert count(engine, person_links) == 5
    [proposal] = (p for p in _proposals(engine))
    assert proposal["document_id"] == document(engine, "FA0000004")["id"]
    assert links_of(engine, document(engine, "FA0000003")["id"])[0]["rule"] == "previous_number"
    assert links_of(engine, document(engine, "ZZ0000001")["id"])[0]["rule"] == "no_match"
    # One person's timeline: the exit on FA0000002 closes the entry on FA0000001; the pending
    # document's exit has no entry of its own person before it.
    assert flags(engine) == {"FA0000004": "exit_without_entry"}


def _proposals(engine):
    with engine.connect() as connection:
        return connection.execute(select(link_proposals)).mappings().all()


def test_a_new_document_in_a_chunk_joins_a_person_on_record(engine, tmp_path):
    record(engine, passport("FA0000001"), link=linker(MODEL), days_ago=30)
    summary = import_rows(engine, tmp_path, [row("FA0000002", "exit", 20),
                                             row("FA0000002", "entry", 10)])  # fmt: skip
    assert summary.recorded == 2
    assert (
        document(engine, "FA0000002")["traveller_id"]
        == document(engine, "FA0000001")["traveller_id"]
    )
    assert flags(engine) == {}
    # Imported again: nothing recorded, nothing linked again.
    before = count(engine, person_links)
    again = import_rows(engine, tmp_path, [row("FA0000003", "entry", 5, surname="KARIMOV")])
    assert again.recorded == 1 and count(engine, person_links) == before + 1


def test_an_import_run_again_links_nothing_twice(engine, tmp_path):
    rows = [row("FA0000001", "entry", 30), row("FA0000002", "exit", 25)]
    import_rows(engine, tmp_path, rows)
    path = next(tmp_path.glob("*.parquet"))
    again = import_crossings(engine, path, io.StringIO(), now=NOW, linker=linker(MODEL))
    assert again.recorded == 0
    assert count(engine, person_links) == 2 and count(engine, documents) == 2


def test_links_across_chunks_of_one_import(engine, tmp_path):
    rows = [row("FA0000001", "entry", 30), row("FA0000002", "exit", 25)]
    import_rows(engine, tmp_path, rows, chunk_rows=1)
    assert document(engine, "FA0000002")["link"] == "automatic"
    assert flags(engine) == {}


def kaz_row(number, days_ago, optional_data, nationality="KAZ", birth_date="1987-04-12"):
    return row(number, "entry", days_ago) | {
        "issuing_state": "KAZ", "nationality": nationality, "birth_date": birth_date,
        "optional_data": optional_data, "surname": "SMAGULOV", "given_names": "ERLAN",
    }  # fmt: skip


def test_the_same_personal_number_links_in_a_chunk_and_to_the_record(engine, tmp_path):
    from test_rules import IIN

    # In one chunk: the number bare and with its fillers.
    import_rows(engine, tmp_path, [kaz_row("N0000001", 30, IIN + "<<"),
                                   kaz_row("N0000002", 20, IIN, nationality="RUS")])  # fmt: skip
    second = document(engine, "N0000002", "KAZ")
    assert second["link"] == "certain"
    assert second["traveller_id"] == document(engine, "N0000001", "KAZ")["traveller_id"]
    # In a later chunk, found on record by the number alone (nationality and names differ).
    import_rows(engine, tmp_path, [kaz_row("N0000003", 10, IIN + "<", nationality="UZB")
                                   | {"surname": "X", "given_names": "Y"}])  # fmt: skip
    third = document(engine, "N0000003", "KAZ")
    assert (third["link"], third["traveller_id"]) == ("certain", second["traveller_id"])


def test_documents_no_one_could_be_compared_with_are_decided_in_sql(engine, tmp_path):
    rows = [row(f"FA000000{i}", "entry", 30 - i) | {"birth_date": f"19{50 + i}-01-0{1 + i}"}
            for i in range(4)]  # fmt: skip
    import_rows(engine, tmp_path, rows)
    with engine.connect() as connection:
        links = connection.execute(select(person_links.c.rule, person_links.c.detail)).all()
    assert [(rule, detail) for rule, detail in links] == [("no_match", None)] * 4
    assert count(engine, travellers_table) == 4
