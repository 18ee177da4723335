"""Blocking in the record: candidates() finds, by index, exactly the documents on record that a
blocking rule compares with each new one; pairs_within the pairs among new ones."""

from __future__ import annotations

from dataclasses import replace
from datetime import UTC, datetime
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
