"""From scored pairs to people: which links are made automatically, which go to review.

A link joins two groups of documents (two people as known so far), and makes every pair
across them one person's. So a link is made automatically only when every pair across the two
groups is itself likely enough (`support`, by default the model's conflict_threshold, which a
trained model sets to its automatic threshold): two documents
with the same names and birth date held at the same time are two people, even when a third
document looks like the renewal of both. A link the groups do not support goes to the review
queue instead, as do pairs in the middle band; nothing in between is merged silently.

Pairs are taken strongest first; ties by the documents' ids, so the result does not depend on
the order the pairs came in. The incremental path (linking.judge) asks the same question of one
new document and the documents of each candidate person: the model's conflict_threshold is
this `support`.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass, field

from rmis.persons.facts import PairScore
from rmis.persons.model import LinkModel

Scorer = Callable[[str, str], float]  # the match probability of two documents by id


@dataclass
class Clusters:
    """The outcome of linking a set of documents."""

    person: dict[str, str]  # document id -> its person's representative document id
    automatic: list[tuple[str, str, float]] = field(default_factory=list)
    # Pairs for the review queue: in the middle band, or above it but across groups that do
    # not support the link, between documents still apart after the automatic links.
    proposals: list[tuple[str, str, float]] = field(default_factory=list)

    def groups(self) -> dict[str, list[str]]:
        out: dict[str, list[str]] = {}
        for doc, root in self.person.items():
            out.setdefault(root, []).append(doc)
        return out


class _Groups:
    def __init__(self, ids: Iterable[str]) -> None:
        self.parent = {i: i for i in ids}
        self.members = {i: [i] for i in self.parent}

    def find(self, x: str) -> str:
        root = x
        while self.parent[root] != root:
            root = self.parent[root]
        while self.parent[x] != root:
            self.parent[x], x = root, self.parent[x]
        return root

    def union(self, a: str, b: str) -> None:
        ra, rb = self.find(a), self.find(b)
        if ra == rb:
            return
        if (len(self.members[ra]), rb) < (len(self.members[rb]), ra):
            ra, rb = rb, ra
        self.parent[rb] = ra
        self.members[ra].extend(self.members.pop(rb))


def weakest_across(a: Sequence[str], b: Sequence[str], probability: Scorer) -> float:
    return min((probability(x, y) for x in a for y in b), default=1.0)


def cluster(
    ids: Iterable[str],
    pairs: Iterable[tuple[str, str, float]],
    model: LinkModel,
    probability: Scorer,
    *,
    support: float | None = None,
) -> Clusters:
    """Link documents from their scored pairs (id, id, match probability), e.g. the rows of
    splink_model.predict_pairs; `probability` scores any other pair (LinkModel on their
    features), for the pairs across two groups that blocking did not compare."""
    support = model.conflict_threshold if support is None else support
    groups = _Groups(ids)
    ordered = sorted(
        ((p, *sorted((a, b))) for a, b, p in pairs if p >= model.review_threshold),
        key=lambda t: (-t[0], t[1], t[2]),
    )
    result = Clusters(person={})
    middle: list[tuple[str, str, float]] = []
    for p, a, b in ordered:
        if p < model.automatic_threshold:
            middle.append((a, b, p))
            continue
        ra, rb = groups.find(a), groups.find(b)
        if ra == rb:
            continue
        if weakest_across(groups.members[ra], groups.members[rb], probability) >= support:
            groups.union(a, b)
            result.automatic.append((a, b, p))
        else:
            middle.append((a, b, p))
    seen: set[tuple[str, str]] = set()
    for a, b, p in middle:
        ra, rb = groups.find(a), groups.find(b)
        if ra == rb or (min(ra, rb), max(ra, rb)) in seen:
            continue
        seen.add((min(ra, rb), max(ra, rb)))
        result.proposals.append((a, b, p))
    result.person = {i: groups.find(i) for i in groups.parent}
    return result


def verdict(scores: Sequence[PairScore], model: LinkModel, *, support: float | None = None) -> str:
    """What joining a new document to one person would be, from its scores against every
    document of that person (the question `cluster` asks of two groups): 'automatic' (the best
    is at or above the automatic threshold and every one at least `support`), 'review' (the
    best is in the middle band, or above it without that support), or 'none'."""
    if not scores:
        return "none"
    support = model.conflict_threshold if support is None else support
    best = max(s.probability for s in scores)
    if best < model.review_threshold:
        return "none"
    if best >= model.automatic_threshold and min(s.probability for s in scores) >= support:
        return "automatic"
    return "review"
