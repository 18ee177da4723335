"""Crossings reach their people through their documents (engine.with_people); the Spark
engine runs where the settings say."""

from __future__ import annotations

import os
import subprocess
import sys

import ibis
import pytest

from rmis.analytics import connect, with_people
from rmis.analytics.engine import SparkUnavailable, java_problem, spark_conf
from rmis.settings import Settings, SparkSettings


def test_each_crossing_takes_its_documents_person_and_a_lost_document_is_its_own():
    crossings = ibis.memtable({"seq": [1, 2, 3, 4], "document_id": ["d1", "d2", "d2", "d3"]})
    documents = ibis.memtable({"document_id": ["d1", "d2"], "person_key": ["p", "p"]})
    people = with_people(crossings, documents).order_by("seq").to_pandas()
    assert people.columns.tolist() == ["seq", "document_id", "person_key"]
    assert people.person_key.tolist() == ["p", "p", "p", "d3"]  # no row lost, none doubled


# Where the analyses' Spark runs is a setting (RMIS_SPARK_*), read once, reaching the session.

NO_JAVA = java_problem()


def test_spark_settings_are_read_once_from_the_environment_with_clear_errors(tmp_path):
    assert Settings.from_env({}).spark == SparkSettings("local[2]", "2g", None)
    given = {
        "RMIS_SPARK_MASTER": "spark://10.0.0.5:7077",
        "RMIS_SPARK_MEMORY": "8g",
        "RMIS_SPARK_WAREHOUSE": str(tmp_path),
    }
    assert Settings.from_env(given).spark == SparkSettings("spark://10.0.0.5:7077", "8g", tmp_path)
    for name, bad in [("RMIS_SPARK_MASTER", "localhost:7077"), ("RMIS_SPARK_MEMORY", "2 GB")]:
        with pytest.raises(ValueError, match=name):
            Settings.from_env({name: bad})


def test_the_settings_make_the_sessions_conf():
    conf = spark_conf(SparkSettings("local[3]", "768m", None))
    assert conf["spark.driver.memory"] == conf["spark.executor.memory"] == "768m"
    assert conf["spark.sql.shuffle.partitions"] == "6"  # two a core in local mode
    assert conf["spark.sql.session.timeZone"] == "UTC"
    # On a cluster the shuffle is Spark's own (adaptive) affair.
    assert "spark.sql.shuffle.partitions" not in spark_conf(SparkSettings("spark://h:7077"))


def test_a_missing_java_stops_the_session_with_what_to_do(tmp_path, monkeypatch):
    monkeypatch.setenv("JAVA_HOME", str(tmp_path / "no-jdk"))
    with pytest.raises(SparkUnavailable, match="Spark needs Java 17 or 21"):
        connect("spark")


@pytest.mark.skipif(NO_JAVA is not None, reason=str(NO_JAVA))
def test_the_environments_settings_reach_the_spark_session(tmp_path):
    """In a process of its own (a session running in this one would be reused as it is):
    connect('spark') with RMIS_SPARK_* set builds its session on that master and memory."""
    pytest.importorskip("pyspark")
    script = (
        "from rmis.analytics import connect\n"
        "s = connect('spark')._session\n"
        "print(s.sparkContext.master, s.conf.get('spark.driver.memory'),"
        " s.conf.get('spark.sql.warehouse.dir'))\n"
        "s.stop()\n"
    )
    env = {
        **os.environ,
        "RMIS_SPARK_MASTER": "local[1]",
        "RMIS_SPARK_MEMORY": "700m",
        "RMIS_SPARK_WAREHOUSE": str(tmp_path / "sql"),
    }
    shown = subprocess.run(
        [sys.executable, "-c", script], env=env, capture_output=True, text=True, timeout=300
    )
    assert shown.returncode == 0, shown.stderr[-2000:]
    master, memory, warehouse = shown.stdout.split()[-3:]
    assert (master, memory) == ("local[1]", "700m")
    assert warehouse.endswith(str(tmp_path / "sql"))
