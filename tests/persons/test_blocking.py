"""Blocking in the record: candidates() finds, by index, exactly the documents on record that a
blocking rule compares with each new one; pairs_within the pairs among new ones."""

from __future__ import annotations

from dataclasses import replace
from datetime import UTC, datetime, timedelta
from itertools import combinations
from uuid import uuid5

from hypothesis import given, settings
from hypothesis import strategies as st
from linkage_cases import NAMESPACE
from linkage_cases import documents as case_documents
from sqlalchemy import insert, text

from rmis.persons.blocking import candidates, pairs_within
from rmis.persons.comparisons import blocked
from rmis.persons.features import features
from rmis.store.schema import documents, travellers

NOW = datetime(2026, 11, 23, tzinfo=UTC)
CASES = case_documents()


def put_on_record(connection, docs) -> None:
    people = {d.traveller_id for d in docs}
    connection.execute(insert(travellers), [{"id": t, "created_at": NOW} for t in people])
    rows = []
    for d in docs:
        row = {c: getattr(d, c) for c in d.__slots__}
        rows.append({**row, "first_seen_at": NOW})
    connection.execute(insert(documents), rows)


def _brute_force(new, on_record):
    mine = {d.id for d in new}
    return {
        d.id: sorted(
            (r.id for r in on_record if r.id not in mine and blocked(features(d), features(r))),
            key=str,
        )
        for d in new
    }


def test_candidates_are_the_documents_on_record_a_rule_compares(engine):
    on_record, new = CASES[::2], CASES[1::2]
    with engine.begin() as connection:
        put_on_record(connection, on_record)
    with engine.connect() as connection:
        found = candidates(connection, new)
    assert {k: [d.id for d in v] for k, v in found.items()} == _brute_force(new, on_record)
    assert sum(len(v) for v in found.values()) > 20


def test_new_documents_already_on_record_are_not_their_own_candidates(engine):
    with engine.begin() as connection:
        put_on_record(connection, CASES)
    new = CASES[:40]
    with engine.connect() as connection:
        found = candidates(connection, new)
    ids = {d.id for d in new}
    assert all(c.id not in ids for v in found.values() for c in v)
    assert {k: [d.id for d in v] for k, v in found.items()} == _brute_force(new, CASES)


def test_a_renewal_born_on_another_day_is_found_by_its_previous_number(engine):
    old = CASES[0]
    renewal = replace(
        old, id=uuid5(NAMESPACE, "renewal"), number="N77777777",
        previous_document_number=old.number, birth_date=None, optional_data=None,
    )  # fmt: skip
    with engine.begin() as connection:
        put_on_record(connection, [old])
    with engine.connect() as connection:
        assert [d.id for d in candidates(connection, [renewal])[renewal.id]] == [old.id]


def test_candidates_are_looked_up_by_index(engine):
    """Every lookup of a batch uses an index, never a scan of documents (SQLite scans for a
    row-value IN of more than one row, which is why the lookups are per column)."""
    from rmis.persons.blocking import _lookups

    with engine.connect() as connection:
        for query in _lookups(CASES[:30]):
            sql = str(query.compile(connection, compile_kwargs={"literal_binds": True}))
            if connection.dialect.name == "sqlite":
                plan = " ".join(
                    str(r) for r in connection.execute(text("EXPLAIN QUERY PLAN " + sql))
                )
                assert "USING INDEX" in plan and "SCAN documents" not in plan, plan
            else:
                connection.execute(text("SET enable_seqscan = off"))
                plan = " ".join(r[0] for r in connection.execute(text("EXPLAIN " + sql)))
                assert "Index" in plan and "Seq Scan" not in plan, plan


@settings(max_examples=60, deadline=None)
@given(st.lists(st.sampled_from(CASES), min_size=0, max_size=40, unique_by=lambda d: d.id))
def test_pairs_within_are_every_blocked_pair_of_the_batch(batch):
    expected = [
        (i, j) for i, j in combinations(range(len(batch)), 2)
        if blocked(features(batch[i]), features(batch[j]))
    ]  # fmt: skip
    assert pairs_within(batch) == expected


@settings(max_examples=200, deadline=None)
@given(st.sampled_from(CASES), st.sampled_from(CASES))
def test_blocking_is_symmetric(a, b):
    assert blocked(features(a), features(b)) == blocked(features(b), features(a))


