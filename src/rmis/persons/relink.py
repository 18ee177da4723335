"""A full re-link of the record: every document scored again by the engine (Splink's prediction
on DuckDB or Spark), people formed again, and the record brought in line by recorded changes.

What a re-link keeps, whatever the model says:
- certain links (the rules of rules.py, found again over all documents) and links a supervisor
  confirmed hold their documents together;
- a pair a supervisor rejected is kept apart, and never proposed again, while neither side's
  linking data has changed (its fingerprint); a document a supervisor split off is kept apart
  from those it left.

Then, strongest pair first, two groups are joined when the pair is above the automatic
threshold and every pair across the two groups supports it (clustering.py's rule, the same the
recording path asks of one new document). Pairs in the middle band between groups still apart
go to the review queue. The record is then changed to match: people the model now joins are
merged (`automatic`), documents it no longer joins to their person are split off (as a split
recorded with the model's rule), proposals are added. Run again on the same record and model,
it changes nothing.

Planning reads a snapshot and takes minutes on a large record; applying checks each change
against the record as it then is, so documents recorded meanwhile are left as recording linked
them (a re-link run later takes them in).
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field, fields
from datetime import datetime
from typing import Any
from uuid import UUID

import pyarrow as pa
import pyarrow.compute as pc
from sqlalchemy import Connection, insert, select, update
from uuid6 import uuid7

from rmis.documents import personal_number
from rmis.persons.changes import PersonChangeError, Touched, merge, split_off
from rmis.persons.clustering import weakest_across
from rmis.persons.documents_table import read_documents
from rmis.persons.facts import DocumentFacts
from rmis.persons.linking import AUTOMATIC, FIRST, PENDING, link_row, model_rule
from rmis.persons.model import LinkModel
from rmis.persons.proposals import fingerprint
from rmis.persons.queue import CONFIRMED_STATUS, OPEN, REJECTED, REVIEW
from rmis.persons.rules import CertainIndex
from rmis.persons.splink_model import predict_pairs
from rmis.persons.stored import chunked
from rmis.store.schema import documents, link_proposals, person_links

RELINKER = "rmis persons relink"


@dataclass(frozen=True, slots=True)
class ProposedPair:
    document: str  # the later-seen document: the one waiting
    candidate: str
    probability: float
    match_weight: float
    levels: dict[str, str]


@dataclass
class Plan:
    """What the record must change to match the model, from one snapshot."""

    documents: int = 0
    scored_pairs: int = 0
    # Each target group with more than one current person: its documents, and the strongest
    # automatic pair that joined it (the evidence of the merge).
    merges: list[tuple[list[str], tuple[str, str, float]]] = field(default_factory=list)
    # (person, the documents to take off it together)
    splits: list[tuple[str, list[str]]] = field(default_factory=list)
    proposals: list[ProposedPair] = field(default_factory=list)
    kept_apart: int = 0  # pairs a supervisor rejected (same data): not proposed again


@dataclass(frozen=True, slots=True)
class Applied:
    merged: int  # people merged into another
    split: int  # documents split off their person
    proposed: int
    pending: int  # documents that now wait in the queue
    touched: Touched


class _Groups:
    """Union-find of document ids, with the pairs that must stay apart."""

    def __init__(self, ids: Iterable[str], apart: dict[str, set[str]]) -> None:
        self.parent = {i: i for i in ids}
        self.members = {i: [i] for i in self.parent}
        self.apart = apart

    def find(self, x: str) -> str:
        root = x
        while self.parent[root] != root:
            root = self.parent[root]
        while self.parent[x] != root:
            self.parent[x], x = root, self.parent[x]
        return root

    def kept_apart(self, ra: str, rb: str) -> bool:
        small, other = (ra, rb) if len(self.members[ra]) <= len(self.members[rb]) else (rb, ra)
        return any(
            self.find(y) == other for x in self.members[small] for y in self.apart.get(x, ())
        )

    def union(self, ra: str, rb: str) -> None:
        if (len(self.members[ra]), rb) < (len(self.members[rb]), ra):
            ra, rb = rb, ra
        self.parent[rb] = ra
        self.members[ra].extend(self.members.pop(rb))


class _Facts:
    """DocumentFacts of the snapshot's documents, made when first asked for."""

    def __init__(self, table: pa.Table) -> None:
        self.table = table
        self.row = {doc_id: i for i, doc_id in enumerate(table.column("id").to_pylist())}
        self.made: dict[str, DocumentFacts] = {}

    def __getitem__(self, doc_id: str) -> DocumentFacts:
        found = self.made.get(doc_id)
        if found is None:
            values = self.table.slice(self.row[doc_id], 1).to_pylist()[0]
            values["id"], values["traveller_id"] = UUID(values["id"]), UUID(values["traveller_id"])
            found = self.made[doc_id] = DocumentFacts(**values)
        return found


