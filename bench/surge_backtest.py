"""Surge detection backtest: known surges injected into daily arrival series, then detected.

Prints JSON. Baseline series come from a seeded generator of BCP x nationality daily arrivals
(weekly pattern, yearly season, trend, over-dispersed Poisson noise) or, with --synth DIR, from
the crossings of a synthetic region (`rmis synth ... --out DIR`). Surges of known onset, size
and duration are added to chosen series in the evaluation period (everything after the first
470 days, so the baseline has last year's season). Targets: every surge detected within 72 hours
of onset (an alert on the onset day or one of the two days after), and at most one false alarm
per BCP per quarter. The peer, in the same run, is a plain rolling z-score.

    .venv/bin/python bench/surge_backtest.py --seed 7
    .venv/bin/python bench/surge_backtest.py --synth /tmp/region
"""

from __future__ import annotations

import argparse
import json
import time
from dataclasses import dataclass
from datetime import date
from pathlib import Path

import numpy as np
import pandas as pd

from rmis.analytics.early_warning import (
    SERIES_KEYS,
    DetectorSettings,
    arrival_matrix,
    score,
)

BURN_IN_DAYS = 470
WITHIN_DAYS = 3  # onset day + 2: the alert reads the day's data at its end, 72 hours after onset
AFTERMATH_DAYS = 14  # alerts this soon after a surge ends still belong to it
SURGE_SIZES = (1.5, 2.0, 3.0, 5.0)
MIN_SURGE_BASELINE = 3.0  # arrivals a day: below this a doubling is a handful of people


@dataclass(frozen=True, slots=True)
class Surge:
    series: int  # column of the matrix
    onset: int  # row of the matrix
    days: int
    size: float  # arrivals are multiplied by this while it lasts (reached after a ramp)
    ramp_days: int


def generated_region(seed: int, days: int = 3 * 365, bcps: int = 60) -> pd.DataFrame:
    """Days x (host_state, bcp, nationality) arrivals with the shapes real BCPs show."""
    rng = np.random.default_rng(seed)
    start = date(2024, 1, 1)
    index = pd.date_range(start, periods=days, freq="D")
    day_of_year = index.day_of_year.to_numpy()
    weekday = index.day_of_week.to_numpy()
    t = np.arange(days)
    states = ("KAZ", "KGZ", "TJK", "TKM", "UZB")
    nationalities = ("AFG", "CHN", "IND", "KAZ", "KGZ", "PAK", "RUS", "TJK", "TKM", "TUR", "UZB")
    columns, series = [], []
    for b in range(bcps):
        state = states[b % len(states)]
        week_shape = 1 + rng.normal(0, 0.12, 7)
        for nationality in rng.choice(nationalities, size=rng.integers(4, 10), replace=False):
            mean = float(np.exp(rng.normal(1.3, 1.4)))  # median ~4 a day, a few in the hundreds
            amplitude = rng.uniform(0, 0.7)
            peak = rng.uniform(60, 150) if rng.random() < 0.5 else rng.uniform(0, 365)
            season = 1 + amplitude * np.cos(2 * np.pi * (day_of_year - peak) / 365.25)
            trend = (1 + rng.uniform(-0.1, 0.25)) ** (t / 365.25)
            rate = mean * week_shape[weekday] * season * trend
            shape = rng.uniform(8, 60)  # gamma-Poisson: over-dispersed like real counts
            series.append(rng.poisson(rng.gamma(shape, rate / shape)))
            columns.append((state, f"{state}-B{b:02d}", str(nationality)))
    return pd.DataFrame(
        np.column_stack(series).astype(float),
        index=index,
        columns=pd.MultiIndex.from_tuples(columns, names=SERIES_KEYS),
    )


