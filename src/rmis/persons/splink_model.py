"""Splink, the reference Fellegi-Sunter linker: its settings for our comparisons, training by
EM (u from random sampling, m and the prior by expectation maximisation on DuckDB), and the
full prediction of a record (DuckDB, or Spark for a region).

Splink reads the features of features.py as its input columns and compares them by the SQL
of comparisons.py; the blocking rules are comparisons.BLOCKING_RULES, the same pairs
blocking.py finds in the record for a new document.
"""

from __future__ import annotations

import logging
import os
import sys
import tempfile
from collections.abc import Sequence
from contextlib import contextmanager
from pathlib import Path
from typing import Any, Literal

import pyarrow as pa
import pyarrow.parquet as pq

from rmis.persons.comparisons import (
    BLOCKING_RULES,
    COMPARISONS,
    RENEWAL_EARLY,
    RENEWAL_LATE,
    VALIDITY_DAYS,
)
from rmis.persons.features import features_table
from rmis.persons.model import LinkModel

# Thresholds a freshly trained model starts with (docs/linkage.md says how they were chosen).
AUTOMATIC_THRESHOLD = 0.999
REVIEW_THRESHOLD = 0.2
# A person is joined automatically only if every document of theirs scores this much against
# the new one (complete linkage at the automatic threshold).
CONFLICT_THRESHOLD = AUTOMATIC_THRESHOLD
# EM starts from this prior; training replaces it.
START_PRIOR = 1e-5
# EM learns each comparison's m on pairs that are mostly matches, with the comparisons its
# blocking rule uses held fixed. Pairs of one birth date, sex and nationality are not enough
# on their own: where few names are common, two people of one nationality share a name far
# more often than two random documents do (the u of random sampling), and EM counts that
# excess as matches. So each session adds a name or the document history to the rule:
_RENEWAL_OR_MISREAD = (
    "(l.expiry_day = r.expiry_day OR abs(l.expiry_day - r.expiry_day) "
    f"BETWEEN {VALIDITY_DAYS - RENEWAL_EARLY} AND {VALIDITY_DAYS + RENEWAL_LATE})"
)
_PERSON = "l.birth_day = r.birth_day AND l.sex = r.sex AND l.nationality = r.nationality"
_NAMES = "l.surname_key = r.surname_key AND l.given_key = r.given_key"
EM_SESSIONS = (
    # given names, the document history, the personal number
    f"{_PERSON} AND l.surname_key = r.surname_key",
    # the surname, the document history, the personal number
    f"{_PERSON} AND l.given_key = r.given_key",
    # sex, nationality, the document history, the personal number
    f"{_NAMES} AND l.birth_day = r.birth_day",
    # the birth date
    f"{_NAMES} AND l.sex = r.sex AND l.nationality = r.nationality "
    "AND l.issuing_state = r.issuing_state AND l.document_type = r.document_type "
    f"AND {_RENEWAL_OR_MISREAD}",
)
# Splink starts a session from the prior adjusted by the Bayes factor of each exact-match level
# on the rule's columns, taking them to be what every pair of the session agrees on. On
# expiry_day the only such level is "same expiry, another number", which says the opposite
# (two documents of one expiry and unrelated numbers, which one person never holds: m ~ 0):
# the birth-date session then began at a prior of 1e-287, never left it, and learnt that a
# birth date one digit off proves two people (-23 bits) when one person's documents show it
# 0.2 % of the time. Its Bayes factor is held at 1 while that session runs (the document
# comparison is not trained there, so nothing else changes).
_NOT_WHAT_THE_RULE_MEANS = {EM_SESSIONS[3]: (("document", "same expiry, another number"),)}
# The prior, by Splink's direct estimate: the pairs a strict rule finds (one birth date, sex,
# nationality and name key, expiry dates of a misread or a renewal), divided by the recall of
# that rule, taken from the m probabilities EM learnt (the share of matches agreeing on each
# of those, under the model's own independence). Splink will not run EM with m and u both
# held, and EM on all pairs of one birth date would relearn the m just learnt with care.
PRIOR_RULE = f"{_PERSON} AND {_NAMES} AND {_RENEWAL_OR_MISREAD}"
PRIOR_RULE_LEVELS = {
    "surname": ("same spelling", "another spelling"),
    "given": ("same spelling", "another spelling"),
    "birth_date": ("same",),
    "sex": ("same",),
    "nationality": ("same",),
    "document": ("same expiry, number a misread apart", "renewal", "same expiry, another number"),
}

Backend = Literal["duckdb", "spark"]


def settings(prior: float = START_PRIOR) -> dict[str, Any]:
    """Splink's settings for the comparisons and blocking rules of comparisons.py."""
    return {
        "link_type": "dedupe_only",
        "unique_id_column_name": "unique_id",
        "probability_two_random_records_match": prior,
        "comparisons": [c.splink() for c in COMPARISONS],
        "blocking_rules_to_generate_predictions": [r.sql for r in BLOCKING_RULES],
        "retain_matching_columns": False,
        "retain_intermediate_calculation_columns": False,
        "additional_columns_to_retain": [],
        "em_convergence": 0.0001,
        "max_iterations": 50,
    }