def _pairs_on_keys(table: pa.Table, left: str, right: str) -> list[tuple[str, str]]:
    """(id, id) of documents whose (issuing_state, `left`) is another's (issuing_state,
    `right`)."""
    a = table.select(["id", "issuing_state", left]).filter(pc.is_valid(table.column(left)))
    b = table.select(["id", "issuing_state", right]).rename_columns(
        ["id_b", "issuing_state", right]
    )
    joined = a.join(
        b, keys=["issuing_state", left], right_keys=["issuing_state", right], use_threads=False
    )
    return list(
        zip(joined.column("id").to_pylist(), joined.column("id_b").to_pylist(), strict=True)
    )


def certain_pairs(table: pa.Table, facts: _Facts) -> list[tuple[str, str, str]]:
    """(id, id, rule) of every pair of the snapshot a certain rule links."""
    candidates: set[tuple[str, str]] = set(
        _pairs_on_keys(table, "previous_document_number", "number")
    )
    by_number: dict[tuple[str, str], list[str]] = defaultdict(list)
    with_data = table.filter(pc.is_valid(table.column("optional_data")))
    for doc_id, state, data in zip(
        with_data.column("id").to_pylist(),
        with_data.column("issuing_state").to_pylist(),
        with_data.column("optional_data").to_pylist(),
        strict=True,
    ):
        found = personal_number(state, data)
        if found is not None:
            by_number[(state, found.number)].append(doc_id)
    for members in by_number.values():
        candidates.update((a, b) for i, a in enumerate(members) for b in members[i + 1 :])
    out = []
    for a, b in sorted(candidates):
        if a == b:
            continue
        index = CertainIndex([facts[b]])
        links = index.links(facts[a])
        if links:
            out.append((a, b, links[0].rule))
    return out


def _decided(connection: Connection, status: str) -> list[Any]:
    return connection.execute(
        select(
            link_proposals.c.document_id,
            link_proposals.c.candidate_id,
            link_proposals.c.fingerprint,
        ).where(link_proposals.c.status == status)
    ).all()


def _supervisor_splits(connection: Connection) -> list[tuple[str, str]]:
    rows = connection.execute(
        select(person_links.c.document_id, person_links.c.detail).where(
            (person_links.c.kind == "split") & (person_links.c.rule == REVIEW)
        )
    ).all()
    return [
        (str(r.document_id), other) for r in rows for other in (r.detail or {}).get("staying", ())
    ]


