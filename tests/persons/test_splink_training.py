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


def test_keying_slips_of_one_person_are_learnt_as_slips_not_as_two_people():
    """Where officers type documents by hand, one person's documents differ by a given name
    one edit off or a birth date one digit off: training must learn these as weak evidence,
    not as proof of two people (the birth-date session once started from a prior of 1e-287
    and learnt -37 bits for a slip). More slips than the default, so that a small region
    holds enough of them."""
    from rmis.synth.recording import Noise
    from rmis.synth.region import SynthConfig, generate

    noise = Noise(typed_rate=0.2, given_typo_rate=0.03, birth_slip_rate=0.06)
    region = generate(SynthConfig(travellers=8000, years=6, seed=9, end=date(2026, 6, 30),
                                  noise=noise))  # fmt: skip
    weights = train(documents_from_crossings(region.crossings), seed=3, u_pairs=2e6)
    weights = weights.level_weights()
    slip = weights["birth_date"]["one digit or day and month swapped"]
    assert -4 < slip < 6, slip
    assert weights["birth_date"]["different"] < -10
    assert -6 < weights["given"]["one edit"] < 4, weights["given"]
    assert weights["given"]["different"] < -10


def test_a_level_held_neutral_for_a_session_gets_back_what_it_had():
    from splink import Linker

    from rmis.persons import splink_model
    from rmis.persons.features import features_table
    from rmis.synth.region import SynthConfig, generate

    region = generate(SynthConfig(travellers=3000, years=4, seed=2, end=date(2026, 6, 30)))
    frame, connection = splink_model._duckdb_frame(
        features_table(documents_from_crossings(region.crossings))
    )
    linker = Linker(frame, splink_model.settings(), log_level=None)
    linker.training.estimate_u_using_random_sampling(max_pairs=2e5, seed=1)
    wanted = (("document", "same expiry, another number"),)
    ((_, level),) = splink_model._levels(linker, wanted)
    linker.training.estimate_parameters_using_expectation_maximisation(splink_model.EM_SESSIONS[2])
    ((_, level),) = splink_model._levels(linker, wanted)
    trained = level._m_probability
    with splink_model._neutral(linker, wanted):
        ((_, inside),) = splink_model._levels(linker, wanted)
        assert inside.m_probability == inside.u_probability != trained
        rule = splink_model.EM_SESSIONS[3]
        linker.training.estimate_parameters_using_expectation_maximisation(rule)
    ((_, after),) = splink_model._levels(linker, wanted)
    assert after._m_probability == trained
    connection.close()


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