def _documents(documents: pa.Table | str | Path) -> pa.Table:
    return pq.read_table(documents) if isinstance(documents, (str, Path)) else documents


def _quiet() -> None:
    logging.getLogger("splink").setLevel(logging.WARNING)


def _duckdb_frame(feature_rows: pa.Table):
    """The features registered with Splink's DuckDB backend (and the connection to close)."""
    import duckdb
    from splink import DuckDBAPI

    connection = duckdb.connect()
    db_api = DuckDBAPI(connection=connection)
    return db_api.register(feature_rows, dataset_display_name="documents"), connection


def train(
    documents: pa.Table | str | Path,
    *,
    seed: int = 1,
    u_pairs: float = 2e7,
    automatic_threshold: float = AUTOMATIC_THRESHOLD,
    review_threshold: float = REVIEW_THRESHOLD,
    conflict_threshold: float = CONFLICT_THRESHOLD,
) -> LinkModel:
    """Train the model on a documents table (documents_table.SCHEMA), without labels: u from
    random pairs, then m and the prior by EM (Splink on DuckDB). The model's `untrained` lists
    the levels training never observed (Splink gives their m or u 1e-6: no evidence either
    way when both are missing)."""
    _quiet()
    from splink import Linker

    frame, connection = _duckdb_frame(features_table(_documents(documents)))
    try:
        linker = Linker(frame, settings(), log_level=None)
        linker.training.estimate_u_using_random_sampling(max_pairs=u_pairs, seed=seed)
        for rule in EM_SESSIONS:
            with _neutral(linker, _NOT_WHAT_THE_RULE_MEANS.get(rule, ())):
                linker.training.estimate_parameters_using_expectation_maximisation(rule)
        recall = _recall(linker, PRIOR_RULE_LEVELS)
        linker.training.estimate_probability_two_random_records_match([PRIOR_RULE], recall)
        trained, untrained = _explicit(linker)
    finally:
        connection.close()
    return LinkModel(
        trained,
        automatic_threshold=automatic_threshold,
        review_threshold=review_threshold,
        conflict_threshold=conflict_threshold,
        untrained=untrained,
    )


def _levels(linker, wanted: Sequence[tuple[str, str]]):
    """The linker's levels named (comparison, label), as its settings hold them now (Splink
    replaces the settings' levels after every training session)."""
    for comparison in linker._settings_obj.core_model_settings.comparisons:
        for level in comparison.comparison_levels:
            key = (comparison.output_column_name, level.label_for_charts)
            if key in wanted:
                yield key, level


@contextmanager
def _neutral(linker, wanted: Sequence[tuple[str, str]]):
    """These levels' m set to their u (a Bayes factor of 1) for the duration, then given back
    what they had (untrained included) in the settings as the linker then holds them."""
    held = {key: level._m_probability for key, level in _levels(linker, wanted)}
    for _, level in _levels(linker, wanted):
        level.m_probability = level.u_probability
    try:
        yield
    finally:
        for key, level in _levels(linker, wanted):
            level._m_probability = held[key]


def _recall(linker, levels: dict[str, tuple[str, ...]]) -> float:
    """The share of matches a rule agreeing on these levels finds, by the learnt m."""
    recall = 1.0
    for comparison in linker._settings_obj.core_model_settings.comparisons:
        chosen = levels.get(comparison.output_column_name)
        if chosen:
            recall *= sum(
                level.m_probability
                for level in comparison.comparison_levels
                if not level.is_null_level and level.label_for_charts in chosen
            )
    return min(recall, 1.0)


def _explicit(linker) -> tuple[dict, list[str]]:
    """The trained settings with every level's m and u written out as the linker applies them.

    Splink applies 1e-6 to a level never observed in training but leaves it out of the JSON
    it saves, so that a linker made from that JSON applies a default instead: written out,
    the stored model scores as the trained one did. Returns the levels that training did not
    observe (their m or u is that 1e-6), for the model's metrics."""
    trained = linker.misc.save_model_to_json()
    untrained = []
    comparisons = linker._settings_obj.core_model_settings.comparisons
    for stored, comparison in zip(trained["comparisons"], comparisons, strict=True):
        for stored_level, level in zip(
            stored["comparison_levels"], comparison.comparison_levels, strict=True
        ):
            if level.is_null_level:
                continue
            stored_level["m_probability"] = level.m_probability
            stored_level["u_probability"] = level.u_probability
            for side in ("m", "u"):
                if not getattr(level, f"_{side}_is_trained"):
                    untrained.append(f"{side} of {stored['output_column_name']} / "
                                     f"{level.label_for_charts}")  # fmt: skip
    return trained, untrained


def _gamma_labels() -> list[tuple[str, dict[int, str]]]:
    """Splink's comparison vector value of each level: -1 for the null level, then counting
    down to 0 at the last (the ELSE)."""
    out = []
    for comparison in COMPARISONS:
        counting = [lv for lv in comparison.levels if not lv.null]
        labels = {len(counting) - 1 - i: lv.label for i, lv in enumerate(counting)}
        labels.update((-1, lv.label) for lv in comparison.levels if lv.null)
        out.append((comparison.name, labels))
    return out


