"""How the record's documents are linked into people, in counts: no one's data, only totals."""

from __future__ import annotations

from dataclasses import dataclass

from sqlalchemy import Connection, func, select

from rmis.persons.queue import count_open
from rmis.store.schema import LINKS, documents


@dataclass(frozen=True, slots=True)
class LinkCounts:
    documents: int
    people: int
    by_link: dict[str, int]  # first, certain, automatic, confirmed, pending -> documents
    open_proposals: int  # pairs waiting in the review queue


def link_counts(connection: Connection) -> LinkCounts:
    """Two aggregates over documents and one over the review queue."""
    by_link = dict.fromkeys(LINKS, 0)
    by_link.update(
        connection.execute(select(documents.c.link, func.count()).group_by(documents.c.link)).all()
    )
    people = connection.execute(
        select(func.count(func.distinct(documents.c.traveller_id)))
    ).scalar_one()
    return LinkCounts(sum(by_link.values()), people, by_link, count_open(connection))
