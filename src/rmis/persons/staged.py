"""Blocking for a chunk of the bulk import: the documents staged in a table, compared with the
record by one join rather than one lookup per document.

The pairs are blocking.py's, exactly (each is kept only when comparisons.blocked holds): the
record's documents of a staged one's birth date, sex and nationality, found by a join of the
staging table with the documents' birth-date index (PostgreSQL: a LATERAL lookup per staged
document, as bulk_write finds known documents, so the planner does not hash every document);
those of its state and names as written born the same year or on the same day of the year (a
birth date a digit off keeps one of the two), by the index on those columns; those a rule
could link, by rules.certain_candidates; and, within the chunk, only documents that share a
blocking key with another are given to blocking.pairs_within. Features are derived only for
documents that have someone to be compared with.
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Sequence
from dataclasses import replace
from typing import Any
from uuid import UUID

from sqlalchemy import (
    Connection,
    Table,
    and_,
    exists,
    extract,
    func,
    literal_column,
    or_,
    select,
    true,
    tuple_,
)

from rmis.documents import personal_number
from rmis.persons import blocking
from rmis.persons.comparisons import blocked
from rmis.persons.facts import DocumentFacts
from rmis.persons.features import features
from rmis.persons.linking import Linker
from rmis.persons.rules import CertainIndex, certain_candidates
from rmis.persons.stored import FACT_COLUMNS, facts_of
from rmis.store.schema import documents

_SAME_PERSON = ("birth_date", "sex", "nationality")
_SAME_NAMES = ("issuing_state", "surname", "given_names")


def _year(day):
    return extract("year", day)


def _day_of_year(day):
    # 100 inline, not a parameter: PostgreSQL must see the grouped and the selected expression
    # as the same (as in _bare).
    return extract("month", day) * literal_column("100") + extract("day", day)


def _near_birth(one, other):
    """Born the same year or on the same day of the year: what a birth date a digit off (or with
    day and month swapped) always keeps."""
    return or_(_year(one) == _year(other), _day_of_year(one) == _day_of_year(other))


def _born_alike(connection: Connection, staged: Table) -> dict[UUID, list[DocumentFacts]]:
    """Staged new document id -> documents on record of its birth date, sex and nationality."""
    return _on_record_where(connection, staged, _same_person)


def _named_alike(connection: Connection, staged: Table) -> dict[UUID, list[DocumentFacts]]:
    """Staged new document id -> documents on record of its state and names as written, born
    the same year or on the same day of the year."""
    return _on_record_where(connection, staged, _same_names)


def _same_person(new):
    return and_(*(documents.c[k] == new.c[k] for k in _SAME_PERSON))


def _same_names(new):
    names = (documents.c[k] == new.c[k] for k in _SAME_NAMES)
    return and_(*names, _near_birth(documents.c.birth_date, new.c.birth_date))


def _on_record_where(
    connection: Connection, staged: Table, condition
) -> dict[UUID, list[DocumentFacts]]:
    """Staged new document id -> documents on record for which condition(staged row) holds."""
    new = staged.alias("new")
    match = condition(new)
    if connection.dialect.name == "postgresql":
        found = select(*FACT_COLUMNS).where(match).lateral("found")
        query = select(new.c.id.label("new_id"), *found.c).select_from(new.join(found, true()))
    else:
        query = select(new.c.id.label("new_id"), *FACT_COLUMNS).select_from(
            new.join(documents, match)
        )
    out: dict[UUID, list[DocumentFacts]] = defaultdict(list)
    for row in connection.execute(query.where(~new.c.known)).mappings():
        out[row["new_id"]].append(facts_of(row))
    return out


def _within_keys(doc: DocumentFacts) -> list[tuple[Any, ...]]:
    """Keys two documents of a chunk share whenever blocking might compare them (a superset
    of blocking's keys, on the raw fields: no features needed to find them)."""
    keys: list[tuple[Any, ...]] = [("number", doc.issuing_state, doc.number)]
    if doc.birth_date is not None:
        keys.append(("person", doc.birth_date, doc.sex, doc.nationality))
    if doc.previous_document_number:
        keys.append(("number", doc.issuing_state, doc.previous_document_number))
    found = personal_number(doc.issuing_state, doc.optional_data)
    if found is not None:
        keys.append(("personal", doc.issuing_state, found.number))
    if doc.surname and doc.given_names and doc.birth_date is not None:
        named = (doc.issuing_state, doc.surname, doc.given_names)
        keys.append(("named year", *named, doc.birth_date.year))
        keys.append(("named day", *named, doc.birth_date.month, doc.birth_date.day))
    return keys


def _pairs_within(new_docs: Sequence[DocumentFacts]) -> list[tuple[int, int]]:
    """blocking.pairs_within, given only the documents that share a key with another."""
    buckets: dict[tuple[Any, ...], list[int]] = defaultdict(list)
    for i, doc in enumerate(new_docs):
        for key in _within_keys(doc):
            buckets[key].append(i)
    shared = sorted({i for members in buckets.values() if len(members) > 1 for i in members})
    if not shared:
        return []
    return [(shared[i], shared[j]) for i, j in blocking.pairs_within([new_docs[k] for k in shared])]


def staged_linker(
    connection: Connection, linker: Linker, staged: Table, new_docs: Sequence[DocumentFacts]
) -> Linker:
    """`linker` with its blocking done for the staged chunk at once. `staged` has the columns
    id, known, birth_date, sex and nationality of the chunk's documents; `new_docs` are its
    documents not on record."""
    if not linker.enabled or not linker.scoring:
        return linker
    alike = _born_alike(connection, staged)
    for doc_id, named in _named_alike(connection, staged).items():
        alike.setdefault(doc_id, []).extend(named)
    proved = CertainIndex(certain_candidates(connection, new_docs))
    mine = {doc.id for doc in new_docs}
    found: dict[UUID, list[DocumentFacts]] = {}
    cache: dict[UUID, Any] = {}

    def feature(doc: DocumentFacts):
        held = cache.get(doc.id)
        if held is None:
            held = cache[doc.id] = features(doc)
        return held

    for doc in new_docs:
        pool = {d.id: d for d in [*alike.get(doc.id, ()), *proved.near(doc)] if d.id not in mine}
        if pool:
            f = feature(doc)
            kept = [d for d in pool.values() if blocked(f, feature(d))]
            found[doc.id] = sorted(kept, key=lambda d: str(d.id))

    def candidates(_connection: Connection, _docs: Sequence[DocumentFacts]):
        return found

    return replace(linker, candidates=candidates, pairs_within=_pairs_within, derived=cache)


_FILLERS = "<" * 15


def _bare(column):
    """An optional data field without its trailing fillers."""
    # The filler inline, not a parameter: PostgreSQL then sees the grouped expression and the
    # selected one as the same.
    return func.rtrim(column, literal_column("'<'"))


def with_candidates(staged: Table):
    """A condition on a staging table's documents: blocking may compare the document with
    someone, on record or in the chunk. A superset of blocking's pairs, on the raw fields and
    the record's indexes, so that the documents it leaves out are decided `first` in SQL
    without being read. `staged` has the columns of DocumentFacts, `doc_no` and `known`."""
    d = documents
    other = staged.alias("other")
    bare = _bare(staged.c.optional_data)
    forms = [bare, func.substr(bare + _FILLERS, 1, 14), func.substr(bare + _FILLERS, 1, 15)]
    on_record = or_(
        exists().where(and_(*(d.c[k] == staged.c[k] for k in _SAME_PERSON))),
        exists().where(
            (d.c.issuing_state == staged.c.issuing_state)
            & (d.c.number == staged.c.previous_document_number)
        ),
        exists().where(
            (d.c.issuing_state == staged.c.issuing_state)
            & (d.c.previous_document_number == staged.c.number)
        ),
        staged.c.optional_data.is_not(None)
        & exists().where(
            (d.c.issuing_state == staged.c.issuing_state) & d.c.optional_data.in_(forms)
        ),
        exists().where(_same_names(staged)),
    )
    new = ~other.c.known
    in_chunk = or_(
        tuple_(*(staged.c[k] for k in _SAME_PERSON)).in_(
            select(*(other.c[k] for k in _SAME_PERSON))
            .where(new & other.c.birth_date.is_not(None))
            .group_by(*(other.c[k] for k in _SAME_PERSON))
            .having(func.count() > 1)
        ),
        tuple_(staged.c.issuing_state, staged.c.previous_document_number).in_(
            select(other.c.issuing_state, other.c.number).where(new)
        ),
        tuple_(staged.c.issuing_state, staged.c.number).in_(
            select(other.c.issuing_state, other.c.previous_document_number).where(
                new & other.c.previous_document_number.is_not(None)
            )
        ),
        tuple_(staged.c.issuing_state, bare).in_(
            select(other.c.issuing_state, _bare(other.c.optional_data))
            .where(new & other.c.optional_data.is_not(None))
            .group_by(other.c.issuing_state, _bare(other.c.optional_data))
            .having(func.count() > 1)
        ),
        *(
            tuple_(*(staged.c[k] for k in _SAME_NAMES), part(staged.c.birth_date)).in_(
                select(*(other.c[k] for k in _SAME_NAMES), part(other.c.birth_date))
                .where(new & other.c.birth_date.is_not(None))
                .group_by(*(other.c[k] for k in _SAME_NAMES), part(other.c.birth_date))
                .having(func.count() > 1)
            )
            for part in (_year, _day_of_year)
        ),
    )
    return ~staged.c.known & or_(on_record, in_chunk)
