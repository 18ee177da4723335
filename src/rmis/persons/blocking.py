"""Which documents a new one is compared with: comparisons.BLOCKING_RULES, found in the record by
index (never a scan) and among a batch of new documents by hashing.

The rules are Splink's blocking rules for the full prediction too, so incremental and full
linkage compare the same pairs: a document on record is a candidate of a new one exactly when
a rule's Python test (the same condition as its SQL) holds for the two.

In the record: the documents of the new one's birth date (index on birth_date; sex and
nationality are then compared on the few rows of that day), and those the certain rules look
up (rules.certain_candidates: its previous number, the documents naming it as theirs, its
personal number, by their indexes).
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Sequence
from itertools import combinations
from uuid import UUID

from sqlalchemy import Connection, tuple_

from rmis.persons.comparisons import blocked
from rmis.persons.facts import DocumentFacts
from rmis.persons.features import SEXES, Features, features
from rmis.persons.rules import certain_candidates
from rmis.persons.stored import SELECT_FACTS, chunked, facts_of
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
    return keys


def _same_person_fields(connection: Connection, new: Sequence[DocumentFacts]):
    """Documents on record of a new one's birth date, sex and nationality (by the index on
    birth_date: the rest is compared on the rows of those days)."""
    wanted = sorted({
        (d.birth_date, d.sex, d.nationality) for d in new
        if d.birth_date is not None and d.sex in SEXES and d.nationality
    })  # fmt: skip
    key = tuple_(documents.c.birth_date, documents.c.sex, documents.c.nationality)
    for part in chunked(wanted):
        yield from (facts_of(r) for r in connection.execute(SELECT_FACTS.where(key.in_(part)))
                    .mappings())  # fmt: skip


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
    for doc in [*_same_person_fields(connection, new), *certain_candidates(connection, new)]:
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
