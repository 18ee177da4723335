"""The analyst's dashboard at scale: every panel's query, filters included, from a warehouse's
summaries, against DuckDB's own GROUP BY over the crossing files for the same filter (the peer).

    python bench/dashboard_bench.py --warehouse W --crossings N --scratch DIR [--memory 6GB]
    python bench/dashboard_bench.py --reuse DIR [--remake]  # a directory a run left (--keep)

With --crossings, W (a synced warehouse) is replicated to N crossings (summaries_bench's
`replicate`: copies are distinct people, days and birth years shifted) and its summaries made
from scratch; then each filter below is timed, panel by panel (first run and best of three):
the whole-result check (at least k people), each panel's answer and its disclosure control, as
the page computes them. The target (issue 18): every panel under 2 s at 100M crossings.
Prints JSON.
"""

from __future__ import annotations

import argparse
import json
import os
import resource
import sys
import time
from dataclasses import replace
from pathlib import Path

import duckdb
import ibis

sys.path.insert(0, str(Path(__file__).resolve().parent))
from rmis.analytics import quick
from rmis.analytics.filters import Filters
from rmis.analytics.panels import Workspace
from rmis.analytics.summaries import summarise
from rmis.warehouse import read_manifest, write_manifest
from rmis.web.ui.analytics.board import PANELS, table_of
from summaries_bench import replicate

K = 5


def filter_sets(ws: Workspace) -> dict[str, Filters]:
    last = ws.last_day
    spring = (last.replace(month=3, day=1), last.replace(month=5, day=31))
    return {
        "none": Filters(),
        "TJK entering RUS in spring": Filters.parse({
            "nationality": "TJK", "host_state": "RUS", "direction": "entry",
            "start": spring[0].isoformat(), "end": spring[1].isoformat()}),
        "KAZ, women 25-34, work": Filters.parse(
            {"host_state": "KAZ", "sex": "F", "age_band": "25-34", "purpose": "work"}),
        "corridor UZB->KAZ, a quarter": Filters.parse({
            "from_state": "UZB", "to_state": "KAZ",
            "start": last.replace(month=1, day=1).isoformat(),
            "end": last.replace(month=3, day=31).isoformat()}),
        "movement type seasonal": Filters.parse({"movement_type": "seasonal"}),
    }  # fmt: skip


def timed(run, repeat: int) -> dict:
    times = []
    for _ in range(repeat):
        started = time.perf_counter()
        run()
        times.append(time.perf_counter() - started)
    return {"first": round(times[0], 3), "best": round(min(times), 3)}


def peer_sql(filters: Filters) -> str:
    """DuckDB's own GROUP BY over the crossing files: flows by BCP for the filter (the cube's
    columns; a movement type needs the people, which the raw files do not carry)."""
    where = ["true"]
    if filters.start:
        where.append(f"local_date >= DATE '{filters.start}'")
    if filters.end:
        where.append(f"local_date <= DATE '{filters.end}'")
    for name, column in (("host_state", "host_state"), ("direction", "direction"),
                         ("nationality", "nationality"), ("purpose", "purpose"),
                         ("sex", "sex"), ("bcp", "bcp_code")):  # fmt: skip
        if values := getattr(filters, name):
            where.append(f"{column} in ({', '.join(repr(v) for v in values)})")
    if filters.age_band:
        low, high = filters.age_band[0].split("-")
        where.append(f"year - birth_year between {low} and {high}")
    side = "coalesce(neighbour, upper(mode))"
    if filters.from_state:
        where.append(f"(case when direction = 'entry' then {side} else host_state end)"
                     f" = '{filters.from_state[0]}'")  # fmt: skip
    if filters.to_state:
        where.append(f"(case when direction = 'entry' then host_state else {side} end)"
                     f" = '{filters.to_state[0]}'")  # fmt: skip
    return (
        "select bcp_code, sum(case when outcome = 'admitted' and direction = 'entry' then 1"
        " else 0 end) entries, sum(case when outcome = 'admitted' and direction = 'exit' then 1"
        " else 0 end) exits, sum(case when outcome = 'refused' then 1 else 0 end) refused"
        f" from read_parquet($f) where {' and '.join(where)} group by all"
    )


