"""Deciding whose each new document is, in the transaction that records it.

For each new document, in the order the batch first shows them:

1. a certain rule (rules.py) links it to a document on record or earlier in the batch: it joins
   that person (`certain`);
2. else the model scores it against the blocking candidates (on record, and earlier in the same
   batch), best document per person: one person at or above the automatic threshold and no
   other person at or above the review threshold, and it joins that person (`automatic`);
3. any person in the review band, or more than one person above it: a traveller of its own,
   `pending`, and a proposal per such person for a supervisor (queue.py);
4. else a traveller of its own (`first`).

Every decision writes a person_links row with its rule and evidence. Nothing in the middle band
is joined: only a supervisor's confirmation merges it (changes.py).
"""

from __future__ import annotations

import time
from collections import defaultdict
from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass, replace
from datetime import datetime
from typing import Any, Protocol
from uuid import UUID

from sqlalchemy import Connection, func, insert, select
from uuid6 import uuid7

from rmis.persons import blocking
from rmis.persons.clustering import verdict
from rmis.persons.facts import DocumentFacts, PairScore
from rmis.persons.features import features
from rmis.persons.model import load_link_model
from rmis.persons.proposals import fingerprint
from rmis.persons.rules import CertainIndex, CertainLink, certain_candidates
from rmis.persons.stored import SELECT_FACTS, chunked, facts_of
from rmis.store.schema import documents, link_models, link_proposals, person_links, travellers

FIRST, CERTAIN, AUTOMATIC, CONFIRMED, PENDING = (
    "first",
    "certain",
    "automatic",
    "confirmed",
    "pending",
)
# Who decided links made by rule or model (person_links.decided_by); people decide the rest.
LINKER = "rmis.persons"
NO_MATCH = "no_match"


class Scorer(Protocol):
    """The linkage model as deciding uses it (persons.model.LinkModel)."""

    version: int | None  # None: the model shipped with rmis, not trained on this record
    automatic_threshold: float
    review_threshold: float

    def score_many(
        self, new: DocumentFacts, candidates: Sequence[DocumentFacts]
    ) -> list[PairScore]: ...


Candidates = Callable[[Connection, Sequence[DocumentFacts]], dict[UUID, list[DocumentFacts]]]
PairsWithin = Callable[[Sequence[DocumentFacts]], list[tuple[int, int]]]


@dataclass(frozen=True, slots=True)
class Linker:
    """What deciding needs: the model in force and where its candidates come from.

    `enabled` False switches linking off altogether: every new document is the first of its
    own person and nothing is written about it (the record as it was before people were
    linked). Only benchmarks use it, as the peer that shows what linking costs."""

    model: Scorer
    # Blocking: the documents on record compared with each new one. They must include every
    # document a certain rule could link it to (blocking.candidates does: its rules include
    # the previous number and the personal number), since the rules look only among them.
    candidates: Candidates
    pairs_within: PairsWithin  # blocking within the batch: (earlier, later) positions
    enabled: bool = True
    scoring: bool = True  # False: certain links only, the model is never asked
    # Features already derived for documents (by id), e.g. by staged blocking: scoring reuses
    # them instead of deriving them again.
    derived: dict | None = None


def _no_candidates(connection: Connection, new_docs: Sequence[DocumentFacts]) -> dict:
    return {}


def _certain_candidates(
    connection: Connection, new_docs: Sequence[DocumentFacts]
) -> dict[UUID, list[DocumentFacts]]:
    found = certain_candidates(connection, new_docs)
    return {doc.id: found for doc in new_docs}


def _no_pairs(new_docs: Sequence[DocumentFacts]) -> list[tuple[int, int]]:
    return []


def rules_only(model: Scorer) -> Linker:
    """A linker that makes certain links only: the model is never asked (for records whose
    documents the model cannot tell apart, as some tests build)."""
    return Linker(model, _certain_candidates, _no_pairs, scoring=False)


def switched_off(model: Scorer) -> Linker:
    """Linking switched off (see Linker.enabled): for measuring what linking costs."""
    return Linker(model, _no_candidates, _no_pairs, enabled=False)


@dataclass(frozen=True, slots=True)
class Candidate:
    """A candidate person's best-scoring document for a new one."""

    document: DocumentFacts
    score: PairScore


