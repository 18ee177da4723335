"""Warehouse sync on a large record: a full export, a sync with nothing new, and a sync after
people were merged (the documents table written again, no crossing file touched) against the
peer design that carries the person on each crossing and rewrites the partitions their
crossings are in; optionally the previous version's sync on the same record.

    rmis synth --travellers 115000 --years 2 --seed 3 --end 2025-12-31 --out DIR --load
    python bench/warehouse_bench.py --record D/rmis.sqlite3 [--merges 1000]
                                    [--previous-src /tmp/rmis-old/src]

The record (SQLite) is copied into a scratch directory first: the merges change the copy
only. `--previous-src` is the `src/` of an earlier rmis (e.g. `git archive <commit> src | tar
-x -C /tmp/rmis-old`); its full and empty syncs are timed on the same copy, in a subprocess.
The analyses' cost of reaching people through the documents table is measured too: movement
types and flows (with and without a count of people) over the warehouse as opened (crossings
joined to documents) against the same crossing files with the person key stored in them (best
of three runs each). Prints JSON.
"""

from __future__ import annotations

import argparse
import json
import os
import random
import sqlite3
import subprocess
import sys
import tempfile
import time
from datetime import UTC, datetime
from pathlib import Path

import duckdb
import ibis
import pyarrow.parquet as pq
from sqlalchemy import Engine, select

from rmis import persons
from rmis.analytics import connect, flows, movement_types, open_warehouse
from rmis.store import open_database
from rmis.store.schema import crossings, documents
from rmis.warehouse import Partition, read_manifest, sync_warehouse
from rmis.warehouse import sync as sync_module

KEY = b"bench-key-" + b"0" * 22
NOW = datetime(2030, 1, 1, tzinfo=UTC)
PREVIOUS = """
import sys, time, json
from datetime import datetime, UTC
from pathlib import Path
from rmis.store import open_database
from rmis.warehouse.sync import sync_warehouse
engine = open_database(sys.argv[1])
root = Path(sys.argv[2])
now = datetime(2030, 1, 1, tzinfo=UTC)
started = time.perf_counter()
full = sync_warehouse(engine, root, now, key=b"bench-key-" + b"0" * 22)
middle = time.perf_counter()
sync_warehouse(engine, root, now, key=b"bench-key-" + b"0" * 22)
print(json.dumps({"full_seconds": middle - started, "empty_seconds": time.perf_counter() - middle,
                  "exported": full.exported}))
"""


def copy_record(source: Path, target: Path) -> None:
    with sqlite3.connect(source) as src, sqlite3.connect(target) as dst:
        src.backup(dst)


def timed(run):
    started = time.perf_counter()
    result = run()
    return time.perf_counter() - started, result


def merge_people(engine: Engine, count: int, seed: int) -> set:
    """Merge `count` random pairs of people (rmis.persons.merge); the survivors' ids."""
    with engine.connect() as connection:
        query = select(documents.c.traveller_id).distinct()
        people = sorted(connection.execute(query).scalars())
    pairs = random.Random(seed).sample(people, 2 * count)
    survivors = set()
    with engine.begin() as connection:
        for a, b in zip(pairs[::2], pairs[1::2], strict=True):
            merged = persons.merge(
                connection, a, b, kind="confirmed", rule="bench", decided_by="bench", now=NOW
            )
            survivors.add(merged.survivor)
    return survivors


def partitions_of(engine: Engine, people: set) -> set[Partition]:
    """The partitions holding crossings of these people: what the peer design rewrites."""
    found: set[Partition] = set()
    ids = sorted(people)
    with engine.connect() as connection:
        for start in range(0, len(ids), 2_000):
            rows = connection.execute(
                select(crossings.c.host_state, crossings.c.local_date)
                .where(crossings.c.traveller_id.in_(ids[start : start + 2_000]))
                .distinct()
            )
            found |= {Partition.of(state, day) for state, day in rows}
    return found


def rewrite_partitions(engine: Engine, root: Path, partitions: set[Partition]) -> None:
    """The peer: each partition written again from the record, as corrections do."""
    manifest = read_manifest(root)
    with engine.connect() as connection:
        places = sync_module.load_bcp_places(connection)
        history = sync_module.all_corrections(connection)
        for partition in sorted(partitions):
            sync_module._rewrite(
                connection, root / "peer", partition, manifest.crossings, history, places
            )


