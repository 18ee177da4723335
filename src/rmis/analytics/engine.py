"""Opening the warehouse as Ibis tables on DuckDB (the default) or PySpark (local mode).

Both engines read the files the manifest lists, so a sync running meanwhile is never seen
half done. Crossings are read with the `person_key` of their document (the person as the
record links them now): every analysis counts people by it, never by document.
"""

from __future__ import annotations

import os
import sys
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import ibis
from ibis import _
from ibis.backends import BaseBackend

from rmis.warehouse import COLUMNS_VERSION, read_manifest

ENGINES = ("duckdb", "spark")


class WarehouseMissing(RuntimeError):
    """No warehouse yet (or an empty one): `rmis warehouse sync` makes it."""


class WarehouseOutdated(WarehouseMissing):
    """Written by an earlier version, in other columns: the next `rmis warehouse sync` writes it
    again."""


@dataclass(frozen=True)
class Warehouse:
    backend: BaseBackend
    crossings: ibis.Table  # columns.CROSSINGS and the person_key of the crossing's document
    documents: ibis.Table
    permits: ibis.Table
    bcps: ibis.Table
    # The review queue's open proposals (columns.REVIEWS); None in a warehouse synced before
    # they were exported, until its next sync.
    reviews: ibis.Table | None = None


def spark_session(cores: int = 2) -> Any:
    """A local-mode SparkSession in UTC, without the web UI; reused when one is running."""
    from pyspark.sql import SparkSession

    # Python workers run this interpreter (rmis, pandas), not whatever `python3` is on PATH:
    # PySpark reads only the environment for it, when the first session's context starts
    # (every rmis session sets it, since whichever starts first is the one reused).
    os.environ.setdefault("PYSPARK_PYTHON", sys.executable)
    return (
        SparkSession.builder.master(f"local[{cores}]")
        .appName("rmis")
        .config("spark.sql.session.timeZone", "UTC")
        .config("spark.ui.enabled", "false")
        .config("spark.sql.shuffle.partitions", str(cores * 2))
        .config("spark.driver.memory", "2g")
        .getOrCreate()
    )


def connect(engine: str = "duckdb", spark: Any = None) -> BaseBackend:
    if engine == "duckdb":
        return ibis.duckdb.connect()
    if engine == "spark":
        return ibis.pyspark.connect(spark or spark_session())
    raise ValueError(f"RMIS_ENGINE must be one of {', '.join(ENGINES)}, not {engine!r}")


def open_warehouse(root: Path, backend: BaseBackend) -> Warehouse:
    manifest = read_manifest(root)
    files = manifest.crossing_files()
    if not files or manifest.permits is None or manifest.bcps is None:
        raise WarehouseMissing(
            f"no crossings in the warehouse at {root}: run `rmis warehouse sync`"
        )
    if manifest.columns_version != COLUMNS_VERSION:
        raise WarehouseOutdated(
            f"the warehouse at {root} was written by an earlier version of rmis: run "
            "`rmis warehouse sync` to bring it forward"
        )

    def table(name: str, relative: list[str]) -> ibis.Table:
        return _read(backend, name, [str((root / f).resolve()) for f in relative])

    documents = table("documents", manifest.documents)
    return Warehouse(
        backend=backend,
        crossings=with_people(table("crossings", files), documents),
        documents=documents,
        permits=table("permits", [manifest.permits]),
        bcps=table("bcps", [manifest.bcps]),
        reviews=table("reviews", [manifest.reviews]) if manifest.reviews else None,
    )


def with_people(crossings: ibis.Table, documents: ibis.Table) -> ibis.Table:
    """The crossings with the person_key of their documents.

    A left join to the documents grouped by document_id: the right side is unique on the key,
    so an analysis that uses no person_key (flows, mirror, surges) reads the crossings alone
    (DuckDB drops the join; measured in bench/warehouse_bench.py). The sync writes every
    crossing's document; one missing all the same would count as a person of its own.
    """
    people = documents.group_by("document_id").aggregate(linked=_.person_key.arbitrary())
    joined = crossings.left_join(people, crossings.document_id == people.document_id)
    with_key = joined.select(
        *(joined[c] for c in crossings.columns),
        person_key=ibis.coalesce(joined.linked, joined.document_id),
    )
    # A relation of its own: joins that analyses make with it are not folded into this one.
    return with_key.view()


def _read(backend: BaseBackend, name: str, paths: list[str]) -> ibis.Table:
    # The partition columns are stored in the files: directory names are not read back.
    if backend.name == "pyspark":
        frame = backend._session.read.option("recursiveFileLookup", "true").parquet(*paths)
        frame.createOrReplaceTempView(f"rmis_{name}")
        return backend.table(f"rmis_{name}")
    return backend.read_parquet(paths, table_name=f"rmis_{name}", hive_partitioning=False)
