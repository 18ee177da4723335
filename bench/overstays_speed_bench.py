"""The overstay analysis against the stay engine's own time on the same timelines, and against
the implementation before it (bench/overstays_before.py), with the verdicts compared.

    rmis synth --travellers 113000 --years 2 --seed 3 --end 2025-12-31 --out R --load
    rmis warehouse sync
    python bench/overstays_speed_bench.py --warehouse D/warehouse [--on 2025-12-31]

Times, in one run, on one warehouse: the whole analysis (find_overstays_on: the candidate
filter in DuckDB, reading the candidates' timelines, the engine, the rows); the stay engine
alone (rmis.stay.find_overstays over the very timelines the analysis built, per host state);
the same analysis over the stays the summaries keep (quick.overstays, when the last sync made
them); the same analysis with the judging step as it was before. CPU seconds beside wall seconds, as
the machine is shared. Prints JSON.
"""

from __future__ import annotations

import argparse
import json
import os
import time
from datetime import date
from pathlib import Path

import pandas as pd

from overstays_before import judge_before
from rmis.analytics import connect, find_overstays_on, open_warehouse, quick
from rmis.analytics import overstays as overstays_module
from rmis.reference.stay_rules import load_stay_rules
from rmis.stay import find_overstays


def clocked(run):
    wall, cpu = time.perf_counter(), time.process_time()
    result = run()
    return time.perf_counter() - wall, time.process_time() - cpu, result


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--warehouse", type=Path, required=True)
    parser.add_argument("--on", type=date.fromisoformat, default=None)
    args = parser.parse_args()
    warehouse = open_warehouse(args.warehouse, connect())
    rules = load_stay_rules()
    on = args.on or pd.Timestamp(warehouse.crossings.local_date.max().execute()).date()
    call = (warehouse.crossings, warehouse.permits, rules, on, warehouse.documents,
            warehouse.reviews)  # fmt: skip

    # The timelines the analysis builds, kept to time the engine alone on them.
    built: dict = {}
    timelines = overstays_module.timelines

    def keeping(*a, **k):
        result = timelines(*a, **k)
        built["by_host"] = result[0]
        return result

    overstays_module.timelines = keeping
    wall, cpu, now = clocked(lambda: find_overstays_on(*call))
    overstays_module.timelines = timelines
    by_host = built["by_host"]
    people = sum(len(p) for p in by_host.values())

    def engine():
        for host, travellers in sorted(by_host.items()):
            find_overstays(travellers, lambda nat, h=host: rules.schedule(h, nat), on)

    engine_wall, engine_cpu, _ = clocked(engine)
    build_wall, build_cpu, _ = clocked(
        lambda: timelines(*_timeline_args(warehouse, call, on, rules))
    )

    summary = quick.open_summary(args.warehouse, warehouse.backend)
    with_summary = None
    if summary is not None:
        s_wall, s_cpu, by_summary = clocked(lambda: quick.overstays(summary, warehouse, rules, on))
        pd.testing.assert_frame_equal(by_summary.open, now.open)
        pd.testing.assert_frame_equal(by_summary.late_exits, now.late_exits)
        with_summary = {
            "wall": round(s_wall, 2), "cpu": round(s_cpu, 2),
            "over_engine_cpu": round(s_cpu / engine_cpu, 2),
            "over_engine_wall": round(s_wall / engine_wall, 2),
        }  # fmt: skip

    overstays_module._judge, current = judge_before, overstays_module._judge
    old_wall, old_cpu, before = clocked(lambda: find_overstays_on(*call))
    overstays_module._judge = current
    pd.testing.assert_frame_equal(now.open, before.open)
    pd.testing.assert_frame_equal(now.late_exits, before.late_exits)
    crossings = warehouse.crossings.count().execute()
    print(json.dumps({
        "crossings": int(crossings),
        "on": on.isoformat(),
        "candidates_judged": people,
        "open": len(now.open), "late_exits": len(now.late_exits),
        "verdicts_identical_to_before": True,
        "analysis": {"wall": round(wall, 2), "cpu": round(cpu, 2)},
        "timelines_read": {"wall": round(build_wall, 2), "cpu": round(build_cpu, 2)},
        "stay_engine": {"wall": round(engine_wall, 2), "cpu": round(engine_cpu, 2)},
        "analysis_over_engine_cpu": round(cpu / engine_cpu, 2),
        "analysis_over_engine_wall": round(wall / engine_wall, 2),
        "analysis_on_the_summaries_stays": with_summary,
        "before": {"wall": round(old_wall, 2), "cpu": round(old_cpu, 2)},
        "before_over_now_cpu": round(old_cpu / cpu, 1),
        "load_average": os.getloadavg(),
    }, indent=1))  # fmt: skip


def _timeline_args(warehouse, call, on, rules):
    """What find_overstays_on hands `timelines`: the stays, permits, candidates and limits."""
    import ibis

    from rmis.analytics.overstays import _candidates, strictest_limit
    from rmis.analytics.stays import foreign, stays

    s = stays(warehouse.crossings)
    s = s.filter(foreign(s) & (s.entry_date <= on))
    pairs = s.select("host_state", "nationality").distinct().to_pandas()
    limits = {
        (h, n): limit
        for h, n in pairs.itertuples(index=False)
        if (limit := strictest_limit(rules.schedule(h, n))) is not None
    }
    table = ibis.memtable(
        pd.DataFrame(
            [(h, n, lim.days, lim.window) for (h, n), lim in limits.items()],
            columns=["host_state", "nationality", "limit_days", "window_days"],
        )
    )
    candidates = _candidates(s, table, on).to_pandas()
    return s, warehouse.permits, candidates, limits


if __name__ == "__main__":
    main()