def synth_region(directory: Path) -> pd.DataFrame:
    """Daily admitted arrivals per series from `rmis synth` crossings, on the BCPs' local dates."""
    import duckdb

    from rmis.reference.bcps import load_bcps

    zones = pd.DataFrame(
        [(b.code, b.state, b.time_zone) for b in load_bcps().values()],
        columns=["bcp", "host_state", "time_zone"],
    )
    connection = duckdb.connect()
    connection.register("zones", zones)
    daily = connection.sql(
        f"""
        SELECT z.host_state, c.bcp AS bcp_code, c.nationality,
               CAST(timezone(z.time_zone, c.occurred_at) AS DATE) AS local_date,
               count(*) AS arrivals
        FROM read_parquet('{directory / "crossings.parquet"}') c JOIN zones z USING (bcp)
        WHERE c.direction = 'entry' AND coalesce(c.outcome, 'admitted') = 'admitted'
        GROUP BY ALL
        """
    ).df()
    daily["local_date"] = pd.to_datetime(daily["local_date"]).dt.date
    return arrival_matrix(daily, daily["local_date"].min(), daily["local_date"].max())


def choose_surges(matrix: pd.DataFrame, count: int, seed: int) -> list[Surge]:
    """Surges on series busy enough to have one, never two on a series within 120 days."""
    rng = np.random.default_rng(seed + 1)
    days = len(matrix)
    recent_mean = matrix.iloc[BURN_IN_DAYS - 60 : BURN_IN_DAYS].mean().to_numpy()
    candidates = np.flatnonzero(recent_mean >= MIN_SURGE_BASELINE)
    surges: list[Surge] = []
    busy: dict[int, list[int]] = {}
    for _attempt in range(100 * count):
        if len(surges) == count:
            return surges
        column = int(rng.choice(candidates))
        onset = int(rng.integers(BURN_IN_DAYS, days - 30))
        if any(abs(onset - other) < 120 for other in busy.get(column, [])):
            continue
        busy.setdefault(column, []).append(onset)
        surges.append(
            Surge(
                series=column,
                onset=onset,
                days=int(rng.integers(3, 22)),
                size=float(SURGE_SIZES[len(surges) % len(SURGE_SIZES)]),
                ramp_days=int(rng.choice([1, 3])),
            )
        )
    raise SystemExit(f"room for only {len(surges)} of {count} surges: ask for fewer")


def inject(matrix: pd.DataFrame, surges: list[Surge], seed: int) -> pd.DataFrame:
    """Extra arrivals, Poisson around (size - 1) x the series' own usual level, ramping up."""
    rng = np.random.default_rng(seed + 2)
    counts = matrix.to_numpy(copy=True)
    for surge in surges:
        usual = counts[surge.onset - 35 : surge.onset - 7, surge.series].mean()
        ramp = np.minimum(np.arange(1, surge.days + 1) / surge.ramp_days, 1.0)
        extra = rng.poisson((surge.size - 1) * usual * ramp)
        counts[surge.onset : surge.onset + surge.days, surge.series] += extra
    return pd.DataFrame(counts, index=matrix.index, columns=matrix.columns)


def rolling_z(matrix: pd.DataFrame) -> tuple[pd.DataFrame, pd.DataFrame]:
    """The peer's score: z against the previous 28 days' mean and sd; and the excess."""
    history = matrix.shift(1).rolling(28)
    mean, sd = history.mean(), history.std()
    return (matrix - mean) / sd.where(sd > 0, 1.0), matrix - mean


def peer_alerting(z: pd.DataFrame, excess: pd.DataFrame, threshold: float) -> np.ndarray:
    return ((z >= threshold) & (excess >= DetectorSettings().min_excess)).to_numpy()


def matched_peer(
    z: pd.DataFrame, excess: pd.DataFrame, matrix: pd.DataFrame, surges: list[Surge], budget: float
) -> dict[str, object]:
    """The peer at the lowest z threshold whose false alarms are no more than the detector's."""
    for threshold in np.arange(3.0, 20.01, 0.25):
        found = evaluate(peer_alerting(z, excess, threshold), matrix, surges)
        if found["false_alarms_per_bcp_quarter"]["mean"] <= budget:
            return {"name": f"rolling z-score at z >= {threshold:g}"} | found
    return {"name": "rolling z-score: no threshold up to z = 20 is within the budget"}


def _runs(alerting: np.ndarray) -> list[tuple[int, int]]:
    """(first, last) row of each run of consecutive alerting days."""
    padded = np.concatenate([[False], alerting, [False]]).astype(int)
    edges = np.diff(padded)
    return list(zip(np.flatnonzero(edges == 1), np.flatnonzero(edges == -1) - 1, strict=True))