def plan(
    connection: Connection,
    model: LinkModel,
    *,
    backend: str = "duckdb",
    spark_session=None,
) -> Plan:
    """Score the record as it is now and work out the changes that make it match the model."""
    table = read_documents(connection)
    facts = _Facts(table)
    ids = table.column("id").to_pylist()
    person_of = dict(zip(ids, table.column("traveller_id").to_pylist(), strict=True))
    seen_at = {
        str(r.id): (r.first_seen_at, str(r.id))
        for r in connection.execute(select(documents.c.id, documents.c.first_seen_at))
    }
    result = Plan(documents=len(ids))
    # What supervisors decided: confirmed pairs hold, rejected pairs (same data) and splits
    # keep apart.
    together = [
        (str(r.document_id), str(r.candidate_id)) for r in _decided(connection, CONFIRMED_STATUS)
    ]
    apart: dict[str, set[str]] = defaultdict(set)
    rejected: set[frozenset[str]] = set()
    for r in _decided(connection, REJECTED):
        a, b = str(r.document_id), str(r.candidate_id)
        if a in facts.row and b in facts.row and fingerprint(facts[a], facts[b]) == r.fingerprint:
            apart[a].add(b)
            apart[b].add(a)
            rejected.add(frozenset((a, b)))
    for a, b in _supervisor_splits(connection):
        if a in facts.row and b in facts.row:
            apart[a].add(b)
            apart[b].add(a)
    already_open = {
        frozenset((str(r.document_id), str(r.candidate_id))) for r in _decided(connection, OPEN)
    }

    groups = _Groups(ids, apart)
    for a, b, *_ in [*certain_pairs(table, facts), *together]:
        ra, rb = groups.find(a), groups.find(b)
        if ra != rb:
            groups.union(ra, rb)

    pairs = predict_pairs(
        table,
        model,
        backend=backend,
        threshold=model.review_threshold,
        spark_session=spark_session,
    )
    result.scored_pairs = pairs.num_rows
    known: dict[frozenset[str], float] = {}
    scored = []
    levels = pairs.column("levels").to_pylist()
    for a, b, p, w, lv in zip(
        pairs.column("id_l").to_pylist(),
        pairs.column("id_r").to_pylist(),
        pairs.column("probability").to_pylist(),
        pairs.column("match_weight").to_pylist(),
        levels,
        strict=True,
    ):
        known[frozenset((a, b))] = p
        scored.append((p, *sorted((a, b)), w, lv))
    scored.sort(key=lambda t: (-t[0], t[1], t[2]))

    def probability(a: str, b: str) -> float:
        found = known.get(frozenset((a, b)))
        if found is None:
            found = known[frozenset((a, b))] = model.score(facts[a], facts[b]).probability
        return found

    joined_by: dict[str, tuple[str, str, float]] = {}
    middle = []
    for p, a, b, w, lv in scored:
        ra, rb = groups.find(a), groups.find(b)
        if ra == rb:
            continue
        if (
            p >= model.automatic_threshold
            and not groups.kept_apart(ra, rb)
            and weakest_across(groups.members[ra], groups.members[rb], probability)
            >= model.automatic_threshold
        ):
            # The merge's evidence: the strongest automatic pair that joined the group.
            evidence = max([(p, a, b), *(joined_by.pop(r, (0.0, "", "")) for r in (ra, rb))])
            groups.union(ra, rb)
            joined_by[groups.find(a)] = evidence
        else:
            middle.append((p, a, b, w, lv))
    asked: set[frozenset[str]] = set()
    for p, a, b, w, lv in middle:
        ra, rb = groups.find(a), groups.find(b)
        if ra == rb or frozenset((ra, rb)) in asked:
            continue
        asked.add(frozenset((ra, rb)))
        if frozenset((a, b)) in rejected or groups.kept_apart(ra, rb):
            result.kept_apart += 1
            continue
        if frozenset((a, b)) in already_open:
            continue
        later, earlier = sorted((a, b), key=lambda d: seen_at[d], reverse=True)
        result.proposals.append(ProposedPair(later, earlier, p, w, lv))

    # The record against the groups: people to split, then people to merge.
    by_person: dict[str, dict[str, list[str]]] = defaultdict(lambda: defaultdict(list))
    for doc_id in ids:
        by_person[person_of[doc_id]][groups.find(doc_id)].append(doc_id)
    after_split = dict(person_of)
    for person, parts in sorted(by_person.items()):
        if len(parts) == 1:
            continue
        # The part that keeps the person's id: the most documents, then the earliest seen.
        main = max(parts.values(), key=lambda docs: (len(docs), -_first_seen(docs, seen_at)))
        for docs in sorted(parts.values()):
            if docs is not main:
                result.splits.append((person, sorted(docs)))
                for doc_id in docs:
                    after_split[doc_id] = f"new:{docs[0]}"
    people_of_group: dict[str, set[str]] = defaultdict(set)
    for doc_id in ids:
        people_of_group[groups.find(doc_id)].add(after_split[doc_id])
    for root, people in sorted(people_of_group.items()):
        if len(people) > 1:
            result.merges.append((sorted(groups.members[root]), joined_by.get(root, (1.0, "", ""))))
    return result


def _first_seen(docs: list[str], seen_at: dict[str, tuple[datetime, str]]) -> float:
    return min(seen_at[d][0].timestamp() for d in docs)


