"""Changing who is one person: merging two travellers, splitting a document off, and reading an
id that was merged away.

A traveller's id stays the person's id. A merge keeps the older of the two (by when it was
made); the other gets `merged_into` and every read of it answers with the survivor (`resolve`).
Merging moves the absorbed person's documents, crossings (whose `traveller_id` is the person's,
kept in step), permits and registrations to the survivor. A split takes one document and its
crossings to a new traveller; permits and registrations stay with the person they were posted
to. Every document whose person changes gets a person_links row (the warehouse follows links
by its seq).

These functions change links only. What rested on them (data-problem flags) is judged again by
the registry, which calls them (registry/people.py): each returns the people and host states
it touched.
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from datetime import datetime
from typing import Any
from uuid import UUID

from sqlalchemy import Connection, and_, insert, select, update
from uuid6 import uuid7

from rmis.persons.linking import FIRST, PENDING, link_row, survivor_of
from rmis.store.schema import (
    crossings,
    documents,
    link_proposals,
    permits,
    person_links,
    registrations,
    travellers,
)

SPLIT = "split"


class PersonChangeError(Exception):
    """A change that cannot be made as asked; `code` is stable for API clients."""

    def __init__(self, code: str, message: str) -> None:
        super().__init__(message)
        self.code = code


@dataclass(frozen=True, slots=True)
class Touched:
    """The people a change left (survivors and new ones) and the host states of their
    crossings that it moved: what must be judged again."""

    people: frozenset[UUID]
    host_states: frozenset[str]


@dataclass(frozen=True, slots=True)
class Merged:
    survivor: UUID
    absorbed: UUID | None  # None when the two were already one person
    documents: tuple[UUID, ...]  # the documents that changed person
    touched: Touched


@dataclass(frozen=True, slots=True)
class Split:
    document_id: UUID
    previous_traveller_id: UUID
    traveller_id: UUID
    touched: Touched


def resolve(connection: Connection, traveller_id: UUID) -> UUID | None:
    """The person an id answers for now (itself, or the survivor of the merges it went
    through), or None when no traveller has that id."""
    return survivor_of(connection, traveller_id)


def _host_states(connection: Connection, where) -> set[str]:
    return set(connection.execute(select(crossings.c.host_state).where(where).distinct()).scalars())


def _withdraw_settled(connection: Connection, person: UUID, now: datetime, decided_by: str) -> None:
    """Open proposals whose two documents are now one person's are settled: withdrawn."""
    document = documents.alias("document")
    candidate = documents.alias("candidate")
    settled = (
        select(link_proposals.c.id)
        .join(document, document.c.id == link_proposals.c.document_id)
        .join(candidate, candidate.c.id == link_proposals.c.candidate_id)
        .where(
            (link_proposals.c.status == "open")
            & (document.c.traveller_id == person)
            & (candidate.c.traveller_id == person)
        )
    )
    ids = list(connection.execute(settled).scalars())
    if ids:
        connection.execute(
            update(link_proposals)
            .where(link_proposals.c.id.in_(ids))
            .values(status="withdrawn", decided_at=now, decided_by=decided_by,
                    reason="both documents are one person's already")
        )  # fmt: skip


def merge(
    connection: Connection,
    a: UUID,
    b: UUID,
    *,
    kind: str,
    rule: str,
    decided_by: str,
    now: datetime,
    detail: dict[str, Any] | None = None,
    probability: float | None = None,
) -> Merged:
    """Make the people `a` and `b` (ids merged away are resolved first) one: the older id
    survives. `kind` (confirmed, automatic) becomes the link of the absorbed person's documents
    that were its first or pending; the others keep theirs (a renewal stays certain)."""
    first, second = resolve(connection, a), resolve(connection, b)
    if first is None or second is None:
        raise PersonChangeError("unknown_traveller", f"no traveller {a if first is None else b}")
    if first == second:
        return Merged(first, None, (), Touched(frozenset({first}), frozenset()))
    # Locked (PostgreSQL) so that a document linked to either at the same time waits for this.
    rows = connection.execute(
        select(travellers.c.id, travellers.c.created_at)
        .where(travellers.c.id.in_([first, second]))
        .order_by(travellers.c.created_at, travellers.c.id)
        .with_for_update()
    ).all()
    survivor, absorbed = rows[0].id, rows[1].id
    moved = connection.execute(
        select(documents.c.id, documents.c.link).where(documents.c.traveller_id == absorbed)
    ).all()
    host_states = _host_states(connection, crossings.c.traveller_id == absorbed)
    connection.execute(
        update(travellers)
        .where(travellers.c.id == absorbed)
        .values(merged_into=survivor, merged_at=now)
    )
    for table in (documents, crossings, permits, registrations):
        connection.execute(
            update(table).where(table.c.traveller_id == absorbed).values(traveller_id=survivor)
        )
    newly_linked = [doc.id for doc in moved if doc.link in (FIRST, PENDING)]
    if newly_linked:
        connection.execute(
            update(documents).where(documents.c.id.in_(newly_linked)).values(link=kind)
        )
    base = {"merged": str(absorbed), "into": str(survivor), **(detail or {})}
    connection.execute(
        insert(person_links),
        [
            link_row(doc.id, survivor, kind, rule, now=now, decided_by=decided_by,
                     previous=absorbed, probability=probability,
                     detail={**base, "link": kind if doc.id in newly_linked else doc.link})
            for doc in moved
        ],
    )  # fmt: skip
    _withdraw_settled(connection, survivor, now, decided_by)
    host_states |= _host_states(connection, crossings.c.traveller_id == survivor)
    return Merged(
        survivor, absorbed, tuple(doc.id for doc in moved),
        Touched(frozenset({survivor}), frozenset(host_states)),
    )  # fmt: skip


