"""Certain links: what a document itself proves about whose it is.

- `previous_number`: the new document names, as the one it replaced, a document on record of
  the same issuing state;
- `replaced_by`: a document on record names the new one as its replacement (the same proof
  seen from the other side, when the documents arrive out of order);
- `personal_number`: both carry the same personal number (documents/personal_numbers.py) from
  the same issuing state, and neither's birth date or sex contradicts the other's or the
  number's.

(The same document seen again is the same document row: recording finds it by its key and
never asks linking.) Each link says which rule made it and what it matched.
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from typing import Any

from sqlalchemy import ARRAY, Connection, String, any_, bindparam, union_all

from rmis.documents import personal_number
from rmis.persons.facts import DocumentFacts
from rmis.persons.stored import IN_LIST_SIZE, SELECT_FACTS, chunked, facts_of, stored_forms
from rmis.store.schema import documents

PREVIOUS_NUMBER = "previous_number"
REPLACED_BY = "replaced_by"
PERSONAL_NUMBER = "personal_number"
# The order links are preferred in when a document's rules point at different people.
RULES = (PREVIOUS_NUMBER, REPLACED_BY, PERSONAL_NUMBER)


@dataclass(frozen=True, slots=True)
class CertainLink:
    candidate: DocumentFacts
    rule: str
    detail: dict[str, Any]


def _agree(a: DocumentFacts, b: DocumentFacts) -> bool:
    """Birth dates and sexes that do not contradict each other (unknown contradicts nothing)."""
    if a.birth_date is not None and b.birth_date is not None and a.birth_date != b.birth_date:
        return False
    return not (a.sex in ("M", "F") and b.sex in ("M", "F") and a.sex != b.sex)


def _personal_number_link(new: DocumentFacts, other: DocumentFacts) -> CertainLink | None:
    if new.issuing_state != other.issuing_state:
        return None
    mine = personal_number(new.issuing_state, new.optional_data)
    if mine is None:
        return None
    theirs = personal_number(other.issuing_state, other.optional_data)
    if theirs is None or theirs.number != mine.number:
        return None
    consistent = (
        mine.consistent_with(new.birth_date, new.sex)
        and mine.consistent_with(other.birth_date, other.sex)
        and _agree(new, other)
    )
    if not consistent:
        return None
    detail = {
        "issuing_state": new.issuing_state,
        "personal_number": mine.number,
        "birth_date": mine.birth_date.isoformat(),
        "sex": mine.sex,
    }
    return CertainLink(other, PERSONAL_NUMBER, detail)


def certain_link(new: DocumentFacts, other: DocumentFacts) -> CertainLink | None:
    """The rule that proves `new` and `other` one person's, if one does (first in RULES)."""
    if new.id == other.id:
        return None
    same_state = new.issuing_state == other.issuing_state
    if same_state and new.previous_document_number == other.number:
        return CertainLink(
            other,
            PREVIOUS_NUMBER,
            {"issuing_state": new.issuing_state, "previous_document_number": other.number},
        )
    if same_state and other.previous_document_number == new.number:
        return CertainLink(
            other,
            REPLACED_BY,
            {"issuing_state": new.issuing_state, "replaced_by": new.number},
        )
    return _personal_number_link(new, other)


class CertainIndex:
    """Documents a new one may be proved to share a person with, looked up by what the rules
    match on (so a batch of thousands is not compared pair by pair)."""

    def __init__(self, documents: Iterable[DocumentFacts] = ()) -> None:
        self._by_number: dict[tuple[str, str], list[DocumentFacts]] = {}
        self._by_previous: dict[tuple[str, str], list[DocumentFacts]] = {}
        self._by_personal: dict[tuple[str, str], list[DocumentFacts]] = {}
        for doc in documents:
            self.add(doc)

    def add(self, doc: DocumentFacts) -> None:
        self._by_number.setdefault((doc.issuing_state, doc.number), []).append(doc)
        if doc.previous_document_number:
            key = (doc.issuing_state, doc.previous_document_number)
            self._by_previous.setdefault(key, []).append(doc)
        found = personal_number(doc.issuing_state, doc.optional_data)
        if found is not None:
            self._by_personal.setdefault((doc.issuing_state, found.number), []).append(doc)

    def near(self, new: DocumentFacts) -> list[DocumentFacts]:
        """The documents here sharing with `new` what a rule matches on (its previous number,
        its number as their previous one, its personal number), whether or not the rule then
        holds."""
        state = new.issuing_state
        near: dict[Any, DocumentFacts] = {}
        if new.previous_document_number:
            near.update(
                (d.id, d) for d in self._by_number.get((state, new.previous_document_number), ())
            )
        near.update((d.id, d) for d in self._by_previous.get((state, new.number), ()))
        found = personal_number(state, new.optional_data)
        if found is not None:
            near.update((d.id, d) for d in self._by_personal.get((state, found.number), ()))
        return list(near.values())

    def links(self, new: DocumentFacts) -> list[CertainLink]:
        """Every document here that a rule links to `new`, strongest rule first."""
        links = [link for d in self.near(new) if (link := certain_link(new, d)) is not None]
        return sorted(links, key=lambda link: (RULES.index(link.rule), str(link.candidate.id)))


def certain_candidates(
    connection: Connection, new_docs: Sequence[DocumentFacts]
) -> list[DocumentFacts]:
    """The documents on record that a rule could link to any of `new_docs`: one query, a union
    of index lookups (an issuing state and a list of numbers each), none when nothing can
    match."""
    wanted: dict[tuple[str, str], set[str]] = defaultdict(set)
    for doc in new_docs:
        state = doc.issuing_state
        if doc.previous_document_number:
            wanted[("number", state)].add(doc.previous_document_number)
        wanted[("previous_document_number", state)].add(doc.number)
        found = personal_number(state, doc.optional_data)
        if found is not None:
            wanted[("optional_data", state)].update(stored_forms(found.number))
    postgres = connection.dialect.name == "postgresql"
    queries = [
        SELECT_FACTS.where(
            (documents.c.issuing_state == state) & one_of(documents.c[column], part, postgres)
        )
        for (column, state), values in sorted(wanted.items())
        for part in chunked(sorted(values), 10_000 if postgres else IN_LIST_SIZE)
    ]
    result: dict[Any, DocumentFacts] = {}
    for part in chunked(queries, 50):
        statement = part[0] if len(part) == 1 else union_all(*part)
        for row in connection.execute(statement).mappings():
            result[row["id"]] = facts_of(row)
    return list(result.values())


def one_of(column, values: Sequence[str], postgres: bool):
    """`column` is one of `values`: on PostgreSQL `= ANY` of one array parameter (a long IN list
    costs more to send and plan than to look up), elsewhere IN."""
    if postgres:
        return column == any_(bindparam(None, list(values), type_=ARRAY(String)))
    return column.in_(list(values))
