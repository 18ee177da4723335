"""Documents and permits as the warehouse holds them: each with the person it belongs to now.

A document's person is its traveller in the record (persons/ links documents into people: a
merge moves the absorbed traveller's documents and permits to the survivor, a split gives a
document a traveller of its own). Should a row still name a traveller that was merged away, it
is followed to the survivor (`travellers.merged_into`), as every read of the record does. The
warehouse holds the person as a keyed pseudonym (pseudonym.Keyed.person), never the id.

Every change of a document's person writes a `person_links` row; `link_changes` reads those a
cursor has not seen, so a sync rewrites the documents whose person changed and nothing else.
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from uuid import UUID

import pyarrow as pa
from sqlalchemy import ColumnElement, Connection, select
from sqlalchemy.sql import Select

from rmis.store.schema import (
    crossings,
    documents,
    link_proposals,
    permits,
    person_links,
    travellers,
)
from rmis.warehouse import columns
from rmis.warehouse.cursor import SeqCursor
from rmis.warehouse.extract import pending
from rmis.warehouse.pseudonym import Keyed

# Ids per IN list: well under SQLite's and PostgreSQL's limits on bound parameters.
IDS_PER_QUERY = 2_000
# A chain of merges longer than this is a fault in the record, not a person.
MAX_MERGE_HOPS = 64

_DOCUMENT_QUERY = select(
    documents.c.id,
    documents.c.traveller_id,
    travellers.c.merged_into,
    documents.c.link,
    documents.c.issuing_state,
    documents.c.number,
    documents.c.document_type,
    documents.c.nationality,
    documents.c.birth_date,
    documents.c.sex,
    documents.c.surname,
    documents.c.given_names,
).select_from(documents.join(travellers, travellers.c.id == documents.c.traveller_id))

_PERMIT_QUERY = select(
    permits.c.traveller_id,
    travellers.c.merged_into,
    permits.c.host_state,
    permits.c.kind,
    permits.c.valid_from,
    permits.c.valid_to,
    permits.c.entries_allowed,
    permits.c.duration_days,
).select_from(permits.join(travellers, travellers.c.id == permits.c.traveller_id))


class People:
    """Person keys of traveller ids under one key, for one sync (one snapshot of the record)."""

    def __init__(self, connection: Connection, keyed: Keyed) -> None:
        self._connection = connection
        self._keyed = keyed
        self._survivors: dict[UUID, UUID] = {}

    def key(self, traveller_id: UUID, merged_into: UUID | None) -> str:
        """The person key of a traveller; `merged_into` as the traveller's row says."""
        if merged_into is not None:
            traveller_id = self._survivor(traveller_id, merged_into)
        return self._keyed.person(str(traveller_id))

    def _survivor(self, traveller_id: UUID, merged_into: UUID) -> UUID:
        known = self._survivors.get(traveller_id)
        if known is not None:
            return known
        current: UUID | None = merged_into
        for _ in range(MAX_MERGE_HOPS):
            following = self._connection.execute(
                select(travellers.c.merged_into).where(travellers.c.id == current)
            ).scalar_one()
            if following is None:
                self._survivors[traveller_id] = current
                return current
            current = following
        raise RuntimeError(f"traveller {traveller_id} is merged in a chain of {MAX_MERGE_HOPS}+")


@dataclass(frozen=True, slots=True)
class LinkChanges:
    """The person_links rows a cursor had not seen: their seqs, and the documents and
    travellers a change of person touched (initial links of new documents are left out: a
    new document is read with its person anyway)."""

    seqs: list[int]
    documents: set[UUID]
    travellers: set[UUID]

    @property
    def changed(self) -> bool:
        return bool(self.documents or self.travellers)