@dataclass(frozen=True, slots=True)
class Decision:
    document: DocumentFacts  # its traveller_id is the person it joins (its own when first/pending)
    link: str
    rule: str
    probability: float | None
    detail: dict[str, Any]
    own_traveller: bool  # a new traveller is made for it (first, pending)
    joins_recorded: bool  # it joins a person who has documents on record already
    proposals: tuple[Candidate, ...] = ()


def _evidence(candidate: Candidate) -> dict[str, Any]:
    return {
        "document_id": str(candidate.document.id),
        "probability": candidate.score.probability,
        "match_weight": candidate.score.match_weight,
        "levels": dict(candidate.score.levels),
    }


def _certain(doc: DocumentFacts, links: list[CertainLink], recorded: set[UUID]) -> Decision:
    """`recorded`: the people who have documents on record."""
    chosen = links[0]
    person = chosen.candidate.traveller_id
    others = sorted({str(link.candidate.traveller_id) for link in links} - {str(person)})
    detail = {"document_id": str(chosen.candidate.id), **chosen.detail}
    if others:
        # The document proves more than one person on record to be its holder: it joins the
        # strongest rule's, and the others wait for a supervisor (see decide).
        detail["also_proved"] = others
    return Decision(
        replace(doc, traveller_id=person), CERTAIN, chosen.rule, None, detail,
        own_traveller=False, joins_recorded=person in recorded,
    )  # fmt: skip


def model_rule(model: Scorer) -> str:
    """person_links.rule of a link the model made: which version (the shipped default has none)."""
    return "model default" if model.version is None else f"model v{model.version}"


def _best_per_person(
    candidates: Sequence[DocumentFacts], scores: Sequence[PairScore]
) -> list[Candidate]:
    """Each candidate person's best-scoring document, best first."""
    best: dict[UUID, Candidate] = {}
    for doc, score in zip(candidates, scores, strict=True):
        held = best.get(doc.traveller_id)
        if held is None or score.probability > held.score.probability:
            best[doc.traveller_id] = Candidate(doc, score)
    return sorted(best.values(), key=lambda c: (-c.score.probability, str(c.document.id)))


def judge(
    doc: DocumentFacts,
    candidates: Sequence[DocumentFacts],
    scores: Sequence[PairScore],
    model: Scorer,
    people: PeopleDocuments,
    recorded: set[UUID],
    score: Callable[[DocumentFacts, Sequence[DocumentFacts]], list[PairScore]] | None = None,
) -> Decision:
    """The model's decision for `doc` given its candidates' scores (steps 2 to 4). `people`:
    every document of each candidate person, for the verdict on joining them, which asks the
    same of one person as a full re-link asks of two groups (clustering.verdict): the best
    pair above the automatic threshold and every pair across supporting it. `recorded`: the
    people who have documents on record. `score`: how to score more pairs (default: the
    model's score_many)."""
    score = score or model.score_many
    scored = {c.id: s for c, s in zip(candidates, scores, strict=True)}
    above: list[Candidate] = []
    automatic: list[Candidate] = []
    weakest: dict[str, float] = {}
    for best in _best_per_person(candidates, scores):
        if best.score.probability < model.review_threshold:
            continue
        person = best.document.traveller_id
        held = people.of(person) or [best.document]
        unscored = [d for d in held if d.id not in scored]
        all_scores = [scored[d.id] for d in held if d.id in scored]
        all_scores += score(doc, unscored) if unscored else []
        found = verdict(all_scores, model)
        if found == "none":
            continue
        above.append(best)
        weakest[str(person)] = min(s.probability for s in all_scores)
        if found == "automatic":
            automatic.append(best)
    summary = {"model_version": model.version, "candidates": len(candidates)}
    if not above:
        best_p = max((s.probability for s in scores), default=None)
        return Decision(doc, FIRST, NO_MATCH, best_p, {**summary, "best_probability": best_p},
                        own_traveller=True, joins_recorded=False)  # fmt: skip
    if len(above) == 1 and automatic:
        [top] = automatic
        person = top.document.traveller_id
        return Decision(
            replace(doc, traveller_id=person), AUTOMATIC, model_rule(model),
            top.score.probability, {**summary, **_evidence(top)},
            own_traveller=False, joins_recorded=person in recorded,
        )  # fmt: skip
    detail = {**summary, "proposed": [_evidence(c) for c in above], "weakest": weakest}
    return Decision(
        doc, PENDING, model_rule(model), above[0].score.probability, detail,
        own_traveller=True, joins_recorded=False, proposals=tuple(above),
    )  # fmt: skip


