"""What the persons tests share: documents, a linker whose model answers fixed probabilities
(the real model is the engine's, tested with it), and the record's rows read back."""

from __future__ import annotations

import math
from dataclasses import replace
from datetime import UTC, date, datetime, timedelta

from sqlalchemy import func, select
from uuid6 import uuid7

from rmis.persons import DocumentFacts, Linker, PairScore
from rmis.persons.rules import certain_candidates
from rmis.persons.stored import SELECT_FACTS, facts_of
from rmis.registry import Direction, DocumentSeen, NewCrossing, Purpose, record_crossings
from rmis.security import Principal, Role
from rmis.store.schema import documents, link_proposals, person_links

NOW = datetime(2026, 11, 23, 12, 0, tzinfo=UTC)
OFFICER = Principal("officer.ala", Role.BORDER_OFFICER, "KAZ", frozenset({"KAZ-ALA"}))
SUPERVISOR = Principal("supervisor.kaz", Role.SUPERVISOR, "KAZ")
PASSPORT = DocumentSeen(
    issuing_state="UZB", number="FA1234567", document_type="P", surname="ABDULLAEV",
    given_names="NURSULTAN", nationality="UZB", birth_date=date(1990, 5, 1), sex="M",
    expiry_date=date(2030, 1, 1),
)  # fmt: skip


def passport(number: str, surname: str = "ABDULLAEV", **changes) -> DocumentSeen:
    return replace(PASSPORT, number=number, surname=surname, **changes)


class FixedModel:
    """Scores a pair by its two surnames: `table` gives the probability of a pair of surnames
    (either order), equal surnames score `same`, anything else `other`."""

    automatic_threshold = 0.99
    review_threshold = 0.8
    conflict_threshold = 0.05

    def __init__(self, table=None, same: float = 0.999, other: float = 0.01, version=3) -> None:
        self.table = {frozenset(k): v for k, v in (table or {}).items()}
        self.same, self.other, self.version = same, other, version
        self.calls = 0

    def probability(self, a: DocumentFacts, b: DocumentFacts) -> float:
        if a.surname == b.surname:
            return self.same
        return self.table.get(frozenset((a.surname, b.surname)), self.other)

    def score(self, a: DocumentFacts, b: DocumentFacts) -> PairScore:
        p = self.probability(a, b)
        weight = math.log2(p / (1 - p))
        return PairScore(p, weight, {"surname": "fixed", "birth_date": "exact"})

    def score_many(self, new, candidates):
        self.calls += 1
        return [self.score(new, c) for c in candidates]


def same_birth_date(connection, new_docs):
    """Blocking for the tests: documents on record born the same day, and (as a linker's
    blocking must) those a certain rule could link."""
    days = sorted({d.birth_date for d in new_docs if d.birth_date is not None})
    on_record = [
        facts_of(row)
        for row in connection.execute(SELECT_FACTS.where(documents.c.birth_date.in_(days)))
        .mappings()
    ] if days else []  # fmt: skip
    proved = certain_candidates(connection, new_docs)
    new_ids = {d.id for d in new_docs}
    return {
        d.id: [r for r in on_record if r.birth_date == d.birth_date and r.id not in new_ids]
        + [r for r in proved if r.birth_date != d.birth_date and r.id not in new_ids]
        for d in new_docs
    }


def pairs_born_together(new_docs):
    return [
        (i, j)
        for j, b in enumerate(new_docs)
        for i, a in enumerate(new_docs[:j])
        if a.birth_date is not None and a.birth_date == b.birth_date
    ]


def linker(model=None) -> Linker:
    return Linker(model or FixedModel(), same_birth_date, pairs_born_together)


def crossing(document=PASSPORT, direction=Direction.ENTRY, at=NOW, bcp="KAZ-ALA") -> NewCrossing:
    return NewCrossing(id=uuid7(), direction=direction, bcp_code=bcp, occurred_at=at,
                       document=document, purpose=Purpose.WORK)  # fmt: skip


def record(engine, *documents_seen, link=None, days_ago=10, direction=Direction.ENTRY):
    """Each document seen in a crossing of its own, one request each."""
    results = []
    for i, seen in enumerate(documents_seen):
        at = NOW - timedelta(days=days_ago) + timedelta(hours=i)
        results += record_crossings(engine, OFFICER, [crossing(seen, direction, at)], now=NOW,
                                    linker=link or linker())  # fmt: skip
    return results


def document(engine, number: str, issuing_state: str = "UZB"):
    with engine.connect() as connection:
        return (
            connection.execute(
                select(documents).where(
                    (documents.c.number == number) & (documents.c.issuing_state == issuing_state)
                )
            )
            .mappings()
            .one()
        )


def links_of(engine, document_id):
    with engine.connect() as connection:
        return (
            connection.execute(
                select(person_links)
                .where(person_links.c.document_id == document_id)
                .order_by(person_links.c.seq)
            )
            .mappings()
            .all()
        )


def proposals(engine, status="open"):
    with engine.connect() as connection:
        return (
            connection.execute(
                select(link_proposals)
                .where(link_proposals.c.status == status)
                .order_by(link_proposals.c.id)
            )
            .mappings()
            .all()
        )


def count(engine, table) -> int:
    with engine.connect() as connection:
        return connection.execute(select(func.count()).select_from(table)).scalar_one()


def new_facts(number: str = "N1", **changes) -> DocumentFacts:
    base = dict(
        id=uuid7(), traveller_id=uuid7(), issuing_state="KAZ", number=number, document_type="P",
        surname="SMAGULOV", given_names="ERLAN", nationality="KAZ", birth_date=date(1987, 4, 12),
        sex="M", expiry_date=date(2031, 1, 1),
    )  # fmt: skip
    base.update(changes)
    return DocumentFacts(**base)
