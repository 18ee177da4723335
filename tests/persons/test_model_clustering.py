"""Clustering scored pairs into people: automatic links only where every pair across the two
groups supports them, the rest of the middle band to review, in an order-free way."""

from __future__ import annotations

import random

from hypothesis import given, settings
from hypothesis import strategies as st

from rmis.persons.clustering import cluster
from rmis.persons.model import default_link_model

MODEL = default_link_model().with_thresholds(automatic=0.99, review=0.5, conflict=0.99)


def scorer(table: dict[frozenset, float]):
    return lambda a, b: table.get(frozenset((a, b)), 0.0)


def test_a_renewal_of_two_namesakes_does_not_join_them():
    """a_old and b_old were held at the same time (two people); b_new looks like the renewal of
    both: it joins b_old, and its link to a_old goes to review."""
    table = {
        frozenset(("b_old", "b_new")): 0.9999,
        frozenset(("a_old", "b_new")): 0.9998,
        frozenset(("a_old", "b_old")): 0.2,
    }
    pairs = [(*sorted(k), p) for k, p in table.items()]
    result = cluster(["a_old", "b_old", "b_new"], pairs, MODEL, scorer(table))
    assert result.person["b_old"] == result.person["b_new"] != result.person["a_old"]
    assert [(a, b) for a, b, _ in result.proposals] == [("a_old", "b_new")]
    assert [(a, b) for a, b, _ in result.automatic] == [("b_new", "b_old")]


def test_the_middle_band_goes_to_review_and_below_it_nothing():
    table = {frozenset(("x", "y")): 0.7, frozenset(("y", "z")): 0.3}
    pairs = [(*sorted(k), p) for k, p in table.items()]
    result = cluster(["x", "y", "z"], pairs, MODEL, scorer(table))
    assert len(set(result.person.values())) == 3
    assert [(a, b) for a, b, _ in result.proposals] == [("x", "y")]


@settings(max_examples=100, deadline=None)
@given(st.lists(st.tuples(st.integers(0, 11), st.integers(0, 11), st.floats(0, 1)), max_size=40),
       st.randoms())  # fmt: skip
def test_the_result_does_not_depend_on_the_order_of_the_pairs(raw, rnd: random.Random):
    table = {frozenset((f"d{a}", f"d{b}")): p for a, b, p in raw if a != b}
    pairs = [(*sorted(k), p) for k, p in table.items()]
    ids = [f"d{i}" for i in range(12)]
    one = cluster(ids, pairs, MODEL, scorer(table))
    rnd.shuffle(pairs)
    other = cluster(ids, [(b, a, p) for a, b, p in pairs], MODEL, scorer(table))
    assert one.groups().keys() == other.groups().keys() or sorted(
        map(sorted, one.groups().values())
    ) == sorted(map(sorted, other.groups().values()))
    assert sorted(one.proposals) == sorted(other.proposals)
    # Every automatic group holds only pairs at or above the support.
    for members in one.groups().values():
        for i, a in enumerate(members):
            for b in members[i + 1 :]:
                assert table.get(frozenset((a, b)), 0.0) >= MODEL.conflict_threshold


def _scores(*probabilities):
    from rmis.persons.facts import PairScore

    return [PairScore(p, 0.0, {}) for p in probabilities]


def test_verdict_asks_of_one_person_what_cluster_asks_of_two_groups():
    from rmis.persons.clustering import verdict

    assert verdict(_scores(0.999, 0.995), MODEL) == "automatic"
    assert verdict(_scores(0.999, 0.2), MODEL) == "review"  # a document held at once
    assert verdict(_scores(0.7), MODEL) == "review"
    assert verdict(_scores(0.3, 0.1), MODEL) == "none"
    assert verdict([], MODEL) == "none"
    for probabilities in ([0.9999, 0.9995], [0.9999, 0.3], [0.6, 0.2]):
        table = {frozenset(("new", f"d{i}")): p for i, p in enumerate(probabilities)}
        table[frozenset(("d0", "d1"))] = 1.0
        ids = ["new", "d0", "d1"]
        pairs = [(*sorted(k), p) for k, p in table.items()]
        result = cluster(ids, pairs, MODEL, scorer(table))
        joined = result.person["new"] == result.person["d0"]
        assert joined == (verdict(_scores(*probabilities), MODEL) == "automatic")
