"""Training the model with Splink on a small synthetic region, and the full prediction on
Spark giving what DuckDB gives."""

from __future__ import annotations

import shutil
import subprocess
from datetime import date

import pytest
from linkage_cases import documents as case_documents

from rmis.persons.comparisons import COMPARISONS
from rmis.persons.documents_table import documents_from_crossings
from rmis.persons.features import facts_table
from rmis.persons.model import LinkModel, default_link_model
from rmis.persons.splink_model import predict_pairs, train


@pytest.fixture(scope="module")
def trained():
    from rmis.synth.region import SynthConfig, generate

    region = generate(SynthConfig(travellers=8000, years=2, seed=9, end=date(2026, 6, 30)))
    return train(documents_from_crossings(region.crossings), seed=3, u_pairs=2e6)


def test_training_learns_what_tells_one_person_from_two(trained):
    weights = trained.level_weights()
    # Agreement is evidence for, disagreement against, in every comparison.
    for comparison in COMPARISONS:
        levels = weights[comparison.name]
        first, last = comparison.levels[1].label, comparison.levels[-1].label
        assert levels[first] > 0 > levels[last], comparison.name
    assert weights["document"]["same expiry, number a misread apart"] > 10
    assert weights["document"]["renewal"] > 0 > weights["document"]["held at the same time"]
    assert weights["surname"]["another spelling"] > 0
    assert 0 < trained.prior < 1e-3


def test_a_trained_model_stores_and_applies_as_trained(trained):
    again = LinkModel.from_json(trained.to_json())
    cases = case_documents()
    for a, b in zip(cases[::7], cases[1::7], strict=False):
        assert again.score(a, b) == trained.score(a, b)
    assert isinstance(trained.untrained, list)


def _java_17() -> str | None:
    java = shutil.which("java")
    if java is None:
        return "Java is not installed (Spark needs Java 17)"
    out = subprocess.run([java, "-version"], capture_output=True, text=True)
    if '"17' not in out.stderr and " 17" not in out.stderr:
        return f"Spark needs Java 17, found: {out.stderr.splitlines()[0]}"
    try:
        import pyspark  # noqa: F401
    except ImportError:
        return "pyspark is not installed (pip install rmis[spark])"
    return None


@pytest.mark.skipif(_java_17() is not None, reason=_java_17() or "")
def test_spark_predicts_what_duckdb_predicts():
    model = default_link_model()
    table = facts_table(case_documents())
    duck = {(r["id_l"], r["id_r"]): r for r in predict_pairs(table, model).to_pylist()}
    spark = {
        (r["id_l"], r["id_r"]): r for r in predict_pairs(table, model, backend="spark").to_pylist()
    }
    assert set(spark) == set(duck)
    for key, row in duck.items():
        assert abs(spark[key]["probability"] - row["probability"]) <= 1e-9
        assert spark[key]["levels"] == row["levels"]