def apply(
    connection: Connection,
    planned: Plan,
    model: LinkModel,
    *,
    now: datetime,
    decided_by: str = RELINKER,
) -> Applied:
    """Change the record as planned, each change checked against the record as it is now."""
    rule = model_rule(model)
    people: set[UUID] = set()
    host_states: set[str] = set()
    split_count = merged = 0
    for person, doc_ids in planned.splits:
        ids = [UUID(d) for d in doc_ids]
        current = set(
            connection.execute(
                select(documents.c.traveller_id).where(documents.c.id.in_(ids))
            ).scalars()
        )
        if current != {UUID(person)}:
            continue  # linked otherwise since the snapshot
        try:
            done = split_off(
                connection,
                ids,
                decided_by=decided_by,
                now=now,
                rule=rule,
                reason=f"{rule} no longer links these documents to their person",
            )
        except PersonChangeError:
            continue
        split_count += len(ids)
        people |= done.touched.people
        host_states |= done.touched.host_states
    for doc_ids, (p, a, b) in planned.merges:
        current = sorted(
            set(
                connection.execute(
                    select(documents.c.traveller_id).where(
                        documents.c.id.in_([UUID(d) for d in doc_ids])
                    )
                ).scalars()
            )
        )
        evidence = {"documents": [a, b]} if a else {}
        for other in current[1:]:
            done = merge(
                connection,
                current[0],
                other,
                kind=AUTOMATIC,
                rule=rule,
                decided_by=decided_by,
                now=now,
                probability=p,
                detail=evidence,
            )
            if done.absorbed is not None:
                merged += 1
                people.discard(done.absorbed)
                people |= done.touched.people
                host_states |= done.touched.host_states
            current[0] = done.survivor
    proposed, pending = _propose(connection, planned.proposals, model, now, decided_by)
    return Applied(
        merged, split_count, proposed, pending, Touched(frozenset(people), frozenset(host_states))
    )


def _propose(
    connection: Connection,
    proposals: Sequence[ProposedPair],
    model: LinkModel,
    now: datetime,
    decided_by: str,
) -> tuple[int, int]:
    """Add the planned proposals whose documents are still two people's; a waiting document
    alone on its person and linked `first` becomes `pending`."""
    ids = {UUID(p.document) for p in proposals} | {UUID(p.candidate) for p in proposals}
    rows: dict[UUID, Any] = {}
    for part in chunked(sorted(ids)):
        for row in connection.execute(select(documents).where(documents.c.id.in_(part))).mappings():
            rows[row["id"]] = row
    sizes: dict[UUID, int] = defaultdict(int)
    people = {row["traveller_id"] for row in rows.values()}
    for part in chunked(sorted(people)):
        for person in connection.execute(
            select(documents.c.traveller_id).where(documents.c.traveller_id.in_(part))
        ).scalars():
            sizes[person] += 1
    added, waiting = [], []
    for pair in proposals:
        document, candidate = rows.get(UUID(pair.document)), rows.get(UUID(pair.candidate))
        if document is None or candidate is None:
            continue
        if document["traveller_id"] == candidate["traveller_id"]:
            continue
        a, b = _facts_of(document), _facts_of(candidate)
        added.append(
            {
                "id": uuid7(),
                "document_id": a.id,
                "candidate_id": b.id,
                "probability": pair.probability,
                "detail": {
                    "document_id": str(b.id),
                    "probability": pair.probability,
                    "match_weight": pair.match_weight,
                    "levels": pair.levels,
                    "model_version": model.version,
                },
                "fingerprint": fingerprint(a, b),
                "status": OPEN,
                "proposed_at": now,
            }
        )
        if document["link"] == FIRST and sizes[document["traveller_id"]] == 1:
            waiting.append(document)
    if added:
        connection.execute(insert(link_proposals), added)
    unique_waiting = {d["id"]: d for d in waiting}
    for doc in unique_waiting.values():
        connection.execute(
            update(documents).where(documents.c.id == doc["id"]).values(link=PENDING)
        )
    if unique_waiting:
        connection.execute(
            insert(person_links),
            [
                link_row(
                    d["id"],
                    d["traveller_id"],
                    PENDING,
                    model_rule(model),
                    now=now,
                    decided_by=decided_by,
                    detail={"reason": "proposed by a full re-link"},
                )
                for d in unique_waiting.values()
            ],
        )
    return len(added), len(unique_waiting)


def _facts_of(row) -> DocumentFacts:
    return DocumentFacts(**{f.name: row[f.name] for f in fields(DocumentFacts)})