class PeopleDocuments:
    """Every document of the candidate people a decision weighs, read from the record once
    (for a batch, all the people worth it in one query) and kept up to date as the batch's
    documents join them."""

    def __init__(self, connection: Connection, recorded: set[UUID]) -> None:
        self.connection = connection
        self.recorded = recorded
        self.held: dict[UUID, list[DocumentFacts]] = defaultdict(list)
        self.read: set[UUID] = set()

    def prefetch(self, people: Iterable[UUID]) -> None:
        wanted = sorted(set(people) & self.recorded - self.read)
        self.read.update(wanted)
        for part in chunked(wanted):
            query = SELECT_FACTS.where(documents.c.traveller_id.in_(part))
            for row in self.connection.execute(query).mappings():
                self.held[row["traveller_id"]].append(facts_of(row))

    def of(self, person: UUID) -> list[DocumentFacts]:
        if person in self.recorded and person not in self.read:
            self.prefetch([person])
        return self.held.get(person, [])

    def add(self, doc: DocumentFacts) -> None:
        self.held[doc.traveller_id].append(doc)


def _scorer(model: Scorer, derived: dict | None):
    """score_many, deriving each document's features once (LinkModel scores features; other
    scorers, as the tests' fixed ones, score documents)."""
    by_features = getattr(model, "score_features", None)
    if by_features is None:
        return model.score_many
    cache = derived if derived is not None else {}

    def feature(doc: DocumentFacts):
        held = cache.get(doc.id)
        if held is None:
            held = cache[doc.id] = features(doc)
        return held

    def score(new: DocumentFacts, candidates: Sequence[DocumentFacts]) -> list[PairScore]:
        mine = feature(new)
        return [by_features(mine, feature(c)) for c in candidates]

    return score


def decide(
    connection: Connection, new_docs: Sequence[DocumentFacts], linker: Linker
) -> list[Decision]:
    """A decision per new document, in the order given. Each new document carries the id of a
    traveller of its own, made by the caller; a decision replaces it when the document joins
    someone. Nothing is written (the caller inserts documents, then calls `record`)."""
    if not new_docs:
        return []
    if not linker.enabled:
        return [Decision(doc, FIRST, NO_MATCH, None, {}, own_traveller=True, joins_recorded=False)
                for doc in new_docs]  # fmt: skip
    model = linker.model
    score = _scorer(model, linker.derived)
    blocked = linker.candidates(connection, new_docs)
    on_record = {doc.id: doc for found in blocked.values() for doc in found}
    certain = CertainIndex(on_record.values())
    recorded = {doc.traveller_id for doc in on_record.values()}
    people = PeopleDocuments(connection, recorded)
    # Scores against the record first, so the people worth weighing are read in one query.
    scored: dict[UUID, list[PairScore]] = {}
    if linker.scoring:
        for doc in new_docs:
            found = blocked.get(doc.id, ())
            scored[doc.id] = score(doc, found) if found else []
        people.prefetch(
            c.traveller_id
            for doc in new_docs
            for c, s in zip(blocked.get(doc.id, ()), scored[doc.id], strict=True)
            if s.probability >= model.review_threshold
        )
    earlier: dict[int, list[int]] = defaultdict(list)
    for i, j in linker.pairs_within(new_docs) if len(new_docs) > 1 else ():
        earlier[max(i, j)].append(min(i, j))
    decided: list[Decision] = []
    for position, doc in enumerate(new_docs):
        links = certain.links(doc)
        if links:
            decision = _certain(doc, links, recorded)
        elif not linker.scoring:
            decision = Decision(doc, FIRST, NO_MATCH, None, {"model": None},
                                own_traveller=True, joins_recorded=False)  # fmt: skip
        else:
            batch = [decided[k].document for k in sorted(set(earlier[position]))]
            candidates = [*blocked.get(doc.id, ()), *batch]
            scores = scored[doc.id] + (score(doc, batch) if batch else [])
            decision = judge(doc, candidates, scores, model, people, recorded, score)
        decided.append(decision)
        certain.add(decision.document)
        people.add(decision.document)
    return _held(connection, decided)