def measure(root: Path, memory: str, spill: Path, repeat: int) -> dict:
    con = duckdb.connect()
    con.execute(f"set memory_limit = '{memory}'")
    con.execute(f"set temp_directory = '{spill}'")
    ws = Workspace(root, ibis.duckdb.from_connection(con))
    files = [str(root / f) for f in read_manifest(root).crossing_files()]
    out: dict = {}
    peer = duckdb.connect()
    peer.execute(f"set memory_limit = '{memory}'")
    for name, filters in filter_sets(ws).items():
        row: dict = {"people_in_result": timed(lambda f=filters: ws.people_in_result(f, K), repeat)}
        for spec in PANELS:
            row[spec.id] = timed(lambda s=spec, f=filters: table_of(s, ws, f, K), repeat)
        if not filters.movement_type:
            row["peer: DuckDB GROUP BY over the crossings, flows by BCP"] = timed(
                lambda f=filters: peer.execute(peer_sql(f), {"f": files}).fetchall(), repeat
            )
        slowest = max(v["best"] for k, v in row.items() if not k.startswith("peer"))
        row["slowest panel (best)"] = slowest
        row["page total (best, sum)"] = round(
            sum(
                v["best"]
                for k, v in row.items()
                if isinstance(v, dict) and not k.startswith("peer")
            ),
            3,
        )
        out[name] = row
        # Each filter set as it is done (a run at 100M takes long): stderr, one line each.
        print(json.dumps({name: row}), file=sys.stderr, flush=True)
    return out


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--warehouse", type=Path)
    parser.add_argument("--crossings", type=int, default=0)
    parser.add_argument("--scratch", type=Path, default=Path("/tmp"))
    parser.add_argument("--memory", default="6GB")
    parser.add_argument("--repeat", type=int, default=3)
    parser.add_argument("--reuse", type=Path, help="a directory an earlier run kept")
    parser.add_argument("--keep", action="store_true", help="keep the replicated warehouse")
    parser.add_argument("--remake", action="store_true", help="with --reuse: make the summaries")
    args = parser.parse_args()
    figures: dict = {"load_average_before": os.getloadavg()}
    if args.reuse:
        root = args.reuse / "warehouse"
        manifest = read_manifest(root)
        if args.remake or quick.open_summary(root, ibis.duckdb.connect()) is None:
            # Made by an earlier version (or asked): made again from scratch, and timed.
            con = duckdb.connect()
            con.execute(f"set memory_limit = '{args.memory}'")
            con.execute(f"set temp_directory = '{args.reuse / 'spill'}'")
            started = time.perf_counter()
            made = summarise(root, None, manifest, backend=ibis.duckdb.from_connection(con))
            write_manifest(root, replace(manifest, summaries=made))
            figures["summaries_seconds"] = round(time.perf_counter() - started, 1)
            figures["peak_rss_mb"] = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss // 1024
    elif args.crossings:
        base = args.scratch / f"dashboard-{args.crossings}"
        root = base / "warehouse"
        root.mkdir(parents=True)
        con = duckdb.connect()
        con.execute(f"set memory_limit = '{args.memory}'")
        con.execute(f"set temp_directory = '{base / 'spill'}'")
        started = time.perf_counter()
        manifest = replicate(args.warehouse, root, args.crossings, con)
        figures["replicate_seconds"] = round(time.perf_counter() - started, 1)
        started = time.perf_counter()
        backend = ibis.duckdb.from_connection(con)
        made = summarise(root, None, manifest, backend=backend)
        write_manifest(root, replace(manifest, summaries=made))
        figures["summaries_seconds"] = round(time.perf_counter() - started, 1)
        figures["peak_rss_mb"] = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss // 1024
        print(f"kept at {base}" if args.keep else "", file=sys.stderr)
    else:
        root = args.warehouse
    files = [str(root / f) for f in read_manifest(root).crossing_files()]
    figures["crossings"] = duckdb.execute(
        "select count(*) from read_parquet($f)", {"f": files}
    ).fetchone()[0]
    figures["panels"] = measure(root, args.memory, args.scratch / "spill-dashboard", args.repeat)
    figures["load_average_after"] = os.getloadavg()
    figures["target"] = "every panel under 2 s (best of three) at 100M crossings"
    print(json.dumps(figures, indent=1))


if __name__ == "__main__":
    main()
