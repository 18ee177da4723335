"""The review queue: pairs of documents in the model's middle band, for a supervisor to decide.

Confirming a proposal merges the two documents' people (the pending document's traveller into
the candidate's person, `confirmed`); the document's other open proposals are withdrawn, since
the supervisor chose among them. Rejecting one keeps the two apart for good: the pair is not
proposed again unless either side's linking data changes (the fingerprint, proposals.py), and a
pending document with no proposal left open becomes the first of its own person. Each decision
is made once: a proposal already decided answers with a conflict.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime
from typing import Any
from uuid import UUID

from sqlalchemy import Connection, exists, func, insert, select, update

from rmis.persons.changes import Merged, PersonChangeError, merge
from rmis.persons.facts import DocumentFacts
from rmis.persons.linking import CONFIRMED, FIRST, PENDING, link_row
from rmis.persons.stored import documents_by_id
from rmis.store.schema import crossings, documents, link_proposals, person_links

REVIEW = "review"
OPEN, CONFIRMED_STATUS, REJECTED, WITHDRAWN = "open", "confirmed", "rejected", "withdrawn"
MAX_PAGE = 200


@dataclass(frozen=True, slots=True)
class ProposalView:
    id: UUID
    status: str
    probability: float
    detail: dict[str, Any]
    proposed_at: datetime
    document: DocumentFacts
    document_link: str
    candidate: DocumentFacts


@dataclass(frozen=True, slots=True)
class Decided:
    proposal_id: UUID
    status: str
    document_id: UUID
    traveller_id: UUID  # the document's person after the decision
    merged: Merged | None  # what a confirmation merged


def _in_state(person, state: str):
    """The person has a crossing in the host state: what makes a proposal a state's to see."""
    return exists().where((crossings.c.traveller_id == person) & (crossings.c.host_state == state))


def _views(connection: Connection, rows) -> list[ProposalView]:
    facts = documents_by_id(
        connection, [r.document_id for r in rows] + [r.candidate_id for r in rows]
    )
    links = dict(
        connection.execute(
            select(documents.c.id, documents.c.link).where(
                documents.c.id.in_([r.document_id for r in rows])
            )
        ).all()
    )
    return [
        ProposalView(r.id, r.status, r.probability, r.detail or {}, r.proposed_at,
                     facts[r.document_id], links[r.document_id], facts[r.candidate_id])
        for r in rows
    ]  # fmt: skip


_PROPOSAL = select(
    link_proposals.c.id,
    link_proposals.c.document_id,
    link_proposals.c.candidate_id,
    link_proposals.c.probability,
    link_proposals.c.detail,
    link_proposals.c.status,
    link_proposals.c.proposed_at,
    link_proposals.c.fingerprint,
).join(documents, documents.c.id == link_proposals.c.document_id)


def open_proposals(
    connection: Connection, state: str, *, after: UUID | None = None, limit: int = 50
) -> list[ProposalView]:
    """Open proposals whose document's person has crossed in `state`, oldest first; `after`
    (the last id of the page before) pages on."""
    query = _PROPOSAL.where(
        (link_proposals.c.status == OPEN) & _in_state(documents.c.traveller_id, state)
    )
    if after is not None:
        query = query.where(link_proposals.c.id > after)
    rows = connection.execute(
        query.order_by(link_proposals.c.id).limit(max(1, min(limit, MAX_PAGE)))
    ).all()
    return _views(connection, rows)


def count_open(connection: Connection) -> int:
    return connection.execute(
        select(func.count()).select_from(link_proposals).where(link_proposals.c.status == OPEN)
    ).scalar_one()


def proposal(connection: Connection, proposal_id: UUID, state: str) -> ProposalView:
    """One proposal a supervisor of `state` may see (PersonChangeError 'not_found' otherwise)."""
    row = connection.execute(
        _PROPOSAL.where(
            (link_proposals.c.id == proposal_id) & _in_state(documents.c.traveller_id, state)
        )
    ).first()
    if row is None:
        raise PersonChangeError("not_found", f"proposal {proposal_id} is not in this state's queue")
    return _views(connection, [row])[0]


def _take(
    connection: Connection, view: ProposalView, status: str, decided_by: str, reason: str,
    now: datetime,
) -> None:  # fmt: skip
    """Mark the proposal decided, unless someone decided it first."""
    taken = connection.execute(
        update(link_proposals)
        .where((link_proposals.c.id == view.id) & (link_proposals.c.status == OPEN))
        .values(status=status, decided_at=now, decided_by=decided_by, reason=reason)
    ).rowcount
    if taken != 1:
        raise PersonChangeError(
            "already_decided", f"proposal {view.id} is {view.status}, not open"
            if view.status != OPEN else f"proposal {view.id} was decided meanwhile",
        )  # fmt: skip


def _withdraw_others(
    connection: Connection, view: ProposalView, decided_by: str, now: datetime
) -> None:
    connection.execute(
        update(link_proposals)
        .where(
            (link_proposals.c.document_id == view.document.id)
            & (link_proposals.c.status == OPEN)
            & (link_proposals.c.id != view.id)
        )
        .values(status=WITHDRAWN, decided_at=now, decided_by=decided_by,
                reason=f"the document was confirmed as another person's (proposal {view.id})")
    )  # fmt: skip


def confirm(
    connection: Connection, view: ProposalView, *, decided_by: str, reason: str, now: datetime
) -> Decided:
    """The two documents are one person's: merge their people (the older id survives)."""
    _take(connection, view, CONFIRMED_STATUS, decided_by, reason, now)
    merged = merge(
        connection, view.document.traveller_id, view.candidate.traveller_id,
        kind=CONFIRMED, rule=REVIEW, decided_by=decided_by, now=now,
        probability=view.probability,
        detail={"proposal": str(view.id), "document_id": str(view.document.id),
                "candidate_id": str(view.candidate.id), "reason": reason},
    )  # fmt: skip
    if view.document_link == PENDING:
        _withdraw_others(connection, view, decided_by, now)
    return Decided(view.id, CONFIRMED_STATUS, view.document.id, merged.survivor, merged)


def reject(
    connection: Connection, view: ProposalView, *, decided_by: str, reason: str, now: datetime
) -> Decided:
    """The two documents are not one person's: never proposed again on the same data. A
    pending document left with no open proposal becomes its own person's first."""
    _take(connection, view, REJECTED, decided_by, reason, now)
    still_open = connection.execute(
        select(func.count())
        .select_from(link_proposals)
        .where((link_proposals.c.document_id == view.document.id)
               & (link_proposals.c.status == OPEN))
    ).scalar_one()  # fmt: skip
    becomes_first = view.document_link == PENDING and still_open == 0
    if becomes_first:
        connection.execute(
            update(documents).where(documents.c.id == view.document.id).values(link=FIRST)
        )
    connection.execute(
        insert(person_links).values(
            link_row(view.document.id, view.document.traveller_id, REJECTED, REVIEW,
                     now=now, decided_by=decided_by, probability=view.probability,
                     detail={"proposal": str(view.id), "candidate_id": str(view.candidate.id),
                             "reason": reason,
                             "link": FIRST if becomes_first else view.document_link})
        )
    )  # fmt: skip
    return Decided(view.id, REJECTED, view.document.id, view.document.traveller_id, None)
