"""Every analysis gives the same answer on DuckDB and on PySpark: in local mode, and on a
standalone cluster of a master and two workers started here (tests/spark_cluster.py; with
RMIS_TEST_SPARK_CLUSTER=1, as CI runs it), where the executors read the warehouse's files."""

from __future__ import annotations

import numbers
from datetime import date

import pandas as pd
import pytest

from rmis.analytics import (
    connect,
    data_gaps,
    find_overstays_on,
    flows,
    mirror,
    movement_types,
    open_warehouse,
    state_roles,
    stock_curve,
    stock_on,
    typology_with_documents,
)
from rmis.reference.stay_rules import load_stay_rules
from spark_cluster import WORKERS, executors_of

ON = date(2026, 3, 15)
ANALYSES = {
    "flows": lambda w: flows(
        w.crossings,
        ["host_state", "corridor", "nationality", "purpose", "sex", "age_band", "week"],
        count_people=True,
    ),
    "flows_by_year_and_bcp": lambda w: flows(w.crossings, ["bcp", "mode", "year", "day"]),
    "stock": lambda w: stock_on(w.crossings, ON, ["host_state", "nationality", "purpose"]),
    "stock_curve": lambda w: stock_curve(
        w.crossings, date(2025, 9, 1), date(2026, 6, 1), ["host_state"], every_days=10
    ),
    "gaps": lambda w: data_gaps(w.crossings),
    "mirror": lambda w: mirror(w.crossings),
    "roles": lambda w: state_roles(w.crossings),
    "typology": lambda w: movement_types(w.crossings),
    "typology_with_documents": lambda w: typology_with_documents(w.crossings, w.documents),
    "overstays": lambda w: pd.concat(
        [
            (found := find_overstays_on(
                w.crossings, w.permits, load_stay_rules(), ON, w.documents, w.reviews
            )).open,
            found.late_exits,
        ]
    ),
}  # fmt: skip


def normalised(frame) -> pd.DataFrame:
    frame = frame if isinstance(frame, pd.DataFrame) else frame.to_pandas()
    frame = frame.copy()
    for column in frame.columns:
        values = frame[column]
        if (
            pd.api.types.is_datetime64_any_dtype(values)
            or values.map(lambda v: hasattr(v, "isoformat")).any()
        ):
            frame[column] = pd.to_datetime(values).dt.strftime("%Y-%m-%d")
        elif (
            pd.api.types.is_numeric_dtype(values)
            or values.map(lambda v: isinstance(v, numbers.Number)).any()
        ):
            frame[column] = pd.to_numeric(values).astype("float64").round(9)
    return frame.sort_values(list(frame.columns), ignore_index=True)


@pytest.fixture(scope="module", params=["local", "cluster"])
def on_spark(request):
    """A session in local mode (the conftest's), then one on the standalone cluster: pytest
    runs every analysis on the first before it makes the second."""
    if request.param == "local":
        yield request.getfixturevalue("spark")
        return
    from rmis.analytics import spark_session
    from rmis.settings import SparkSettings

    master = request.getfixturevalue("spark_cluster")  # stops the local session
    session = spark_session(SparkSettings(master=master, memory="512m"))
    assert session.sparkContext.master == master
    assert executors_of(session) == WORKERS  # an executor on each worker
    session.conf.set("spark.sql.shuffle.partitions", "4")  # two one-core executors
    yield session
    session.stop()


@pytest.mark.parametrize("name", sorted(ANALYSES))
def test_duckdb_and_spark_agree(name, synthetic_warehouse, on_spark):
    root, _ = synthetic_warehouse
    on_duckdb = normalised(ANALYSES[name](open_warehouse(root, connect("duckdb"))))
    on_spark = normalised(ANALYSES[name](open_warehouse(root, connect("spark", on_spark))))
    assert len(on_duckdb) > 0
    pd.testing.assert_frame_equal(on_duckdb, on_spark, check_dtype=False)


def test_the_compared_warehouse_holds_people_of_several_documents(synthetic_warehouse):
    """The record links renewals at import: the analyses above are compared on people whose
    timelines run across documents, not only on one document each."""
    root, _ = synthetic_warehouse
    documents = open_warehouse(root, connect("duckdb")).documents.to_pandas()
    per_person = documents.groupby("person_key").document_id.nunique()
    assert (per_person > 1).sum() >= 5