def link_changes(connection: Connection, cursor: SeqCursor, *, seqs_only: bool) -> LinkChanges:
    """What changed since `cursor`; with `seqs_only` (the documents are written whole anyway)
    only the seqs, so a first sync of a large record holds no more than one number a link."""
    unseen = pending(cursor, person_links.c.seq)
    if seqs_only:
        seqs = list(connection.execute(select(person_links.c.seq).where(unseen)).scalars())
        return LinkChanges(seqs, set(), set())
    rows = connection.execute(
        select(
            person_links.c.seq,
            person_links.c.document_id,
            person_links.c.traveller_id,
            person_links.c.previous_traveller_id,
        ).where(unseen)
    ).all()
    moved = [r for r in rows if r.previous_traveller_id is not None]
    return LinkChanges(
        [r.seq for r in rows],
        {r.document_id for r in moved},
        {t for r in moved for t in (r.traveller_id, r.previous_traveller_id)},
    )


def documents_of_crossings(
    connection: Connection, people: People, keyed: Keyed, crossings_where: ColumnElement
) -> pa.Table:
    """The documents the crossings matching `crossings_where` were recorded on."""
    inner = select(crossings.c.document_id).where(crossings_where)
    return _documents(connection, people, keyed, [_DOCUMENT_QUERY.where(documents.c.id.in_(inner))])


def documents_touched(
    connection: Connection, people: People, keyed: Keyed, changes: LinkChanges
) -> pa.Table:
    """The documents a link change touched: those named, and every document of the
    travellers named (a merge moves all of the absorbed traveller's)."""
    queries = [
        _DOCUMENT_QUERY.where(documents.c.id.in_(part)) for part in _chunks(changes.documents)
    ] + [
        _DOCUMENT_QUERY.where(documents.c.traveller_id.in_(part))
        for part in _chunks(changes.travellers)
    ]
    table = _documents(connection, people, keyed, queries)
    return _unique(table)


def read_permits(connection: Connection, people: People) -> pa.Table:
    rows = connection.execute(_PERMIT_QUERY).all()
    if not rows:
        return columns.PERMITS.empty_table()
    travellers_, merged, *rest = (list(c) for c in zip(*rows, strict=True))
    keys = [people.key(t, m) for t, m in zip(travellers_, merged, strict=True)]
    return pa.table(
        dict(zip(columns.PERMITS.names, [keys, *rest], strict=True)), schema=columns.PERMITS
    )


def read_reviews(connection: Connection) -> pa.Table:
    """The review queue's open proposals (columns.REVIEWS): small, written whole each sync."""
    query = select(
        link_proposals.c.document_id,
        link_proposals.c.candidate_id,
        link_proposals.c.probability,
        link_proposals.c.proposed_at,
    ).where(link_proposals.c.status == "open")
    rows = connection.execute(query).all()
    return pa.table(
        {
            "document_id": [str(r.document_id) for r in rows],
            "candidate_id": [str(r.candidate_id) for r in rows],
            "probability": [r.probability for r in rows],
            "proposed_on": [r.proposed_at.date() for r in rows],
        },
        schema=columns.REVIEWS,
    )


def _documents(
    connection: Connection, people: People, keyed: Keyed, queries: Iterable[Select]
) -> pa.Table:
    data: dict[str, list] = {name: [] for name in columns.DOCUMENTS.names}
    for query in queries:
        for r in connection.execute(query):
            data["document_id"].append(str(r.id))
            data["person_key"].append(people.key(r.traveller_id, r.merged_into))
            data["link"].append(r.link)
            data["issuing_state"].append(r.issuing_state)
            data["document_number"].append(r.number)
            data["document_type"].append(r.document_type)
            data["holder_key"].append(
                keyed.holder(r.issuing_state, r.nationality, r.birth_date, r.sex, r.surname,
                             r.given_names)
            )  # fmt: skip
    return pa.table(data, schema=columns.DOCUMENTS)


def _unique(table: pa.Table) -> pa.Table:
    """One row per document (the same document can come through two queries)."""
    if table.num_rows == 0:
        return table
    first = table.append_column("row", pa.array(range(table.num_rows), pa.int64()))
    rows = first.group_by("document_id", use_threads=False).aggregate([("row", "min")])
    return table.take(rows.column("row_min"))


def _chunks(ids: Iterable[UUID]) -> list[Sequence[UUID]]:
    ordered = sorted(ids)
    return [ordered[i : i + IDS_PER_QUERY] for i in range(0, len(ordered), IDS_PER_QUERY)]