def _slipped(base, label, **changes):
    return replace(base, id=uuid5(NAMESPACE, label), traveller_id=uuid5(NAMESPACE, "t" + label),
                   number=f"S{abs(hash(label)) % 10**7:07d}", optional_data=None,
                   previous_document_number=None, **changes)  # fmt: skip


def test_a_birth_date_typed_a_digit_off_is_found_by_the_names(engine):
    """A document first seen on a row typed by hand, its birth date a digit off, and no number
    to tie it: the same names as written and state bring it to its person's other documents."""
    from datetime import date

    uzbek = next(d for d in CASES if d.issuing_state == "UZB" and d.optional_data is None)
    base = replace(uzbek, birth_date=date(1979, 3, 11))
    slip = _slipped(base, "slip", birth_date=date(1979, 3, 17))
    swapped = _slipped(base, "swap", birth_date=date(1979, 11, 3))
    two_off = _slipped(base, "two", birth_date=date(1980, 3, 21))
    other_state = _slipped(base, "state", issuing_state="TJK", birth_date=slip.birth_date)
    other_name = _slipped(base, "name", given_names=base.given_names + "BEK",
                          birth_date=slip.birth_date)  # fmt: skip
    for doc in (slip, swapped):
        assert blocked(features(base), features(doc)), doc.birth_date
    for doc in (two_off, other_state, other_name):
        assert not blocked(features(base), features(doc)), doc
    with engine.begin() as connection:
        put_on_record(connection, [base])
    new = [slip, swapped, two_off, other_state, other_name]
    with engine.connect() as connection:
        found = candidates(connection, new)
    assert {k: [d.id for d in v] for k, v in found.items()} == {
        slip.id: [base.id], swapped.id: [base.id], two_off.id: [], other_state.id: [],
        other_name.id: [],
    }  # fmt: skip
    assert (0, 1) in pairs_within([base, slip]) and pairs_within([base, two_off]) == []


def test_recording_and_importing_link_a_birth_date_typed_a_digit_off(engine, tmp_path):
    """End to end with the shipped model: a renewal first seen with its birth date a digit off
    joins its person, whether recorded at the border, imported later, or imported in one chunk
    with the passport it renewed; a namesake born two digits off stays apart."""
    import io
    from datetime import date

    import pyarrow as pa
    import pyarrow.parquet as pq
    from people_fixtures import PASSPORT, document, passport, record
    from uuid6 import uuid7

    from rmis.persons import Linker
    from rmis.persons.blocking import candidates as by_index
    from rmis.persons.model import default_link_model
    from rmis.registry import import_crossings

    linker = Linker(default_link_model(), by_index, pairs_within)
    renewal = dict(birth_date=date(1990, 5, 7), expiry_date=date(2039, 10, 1))
    record(engine, PASSPORT, passport("FA7654321", **renewal),
           passport("FA5555555", birth_date=date(1990, 6, 7), expiry_date=date(2039, 10, 1)),
           link=linker)  # fmt: skip
    person = document(engine, PASSPORT.number)["traveller_id"]
    assert document(engine, "FA7654321")["traveller_id"] == person
    assert document(engine, "FA7654321")["link"] == "automatic"
    assert document(engine, "FA5555555")["traveller_id"] != person

    def row(number, days_ago, born, expiry):
        return {
            "crossing_id": str(uuid7()), "direction": "entry", "bcp": "KAZ-ALA",
            "occurred_at": NOW - timedelta(days=days_ago), "issuing_state": "TJK",
            "document_number": number, "surname": "RAHIMOV", "given_names": "DALER",
            "nationality": "TJK", "birth_date": born, "sex": "M", "expiry_date": expiry,
            "purpose": "work", "officer": "officer.1",
        }  # fmt: skip

    for chunk_rows, prefix in ((1, "4010"), (1000, "4020")):
        rows = [row(f"{prefix}00001", 30, "1985-02-14", "2028-03-01"),
                row(f"{prefix}00002", 20, "1985-02-19", "2037-12-01")]  # fmt: skip
        rows = [{**r, "given_names": f"DALER{prefix}"} for r in rows]
        path = tmp_path / f"{prefix}.parquet"
        pq.write_table(pa.Table.from_pylist(rows), path)
        import_crossings(engine, path, io.StringIO(), now=NOW, chunk_rows=chunk_rows,
                         linker=linker)  # fmt: skip
        first = document(engine, f"{prefix}00001", "TJK")
        second = document(engine, f"{prefix}00002", "TJK")
        assert second["traveller_id"] == first["traveller_id"], chunk_rows
        assert second["link"] == "automatic"
