"""The overstay analysis against the stay engine's own time on the same timelines, and against
the implementation before it (bench/overstays_before.py), with the verdicts compared.

    rmis synth --travellers 113000 --years 2 --seed 3 --end 2025-12-31 --out R --load
    rmis warehouse sync
    python bench/overstays_speed_bench.py --warehouse D/warehouse [--on 2025-12-31] [--repeat 7]

Times, in one run, on one warehouse: the analysis over the stays the summaries keep
(quick.overstays: the path the CLI, the report and the dashboard take), each of its steps
(reading the stays, the candidate filter, the links, the permits, the timelines, the engine and
the rows); the stay engine alone on the very timelines the analysis built, per host state: as
the engine's objects (rmis.stay.find_overstays over TravellerTimeline, made before its clock
starts: the target's peer) and as the columns the analysis hands it (find_overstays_in_columns,
whose answer must be the same); the same analysis over the crossings (find_overstays_on, which
makes the stays first); the implementation before, over the summaries' stays and over the
crossings; and what no implementation can skip (one read of the stays' columns), so the bound
on the ratio is measured in the same run. The analysis and the two engine runs are timed in
turn, --repeat rounds (the machine is shared and its load moves): the best of each and the
medians. CPU seconds beside wall seconds; DuckDB's threads (--threads) count in the CPU time.
Prints JSON.
"""

from __future__ import annotations

import argparse
import json
import os
import statistics
import time
from datetime import date
from pathlib import Path

import pandas as pd

from overstays_before import find_overstays_before
from rmis.analytics import connect, find_overstays_on, open_warehouse, quick
from rmis.analytics import overstays as overstays_module
from rmis.analytics.stays import foreign
from rmis.reference.stay_rules import load_stay_rules
from rmis.stay import Permit, Stay, Timeline, TravellerTimeline, find_overstays
from rmis.stay.columns import find_overstays_in_columns

# The analysis' steps, timed by wrapping the module's functions (each runs once per analysis).
STEPS = ("read_stays", "_limits", "candidates", "_linking", "held_permits", "timelines", "_judge")


def clocked(run):
    wall, cpu = time.perf_counter(), time.process_time()
    result = run()
    return time.perf_counter() - wall, time.process_time() - cpu, result


def best(run, repeat: int):
    """(wall, cpu, result) of the run with the least CPU time."""
    runs = [clocked(run) for _ in range(repeat)]
    return min(runs, key=lambda r: r[1])


def interleaved(runs: dict, repeat: int) -> dict:
    """Each run once per round, `repeat` rounds: per run, the (wall, cpu, result) of the round
    with the least CPU time, and the median CPU time."""
    clocks: dict[str, list] = {name: [] for name in runs}
    for _ in range(repeat):
        for name, run in runs.items():
            clocks[name].append(clocked(run))
    return {
        name: {
            "best": min(got, key=lambda r: r[1]),
            "median_cpu": statistics.median(r[1] for r in got),
        }
        for name, got in clocks.items()
    }


