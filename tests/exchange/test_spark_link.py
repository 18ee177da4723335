"""The hub's journey linkage on Spark gives link()'s pairs exactly, in local mode and on a
standalone cluster started here (a master and two workers on loopback, from the pyspark
distribution's own spark-class: tests/spark_cluster.py; with RMIS_TEST_SPARK_CLUSTER=1, as CI
runs it). Without Java 17 or 21 these skip, saying why."""

from __future__ import annotations

from datetime import date

import pandas as pd
import pytest

from rmis.exchange.journeys import Secret, encode, link
from rmis.exchange.spark import java_problem, link_on_spark, session, spark_settings
from rmis.reference.bcps import load_bcps
from rmis.synth.region import SynthConfig, generate
from spark_cluster import WORKERS, executors_of
from spark_cluster import spark_cluster as spark_cluster  # the fixture

NO_JAVA = java_problem()


def test_a_missing_or_old_java_is_named_with_what_to_do(tmp_path):
    missing = java_problem({"PATH": str(tmp_path)})
    assert missing.startswith("no Java found") and "openjdk-17" in missing
    fake = tmp_path / "jdk" / "bin" / "java"
    fake.parent.mkdir(parents=True)
    fake.write_text("#!/bin/sh\necho 'openjdk version \"11.0.2\" 2019-01-15' >&2\n")
    fake.chmod(0o755)
    old = java_problem({"JAVA_HOME": str(tmp_path / "jdk")})
    assert "is Java 11" in old and "JAVA_HOME" in old


def test_where_spark_runs_is_a_setting():
    assert spark_settings({}) == ("local[2]", "2g")
    given = {"RMIS_SPARK_MASTER": "spark://10.0.0.5:7077", "RMIS_SPARK_MEMORY": "8g"}
    assert spark_settings(given) == ("spark://10.0.0.5:7077", "8g")


@pytest.fixture(scope="module")
def keys():
    made = generate(SynthConfig(travellers=300, years=1, seed=9, end=date(2026, 6, 30)))
    c = made.crossings.to_pandas()
    bcps = load_bcps()
    c["host_state"] = c.bcp.map(lambda b: bcps[b].state)
    c["partner"] = c.bcp.map(lambda b: bcps[b].neighbour or bcps[b].mode.upper())
    c["local_date"] = pd.to_datetime(c.occurred_at).dt.date
    c["token"] = c.crossing_id
    return encode(c[c.outcome == "admitted"], Secret(b"s" * 32))


def _pairs(frame: pd.DataFrame) -> set:
    return set(zip(frame.exit_token, frame.entry_token, frame.score.round(9), strict=True))


@pytest.mark.skipif(NO_JAVA is not None, reason=str(NO_JAVA))
def test_spark_local_links_what_link_links(keys):
    spark = session("local[2]", "1g")
    try:
        assert _pairs(link_on_spark(keys, spark)) == _pairs(link(keys))
    finally:
        spark.stop()


def test_a_standalone_cluster_links_what_link_links(keys, spark_cluster):
    spark = session(spark_cluster, "512m")
    try:
        assert spark.sparkContext.master == spark_cluster
        assert executors_of(spark) == WORKERS  # an executor on each worker
        found = link_on_spark(keys, spark)
        assert len(found) > 100
        assert _pairs(found) == _pairs(link(keys))
    finally:
        spark.stop()
