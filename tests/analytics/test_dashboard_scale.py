"""The dashboard at a million crossings (issue 18: every panel's query under 2 s, filters
included; bench/dashboard_bench.py measures the same at 100 million): the test region
replicated as the bench replicates it, its summaries made from scratch, and every panel under
the bench's filter sets answered as the page computes it (the whole-result check, the answer,
the disclosure control), each within 2 s, best of two."""

from __future__ import annotations

import sys
import time
from dataclasses import replace
from pathlib import Path

import duckdb
import pytest

from rmis.analytics import connect
from rmis.analytics.panels import Workspace
from rmis.analytics.summaries import summarise
from rmis.warehouse import read_manifest, write_manifest
from rmis.web.ui.analytics.board import PANELS, table_of

sys.path.insert(0, str(Path(__file__).resolve().parents[2] / "bench"))

from dashboard_bench import K, filter_sets
from summaries_bench import replicate

CROSSINGS = 1_000_000
LIMIT_SECONDS = 2.0


@pytest.fixture(scope="module")
def million(synthetic_warehouse, tmp_path_factory):
    root = tmp_path_factory.mktemp("million") / "warehouse"
    root.mkdir()
    manifest = replicate(synthetic_warehouse[0], root, CROSSINGS, duckdb.connect())
    write_manifest(root, replace(manifest, summaries=summarise(root, None, manifest)))
    return Workspace(root, connect())


def best_of_two(run) -> float:
    times = []
    for _ in range(2):
        started = time.perf_counter()
        run()
        times.append(time.perf_counter() - started)
    return min(times)


def test_the_replica_holds_a_million_crossings(million):
    files = [str(million.root / f) for f in read_manifest(million.root).crossing_files()]
    count = duckdb.execute("select count(*) from read_parquet($f)", {"f": files}).fetchone()[0]
    assert CROSSINGS <= count < CROSSINGS * 1.1


@pytest.mark.parametrize(
    "name",
    ["none", "TJK entering RUS in spring", "KAZ, women 25-34, work",
     "corridor UZB->KAZ, a quarter", "movement type seasonal"],
)  # fmt: skip
def test_every_panel_answers_within_two_seconds_at_a_million_crossings(million, name):
    filters = filter_sets(million)[name]
    times = {"whole result": best_of_two(lambda: million.people_in_result(filters, K))}
    for spec in PANELS:
        times[spec.id] = best_of_two(lambda s=spec: table_of(s, million, filters, K))
    slow = {panel: round(t, 2) for panel, t in times.items() if t >= LIMIT_SECONDS}
    assert not slow, f"over {LIMIT_SECONDS} s under {name}: {slow}"
