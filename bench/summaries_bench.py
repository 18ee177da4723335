"""The analyses at the scale of a country: flows, mirror statistics, stock and movement types
answered from the warehouse's summaries (analytics.quick) against DuckDB's own GROUP BY over the
raw crossings and against rmis's analyses over the crossings, on a replicated warehouse; the
cost of making the summaries (from scratch, and after one more day of crossings).

    rmis synth --travellers 113000 --years 2 --seed 3 --end 2025-12-31 --out R --load
    rmis warehouse sync
    python bench/summaries_bench.py --warehouse D/warehouse --crossings 100000000
                                    [--scratch DIR] [--memory 8GB] [--raw-people]

The warehouse is replicated into `--scratch` until it holds `--crossings` crossings, as a real
warehouse (partitions, documents, manifest). Copies are distinct people (their documents and
people renamed) and not repeats of the source: each copy's days are shifted by -14..+14 days
and its birth years by -2..+2, and every partition's rows are written in time order, copies
interleaved, so the files compress as a real month of crossings would, and the cubes hold as
many cells as such a month. `--flows-only` makes only the cubes (flows and mirror statistics);
`--people N` also times movement types over the people table copied to N people. `--no-raw`
times no analysis over the crossings (DuckDB's GROUP BY only). `--reuse DIR` times
the queries again on the warehouse a run left in DIR. `--raw-people` also times
stock and movement types over the raw crossings (a window over every crossing: minutes at
100M). Prints JSON.
"""

from __future__ import annotations

import argparse
import json
import os
import resource
import shutil
import tempfile
import time
from dataclasses import replace
from datetime import date
from pathlib import Path

import duckdb
import ibis

from rmis.analytics import (
    flows,
    mirror,
    movement_types,
    open_warehouse,
    quick,
    summaries,
    summarise,
)
from rmis.analytics.stock import stock_on
from rmis.warehouse import COLUMNS_VERSION, Manifest, Partition, Summaries, read_manifest
from rmis.warehouse.layout import write_manifest

SHIFT = "((k * 7919 + 14) % 29 - 14)"  # days each copy is moved by; copy 0 stays
# The corridor-by-month flows as one SQL GROUP BY over the crossing files: the peer.
PEER_FLOWS = """
select case when direction = 'entry' then coalesce(neighbour, upper(mode)) else host_state end
         as from_state,
       case when direction = 'entry' then host_state else coalesce(neighbour, upper(mode)) end
         as to_state,
       make_date(year, month, 1) as month,
       count(*) filter (where outcome = 'admitted' and direction = 'entry') as entries,
       count(*) filter (where outcome = 'admitted' and direction = 'exit') as exits,
       count(*) filter (where outcome = 'refused') as refused
from read_parquet($f) group by all order by all
"""
PEER_MIRROR = """
select date_trunc('month', local_date) as month, host_state, neighbour, direction, count(*) n
from read_parquet($f) where outcome = 'admitted' and neighbour is not null
group by all
"""


