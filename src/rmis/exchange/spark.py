"""The hub's journey linkage on Spark, for a region one machine cannot hold: the same blocks as
`journeys.link` (corridor and day), one Spark group per block, anonlink's join inside each,
and the same one-to-one solve on the driver; the answer is link()'s, pair for pair.

Spark needs Java 17 or 21 (Spark 4). Where Spark runs is a setting, never hard-coded:
RMIS_SPARK_MASTER (default local[2]; spark://host:7077 for a standalone cluster),
RMIS_SPARK_MEMORY (driver and executor memory, default 2g). The region's other analyses run on
analytics' own Spark session (engine.py), whose master and memory are not settings yet.
"""

from __future__ import annotations

import os
import re
import shutil
import subprocess
import sys
from collections.abc import Mapping
from pathlib import Path
from typing import Any

import numpy as np
import pandas as pd

from rmis.exchange.journeys import THRESHOLD, candidates, corridors_of, solve

JAVA_VERSIONS = (17, 21)
HINT = (
    "Spark needs Java 17 or 21: install one (Debian: apt-get install openjdk-17-jre-headless) "
    "or point JAVA_HOME at it"
)


class SparkUnavailable(RuntimeError):
    """Spark cannot run here; the message says why and what to do."""


def java_problem(env: Mapping[str, str] | None = None) -> str | None:
    """None when a Java Spark runs on is found (JAVA_HOME, else PATH); otherwise the reason,
    with what to do."""
    env = os.environ if env is None else env
    home = env.get("JAVA_HOME")
    java = str(Path(home) / "bin" / "java") if home else shutil.which("java", path=env.get("PATH"))
    if not java or not Path(java).exists():
        return f"no Java found. {HINT}"
    try:
        shown = subprocess.run([java, "-version"], capture_output=True, text=True, timeout=30)
    except OSError as error:
        return f"{java} does not run ({error}). {HINT}"
    found = re.search(r'version "(\d+)(?:\.(\d+))?', shown.stderr + shown.stdout)
    if not found:
        return f"cannot tell the version of {java}. {HINT}"
    major = int(found.group(1)) if found.group(1) != "1" else int(found.group(2) or 0)
    if major not in JAVA_VERSIONS:
        return f"{java} is Java {major}. {HINT}"
    return None


def spark_settings(env: Mapping[str, str] | None = None) -> tuple[str, str]:
    env = os.environ if env is None else env
    return env.get("RMIS_SPARK_MASTER", "local[2]"), env.get("RMIS_SPARK_MEMORY", "2g")


def session(master: str, memory: str, partitions: int = 8) -> Any:
    """A SparkSession on `master` (UTC, no web UI); SparkUnavailable when Java is missing."""
    if problem := java_problem():
        raise SparkUnavailable(problem)
    from pyspark.sql import SparkSession

    # The executors run Python with rmis, anonlink and pandas: this interpreter.
    os.environ.setdefault("PYSPARK_PYTHON", sys.executable)
    return (
        SparkSession.builder.master(master)
        .appName("rmis-hub")
        .config("spark.sql.session.timeZone", "UTC")
        .config("spark.ui.enabled", "false")
        .config("spark.driver.memory", memory)
        .config("spark.executor.memory", memory)
        .config("spark.sql.execution.arrow.pyspark.enabled", "true")
        # Groups are corridors (tens to hundreds): Spark's default 200 shuffle partitions
        # would start a Python worker per near-empty partition.
        .config("spark.sql.shuffle.partitions", partitions)
        .getOrCreate()
    )


def link_on_spark(
    keys: pd.DataFrame,
    spark: Any,
    threshold: float = THRESHOLD,
    days: int = 1,
    documents: bool = True,
) -> pd.DataFrame:
    """`journeys.link` with the blocks scored on Spark: the keys are grouped by corridor (no
    block crosses one), each group's candidate pairs are made where it lands (blocks of a day,
    anonlink's join inside), and the pairs come back to be solved one to one."""
    frame = keys.reset_index(drop=True)
    columns = ["token", "host_state", "direction", "partner", "local_date", "clk", "doc_key"]
    sent = frame[columns].astype(str)
    sent["corridor"] = corridors_of(frame)
    sent["row"] = np.arange(len(frame), dtype=np.int64)
    table = spark.createDataFrame(sent)

    def score(group: pd.DataFrame) -> pd.DataFrame:
        part = group.reset_index(drop=True)
        found = candidates(part, threshold, days, documents)
        rows = part.row.to_numpy()
        return pd.DataFrame(
            {
                "a": np.array([rows[i] for i, _, _ in found], np.int64),
                "b": np.array([rows[j] for _, j, _ in found], np.int64),
                "score": np.array([v for _, _, v in found], float),
            }
        )

    pairs = (
        table.groupBy("corridor")
        .applyInPandas(score, schema="a long, b long, score double")
        .toPandas()
    )
    found = list(zip(pairs.a.tolist(), pairs.b.tolist(), pairs.score.tolist(), strict=True))
    return solve(frame, found)