def survivor_of(connection: Connection, traveller_id: UUID) -> UUID | None:
    """The person an id answers for now: itself, or the survivor of the merges it went through
    (None when no traveller has the id)."""
    current = traveller_id
    while True:
        row = connection.execute(
            select(travellers.c.merged_into).where(travellers.c.id == current)
        ).first()
        if row is None:
            return None
        if row.merged_into is None:
            return current
        current = row.merged_into


def _held(connection: Connection, decided: list[Decision]) -> list[Decision]:
    """The decisions, with each person on record they join locked against a merge until the
    documents are in (PostgreSQL; SQLite writes one at a time): a merge that got there first
    has moved that person's documents, so the new one follows them to the survivor."""
    joined = sorted({d.document.traveller_id for d in decided if d.joins_recorded})
    if not joined:
        return decided
    merged = connection.execute(
        select(travellers.c.id, travellers.c.merged_into)
        .where(travellers.c.id.in_(joined))
        .with_for_update(read=True)
    ).all()
    moved = {row.id: survivor_of(connection, row.id) for row in merged if row.merged_into}
    if not moved:
        return decided
    return [
        replace(d, document=replace(d.document, traveller_id=moved[d.document.traveller_id]))
        if d.document.traveller_id in moved
        else d
        for d in decided
    ]


def link_row(
    document_id: UUID,
    traveller_id: UUID,
    kind: str,
    rule: str,
    *,
    now: datetime,
    decided_by: str = LINKER,
    previous: UUID | None = None,
    probability: float | None = None,
    detail: dict[str, Any] | None = None,
) -> dict[str, Any]:
    """A person_links row: one change of a document's person."""
    return {
        "document_id": document_id, "traveller_id": traveller_id,
        "previous_traveller_id": previous, "kind": kind, "rule": rule,
        "probability": probability, "detail": detail, "decided_by": decided_by, "at": now,
    }  # fmt: skip


def proposal_row(
    document: DocumentFacts, candidate: Candidate, model_version: int | None, now: datetime
) -> dict[str, Any]:
    return {
        "id": uuid7(),
        "document_id": document.id,
        "candidate_id": candidate.document.id,
        "probability": candidate.score.probability,
        "detail": {**_evidence(candidate), "model_version": model_version},
        "fingerprint": fingerprint(document, candidate.document),
        "status": "open",
        "proposed_at": now,
    }


def record(
    connection: Connection,
    decisions: Sequence[Decision],
    now: datetime,
    *,
    model_version: int | None,
) -> None:
    """Write the person_links row of each decision and the proposals of the pending ones, once
    their documents are inserted."""
    links = [
        link_row(d.document.id, d.document.traveller_id, d.link, d.rule, now=now,
                 probability=d.probability, detail=d.detail)
        for d in decisions
    ]  # fmt: skip
    proposals = [
        proposal_row(d.document, candidate, model_version, now)
        for d in decisions
        for candidate in d.proposals
    ]
    if links:
        connection.execute(insert(person_links), links)
    if proposals:
        connection.execute(insert(link_proposals), proposals)


_NEWEST_MODEL = select(func.max(link_models.c.version))
_CACHE_KEY = "rmis.persons.linker"
# How long a connection keeps its model before asking whether a newer one was stored: a model
# trained and saved (rmis persons relink --train) is in force everywhere within this.
MODEL_CHECK_SECONDS = 30.0


def current_linker(connection: Connection) -> Linker:
    """The linker with the newest model on record (or the shipped default when none is).

    The model is kept with the database connection it was loaded on; every MODEL_CHECK_SECONDS
    one small query asks whether a newer version was stored, and only then is it loaded."""
    held = connection.info.get(_CACHE_KEY)
    now = time.monotonic()
    if held is not None and now - held[0] < MODEL_CHECK_SECONDS:
        return held[2]
    newest = connection.execute(_NEWEST_MODEL).scalar()
    if held is None or held[1] != newest:
        linker = Linker(load_link_model(connection), blocking.candidates, blocking.pairs_within)
    else:
        linker = held[2]
    connection.info[_CACHE_KEY] = (now, newest, linker)
    return linker