def split(
    connection: Connection,
    document_id: UUID,
    *,
    decided_by: str,
    reason: str,
    now: datetime,
    rule: str = "review",
) -> Split:
    """Take a document and its crossings from its person to a new traveller of its own, where
    it is the first document. The documents that stay are named in the link's detail, so a
    full re-link does not join them again on the same evidence (a supervisor's split)."""
    return split_off(connection, [document_id], decided_by=decided_by, reason=reason, now=now,
                     rule=rule)  # fmt: skip


def split_off(
    connection: Connection,
    document_ids: Sequence[UUID],
    *,
    decided_by: str,
    reason: str,
    now: datetime,
    rule: str,
    probability: float | None = None,
) -> Split:
    """Take some of one person's documents, with their crossings, to a new traveller: the
    earliest seen of them becomes its first, the others keep how they were linked (to each
    other). Not all of the person's documents: that would change nothing but the id."""
    moving_ids = sorted(set(document_ids))
    rows = connection.execute(
        select(documents.c.id, documents.c.traveller_id, documents.c.first_seen_at)
        .where(documents.c.id.in_(moving_ids))
        .order_by(documents.c.first_seen_at, documents.c.id)
    ).all()
    if len(rows) != len(moving_ids):
        missing = set(moving_ids) - {r.id for r in rows}
        raise PersonChangeError("unknown_document", f"no document {sorted(missing)[0]}")
    people = {r.traveller_id for r in rows}
    if len(people) != 1:
        raise PersonChangeError("several_people", "the documents belong to different people")
    [person] = people
    connection.execute(
        select(travellers.c.id).where(travellers.c.id == person).with_for_update()
    ).first()
    staying = sorted(
        str(i)
        for i in connection.execute(
            select(documents.c.id).where(
                (documents.c.traveller_id == person) & documents.c.id.not_in(moving_ids)
            )
        ).scalars()
    )
    if not staying:
        raise PersonChangeError(
            "only_document", f"document {moving_ids[0]} is its person's only one: nothing to split"
            if len(moving_ids) == 1 else "these are all the person's documents: nothing to split",
        )  # fmt: skip
    new_person = uuid7()
    moving = and_(crossings.c.traveller_id == person, crossings.c.document_id.in_(moving_ids))
    host_states = _host_states(connection, moving)
    connection.execute(insert(travellers).values(id=new_person, created_at=now))
    connection.execute(
        update(documents).where(documents.c.id.in_(moving_ids)).values(traveller_id=new_person)
    )
    connection.execute(update(documents).where(documents.c.id == rows[0].id).values(link=FIRST))
    connection.execute(update(crossings).where(moving).values(traveller_id=new_person))
    detail = {"reason": reason, "staying": staying}
    if len(moving_ids) > 1:
        detail["moved_with"] = [str(i) for i in moving_ids]
    connection.execute(
        insert(person_links),
        [link_row(r.id, new_person, SPLIT, rule, now=now, decided_by=decided_by,
                  previous=person, probability=probability, detail=detail) for r in rows],
    )  # fmt: skip
    return Split(
        rows[0].id, person, new_person,
        Touched(frozenset({person, new_person}), frozenset(host_states)),
    )  # fmt: skip


def out_of_step(connection: Connection, people: Iterable[UUID]) -> Touched:
    """Put back in step crossings recorded under a person while a merge or split moved their
    document (a crossing's traveller is read when it is recorded): each such crossing of
    `people` follows its document's person. Returns who and where was touched."""
    moved_people: set[UUID] = set()
    host_states: set[str] = set()
    for person in people:
        stale = connection.execute(
            select(crossings.c.seq, crossings.c.host_state, documents.c.traveller_id)
            .join(documents, documents.c.id == crossings.c.document_id)
            .where((crossings.c.traveller_id == person) & (documents.c.traveller_id != person))
        ).all()
        for seq, host_state, owner in stale:
            connection.execute(
                update(crossings).where(crossings.c.seq == seq).values(traveller_id=owner)
            )
            moved_people.update({person, owner})
            host_states.add(host_state)
    return Touched(frozenset(moved_people), frozenset(host_states))


def all_out_of_step(connection: Connection) -> tuple[Touched, int]:
    """out_of_step over the whole record (a full re-link): every crossing whose traveller is
    not its document's person now follows the document; returns who was touched and how many
    crossings moved. One join of all crossings with their documents."""
    stale = connection.execute(
        select(crossings.c.seq, crossings.c.host_state, crossings.c.traveller_id,
               documents.c.traveller_id.label("owner"))
        .join(documents, documents.c.id == crossings.c.document_id)
        .where(crossings.c.traveller_id != documents.c.traveller_id)
    ).all()  # fmt: skip
    for row in stale:
        connection.execute(
            update(crossings).where(crossings.c.seq == row.seq).values(traveller_id=row.owner)
        )
    touched = Touched(
        frozenset(p for row in stale for p in (row.traveller_id, row.owner)),
        frozenset(row.host_state for row in stale),
    )
    return touched, len(stale)
