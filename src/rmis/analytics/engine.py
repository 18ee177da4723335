"""Opening the warehouse as Ibis tables on DuckDB (the default) or PySpark.

Both engines read the files the manifest lists, so a sync running meanwhile is never seen
half done. Crossings are read with the `person_key` of their document (the person as the
record links them now): every analysis counts people by it, never by document.

Where Spark runs is a setting (settings.SparkSettings: RMIS_SPARK_MASTER, RMIS_SPARK_MEMORY,
RMIS_SPARK_WAREHOUSE), local mode on two cores by default; Spark 4 needs Java 17 or 21, and a
missing one is an error saying what to do (SparkUnavailable), before any JVM is started.
"""

from __future__ import annotations

import os
import re
import shutil
import subprocess
import sys
from collections.abc import Mapping
from dataclasses import dataclass, replace
from pathlib import Path
from typing import Any

import ibis
from ibis import _
from ibis.backends import BaseBackend

from rmis.settings import SparkSettings
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


JAVA_VERSIONS = (17, 21)
JAVA_HINT = (
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
        return f"no Java found. {JAVA_HINT}"
    try:
        shown = subprocess.run([java, "-version"], capture_output=True, text=True, timeout=30)
    except OSError as error:
        return f"{java} does not run ({error}). {JAVA_HINT}"
    found = re.search(r'version "(\d+)(?:\.(\d+))?', shown.stderr + shown.stdout)
    if not found:
        return f"cannot tell the version of {java}. {JAVA_HINT}"
    major = int(found.group(1)) if found.group(1) != "1" else int(found.group(2) or 0)
    if major not in JAVA_VERSIONS:
        return f"{java} is Java {major}. {JAVA_HINT}"
    return None


def spark_conf(settings: SparkSettings) -> dict[str, str]:
    """What a session is built with, from the settings: UTC, no web UI, the memory; in local
    mode two shuffle partitions a core (Spark's 200 would start a task for each near-empty
    one); the SQL warehouse directory when one is set."""
    conf = {
        "spark.sql.session.timeZone": "UTC",
        "spark.ui.enabled": "false",
        "spark.driver.memory": settings.memory,
        "spark.executor.memory": settings.memory,
    }
    if local := re.fullmatch(r"local(?:\[(\d+|\*)(?:,\d+)?\])?", settings.master):
        given = local.group(1) or "1"
        cores = (os.cpu_count() or 1) if given == "*" else int(given)
        conf["spark.sql.shuffle.partitions"] = str(cores * 2)
    if settings.warehouse_dir is not None:
        conf["spark.sql.warehouse.dir"] = str(settings.warehouse_dir.resolve())
    return conf


def spark_session(settings: SparkSettings | None = None, cores: int | None = None) -> Any:
    """A SparkSession where `settings` say (else RMIS_SPARK_* as the environment has them;
    `cores`: local mode on that many, as the tests ask), reused when one is running.
    SparkUnavailable, with what to do, when no Java it runs on is found."""
    settings = settings or SparkSettings.from_env()
    if cores is not None:
        settings = replace(settings, master=f"local[{cores}]")
    if problem := java_problem():
        raise SparkUnavailable(problem)
    from pyspark.sql import SparkSession

    # Python workers run this interpreter (rmis, pandas), not whatever `python3` is on PATH:
    # PySpark reads only the environment for it, when the first session's context starts
    # (every rmis session sets it, since whichever starts first is the one reused).
    os.environ.setdefault("PYSPARK_PYTHON", sys.executable)
    builder = SparkSession.builder.master(settings.master).appName("rmis")
    for key, value in spark_conf(settings).items():
        builder = builder.config(key, value)
    return builder.getOrCreate()


def connect(
    engine: str = "duckdb", spark: Any = None, spark_settings: SparkSettings | None = None
) -> BaseBackend:
    """The engine's backend; for spark, `spark` (a session) or one made as `spark_settings`
    (else the environment's RMIS_SPARK_*) say."""
    if engine == "duckdb":
        return duckdb_backend()
    if engine == "spark":
        return ibis.pyspark.connect(spark or spark_session(spark_settings))
    raise ValueError(f"RMIS_ENGINE must be one of {', '.join(ENGINES)}, not {engine!r}")


def duckdb_backend() -> BaseBackend:
    """An in-process DuckDB that draws no progress bar on the terminal (it does for a query
    over 2 s, in the middle of rmis's own output)."""
    backend = ibis.duckdb.connect()
    backend.raw_sql("SET enable_progress_bar = false")
    return backend


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
