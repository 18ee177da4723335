"""Synthetic region generation: travellers and crossings per second, peak memory, realism.

Usage: python bench/synth_bench.py [--sizes 100000,1000000] [--years 2]
Each size runs in its own process (so peak memory is its own). The peer is the way a generator
without vectorisation makes its rows: one Python dict per crossing with a uuid7 and a datetime,
then a table from the list, for the same number of crossings (first 200,000 of the region).
Target (issue 4): 1,000,000 travellers over two years in under 5 minutes on this machine.
"""

from __future__ import annotations

import argparse
import json
import resource
import subprocess
import sys
import tempfile
import time
from datetime import UTC, date, datetime, timedelta
from pathlib import Path

END = date(2026, 10, 31)


def run_one(travellers: int, years: float) -> dict[str, object]:
    from rmis.synth.realism import volume_checks
    from rmis.synth.region import SynthConfig, generate, write

    started = time.perf_counter()
    region = generate(SynthConfig(travellers=travellers, years=years, seed=1, end=END))
    generated = time.perf_counter() - started
    with tempfile.TemporaryDirectory() as out:
        write(region, Path(out))
    total = time.perf_counter() - started
    usage = resource.getrusage(resource.RUSAGE_SELF)
    checks = volume_checks(region.crossings, region.scale, years)
    ratios = sorted(c.ratio for c in checks if not c.assumed_basis)
    return {
        "travellers": travellers,
        "years": years,
        "crossings": region.crossings.num_rows,
        "seconds_generate": round(generated, 2),
        "seconds_total_with_parquet": round(total, 2),
        "travellers_per_s": round(travellers / total),
        "crossings_per_s": round(region.crossings.num_rows / total),
        # CPU seconds of this process: steadier than wall time when others share the machine.
        "cpu_seconds_total": round(usage.ru_utime + usage.ru_stime, 2),
        "peak_rss_mb": round(usage.ru_maxrss / 1024),
        "realism_published_corridors": len(ratios),
        "realism_ratio_median": round(ratios[len(ratios) // 2], 3),
        "realism_ratio_range": [round(ratios[0], 3), round(ratios[-1], 3)],
    }


def peer(n: int) -> dict[str, object]:
    """One Python dict per crossing, as a loop-per-crossing generator would build them."""
    import random

    import pyarrow as pa
    from uuid6 import uuid7

    rnd = random.Random(1)
    start = datetime(2024, 11, 1, tzinfo=UTC)
    began = time.perf_counter()
    rows = []
    for i in range(n):
        rows.append({
            "crossing_id": str(uuid7()), "direction": "entry" if i % 2 else "exit",
            "bcp": "KAZ-ALA", "occurred_at": start + timedelta(minutes=rnd.randrange(10**6)),
            "issuing_state": "UZB", "document_number": f"FA{rnd.randrange(10**7):07d}",
            "document_type": "P", "surname": "KARIMOV", "given_names": "BOBUR",
            "nationality": "UZB", "birth_date": date(1990, 1, 1) + timedelta(days=i % 9000),
            "sex": "M", "expiry_date": date(2030, 1, 1), "purpose": "work",
            "outcome": "admitted", "refusal_reason": None, "officer": "KAZ-ALA-01",
            "mrz_valid": True, "optional_data": None, "national_surname": None,
            "national_given_names": None, "previous_document_number": None,
        })  # fmt: skip
    pa.Table.from_pylist(rows)
    seconds = time.perf_counter() - began
    return {"peer": "python loop, one dict per crossing", "crossings": n,
            "crossings_per_s": round(n / seconds)}  # fmt: skip


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--sizes", default="100000,1000000")
    parser.add_argument("--years", type=float, default=2.0)
    parser.add_argument("--one", type=int, help=argparse.SUPPRESS)
    args = parser.parse_args()
    if args.one:
        print(json.dumps(run_one(args.one, args.years)))
        return
    results = []
    for size in (int(s) for s in args.sizes.split(",")):
        command = [sys.executable, __file__, "--one", str(size), "--years", str(args.years)]
        out = subprocess.run(command, check=True, capture_output=True, text=True)
        results.append(json.loads(out.stdout))
    baseline = peer(200_000)
    for r in results:
        r["vs_peer_crossings_per_s"] = round(r["crossings_per_s"] / baseline["crossings_per_s"], 1)
    biggest = results[-1]
    print(json.dumps({
        "runs": results, "peer": baseline,
        "target_1M_travellers_2_years_under_s": 300,
        "met": biggest["travellers"] < 1_000_000 or biggest["seconds_total_with_parquet"] < 300,
    }, indent=2))  # fmt: skip


if __name__ == "__main__":
    main()
