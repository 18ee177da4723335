"""Documents as linking reads them from the record: DocumentFacts out of the documents table."""

from __future__ import annotations

from collections.abc import Iterable, Iterator, Mapping, Sequence
from typing import Any, TypeVar

from sqlalchemy import Connection, Select, select

from rmis.persons.facts import DocumentFacts
from rmis.store.schema import documents

FACT_COLUMNS = (
    documents.c.id,
    documents.c.traveller_id,
    documents.c.issuing_state,
    documents.c.number,
    documents.c.document_type,
    documents.c.surname,
    documents.c.given_names,
    documents.c.nationality,
    documents.c.birth_date,
    documents.c.sex,
    documents.c.expiry_date,
    documents.c.optional_data,
    documents.c.national_surname,
    documents.c.national_given_names,
    documents.c.previous_document_number,
)
SELECT_FACTS: Select = select(*FACT_COLUMNS)
# Values per IN list: well under SQLite's and PostgreSQL's limits on bound parameters.
IN_LIST_SIZE = 2_000
T = TypeVar("T")


def facts_of(row: Mapping[str, Any]) -> DocumentFacts:
    return DocumentFacts(**{c.name: row[c.name] for c in FACT_COLUMNS})


def chunked(items: Sequence[T], size: int = IN_LIST_SIZE) -> Iterator[Sequence[T]]:
    for start in range(0, len(items), size):
        yield items[start : start + size]


def documents_by_id(connection: Connection, ids: Iterable[Any]) -> dict[Any, DocumentFacts]:
    """The documents with these ids, as linking reads them."""
    found: dict[Any, DocumentFacts] = {}
    for part in chunked(list(set(ids))):
        for row in connection.execute(SELECT_FACTS.where(documents.c.id.in_(part))).mappings():
            found[row["id"]] = facts_of(row)
    return found


# The optional data stored with a document may carry the MRZ's fillers up to the field's end:
# 14 characters in a passport (TD3), 15 in a card's first optional field (TD1), and it is
# stored in at most 32.
_FIELD_LENGTHS = (14, 15)


def stored_forms(number: str) -> list[str]:
    """The ways a personal number can stand in the optional_data column: bare, or followed by
    fillers to the end of an MRZ field. A lookup by these uses the column's index."""
    return [number] + [
        number.ljust(length, "<") for length in _FIELD_LENGTHS if length > len(number)
    ]
