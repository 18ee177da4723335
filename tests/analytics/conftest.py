"""A small synthetic warehouse shared by the analytics tests, a local SparkSession for each
module that asks, and the standalone cluster (tests/spark_cluster.py)."""

from __future__ import annotations

import io
from datetime import date

import pytest

from rmis.registry import import_crossings
from rmis.store.database import open_database
from rmis.synth.region import SynthConfig, generate, write
from rmis.warehouse import sync_warehouse
from spark_cluster import spark_cluster as spark_cluster  # the fixture, for these tests

END = date(2026, 6, 30)


@pytest.fixture(scope="session")
def synthetic_warehouse(tmp_path_factory):
    """(warehouse root, synth output dir) for 400 travellers over a year."""
    base = tmp_path_factory.mktemp("synthetic")
    region = generate(SynthConfig(travellers=400, years=1, seed=7, end=END))
    files = write(region, base / "synth")
    engine = open_database(f"sqlite:///{base / 'rmis.sqlite3'}")
    import_crossings(engine, files["crossings"], io.StringIO(), now=region_now())
    root = base / "warehouse"
    sync_warehouse(engine, root, region_now())
    engine.dispose()
    return root, base / "synth"


def region_now():
    from datetime import UTC, datetime

    return datetime(2026, 7, 1, tzinfo=UTC)


# A module's: a process holds one SparkContext, and a module that runs on the standalone cluster
# stops the one running before making its own (the JVM stays, so the next start is quick).
@pytest.fixture(scope="module")
def spark():
    pytest.importorskip("pyspark")
    from rmis.analytics import spark_session
    from rmis.analytics.engine import java_problem

    if problem := java_problem():  # no Java 17 or 21: skipped, saying what to do
        pytest.skip(problem)
    session = spark_session(cores=2)
    session.conf.set("spark.sql.shuffle.partitions", "2")
    yield session
    session.stop()
