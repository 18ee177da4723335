"""Stay evaluation for a traveller with a long history, against the day-by-day reference.

Prints JSON. The traveller has 500 crossings (250 stays, about 30 years) in Russia as an Uzbek
citizen, so the rules change from 90/180 to 90 per calendar year on 2025-01-01 mid-history.
The peer is the day-by-day counter the property tests use (tests/stay/stay_brute_force.py).

    .venv/bin/python bench/stay_bench.py
"""

from __future__ import annotations

import json
import random
import statistics
import sys
import time
from datetime import date, timedelta
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[1] / "tests" / "stay"))

from stay_brute_force import DayByDay

from rmis.reference.stay_rules import load_stay_rules
from rmis.stay import Stay, Timeline, evaluate

STAYS = 250
TARGET_MS = 2.0


def long_timeline(seed: int = 2026) -> tuple[Timeline, date]:
    rng = random.Random(seed)
    day = date(1996, 1, 1)
    stays = []
    for i in range(STAYS):
        length = rng.randint(3, 45)
        exit_ = day + timedelta(days=length - 1)
        stays.append(Stay(day, exit_))
        if i == STAYS - 1:
            # Checked on the day of the last exit: present, 500 crossings on record.
            return Timeline(tuple(stays)), exit_
        day = exit_ + timedelta(days=rng.randint(3, 40))
    raise AssertionError("unreachable")


def per_call_ms(fn, repeat: int = 7, min_seconds: float = 0.2) -> float:
    """Median over `repeat` rounds of the mean time per call, in milliseconds."""
    calls = 1
    while True:
        start = time.perf_counter()
        for _ in range(calls):
            fn()
        if time.perf_counter() - start >= min_seconds / repeat:
            break
        calls *= 2
    rounds = []
    for _ in range(repeat):
        start = time.perf_counter()
        for _ in range(calls):
            fn()
        rounds.append((time.perf_counter() - start) / calls * 1000)
    return statistics.median(rounds)


def main() -> None:
    timeline, on = long_timeline()
    schedule = load_stay_rules().schedule("RUS", "UZB")
    engine = evaluate(timeline, schedule, on)
    brute = DayByDay(timeline.stays, schedule.rule_on, on).figures()
    agree = (
        engine.days_used,
        engine.days_remaining,
        engine.overstay_days,
        engine.latest_legal_exit,
    ) == (brute.days_used, brute.days_remaining, brute.overstay_days, brute.latest_legal_exit)
    engine_ms = per_call_ms(lambda: evaluate(timeline, schedule, on))
    brute_ms = per_call_ms(
        lambda: DayByDay(timeline.stays, schedule.rule_on, on).figures(), repeat=3
    )
    first, last = timeline.stays[0].entry, on
    print(
        json.dumps(
            {
                "benchmark": "stay.evaluate, one traveller, RUS rules for UZB",
                "crossings": 2 * STAYS,
                "stays": STAYS,
                "history_years": round((last - first).days / 365.25, 1),
                "on": on.isoformat(),
                "status": str(engine.status),
                "engine_ms_per_evaluation": round(engine_ms, 4),
                "target_ms": TARGET_MS,
                "within_target": engine_ms <= TARGET_MS,
                "peer": "day-by-day counter (tests/stay/stay_brute_force.py)",
                "peer_ms_per_evaluation": round(brute_ms, 3),
                "peer_over_engine_ratio": round(brute_ms / engine_ms, 1),
                "results_agree": agree,
            },
            indent=2,
        )
    )


if __name__ == "__main__":
    main()