def figures(wall: float, cpu: float, engine_cpu: float | None = None) -> dict:
    out = {"wall": round(wall, 3), "cpu": round(cpu, 3)}
    if engine_cpu:
        out["over_engine_cpu"] = round(cpu / engine_cpu, 2)
    return out


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--warehouse", type=Path, required=True)
    parser.add_argument("--on", type=date.fromisoformat, default=None)
    parser.add_argument(
        "--repeat", type=int, default=7, help="rounds (the implementation before is timed once)"
    )
    parser.add_argument(
        "--threads", type=int, default=None,
        help="DuckDB threads (default: DuckDB's own, one per core); the CPU time of a query on "
        "several threads grows with the machine's load",
    )  # fmt: skip
    args = parser.parse_args()
    warehouse = open_warehouse(args.warehouse, connect())
    if args.threads:
        warehouse.backend.raw_sql(f"SET threads = {int(args.threads)}")
    threads = warehouse.backend.raw_sql("SELECT current_setting('threads')").fetchone()[0]
    rules = load_stay_rules()
    on = args.on or pd.Timestamp(warehouse.crossings.local_date.max().execute()).date()
    call = (warehouse.crossings, warehouse.permits, rules, on, warehouse.documents,
            warehouse.reviews)  # fmt: skip
    summary = quick.open_summary(args.warehouse, warehouse.backend)
    if summary is None:
        raise SystemExit("the warehouse lists no summaries: run `rmis warehouse sync`")

    def analysis():
        return quick.overstays(summary, warehouse, rules, on)

    analysis()  # warm: the first read of each file, ibis' first compilations

    # Once with each step timed, and the timelines kept to time the engine alone on them.
    steps: dict[str, list[float]] = {}
    built: dict = {}
    originals = {name: getattr(overstays_module, name) for name in STEPS}

    def timed(name):
        def run(*a, **k):
            _w, step_cpu, result = clocked(lambda: originals[name](*a, **k))
            steps.setdefault(name, []).append(step_cpu)
            if name == "timelines":
                built["by_host"] = result[0]
            return result

        return run

    for name in STEPS:
        setattr(overstays_module, name, timed(name))
    try:
        _wall, step_cpu, _ = clocked(analysis)
    finally:
        for name, original in originals.items():
            setattr(overstays_module, name, original)
    by_host = built["by_host"]  # host -> TimelineColumns
    # The same timelines as the engine's objects, made before its clock starts.
    as_objects = {host: columns.timelines() for host, columns in by_host.items()}

    def engine():
        return {
            host: find_overstays(travellers, lambda nat, h=host: rules.schedule(h, nat), on)
            for host, travellers in sorted(as_objects.items())
        }

    def engine_columns():
        return {
            host: find_overstays_in_columns(columns, lambda nat, h=host: rules.schedule(h, nat), on)
            for host, columns in sorted(by_host.items())
        }

    # The analysis and its peers in turn, --repeat rounds: the machine's load moves, and each
    # round meets it alike. The best of each, and the ratios of the medians.
    timed_runs = interleaved(
        {"analysis": analysis, "engine": engine, "engine_columns": engine_columns}, args.repeat
    )
    wall, cpu, now = timed_runs["analysis"]["best"]
    engine_wall, engine_cpu, by_objects = timed_runs["engine"]["best"]
    columns_wall, columns_cpu, by_columns = timed_runs["engine_columns"]["best"]
    assert by_objects == by_columns  # the column front: the engine's answer, in its order
    medians = {name: runs["median_cpu"] for name, runs in timed_runs.items()}
    floor = floors(as_objects, summary.stays, on, args.repeat)
    bound_cpu = columns_cpu + floor["read_the_stays"]["cpu"]
    # The engine inside _judge, and what _judge adds (the rows), from the step timing.
    judge_cpu = sum(steps["_judge"])
    over_crossings = best(lambda: find_overstays_on(*call), args.repeat)
    before_summary = clocked(lambda: find_overstays_before(*call, made=summary.stays))
    before_crossings = clocked(lambda: find_overstays_before(*call))
    for other in (over_crossings[2], before_summary[2], before_crossings[2]):
        pd.testing.assert_frame_equal(other.open, now.open)
        pd.testing.assert_frame_equal(other.late_exits, now.late_exits)
        assert other.candidates == now.candidates
    crossings = warehouse.crossings.count().execute()
    print(json.dumps({
        "crossings": int(crossings),
        "stays": int(summary.stays.count().execute()),
        "on": on.isoformat(),
        "candidates_judged": now.candidates,
        "open": len(now.open), "late_exits": len(now.late_exits),
        "verdicts_identical_to_before": True,
        "stay_engine": figures(engine_wall, engine_cpu),
        "stay_engine_on_columns": figures(columns_wall, columns_cpu, engine_cpu),
        "analysis_on_the_summaries_stays": {
            **figures(wall, cpu, engine_cpu),
            "over_engine_on_columns_cpu": round(cpu / columns_cpu, 2),
        },
        "median_cpu": {name: round(value, 3) for name, value in medians.items()},
        "median_analysis_over_median_engine_cpu": round(
            medians["analysis"] / medians["engine"], 2
        ),
        "rounds": args.repeat,
        "duckdb_threads": int(threads),
        "its_steps_cpu": {
            **{name.lstrip("_"): round(sum(steps.get(name, [0])), 3) for name in STEPS},
            "rest": round(step_cpu - sum(sum(v) for v in steps.values()), 3),
            "judge_without_the_engine": round(judge_cpu - engine_cpu, 3),
        },
        # What no implementation can skip: reading the stays' columns once, and judging the
        # candidates (the engine's column front); and, for the record, what making the engine's
        # input objects costs (a Stay per distinct stay, a Permit per distinct permit, a
        # Timeline and TravellerTimeline per candidate), which the analysis no longer does.
        "floor": floor,
        "bound_over_engine_cpu": round(bound_cpu / engine_cpu, 2),
        "analysis_over_the_bound_cpu": round(cpu / bound_cpu, 2),
        "analysis_over_the_crossings": figures(*over_crossings[:2], engine_cpu),
        "before_on_the_summaries_stays": figures(*before_summary[:2], engine_cpu),
        "before_over_the_crossings": figures(*before_crossings[:2], engine_cpu),
        "load_average": os.getloadavg(),
    }, indent=1))  # fmt: skip


def floors(by_host, stays, on: date, repeat: int) -> dict:
    """Timed on this run's data: reading the stays' columns the filter needs (one scan of the
    summaries' stays: below any implementation), and making the engine's input objects from
    plain values (each distinct stay and permit once, and a Timeline and TravellerTimeline per
    candidate: what find_overstays takes, and the analysis, on the column front, skips)."""
    travellers = [t for people in by_host.values() for t in people]
    distinct_stays = {(s.entry, s.exit) for t in travellers for s in t.timeline.stays}
    distinct_permits = {
        (p.kind, p.valid_from, p.valid_to, p.entries, p.duration_days)
        for t in travellers
        for p in t.timeline.permits
    }
    plain = [(t.traveller, t.nationality, t.timeline.stays, t.timeline.permits) for t in travellers]

    def make():
        made_stays = [Stay(e, x) for e, x in distinct_stays]
        made_permits = [Permit(k, f, t, e, d) for k, f, t, e, d in distinct_permits]
        made = [
            TravellerTimeline(person, nat, Timeline(stays=stays_, permits=permits_))
            for person, nat, stays_, permits_ in plain
        ]
        return made_stays, made_permits, made

    def read():
        s = stays.filter(foreign(stays) & (stays.entry_date <= on))
        return s.select("person_key", "host_state", "nationality", "entry_date", "exit_date",
                        "documents").to_pyarrow()  # fmt: skip

    return {
        "engine_inputs": figures(*best(make, repeat)[:2]),
        "read_the_stays": figures(*best(read, repeat)[:2]),
    }


if __name__ == "__main__":
    main()