PAIRS_SCHEMA = pa.schema(
    [
        pa.field("id_l", pa.string()),
        pa.field("id_r", pa.string()),
        pa.field("probability", pa.float64()),
        pa.field("match_weight", pa.float64()),
        pa.field("levels", pa.struct([pa.field(c.name, pa.string()) for c in COMPARISONS])),
    ]
)


def _pairs_sql(table: str) -> str:
    gamma = ", ".join(f"gamma_{c.name}" for c in COMPARISONS)
    return (
        "SELECT unique_id_l AS id_l, unique_id_r AS id_r, match_probability AS probability, "
        f"match_weight, {gamma} FROM {table}"
    )


def _with_labels(raw: pa.Table) -> pa.Table:
    fields = []
    for name, labels in _gamma_labels():
        gammas = raw.column(f"gamma_{name}").to_pylist()
        fields.append(pa.array([labels[g] for g in gammas], pa.string()))
    levels = pa.StructArray.from_arrays(fields, fields=list(PAIRS_SCHEMA.field("levels").type))
    return pa.table(
        [
            raw.column("id_l").cast(pa.string()),
            raw.column("id_r").cast(pa.string()),
            raw.column("probability").cast(pa.float64()),
            raw.column("match_weight").cast(pa.float64()),
            levels,
        ],
        schema=PAIRS_SCHEMA,
    )


def _model_settings(model: LinkModel, blocking_rules: Sequence[str] | None = None) -> dict:
    out = dict(model.splink_settings)
    rules = [r.sql for r in BLOCKING_RULES] if blocking_rules is None else list(blocking_rules)
    out["blocking_rules_to_generate_predictions"] = rules
    out["retain_matching_columns"] = True  # the comparison levels (gamma) of each pair
    out["retain_intermediate_calculation_columns"] = False
    out.pop("linker_uid", None)
    return out


def predict_pairs(
    documents: pa.Table | str | Path,
    model: LinkModel,
    *,
    backend: Backend = "duckdb",
    threshold: float | None = None,
    spark_session=None,
    blocking_rules: Sequence[str] | None = None,
) -> pa.Table:
    """Every pair blocking compares, scored by Splink with the model: PAIRS_SCHEMA (id_l <
    id_r, the match probability and weight, each comparison's level). `threshold` keeps only
    pairs at or above that probability (None: all). `blocking_rules` (Splink SQL) replaces
    the model's blocking, for tests and analyses ("1=1": every pair)."""
    _quiet()
    feature_rows = features_table(_documents(documents))
    if backend == "duckdb":
        from splink import Linker

        frame, connection = _duckdb_frame(feature_rows)
        try:
            linker = Linker(frame, _model_settings(model, blocking_rules), log_level=None)
            predicted = linker.inference.predict(
                threshold_match_probability=threshold, warning_mode="never"
            )
            raw = connection.sql(_pairs_sql(predicted.physical_name)).arrow()
            if isinstance(raw, pa.RecordBatchReader):
                raw = raw.read_all()
        finally:
            connection.close()
        return _with_labels(raw)
    if backend == "spark":
        settings_ = _model_settings(model, blocking_rules)
        return _predict_spark(feature_rows, settings_, threshold, spark_session)
    raise ValueError(f"unknown backend {backend!r}: duckdb or spark")


def _predict_spark(feature_rows: pa.Table, model_settings: dict, threshold, spark) -> pa.Table:
    from splink import Linker, SparkAPI

    own = spark is None
    if own:
        spark = local_spark()
    if spark.sparkContext.getCheckpointDir() is None:
        # Splink breaks long lineages with checkpoints.
        spark.sparkContext.setCheckpointDir(tempfile.mkdtemp(prefix="rmis-spark-"))
    try:
        db_api = SparkAPI(spark_session=spark)
        frame = db_api.register(
            spark.createDataFrame(feature_rows.to_pandas()), dataset_display_name="documents"
        )
        linker = Linker(frame, model_settings, log_level=None)
        predicted = linker.inference.predict(
            threshold_match_probability=threshold, warning_mode="never"
        )
        raw = spark.sql(_pairs_sql(predicted.physical_name)).toPandas()
        return _with_labels(pa.Table.from_pandas(raw, preserve_index=False))
    finally:
        if own:
            spark.stop()


def local_spark(cores: int = 2, memory: str = "4g"):
    """A local Spark session (needs pyspark and Java 17)."""
    from pyspark.sql import SparkSession
    from splink.backends.spark import similarity_jar_location

    os.environ.setdefault("PYSPARK_PYTHON", sys.executable)  # as analytics' session does
    return (
        SparkSession.builder.master(f"local[{cores}]")
        .appName("rmis-linkage")
        .config("spark.jars", similarity_jar_location())
        .config("spark.driver.memory", memory)
        .config("spark.sql.shuffle.partitions", str(cores * 4))
        .config("spark.sql.execution.arrow.pyspark.enabled", "true")
        .config("spark.ui.enabled", "false")
        .getOrCreate()
    )
