"""Which documents a new one is compared with: comparisons.BLOCKING_RULES, found in the record by
index (never a scan) and among a batch of new documents by hashing.

The rules are Splink's blocking rules for the full prediction too, so incremental and full
linkage compare the same pairs: a document on record is a candidate of a new one exactly when
a rule's Python test (the same condition as its SQL) holds for the two.

In the record, one statement per new document (or per batch): the documents of its birth
date, sex and nationality (by the index on birth_date), those the number-based rules reach
(its previous number, the documents naming it as theirs, its personal number, each by its
index), and those of its state and names as written born on a date a digit off its own (by
the index on issuing_state, surname, given_names and birth_date).
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Sequence
from datetime import date
from functools import lru_cache
from itertools import combinations
from uuid import UUID

from sqlalchemy import Connection, union_all

from rmis.persons.comparisons import blocked
from rmis.persons.facts import DocumentFacts
from rmis.persons.features import Features, features
from rmis.persons.stored import SELECT_FACTS, chunked, facts_of, stored_forms
from rmis.store.schema import documents


def _keys(f: Features) -> list[tuple]:
    """Hash keys under which two documents a rule compares always meet (one shared key is
    necessary, not sufficient: comparisons.blocked decides)."""
    keys: list[tuple] = []
    if f.birth_day is not None and f.sex is not None and f.nationality is not None:
        keys.append(("person", f.birth_day, f.sex, f.nationality))
    if f.personal_number is not None:
        keys.append(("personal", f.issuing_state, f.personal_number))
    # A document's number and the previous number of its renewal meet in one key.
    keys.append(("number", f.issuing_state, f.number))
    if f.previous_number is not None:
        keys.append(("number", f.issuing_state, f.previous_number))
    if f.surname_raw is not None and f.given_raw is not None and f.birth_text is not None:
        # A digit off leaves the year or the month and day as they were (a swap, the year).
        named = (f.issuing_state, f.surname_raw, f.given_raw)
        keys.append(("named year", *named, f.birth_text[:4]))
        keys.append(("named day", *named, f.birth_text[4:]))
    return keys


def _date(text: str) -> date | None:
    try:
        return date(int(text[:4]), int(text[4:6]), int(text[6:]))
    except ValueError:
        return None


@lru_cache(maxsize=65536)
def slipped_dates(born: date) -> tuple[date, ...]:
    """The date and every date a digit off it (YYYYMMDD) or with day and month swapped: the
    birth dates comparisons' "digit off" test holds for."""
    text = f"{born:%Y%m%d}"
    found = {born}
    for i in range(len(text)):
        for digit in "0123456789":
            found.add(_date(text[:i] + digit + text[i + 1 :]) or born)
    found.add(_date(text[:4] + text[6:] + text[4:6]) or born)
    return tuple(sorted(found))


def _lookups(new: Sequence[DocumentFacts]) -> list:
    """The index lookups that find every document on record a rule could compare with a new
    one: its birth date, sex and nationality (index on birth_date), its previous number
    (the unique key), documents naming it as their previous one, its personal number in the
    forms the optional data may store it (personal_numbers.stored_forms), its state and names
    as written with a birth date a digit off (index on issuing_state, surname, given_names,
    birth_date).

    Each lookup is an IN list per column, not a row-value IN: SQLite (3.40) scans the whole
    table for `(a, b) IN (VALUES (..), (..))` with more than one row. Per column, a batch may
    bring back a few rows no rule wants (another day's sex, another state's number); the
    rules' tests drop them."""
    days, sexes, nationalities = set(), set(), set()
    states, previous, numbers, personal = set(), set(), set(), set()
    for d in new:
        f = features(d)
        states.add(d.issuing_state)
        if d.birth_date is not None and f.sex is not None and f.nationality is not None:
            days.add(d.birth_date)
            sexes.add(f.sex)
            nationalities.add(f.nationality)
        if f.previous_number is not None:
            previous.add(f.previous_number)
        numbers.add(f.number)
        if f.personal_number is not None:
            personal.update(stored_forms(f.personal_number))
    c = documents.c
    queries = [
        SELECT_FACTS.where(c.birth_date.in_(part), c.sex.in_(sorted(sexes)),
                           c.nationality.in_(sorted(nationalities)))
        for part in chunked(sorted(days))
    ]  # fmt: skip
    in_states = c.issuing_state.in_(sorted(states))
    for values, column in ((previous, c.number), (numbers, c.previous_document_number),
                           (personal, c.optional_data)):  # fmt: skip
        queries += [
            SELECT_FACTS.where(in_states, column.in_(part)) for part in chunked(sorted(values))
        ]
    # The same names as written, born a digit off: one lookup per document (IN lists per
    # column would multiply each document's dates by every other's names).
    named = {(d.issuing_state, d.surname, d.given_names, d.birth_date) for d in new
             if d.surname and d.given_names and d.birth_date is not None}  # fmt: skip
    queries += [
        SELECT_FACTS.where(c.issuing_state == state, c.surname == surname,
                           c.given_names == given, c.birth_date.in_(slipped_dates(born)))
        for state, surname, given, born in sorted(named)
    ]  # fmt: skip
    return queries


def _on_record(connection: Connection, new: Sequence[DocumentFacts]) -> list[DocumentFacts]:
    """Every document on record the lookups find: one statement (a union) per fifty lookups,
    so that a single new document costs one round trip."""
    found: dict[UUID, DocumentFacts] = {}
    for part in chunked(_lookups(new), 50):
        statement = part[0] if len(part) == 1 else union_all(*part)
        for row in connection.execute(statement).mappings():
            found[row["id"]] = facts_of(row)
    return list(found.values())


def candidates(
    connection: Connection, new: Sequence[DocumentFacts]
) -> dict[UUID, list[DocumentFacts]]:
    """For each new document (by id), the documents on record blocking compares it with, in a
    stable order (by id). Documents of `new` itself are left out, whether or not they are on
    record yet: pairs_within gives the pairs among them."""
    if not new:
        return {}
    mine = {d.id for d in new}
    found: dict[UUID, DocumentFacts] = {}
    for doc in _on_record(connection, new):
        if doc.id not in mine:
            found[doc.id] = doc
    index: dict[tuple, list[tuple[Features, DocumentFacts]]] = defaultdict(list)
    for doc in sorted(found.values(), key=lambda d: str(d.id)):
        f = features(doc)
        for key in _keys(f):
            index[key].append((f, doc))
    out: dict[UUID, list[DocumentFacts]] = {}
    for doc in new:
        f = features(doc)
        seen: dict[UUID, DocumentFacts] = {}
        for key in _keys(f):
            for g, other in index.get(key, ()):
                if other.id not in seen and blocked(f, g):
                    seen[other.id] = other
        out[doc.id] = sorted(seen.values(), key=lambda d: str(d.id))
    return out


def pairs_within(new: Sequence[DocumentFacts]) -> list[tuple[int, int]]:
    """The pairs (i, j), i < j, of positions in `new` that blocking compares."""
    feats = [features(d) for d in new]
    buckets: dict[tuple, list[int]] = defaultdict(list)
    for i, f in enumerate(feats):
        for key in _keys(f):
            buckets[key].append(i)
    found: set[tuple[int, int]] = set()
    for members in buckets.values():
        for i, j in combinations(sorted(set(members)), 2):
            if (i, j) not in found and blocked(feats[i], feats[j]):
                found.add((i, j))
    return sorted(found)
