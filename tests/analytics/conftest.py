"""A small synthetic warehouse shared by the analytics tests, and one SparkSession per run."""

from __future__ import annotations

import io
from datetime import date

import pytest

from rmis.registry import import_crossings
from rmis.store.database import open_database
from rmis.synth.region import SynthConfig, generate, write
from rmis.warehouse import sync_warehouse

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


@pytest.fixture(scope="session")
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
