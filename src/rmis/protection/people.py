"""The person a protection record is about: the surviving id after a merge, their nationality
and age, read from the record's travellers and documents."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date
from uuid import UUID

from sqlalchemy import Connection, select

from rmis.protection.indicators import ADULT_AGE
from rmis.store.schema import documents, travellers

_MERGED_INTO = select(travellers.c.id, travellers.c.merged_into)
_NEWEST_DOCUMENT = (
    select(
        documents.c.nationality,
        documents.c.birth_date,
        documents.c.surname,
        documents.c.given_names,
    )
    .order_by(documents.c.first_seen_at.desc())
    .limit(1)
)


@dataclass(frozen=True, slots=True)
class Person:
    id: UUID
    nationality: str | None
    birth_date: date | None
    name: str = ""  # as on their newest document: surname, given names

    def age_on(self, on: date) -> int | None:
        if self.birth_date is None:
            return None
        born = self.birth_date
        return on.year - born.year - ((on.month, on.day) < (born.month, born.day))

    def is_child_on(self, on: date) -> bool:
        age = self.age_on(on)
        return age is not None and age < ADULT_AGE


class UnknownPerson(LookupError):
    pass


def person(connection: Connection, traveller_id: UUID) -> Person:
    """The person, by their id or a merged one; UnknownPerson when nobody has it."""
    current = traveller_id
    for _ in range(16):  # merges chain rarely; a loop would be a defect, not a long chain
        row = connection.execute(_MERGED_INTO.where(travellers.c.id == current)).first()
        if row is None:
            raise UnknownPerson(f"no traveller {traveller_id} in this record")
        if row.merged_into is None:
            break
        current = row.merged_into
    doc = connection.execute(_NEWEST_DOCUMENT.where(documents.c.traveller_id == current)).first()
    if doc is None:
        return Person(current, None, None)
    name = " ".join(part for part in (doc.surname, doc.given_names) if part)
    return Person(current, doc.nationality, doc.birth_date, name)


def ids_of(connection: Connection, traveller_id: UUID) -> list[UUID]:
    """The person's id and every id merged into it (their protection rows may carry either)."""
    ids, frontier = [traveller_id], [traveller_id]
    while frontier:
        merged = (
            connection.execute(
                select(travellers.c.id).where(travellers.c.merged_into.in_(frontier))
            )
            .scalars()
            .all()
        )
        frontier = [m for m in merged if m not in ids]
        ids += frontier
    return ids
