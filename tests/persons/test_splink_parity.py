"""Splink's own prediction and the incremental scorer (LinkModel) give the same levels and the
same match probability, and incremental blocking finds the pairs Splink's blocking finds."""

from __future__ import annotations

from datetime import date
from itertools import combinations

import pytest
from linkage_cases import documents as case_documents

from rmis.persons.blocking import pairs_within
from rmis.persons.comparisons import COMPARISONS, blocked
from rmis.persons.documents_table import documents_from_crossings
from rmis.persons.facts import DocumentFacts
from rmis.persons.features import (
    facts_table,
    features,
    features_from_row,
    features_table,
)
from rmis.persons.model import default_link_model
from rmis.persons.splink_model import predict_pairs

TOLERANCE = 1e-9


@pytest.fixture(scope="module")
def model():
    return default_link_model()


@pytest.fixture(scope="module")
def region_documents():
    """The documents the record would hold after importing a small synthetic region."""
    from rmis.synth.region import SynthConfig, generate

    region = generate(SynthConfig(travellers=12000, years=2, seed=5, end=date(2026, 6, 30)))
    return documents_from_crossings(region.crossings)


def _by_pair(table):
    rows = table.to_pylist()
    return {(r["id_l"], r["id_r"]): r for r in rows}


def test_every_pair_of_the_cases_scores_as_splink_scores_it(model):
    docs = case_documents()
    by_id = {str(d.id): d for d in docs}
    splink = _by_pair(predict_pairs(facts_table(docs), model, blocking_rules=["1=1"]))
    assert len(splink) == len(docs) * (len(docs) - 1) // 2
    seen: dict[str, set[str]] = {c.name: set() for c in COMPARISONS}
    for (left, right), row in splink.items():
        ours = model.score(by_id[left], by_id[right])
        assert ours.levels == row["levels"], (left, right)
        assert abs(ours.probability - row["probability"]) <= TOLERANCE
        assert abs(ours.match_weight - row["match_weight"]) <= TOLERANCE
        for name, label in ours.levels.items():
            seen[name].add(label)
    # The cases reach every level of every comparison, the edge ones included.
    for comparison in COMPARISONS:
        assert seen[comparison.name] == {lv.label for lv in comparison.levels}, comparison.name


def test_a_region_scores_as_splink_scores_it_on_the_pairs_both_block(model, region_documents):
    splink = _by_pair(predict_pairs(region_documents, model))
    facts = [DocumentFacts(**r) for r in region_documents.to_pylist()]
    ours = {}
    for i, j in pairs_within(facts):
        a, b = sorted((facts[i], facts[j]), key=lambda d: str(d.id))
        ours[(str(a.id), str(b.id))] = model.score(a, b)
    assert set(ours) == set(splink)
    assert len(ours) > 1000
    for key, score in ours.items():
        assert abs(score.probability - splink[key]["probability"]) <= TOLERANCE
        assert score.levels == splink[key]["levels"]


def test_features_are_the_same_one_by_one_and_in_bulk(region_documents):
    cases = facts_table(case_documents())
    for table in (cases, region_documents):
        bulk = [features_from_row(r) for r in features_table(table).to_pylist()]
        single = [features(DocumentFacts(**r)) for r in table.to_pylist()]
        assert bulk == single


def test_splink_compares_every_blocked_pair_and_no_other(model):
    docs = case_documents()
    splink = predict_pairs(facts_table(docs), model)
    found = {(r["id_l"], r["id_r"]) for r in splink.to_pylist()}

    expected = set()
    for a, b in combinations(docs, 2):
        if blocked(features(a), features(b)):
            expected.add(tuple(sorted((str(a.id), str(b.id)))))
    assert found == expected
    assert expected  # the cases hold pairs every rule blocks