def replicate(source: Path, target: Path, rows: int, con: duckdb.DuckDBPyConnection) -> Manifest:
    """A warehouse at `target` with at least `rows` crossings made of shifted, renamed copies."""
    base = read_manifest(source)
    files = [str(source / f) for f in base.crossing_files()]
    count, top = con.execute(
        "select count(*), max(seq) from read_parquet($f)", {"f": files}
    ).fetchone()
    copies = -(-rows // count)
    out = target / "crossings"
    con.execute(
        f"""copy (
            select * replace (
                crossing_id || '-' || k::varchar as crossing_id,
                document_id || '-' || k::varchar as document_id,
                seq + k * {top} as seq,
                local_date + {SHIFT}::integer as local_date,
                occurred_at + to_days({SHIFT}::integer) as occurred_at,
                (birth_year + (k % 5) - 2)::smallint as birth_year,
                year(local_date + {SHIFT}::integer)::smallint as year,
                month(local_date + {SHIFT}::integer)::tinyint as month)
            from read_parquet($f) cross join range({copies}) as c(k)
            order by host_state, year, month, occurred_at
        ) to '{out}' (format parquet, compression zstd, partition_by (host_state, year, month),
                     write_partition_columns true, row_group_size 1000000)""",
        {"f": files},
    )
    partitions: dict[Partition, list[str]] = {}
    for path in sorted(out.rglob("*.parquet")):
        parts = dict(p.split("=", 1) for p in path.relative_to(out).parts[:-1])
        key = Partition(parts["host_state"], int(parts["year"]), int(parts["month"]))
        partitions.setdefault(key, []).append(path.relative_to(target).as_posix())
    (target / "documents").mkdir()
    con.execute(
        f"""copy (
            select * replace (document_id || '-' || k::varchar as document_id,
                              person_key || '-' || k::varchar as person_key)
            from read_parquet($f) cross join range({copies}) as c(k)
        ) to '{target / "documents/part-0.parquet"}' (format parquet, compression zstd)""",
        {"f": [str(source / f) for f in base.documents]},
    )
    for name in ("permits", "bcps", "reviews"):
        relative = getattr(base, name)
        if relative:
            (target / relative).parent.mkdir(parents=True, exist_ok=True)
            shutil.copy(source / relative, target / relative)
    manifest = Manifest(
        partitions=partitions,
        documents=["documents/part-0.parquet"],
        permits=base.permits,
        bcps=base.bcps,
        reviews=base.reviews,
        key_fingerprint=base.key_fingerprint,
        columns_version=COLUMNS_VERSION,
    )
    write_manifest(target, manifest)
    return manifest


def flows_summaries(target: Path, manifest: Manifest, backend) -> Summaries:
    """The cubes and their rollups only (--flows-only): what flows and mirror statistics read,
    without the people's stays (the part of the build that grows fastest)."""
    flows_ = {
        partition: summaries._write(
            backend, target, "summaries/flows", summaries.cube(summaries._read(backend, target, f))
        )
        for partition, f in sorted(manifest.partitions.items())
    }
    whole = summaries._read(backend, target, sorted(flows_.values()))
    rollups = {
        name: summaries._write(backend, target, "summaries/rollups", summaries.rollup(whole, name))
        for name in summaries.ROLLUPS
    }
    return Summaries(summaries.SUMMARIES_VERSION, flows_, rollups)


def flows_summary(target: Path, made: Summaries, backend) -> quick.Summary:
    def read(files: list[str]):
        return backend.read_parquet([str(target / f) for f in files])

    return quick.Summary(
        cube=read(sorted(made.flows.values())),
        rollups={name: read([f]) for name, f in made.rollups.items()},
        stays=None,
        people=None,
    )


def many_people(target: Path, made: Summaries, summary, people: int, backend) -> dict:
    """Movement types read from a people table of `people` rows: the summary's, copied with
    renamed keys (what a warehouse of that many travellers keeps, one row a person), its
    settled mix counted as the sync does."""
    source = str(target / made.people)
    base = backend.read_parquet(source).count().execute()
    copies = -(-people // base)
    path = target / "summaries" / "people-many.parquet"
    backend.raw_sql(
        f"""copy (select * replace (person_key || '-' || k::varchar as person_key)
                  from read_parquet('{source}') cross join range({copies}) as c(k)
                  order by person_key)
            to '{path}' (format parquet, compression zstd)"""
    )
    many = backend.read_parquet(str(path))
    settled = (
        summaries.typed_people(many.filter(many.open_entry.isnull()), ibis.date(2000, 1, 1))
        .group_by("movement_type")
        .aggregate(people=ibis._.count())
    )
    settled_path = target / "summaries" / "settled-many.parquet"
    backend.to_parquet(settled, settled_path)
    rollups = {**summary.rollups, "movement_mix_settled": backend.read_parquet(str(settled_path))}
    big = replace(summary, people=many, rollups=rollups)
    mix = timed(lambda: quick.movement_mix(big).to_pyarrow())
    every = timed(lambda: quick.movement_types(big).to_pyarrow().num_rows, repeat=1)
    return {
        "people": base * copies,
        "movement_type_mix_first": mix["first"], "movement_type_mix_best": mix["best"],
        "movement_types_every_person": every["best"],
    }  # fmt: skip


def one_more_day(target: Path, manifest: Manifest, con: duckdb.DuckDBPyConnection) -> Manifest:
    """The last day's crossings again on the next day (the same people): a day's sync."""
    files = [str(target / f) for f in manifest.crossing_files()]
    last, top = con.execute(
        "select max(local_date), max(seq) from read_parquet($f)", {"f": files}
    ).fetchone()
    nxt = last.toordinal() + 1
    day = date.fromordinal(nxt)
    added: dict[Partition, list[str]] = {}
    hosts = [h for (h,) in con.execute(
        "select distinct host_state from read_parquet($f) where local_date = $d",
        {"f": files, "d": last},
    ).fetchall()]  # fmt: skip
    for host in hosts:
        partition = Partition.of(host, day)
        relative = f"{partition.path}/part-next-day.parquet"
        (target / relative).parent.mkdir(parents=True, exist_ok=True)
        con.execute(
            f"""copy (
                select * replace (seq + {top} as seq, local_date + 1 as local_date,
                    occurred_at + interval 1 day as occurred_at,
                    year(local_date + 1)::smallint as year,
                    month(local_date + 1)::tinyint as month)
                from read_parquet($f) where local_date = $d and host_state = $h
            ) to '{target / relative}' (format parquet, compression zstd)""",
            {"f": files, "d": last, "h": host},
        )
        added[partition] = [relative]
    partitions = {p: list(f) for p, f in manifest.partitions.items()}
    for partition, relative in added.items():
        partitions[partition] = partitions.get(partition, []) + relative
    return replace(manifest, partitions=partitions)


def timed(run, repeat: int = 3) -> dict:
    """First and best of `repeat` runs (seconds), and the result of the last."""
    times, result = [], None
    for _ in range(repeat):
        started = time.perf_counter()
        result = run()
        times.append(time.perf_counter() - started)
    return {"first": round(times[0], 3), "best": round(min(times), 3), "result": result}


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--warehouse", type=Path, required=True)
    parser.add_argument("--crossings", type=int, default=100_000_000)
    parser.add_argument("--scratch", type=Path, default=None)
    parser.add_argument("--memory", default="8GB", help="DuckDB's memory limit")
    parser.add_argument("--raw-people", action="store_true")
    parser.add_argument(
        "--no-raw",
        action="store_true",
        help="no analysis over the crossings but DuckDB's own GROUP BY",
    )
    parser.add_argument(
        "--flows-only",
        action="store_true",
        help="cubes and rollups only: flows and mirror statistics",
    )
    parser.add_argument(
        "--people",
        type=int,
        default=0,
        help="also time movement types on the people table copied to this many people",
    )
    parser.add_argument(
        "--reuse",
        type=Path,
        default=None,
        help="a directory a run left (its warehouse/, summaries listed): time the queries only",
    )
    args = parser.parse_args()
    if args.reuse is not None:
        print(json.dumps(run(args, args.reuse), indent=1))
        return
    with tempfile.TemporaryDirectory(dir=args.scratch) as scratch:
        print(json.dumps(run(args, Path(scratch)), indent=1))


def _connect(memory: str, spill: Path) -> duckdb.DuckDBPyConnection:
    con = duckdb.connect()
    con.execute(f"set memory_limit = '{memory}'")
    con.execute(f"set temp_directory = '{spill}'")
    return con


def run(args: argparse.Namespace, scratch: Path) -> dict:
    target = scratch / "warehouse"
    con = _connect(args.memory, scratch / "spill")
    figures: dict[str, object] = {"load_average": os.getloadavg()}
    if args.reuse is not None:
        return queries(args, target, read_manifest(target), con, figures)
    target.mkdir()
    started = time.perf_counter()
    manifest = replicate(args.warehouse, target, args.crossings, con)
    files = [str(target / f) for f in manifest.crossing_files()]
    rows = con.execute("select count(*) from read_parquet($f)", {"f": files}).fetchone()[0]
    size = sum(p.stat().st_size for p in (target / "crossings").rglob("*.parquet"))
    figures["replicated"] = {
        "crossings": rows, "partitions": len(manifest.partitions), "bytes": size,
        "bytes_per_crossing": round(size / rows, 1),
        "seconds": round(time.perf_counter() - started, 1),
    }  # fmt: skip

    backend = ibis.duckdb.from_connection(_connect(args.memory, scratch / "spill2"))
    started = time.perf_counter()
    if args.flows_only:
        made = flows_summaries(target, manifest, backend)
    else:
        made = summarise(target, None, manifest, backend=backend)
    build = time.perf_counter() - started
    manifest = replace(manifest, summaries=made)
    write_manifest(target, manifest)
    sizes = {name: (target / f).stat().st_size for name, f in made.rollups.items()}
    count = lambda f: con.execute("select count(*) from read_parquet($f)", {"f": f}).fetchone()[0]  # noqa: E731
    figures["summaries"] = {
        "build_seconds": round(build, 1),
        "peak_rss_mb": resource.getrusage(resource.RUSAGE_SELF).ru_maxrss // 1024,
        "cube_rows": count([str(target / f) for f in made.flows.values()]),
        "rollup_rows": {n: count([str(target / f)]) for n, f in made.rollups.items()},
        "rollup_bytes": sizes,
        "stays_rows": count([str(target / made.stays)]) if made.stays else None,
        "people_rows": count([str(target / made.people)]) if made.people else None,
    }

    return queries(args, target, manifest, con, figures, build)


def queries(args, target: Path, manifest: Manifest, con, figures: dict, build: float = 0.0):
    """Each analysis from the summaries against the peers (the build's figures in `figures`)."""
    made = manifest.summaries
    files = [str(target / f) for f in manifest.crossing_files()]
    if "replicated" not in figures:
        rows = con.execute("select count(*) from read_parquet($f)", {"f": files}).fetchone()[0]
        size = sum(p.stat().st_size for p in (target / "crossings").rglob("*.parquet"))
        figures["replicated"] = {
            "crossings": rows,
            "partitions": len(manifest.partitions),
            "bytes": size,
            "bytes_per_crossing": round(size / rows, 1),
        }
        rollups = {n: con.execute("select count(*) from read_parquet($f)",
                                  {"f": [str(target / f)]}).fetchone()[0]
                   for n, f in made.rollups.items()}  # fmt: skip
        figures["summaries"] = {"rollup_rows": rollups}
    # Limited like the build: a query over 100M crossings may spill, never take the machine.
    qb = ibis.duckdb.from_connection(_connect(args.memory, target.parent / "spill3"))
    summary = quick.open_summary(target, qb) or flows_summary(target, made, qb)
    warehouse = open_warehouse(target, qb)
    c = warehouse.crossings
    peer = timed(lambda: len(con.execute(PEER_FLOWS, {"f": files}).fetchall()))
    raw = None
    if not args.no_raw:
        raw = timed(lambda: flows(c, ["corridor", "month"]).to_pyarrow().num_rows)
        assert raw["result"] == peer["result"]
    fast = timed(lambda: quick.flows(summary, ["corridor", "month"]).to_pyarrow().num_rows)
    assert peer["result"] == fast["result"]
    figures["flows_corridor_month"] = _compare(fast, peer, raw)

    cases = {
        "flows_nationality_sex_age_month_one_quarter": (
            ["nationality", "sex", "age_band", "month"], date(2025, 4, 1), date(2025, 6, 30)),
        "flows_bcp_day_filtered": (["bcp", "day"], date(2025, 3, 17), date(2025, 5, 3)),
        "flows_nationality_purpose_week": (["nationality", "purpose", "week"], None, None),
        "flows_bcp_nationality_purpose_month": (["bcp", "nationality", "purpose", "month"],
                                                None, None),
        "flows_corridor_nationality_day_worst": (["corridor", "nationality", "day"],
                                                 date(2025, 1, 1), date(2025, 1, 31)),
    }  # fmt: skip
    for name, (by, start, end) in cases.items():
        fast = timed(lambda by=by, s=start, e=end: quick.flows(summary, by, s, e).to_pyarrow())
        raw = None
        if not args.no_raw:
            raw = timed(lambda by=by, s=start, e=end: flows(c, by, s, e).to_pyarrow(), repeat=1)
            _same(fast["result"], raw["result"])
        figures[name] = _compare(fast, None, raw)

    peer = timed(lambda: len(con.execute(PEER_MIRROR, {"f": files}).fetchall()))
    raw = None if args.no_raw else timed(lambda: mirror(c).to_pyarrow(), repeat=1)
    fast = timed(lambda: quick.mirror(summary).to_pyarrow())
    if raw is not None:
        _same(fast["result"], raw["result"])
    figures["mirror"] = _compare(fast, peer, raw)
    if args.flows_only:
        return figures

    on = summary.last_day()
    figures["stock_on_by_nationality"] = _compare(
        timed(lambda: quick.stock_on(summary, on, ["nationality"]).to_pyarrow()), None,
        timed(lambda: stock_on(c, on, ["nationality"]).to_pyarrow(), repeat=1)
        if args.raw_people else None,
    )  # fmt: skip
    figures["movement_type_mix"] = _compare(
        timed(lambda: quick.movement_mix(summary).to_pyarrow()), None, None
    )
    figures["movement_types_every_person"] = _compare(
        timed(lambda: quick.movement_types(summary).to_pyarrow().num_rows, repeat=1), None,
        timed(lambda: movement_types(c).to_pyarrow().num_rows, repeat=1)
        if args.raw_people else None,
    )  # fmt: skip

    if args.people:
        figures["movement_types_at_people"] = many_people(target, made, summary, args.people, qb)
    after = one_more_day(target, manifest, con)
    started = time.perf_counter()
    again = summarise(target, manifest, after, backend=qb)
    figures["summaries_after_one_more_day"] = {
        "seconds": round(time.perf_counter() - started, 1),
        "cubes_made_again": len(set(again.flows.values()) - set(made.flows.values())),
        "build_from_scratch_seconds": round(build, 1),
    }
    return figures


def _same(a, b) -> None:
    """The summaries' answer is the analysis' over the crossings (types may be wider)."""
    import pandas as pd

    pd.testing.assert_frame_equal(a.to_pandas(), b.to_pandas(), check_dtype=False)


def _compare(fast: dict, peer: dict | None, raw: dict | None) -> dict:
    out: dict[str, object] = {"summaries_first": fast["first"], "summaries_best": fast["best"]}
    if peer is not None:
        out["duckdb_group_by_first"] = peer["first"]
        out["duckdb_group_by_best"] = peer["best"]
        out["duckdb_over_summaries"] = round(peer["best"] / fast["best"], 1)
    if raw is not None:
        out["rmis_over_crossings_seconds"] = raw["best"]
        out["crossings_over_summaries"] = round(raw["best"] / fast["best"], 1)
    return out


if __name__ == "__main__":
    main()
