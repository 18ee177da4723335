"""LinkModel: symmetric, the same one by one and many at a time, stored and loaded whole, and
refusing a model of other comparisons."""

from __future__ import annotations

import itertools
import json
import math
from dataclasses import replace
from datetime import UTC, datetime

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st
from linkage_cases import documents as case_documents
from sqlalchemy import select

from rmis.persons.comparisons import COMPARISONS
from rmis.persons.model import (
    LinkModel,
    ModelError,
    default_link_model,
    load_link_model,
    save_link_model,
    weight_to_probability,
)
from rmis.store.schema import link_models

CASES = case_documents()
MODEL = default_link_model()


@settings(max_examples=300, deadline=None)
@given(st.sampled_from(CASES), st.sampled_from(CASES))
def test_a_score_does_not_depend_on_the_order_of_the_pair(a, b):
    one, other = MODEL.score(a, b), MODEL.score(b, a)
    assert one.levels == other.levels
    assert one.probability == other.probability
    assert one.match_weight == other.match_weight


@settings(max_examples=200, deadline=None)
@given(st.sampled_from(CASES), st.lists(st.sampled_from(CASES), max_size=12))
def test_score_many_is_score_of_each(new, candidates):
    assert MODEL.score_many(new, candidates) == [MODEL.score(new, c) for c in candidates]


@given(st.floats(min_value=-2000, max_value=2000, allow_nan=False))
def test_probability_is_the_logistic_of_the_weight_in_base_two(weight):
    p = weight_to_probability(weight)
    assert 0.0 <= p <= 1.0
    if -20 < weight < 20:
        assert math.isclose(math.log2(p / (1 - p)), weight, abs_tol=1e-6)


def test_the_weight_is_the_prior_and_each_levels_weight():
    a, b = CASES[0], CASES[1]
    score = MODEL.score(a, b)
    weights = MODEL.level_weights()
    expected = math.log2(MODEL.prior / (1 - MODEL.prior)) + sum(
        weights[name][label] for name, label in score.levels.items()
    )
    assert math.isclose(score.match_weight, expected, abs_tol=1e-9)
    assert set(score.levels) == {c.name for c in COMPARISONS}


def test_the_shipped_model_takes_a_keying_slip_for_a_slip_not_for_two_people():
    """Officers type documents whose MRZ is not read: a given name one edit off or a birth date
    one digit off is weak evidence either way, while a name or a date far off is strong
    evidence of two people."""
    weights = MODEL.level_weights()
    assert -4 < weights["given"]["one edit"] < 4
    assert -4 < weights["birth_date"]["one digit or day and month swapped"] < 4
    assert -4 < weights["surname"]["one edit"] < 4
    assert weights["birth_date"]["within a year"] < -10
    assert weights["given"]["different"] < -10


def test_a_renewal_and_a_misread_of_one_person_are_linked_and_a_stranger_is_not():
    by_label = {d.id: d for d in CASES}
    base = CASES[0]
    kinds = {d: MODEL.decision(MODEL.score(base, d).probability) for d in by_label.values()}
    renewal = next(d for d in CASES if d.number.startswith("N0200"))
    misread = next(d for d in CASES if d.number == base.number.replace("1", "I", 1))
    stranger = next(d for d in CASES if d.surname == "OMAROV" and d.birth_date == base.birth_date)
    assert kinds[renewal] == "automatic"
    assert kinds[misread] == "automatic"
    assert kinds[stranger] == "none"


def test_json_round_trip_scores_the_same():
    again = LinkModel.from_json(json.dumps(MODEL.to_json()))
    for a, b in itertools.pairwise(CASES):
        assert again.score(a, b) == MODEL.score(a, b)
    assert again.automatic_threshold == MODEL.automatic_threshold
    assert again.untrained == MODEL.untrained


def test_a_model_of_other_comparisons_is_refused():
    data = MODEL.to_json()
    data["comparisons"][0][1][1][1] = "surname_text_l = surname_text_r AND 1 = 1"
    with pytest.raises(ModelError, match="other comparisons"):
        LinkModel.from_json(data)
    tampered = json.loads(json.dumps(MODEL.to_json()))
    level = tampered["splink"]["comparisons"][0]["comparison_levels"][1]
    level["sql_condition"] = "surname_text_l = surname_text_r AND 1 = 1"
    with pytest.raises(ModelError, match="differs"):
        LinkModel.from_json(tampered)
    untrained = json.loads(json.dumps(MODEL.to_json()))
    del untrained["splink"]["comparisons"][2]["comparison_levels"][1]["m_probability"]
    with pytest.raises(ModelError, match="not trained"):
        LinkModel.from_json(untrained)


def test_thresholds_must_be_ordered():
    with pytest.raises(ModelError):
        MODEL.with_thresholds(automatic=0.5, review=0.9, conflict=0.1)
    with pytest.raises(ModelError):
        MODEL.with_thresholds(automatic=0.9, review=0.5, conflict=0.95)
    assert MODEL.with_thresholds(automatic=0.9, review=0.5, conflict=0.9).version is None


def test_the_newest_stored_model_is_loaded_and_the_default_before_any(engine):
    with engine.begin() as connection:
        assert load_link_model(connection).version is None
        first = save_link_model(
            connection, MODEL.with_thresholds(automatic=0.99, review=0.3, conflict=0.5),
            datetime(2026, 1, 1, tzinfo=UTC), {"trained_on": 10},
        )  # fmt: skip
        second = save_link_model(connection, MODEL, datetime(2026, 2, 1, tzinfo=UTC), None)
    assert second.version > first.version
    with engine.connect() as connection:
        loaded = load_link_model(connection)
        row = (
            connection.execute(select(link_models).where(link_models.c.version == first.version))
            .mappings()
            .one()
        )
    assert loaded.version == second.version
    assert loaded.automatic_threshold == MODEL.automatic_threshold
    assert row["automatic_threshold"] == 0.99 and row["review_threshold"] == 0.3
    assert row["metrics"] == {"trained_on": 10}
    a, b = CASES[0], CASES[1]
    assert loaded.score(a, b) == MODEL.score(a, b)


def test_changing_a_level_value_changes_only_that_comparison():
    base = CASES[0]
    other = replace(base, sex="F" if base.sex == "M" else "M", id=CASES[2].id)
    one, two = MODEL.score(base, replace(base, id=CASES[2].id)), MODEL.score(base, other)
    assert one.levels["sex"] == "same" and two.levels["sex"] == "different"
    assert {k: v for k, v in one.levels.items() if k != "sex"} == {
        k: v for k, v in two.levels.items() if k != "sex"
    }
    weights = MODEL.level_weights()["sex"]
    assert math.isclose(
        one.match_weight - two.match_weight, weights["same"] - weights["different"], abs_tol=1e-9
    )
