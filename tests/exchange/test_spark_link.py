"""The hub's journey linkage on Spark gives link()'s pairs exactly, in local mode and on a
standalone cluster started here (a master and two workers on loopback, from the pyspark
distribution's own spark-class; with RMIS_TEST_SPARK_CLUSTER=1, as CI runs it). Without Java
17 or 21 these skip, saying why."""

from __future__ import annotations

import os
import socket
import subprocess
import sys
import time
from datetime import date
from pathlib import Path

import pandas as pd
import pytest

from rmis.exchange.journeys import Secret, encode, link
from rmis.exchange.spark import java_problem, link_on_spark, session, spark_settings
from rmis.reference.bcps import load_bcps
from rmis.synth.region import SynthConfig, generate

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


def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


@pytest.fixture(scope="module")
def cluster(tmp_path_factory):
    """spark://127.0.0.1:PORT: a master and two one-core workers of 512 MB."""
    if NO_JAVA:
        pytest.skip(NO_JAVA)
    if not os.environ.get("RMIS_TEST_SPARK_CLUSTER"):
        # Three JVMs and a minute on a shared two-core machine: CI sets it (docs/exchange.md).
        pytest.skip("RMIS_TEST_SPARK_CLUSTER=1 starts the standalone cluster")
    import pyspark

    home = Path(pyspark.__file__).parent
    spark_class = str(home / "bin" / "spark-class")
    env = {
        **os.environ,
        "SPARK_HOME": str(home),
        "PYSPARK_PYTHON": sys.executable,
        "SPARK_LOCAL_IP": "127.0.0.1",
        "SPARK_LOG_DIR": str(tmp_path_factory.mktemp("log")),
        "SPARK_WORKER_DIR": str(tmp_path_factory.mktemp("work")),
    }
    port = _free_port()
    master = f"spark://127.0.0.1:{port}"
    processes = [
        subprocess.Popen(
            [
                spark_class,
                "org.apache.spark.deploy.master.Master",
                "--host",
                "127.0.0.1",
                "--port",
                str(port),
                "--webui-port",
                str(_free_port()),
            ],
            env=env,
            stdout=subprocess.DEVNULL,
            stderr=subprocess.DEVNULL,
        )
    ]
    deadline = time.monotonic() + 90
    while time.monotonic() < deadline:
        try:
            socket.create_connection(("127.0.0.1", port), timeout=1).close()
            break
        except OSError:
            time.sleep(0.5)
    for _ in range(2):
        processes.append(
            subprocess.Popen(
                [
                    spark_class,
                    "org.apache.spark.deploy.worker.Worker",
                    master,
                    "--host",
                    "127.0.0.1",
                    "--cores",
                    "1",
                    "--memory",
                    "512m",
                    "--webui-port",
                    str(_free_port()),
                ],
                env=env,
                stdout=subprocess.DEVNULL,
                stderr=subprocess.DEVNULL,
            )
        )
    yield master
    for process in reversed(processes):
        process.terminate()
        process.wait(timeout=30)


def _pairs(frame: pd.DataFrame) -> set:
    return set(zip(frame.exit_token, frame.entry_token, frame.score.round(9), strict=True))


@pytest.mark.skipif(NO_JAVA is not None, reason=str(NO_JAVA))
def test_spark_local_links_what_link_links(keys):
    spark = session("local[2]", "1g")
    try:
        assert _pairs(link_on_spark(keys, spark)) == _pairs(link(keys))
    finally:
        spark.stop()


def test_a_standalone_cluster_links_what_link_links(keys, cluster):
    spark = session(cluster, "512m")
    try:
        assert spark.sparkContext.master == cluster
        found = link_on_spark(keys, spark)
        assert len(found) > 100
        assert _pairs(found) == _pairs(link(keys))
    finally:
        spark.stop()