def join_cost(root: Path, scratch: Path, repeats: int = 3) -> dict[str, object]:
    """Analyses through the join, against the same crossing files with the person key stored
    in them (the peer design's files); the best of `repeats` runs each."""
    manifest = read_manifest(root)
    documents = [str(root / f) for f in manifest.documents]
    stored = scratch / "stored"
    stored.mkdir()
    con = duckdb.connect()
    for i, name in enumerate(manifest.crossing_files()):
        con.execute(
            f"""copy (select c.*, d.person_key from read_parquet('{root / name}') c
                      join read_parquet(?) d using (document_id))
                to '{stored / f"part-{i}.parquet"}' (format parquet, compression zstd)""",
            [documents],
        )

    def best(run) -> float:
        return min(timed(run)[0] for _ in range(repeats))

    joined = open_warehouse(root, connect("duckdb")).crossings
    flat = ibis.duckdb.connect().read_parquet(
        sorted(str(p) for p in stored.glob("*.parquet")), hive_partitioning=False
    )
    figures: dict[str, float] = {"files": len(manifest.crossing_files())}
    for name, run in {
        "movement_types": lambda t: movement_types(t).count().to_pyarrow(),
        "flows_corridor_month": lambda t: flows(t, ["corridor", "month"]).to_pandas(),
        "flows_counting_people": lambda t: flows(
            t, ["host_state", "month"], count_people=True
        ).to_pandas(),
    }.items():
        through = best(lambda run=run: run(joined))
        stored_ = best(lambda run=run: run(flat))
        figures[name] = {
            "joined_seconds": round(through, 3),
            "stored_seconds": round(stored_, 3),
            "joined_over_stored": round(through / stored_, 2),
        }
    return figures


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--record", type=Path, required=True, help="a SQLite record")
    parser.add_argument("--merges", type=int, default=1_000)
    parser.add_argument("--seed", type=int, default=1)
    parser.add_argument("--previous-src", type=Path)
    args = parser.parse_args()
    figures: dict[str, object] = {}
    with tempfile.TemporaryDirectory() as scratch_name:
        scratch = Path(scratch_name)
        copy = scratch / "rmis.sqlite3"
        copy_record(args.record, copy)
        url = f"sqlite:///{copy}"
        if args.previous_src:
            out = subprocess.run(
                [sys.executable, "-c", PREVIOUS, url, str(scratch / "previous")],
                env={**os.environ, "PYTHONPATH": str(args.previous_src)},
                check=True, capture_output=True, text=True,
            )  # fmt: skip
            figures["previous_version"] = json.loads(out.stdout.strip().splitlines()[-1])
        engine = open_database(url)
        root = scratch / "warehouse"
        full_seconds, full = timed(lambda: sync_warehouse(engine, root, NOW, key=KEY))
        empty_seconds, _ = timed(lambda: sync_warehouse(engine, root, NOW, key=KEY))
        manifest = read_manifest(root)
        documents_rows = sum(pq.read_metadata(root / f).num_rows for f in manifest.documents)
        figures["full"] = {
            "crossings": full.exported,
            "documents": documents_rows,
            "partitions": len(manifest.partitions),
            "seconds": round(full_seconds, 2),
        }
        figures["empty_seconds"] = round(empty_seconds, 2)
        figures["join"] = join_cost(root, scratch)

        before = manifest.crossing_files()
        survivors = merge_people(engine, args.merges, args.seed)
        relink_seconds, relinked = timed(lambda: sync_warehouse(engine, root, NOW, key=KEY))
        assert read_manifest(root).crossing_files() == before, "a crossing file was rewritten"
        partitions = partitions_of(engine, survivors)
        peer_seconds, _ = timed(lambda: rewrite_partitions(engine, root, partitions))
        figures["after_merges"] = {
            "merges": args.merges,
            "documents_written_again": relinked.relinked,
            "sync_seconds": round(relink_seconds, 2),
            "peer_partitions_to_rewrite": len(partitions),
            "peer_rewrite_seconds": round(peer_seconds, 2),
            "peer_over_ours": round(peer_seconds / relink_seconds, 1),
            "full_over_ours": round(full_seconds / relink_seconds, 1),
        }
        if "previous_version" in figures:
            previous = figures["previous_version"]
            figures["full_over_previous_full"] = round(full_seconds / previous["full_seconds"], 2)
        engine.dispose()
    print(json.dumps(figures, indent=1))


if __name__ == "__main__":
    main()