def evaluate(alerting: np.ndarray, matrix: pd.DataFrame, surges: list[Surge]) -> dict[str, object]:
    """Detection delays, recall within 72 hours, and false alarms per BCP per quarter."""
    delays: list[int | None] = []
    for surge in surges:
        window = alerting[surge.onset : surge.onset + surge.days, surge.series]
        hits = np.flatnonzero(window)
        delays.append(int(hits[0]) if hits.size else None)
    covered = np.zeros_like(alerting)
    for surge in surges:
        covered[surge.onset : surge.onset + surge.days + AFTERMATH_DAYS, surge.series] = True
    bcp_of = matrix.columns.get_level_values("bcp_code")
    quarters = matrix.index.to_period("Q")
    false_alarms: dict[tuple[str, object], int] = {}
    for column in range(alerting.shape[1]):
        for first, _last in _runs(alerting[BURN_IN_DAYS:, column]):
            row = first + BURN_IN_DAYS
            if not covered[row, column]:
                key = (bcp_of[column], quarters[row])
                false_alarms[key] = false_alarms.get(key, 0) + 1
    eval_quarters = sorted(set(quarters[BURN_IN_DAYS:]))
    per_bcp_quarter = [
        false_alarms.get((bcp, quarter), 0) for bcp in set(bcp_of) for quarter in eval_quarters
    ]
    found = [d for d in delays if d is not None]
    in_time = [d is not None and d < WITHIN_DAYS for d in delays]
    by_size = {
        f"x{size:g}": round(
            float(np.mean([ok for ok, s in zip(in_time, surges, strict=True) if s.size == size])),
            3,
        )
        for size in SURGE_SIZES
    }
    return {
        "recall_within_72h": round(float(np.mean(in_time)), 3),
        "recall_within_72h_by_size": by_size,
        "recall_while_surge_lasts": round(len(found) / len(surges), 3),
        "delay_days": {
            "p50": float(np.percentile(found, 50)) if found else None,
            "p90": float(np.percentile(found, 90)) if found else None,
            "max": max(found) if found else None,
            "histogram": {str(d): found.count(d) for d in sorted(set(found))},
        },
        "false_alarms_per_bcp_quarter": {
            "mean": round(float(np.mean(per_bcp_quarter)), 3),
            "max": int(max(per_bcp_quarter)),
            "share_of_bcp_quarters_over_1": round(float(np.mean(np.array(per_bcp_quarter) > 1)), 3),
            "bcp_quarters": len(per_bcp_quarter),
        },
    }


def backtest(matrix: pd.DataFrame, surge_count: int, seed: int) -> dict[str, object]:
    surges = choose_surges(matrix, surge_count, seed)
    surged = inject(matrix, surges, seed)
    settings = DetectorSettings()
    started = time.perf_counter()
    detector = score(surged, settings).alerting.to_numpy()
    seconds = time.perf_counter() - started
    z, excess = rolling_z(surged)
    ours = evaluate(detector, surged, surges)
    budget = ours["false_alarms_per_bcp_quarter"]["mean"]
    return {
        "series": matrix.shape[1],
        "bcps": int(matrix.columns.get_level_values("bcp_code").nunique()),
        "days": len(matrix),
        "evaluated_from": (matrix.index[BURN_IN_DAYS]).date().isoformat(),
        "surges": len(surges),
        "surge_sizes": list(SURGE_SIZES),
        "score_seconds": round(seconds, 2),
        "detector": {"name": "seasonal baseline (rmis.analytics.early_warning)"} | ours,
        "peer": {"name": "rolling z-score, 28 days, z >= 3, at least 10 extra"}
        | evaluate(peer_alerting(z, excess, 3.0), surged, surges),
        "peer_at_same_false_alarms": matched_peer(z, excess, surged, surges, budget),
    }


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--seed", type=int, default=7)
    parser.add_argument("--surges", type=int, default=200)
    parser.add_argument("--synth", type=Path, help="directory written by `rmis synth`")
    args = parser.parse_args()
    matrix = synth_region(args.synth) if args.synth else generated_region(args.seed)
    source = f"rmis synth region in {args.synth}" if args.synth else f"generated, seed {args.seed}"
    print(json.dumps({"source": source} | backtest(matrix, args.surges, args.seed), indent=2))


if __name__ == "__main__":
    main()
