"""The hub's journey linkage on Spark, for a region one machine cannot hold: the same blocks as
`journeys.link` (never across a corridor), one Spark group per corridor, the document keys and
anonlink's join inside each, and the same one-to-one solve on the driver; the answer is
link()'s, pair for pair.

It runs on analytics' own session, where the settings say (settings.SparkSettings:
RMIS_SPARK_MASTER, default local[2], spark://host:7077 for a standalone cluster;
RMIS_SPARK_MEMORY, default 2g). Spark 4 needs Java 17 or 21: a missing one is
SparkUnavailable, with what to do.
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

import numpy as np
import pandas as pd
import pyarrow as pa

from rmis import analytics

# The Java check and its error are analytics' (its Spark engine's); its door does not name
# them, so they are taken from the engine module.
from rmis.analytics import SparkUnavailable, java_problem
from rmis.exchange.journeys import (
    KEY_COLUMNS,
    THRESHOLD,
    candidates,
    compact,
    corridors_of,
    solve,
)
from rmis.settings import SparkSettings

__all__ = ["SparkUnavailable", "java_problem", "link_on_spark", "session", "spark_settings"]


def spark_settings(env: Mapping[str, str] | None = None) -> tuple[str, str]:
    """(master, memory) as RMIS_SPARK_MASTER and RMIS_SPARK_MEMORY say."""
    settings = SparkSettings.from_env(env)
    return settings.master, settings.memory


def session(master: str, memory: str, partitions: int = 8) -> Any:
    """analytics' SparkSession on `master` with `memory` (reused when one runs), set up for
    the linkage; SparkUnavailable when Java is missing."""
    spark = analytics.spark_session(SparkSettings(master=master, memory=memory))
    spark.conf.set("spark.sql.execution.arrow.pyspark.enabled", "true")
    # Groups are corridors (tens to hundreds): Spark's default 200 shuffle partitions would
    # start a Python worker per near-empty partition.
    spark.conf.set("spark.sql.shuffle.partitions", str(partitions))
    return spark


def _plain(kind: pa.DataType) -> pa.DataType:
    # Spark reads utf8, not large_utf8 (what pandas' Arrow-backed strings may hold).
    return pa.string() if pa.types.is_large_string(kind) or pa.types.is_string(kind) else kind


def link_on_spark(
    keys: pd.DataFrame,
    spark: Any,
    threshold: float = THRESHOLD,
    documents: bool = True,
) -> pd.DataFrame:
    """`journeys.link` with the blocks scored on Spark: the keys are grouped by corridor (no
    block crosses one), each group's candidate pairs are made where it lands (its places and
    hours, document keys then anonlink's join), and the pairs come back to be solved one to
    one."""
    frame = compact(keys)
    sent = frame[KEY_COLUMNS].astype(str)
    sent["corridor"] = corridors_of(frame)
    sent["row"] = np.arange(len(frame), dtype=np.int64)
    # Sent as an Arrow table. From a pandas frame of pandas 3's Arrow-backed strings PySpark's
    # own conversion fails and falls back to pickling every row: 116,517 rows of keys (20,000
    # travellers) reached the JVM in 21-24 s so, 4.6-5.2 s as Arrow (local[2], load about 9).
    arrow = pa.Table.from_pandas(sent, preserve_index=False)
    table = spark.createDataFrame(
        arrow.cast(pa.schema([(f.name, _plain(f.type)) for f in arrow.schema]))
    )

    def score(group: pd.DataFrame) -> pd.DataFrame:
        part = compact(group)
        a, b, scores = candidates(part, threshold, documents)
        rows = part.row.to_numpy()
        return pd.DataFrame({"a": rows[a], "b": rows[b], "score": scores})

    pairs = (
        table.groupBy("corridor")
        .applyInPandas(score, schema="a long, b long, score double")
        .toPandas()
    )
    return solve(frame, pairs.a.to_numpy(), pairs.b.to_numpy(), pairs.score.to_numpy())
