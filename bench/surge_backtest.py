"""Surge detection backtest: known surges injected into daily arrival series, then detected.

Prints JSON. Baseline series come from a seeded generator of BCP x nationality daily arrivals
(weekly pattern, yearly season, trend, over-dispersed Poisson noise) or, with --synth DIR, from
the crossings of a synthetic region (`rmis synth ... --out DIR`). Surges of known onset, size
(x1.5, x2, x3, x5 of the series' usual level) and duration are added to series with at least
3 arrivals a day (over the 35 to 7 days before onset: a series busy a year earlier may have
fallen below that by then), after a burn-in of 470 days so the baseline has last year's season.

Every detector is scored causally (a day's score reads only that day and the days before). The
evaluation period is split in two: a training period, on which each detector's threshold is
calibrated to the false-alarm target (at most one false alarm per BCP per quarter), and a
held-out period that starts on the first whole quarter after the split, on which the figures
are measured. A false alarm is an episode (a run of consecutive alerting days, counted once,
as an operator sees it) that starts on no injected surge nor within 14 days after one. A surge
is detected within 72 hours if an alert falls on its onset day or one of the two days after.

Detectors in the same run: the CUSUM of rmis.analytics.early_warning (at its shipped defaults
and at its calibrated threshold), the previous rule (1- and 3-day windows against the same
baseline, as shipped before the CUSUM) and EARS C2 (CDC's Early Aberration Reporting System:
z against the mean and sd of days t-9 .. t-3). Every detector also needs at least 10 extra
people, as ours does, so the comparison is of the statistic alone.

    .venv/bin/python bench/surge_backtest.py --seed 7
    .venv/bin/python bench/surge_backtest.py --synth /tmp/region
"""

from __future__ import annotations

import argparse
import json
import time
from collections.abc import Callable
from dataclasses import dataclass
from datetime import date
from pathlib import Path

import numpy as np
import pandas as pd

from rmis.analytics.early_warning import (
    SERIES_KEYS,
    DetectorSettings,
    Scores,
    _lagged,
    _upper_tail,
    _window_sums,
    arrival_matrix,
    expected_per_day,
    held_surges,
    score,
    score_against,
)

BURN_IN_DAYS = 470
WITHIN_DAYS = 3  # onset day + 2: the alert reads the day's data at its end, 72 hours after onset
AFTERMATH_DAYS = 14  # surges this soon after a surge ends still belong to it
SURGE_SIZES = (1.5, 2.0, 3.0, 5.0)
VOLUME_BANDS = ((3, 10), (10, 30), (30, 100), (100, np.inf))  # usual arrivals a day
MIN_SURGE_BASELINE = 3.0  # arrivals a day: below this a doubling is a handful of people
FALSE_ALARM_TARGET = 1  # per BCP per quarter, in every BCP-quarter of the training period


@dataclass(frozen=True, slots=True)
class Surge:
    series: int  # column of the matrix
    onset: int  # row of the matrix
    days: int
    size: float  # arrivals are multiplied by this while it lasts (reached after a ramp)
    ramp_days: int
    usual: float  # the series' mean arrivals a day over the 35 to 7 days before onset


@dataclass(frozen=True, slots=True)
class Truth:
    """What the generator drew each day's arrivals from, before any surge: an oracle's baseline."""

    rate: np.ndarray  # days x series: the mean arrivals a day
    dispersion: np.ndarray  # days x series: variance over mean of the gamma-Poisson draw


def generated_region(seed: int, days: int = 3 * 365, bcps: int = 60) -> pd.DataFrame:
    return generated_region_and_truth(seed, days, bcps)[0]


def generated_region_and_truth(
    seed: int, days: int = 3 * 365, bcps: int = 60
) -> tuple[pd.DataFrame, Truth]:
    """Days x (host_state, bcp, nationality) arrivals with the shapes real BCPs show."""
    rng = np.random.default_rng(seed)
    start = date(2024, 1, 1)
    index = pd.date_range(start, periods=days, freq="D")
    day_of_year = index.day_of_year.to_numpy()
    weekday = index.day_of_week.to_numpy()
    t = np.arange(days)
    states = ("KAZ", "KGZ", "TJK", "TKM", "UZB")
    nationalities = ("AFG", "CHN", "IND", "KAZ", "KGZ", "PAK", "RUS", "TJK", "TKM", "TUR", "UZB")
    columns, series, rates, dispersions = [], [], [], []
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
            rates.append(rate)
            dispersions.append(1 + rate / shape)
            columns.append((state, f"{state}-B{b:02d}", str(nationality)))
    frame = pd.DataFrame(
        np.column_stack(series).astype(float),
        index=index,
        columns=pd.MultiIndex.from_tuples(columns, names=SERIES_KEYS),
    )
    return frame, Truth(np.column_stack(rates), np.column_stack(dispersions))


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
    counts = matrix.to_numpy()
    days = len(matrix)
    recent_mean = counts[BURN_IN_DAYS - 60 : BURN_IN_DAYS].mean(axis=0)
    candidates = np.flatnonzero(recent_mean >= MIN_SURGE_BASELINE)
    surges: list[Surge] = []
    busy: dict[int, list[int]] = {}
    for _attempt in range(100 * count):
        if len(surges) == count:
            return surges
        column = int(rng.choice(candidates))
        onset = int(rng.integers(BURN_IN_DAYS, days - 30))
        usual = float(counts[onset - 35 : onset - 7, column].mean())
        # The series must still be busy at onset: a series chosen on its level a year before
        # may have fallen to 1 a day by then, where x5 ramped over 3 days is 9 people.
        if usual < MIN_SURGE_BASELINE:
            continue
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
                usual=usual,
            )
        )
    raise SystemExit(f"room for only {len(surges)} of {count} surges: ask for fewer")


def inject(matrix: pd.DataFrame, surges: list[Surge], seed: int) -> pd.DataFrame:
    """Extra arrivals, Poisson around (size - 1) x the series' own usual level, ramping up."""
    rng = np.random.default_rng(seed + 2)
    counts = matrix.to_numpy(copy=True)
    for surge in surges:
        ramp = np.minimum(np.arange(1, surge.days + 1) / surge.ramp_days, 1.0)
        extra = rng.poisson((surge.size - 1) * surge.usual * ramp)
        counts[surge.onset : surge.onset + surge.days, surge.series] += extra
    return pd.DataFrame(counts, index=matrix.index, columns=matrix.columns)


@dataclass(frozen=True, slots=True)
class Detector:
    """A statistic per day and series, alerting where it reaches a threshold and `eligible`
    (while the excursion lasts, if `run_start` is given: ours)."""

    name: str
    statistic: np.ndarray
    eligible: np.ndarray  # bool: at least 10 extra people (and for ours, 1.3 x expected)
    thresholds: np.ndarray  # the grid calibration searches, most sensitive first
    default: float | None = None  # the threshold shipped, if the detector is ours
    seconds: float = 0.0
    run_start: np.ndarray | None = None

    def alerting(self, threshold: float) -> np.ndarray:
        if self.run_start is not None:
            return held_surges(self.statistic, self.eligible, self.run_start, threshold)
        with np.errstate(invalid="ignore"):
            return (self.statistic >= threshold) & self.eligible


def cusum_detector(matrix: pd.DataFrame) -> Detector:
    started = time.perf_counter()
    scores = score(matrix, DetectorSettings())
    return _detector_of(
        "CUSUM of the log-likelihood ratio of a doubling (rmis.analytics.early_warning)",
        scores,
        default=DetectorSettings().threshold,
        seconds=time.perf_counter() - started,
    )


def oracle(matrix: pd.DataFrame, truth: Truth) -> Detector:
    """Our CUSUM, alert rule and threshold grid on the generator's own rates and dispersion
    instead of estimates from the past: how far any baseline could take it (an upper bound)."""
    seasonal = np.ones(matrix.shape, dtype=bool)
    return _detector_of(
        "oracle: the same CUSUM on the generator's true rates (no detector can beat it)",
        score_against(matrix, truth.rate, truth.dispersion, seasonal),
    )


def _detector_of(
    name: str, scores: Scores, default: float | None = None, seconds: float = 0.0
) -> Detector:
    return Detector(
        name=name,
        statistic=scores.statistic.to_numpy(),
        eligible=scores.eligible.to_numpy(),
        thresholds=np.arange(2.0, 20.01, 0.5),
        default=default,
        seconds=seconds,
        run_start=np.arange(len(scores.statistic))[:, None] - scores.run_days.to_numpy() + 1,
    )


def previous_rule(matrix: pd.DataFrame) -> Detector:
    """The rule shipped before the CUSUM: arrivals over the last 1 and 3 days against the same
    seasonal baseline (weekdays not pooled), chance under an over-dispersed Poisson."""
    settings = DetectorSettings()
    counts = matrix.to_numpy(dtype=float)
    started = time.perf_counter()
    expected_day, _seasonal = expected_per_day(counts, settings)
    best_chance = np.full(counts.shape, np.nan)
    eligible = np.zeros(counts.shape, dtype=bool)
    for window in (1, 3):
        observed = _window_sums(counts, window)
        expected = _window_sums(expected_day, window)
        pearson = pd.DataFrame((observed - expected) ** 2 / expected)
        rolling = pearson.rolling(
            settings.dispersion_days, min_periods=settings.dispersion_days // 2
        )
        phi = np.maximum(_lagged(rolling.quantile(0.25).to_numpy() / 0.1015, 7), 1.0)
        chance = np.where(np.isfinite(expected), _upper_tail(observed, expected, phi), np.nan)
        stronger = np.isfinite(chance) & ~(chance >= best_chance)
        with np.errstate(invalid="ignore"):
            ok = (observed >= settings.min_ratio * expected) & (
                observed - expected >= settings.min_excess
            )
        best_chance = np.where(stronger, chance, best_chance)
        eligible = np.where(stronger, ok, eligible)
    with np.errstate(divide="ignore"):
        statistic = -np.log10(best_chance)
    return Detector(
        name="previous rule: 1- and 3-day windows, chance under the seasonal baseline "
        "(threshold: -log10 of the chance; shipped at 4.5, 1 in 33,333)",
        statistic=statistic,
        eligible=eligible,
        thresholds=np.arange(2.0, 12.01, 0.25),
        seconds=time.perf_counter() - started,
    )


def ears_c2(matrix: pd.DataFrame) -> Detector:
    """EARS C2: z of the day against the mean and sd of days t-9 .. t-3 (sd at least 1)."""
    started = time.perf_counter()
    history = matrix.shift(3).rolling(7)
    mean, sd = history.mean().to_numpy(), history.std().to_numpy()
    counts = matrix.to_numpy()
    statistic = (counts - mean) / np.maximum(sd, 1.0)
    with np.errstate(invalid="ignore"):
        eligible = counts - mean >= DetectorSettings().min_excess
    return Detector(
        name="EARS C2 (z against days t-9 .. t-3; shipped by CDC at z >= 3)",
        statistic=statistic,
        eligible=eligible,
        thresholds=np.arange(2.0, 30.01, 0.25),
        seconds=time.perf_counter() - started,
    )


def _runs(alerting: np.ndarray) -> list[tuple[int, int]]:
    """(first, last) row of each run of consecutive alerting days."""
    padded = np.concatenate([[False], alerting, [False]]).astype(int)
    edges = np.diff(padded)
    return list(zip(np.flatnonzero(edges == 1), np.flatnonzero(edges == -1) - 1, strict=True))


def false_alarms(
    alerting: np.ndarray, matrix: pd.DataFrame, surges: list[Surge], rows: range
) -> list[int]:
    """False alarm episodes per BCP and calendar quarter of `rows` (every pair, zeros too)."""
    covered = np.zeros(alerting.shape, dtype=bool)
    for surge in surges:
        covered[surge.onset : surge.onset + surge.days + AFTERMATH_DAYS, surge.series] = True
    bcp_of = matrix.columns.get_level_values("bcp_code")
    quarters = matrix.index.to_period("Q")
    counted: dict[tuple[str, object], int] = {}
    # Episodes are found on the whole record, so one that began before `rows` is not new in it.
    for column in np.flatnonzero(alerting[rows.start : rows.stop].any(axis=0)):
        for row, _last in _runs(alerting[:, column]):
            if row in rows and not covered[row, column]:
                key = (bcp_of[column], quarters[row])
                counted[key] = counted.get(key, 0) + 1
    period_quarters = sorted(set(quarters[rows.start : rows.stop]))
    return [counted.get((bcp, q), 0) for bcp in sorted(set(bcp_of)) for q in period_quarters]


def _poisson_over_1(mean: float) -> float:
    return 1.0 - float(np.exp(-mean)) * (1.0 + mean)


def _recall(in_time: list[bool]) -> float | None:
    return round(float(np.mean(in_time)), 3) if in_time else None


def evaluate(
    alerting: np.ndarray, matrix: pd.DataFrame, surges: list[Surge], rows: range
) -> dict[str, object]:
    """Recall within 72 hours (by size and by usual volume), delays and false alarms in `rows`."""
    mine = [s for s in surges if s.onset in rows]
    delays: list[int | None] = []
    for surge in mine:
        hits = np.flatnonzero(alerting[surge.onset : surge.onset + surge.days, surge.series])
        delays.append(int(hits[0]) if hits.size else None)
    in_time = [d is not None and d < WITHIN_DAYS for d in delays]
    found = [d for d in delays if d is not None]
    per_bcp_quarter = false_alarms(alerting, matrix, surges, rows)
    bcps = matrix.columns.get_level_values("bcp_code").nunique()
    # A rate per BCP (its false alarms over the period's quarters), as a CUSUM's average run
    # length is specified: the other reading of "at most one per BCP per quarter".
    per_bcp_rate = np.array(per_bcp_quarter, dtype=float).reshape(bcps, -1).mean(axis=1)

    def recall_where(keep: Callable[[Surge], bool]) -> float | None:
        return _recall([ok for ok, s in zip(in_time, mine, strict=True) if keep(s)])

    return {
        "surges": len(mine),
        "recall_within_72h": _recall(in_time),
        "by_size": {f"x{x:g}": recall_where(lambda s, x=x: s.size == x) for x in SURGE_SIZES},
        "x2_to_x5_by_usual_per_day": {
            f"{lo:g}-{hi:g}" if np.isfinite(hi) else f"{lo:g}+": recall_where(
                lambda s, lo=lo, hi=hi: lo <= s.usual < hi and s.size >= 2
            )
            for lo, hi in VOLUME_BANDS
        },
        "surges_by_usual_per_day": {
            f"{lo:g}-{hi:g}" if np.isfinite(hi) else f"{lo:g}+": sum(
                lo <= s.usual < hi for s in mine
            )
            for lo, hi in VOLUME_BANDS
        },
        "by_ramp": {f"{r} day": recall_where(lambda s, r=r: s.ramp_days == r) for r in (1, 3)},
        "recall_while_surge_lasts": round(len(found) / len(mine), 3) if mine else None,
        "delay_days_p50": float(np.median(found)) if found else None,
        "delay_days_p90": float(np.percentile(found, 90)) if found else None,
        "false_alarms_per_bcp_quarter": {
            "mean": round(float(np.mean(per_bcp_quarter)), 3),
            "max": int(max(per_bcp_quarter)),
            "bcp_quarters_over_1": int(np.sum(np.array(per_bcp_quarter) > 1)),
            "worst_bcp_per_quarter": round(float(per_bcp_rate.max()), 2),
            # What independent false alarms at this mean give: 2 in one BCP-quarter by chance.
            "over_1_expected_by_chance": round(
                len(per_bcp_quarter) * _poisson_over_1(float(np.mean(per_bcp_quarter))), 1
            ),
            "bcp_quarters": len(per_bcp_quarter),
        },
    }


def split_row(matrix: pd.DataFrame) -> int:
    """The held-out period starts on the first quarter's first day after the evaluation
    period's midpoint, less 45 days (so it is at least about half of it)."""
    middle = BURN_IN_DAYS + (len(matrix) - BURN_IN_DAYS) // 2 - 45
    starts = np.flatnonzero((matrix.index.day == 1) & matrix.index.month.isin([1, 4, 7, 10]))
    return int(starts[starts >= middle][0])


def calibrate(
    detector: Detector, matrix: pd.DataFrame, surges: list[Surge], rows: range
) -> tuple[float, dict[str, object]]:
    """The most sensitive threshold at which no BCP has more than the target of false alarms
    in any quarter of `rows`, nor at any less sensitive threshold of the grid."""
    chosen = float(detector.thresholds[-1])
    for threshold in detector.thresholds[::-1]:
        found = false_alarms(detector.alerting(threshold), matrix, surges, rows)
        if max(found) > FALSE_ALARM_TARGET:
            break
        chosen = float(threshold)
    found = false_alarms(detector.alerting(chosen), matrix, surges, rows)
    return chosen, {"mean": round(float(np.mean(found)), 3), "max": int(max(found))}


def backtest(
    matrix: pd.DataFrame, surge_count: int, seed: int, truth: Truth | None = None
) -> dict[str, object]:
    surges = choose_surges(matrix, surge_count, seed)
    surged = inject(matrix, surges, seed)
    held_out = split_row(surged)
    training = range(BURN_IN_DAYS, held_out)
    testing = range(held_out, len(surged))
    detectors = [cusum_detector(surged), previous_rule(surged), ears_c2(surged)]
    if truth is not None:
        detectors.append(oracle(surged, truth))
    ours = detectors[0]
    results: dict[str, object] = {}
    for detector in detectors:
        threshold, on_training = calibrate(detector, surged, surges, training)
        results[detector.name] = {
            "calibrated_threshold": round(threshold, 2),
            "training_false_alarms_per_bcp_quarter": on_training,
            "seconds": round(detector.seconds, 2),
            "held_out": evaluate(detector.alerting(threshold), surged, surges, testing),
        }
    shipped = ours.alerting(ours.default)
    return {
        "series": matrix.shape[1],
        "bcps": int(matrix.columns.get_level_values("bcp_code").nunique()),
        "days": len(matrix),
        "training": f"{surged.index[BURN_IN_DAYS].date()} to {surged.index[held_out - 1].date()}",
        "held_out": f"{surged.index[held_out].date()} to {surged.index[-1].date()}",
        "surges": len(surges),
        "ours_at_shipped_threshold": {
            "threshold": ours.default,
            "held_out": evaluate(shipped, surged, surges, testing),
            "training": evaluate(shipped, surged, surges, training),
        },
        "calibrated_on_training_measured_on_held_out": results,
    }


def summary_rows(seed: int, figures: dict[str, object]) -> tuple[str, str]:
    """Rows of the tables in docs/early-warning.md: ours at the shipped threshold, and each
    detector at its calibrated threshold (×2, ×3, ×5 within 72 hours, mean false alarms)."""
    held_out = figures["ours_at_shipped_threshold"]["held_out"]
    size, alarms = held_out["by_size"], held_out["false_alarms_per_bcp_quarter"]
    shipped = (
        f"| {seed} | {held_out['surges']} | "
        + " | ".join(f"{size[f'x{x:g}']:.2f}" for x in SURGE_SIZES)
        + f" | {held_out['delay_days_p50']:g} | {alarms['mean']:.2f} | "
        f"{alarms['worst_bcp_per_quarter']:.2f} | {alarms['max']} "
        f"({alarms['bcp_quarters_over_1']}; {alarms['over_1_expected_by_chance']}) |"
    )
    cells = []
    for result in figures["calibrated_on_training_measured_on_held_out"].values():
        size = result["held_out"]["by_size"]
        mean = result["held_out"]["false_alarms_per_bcp_quarter"]["mean"]
        cells.append(f"{size['x2']:.2f} / {size['x3']:.2f} / {size['x5']:.2f}, {mean:.2f}")
    return shipped, f"| {seed} | " + " | ".join(cells) + " |"


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument(
        "--seed", default="7", help="a seed, or several (3,7,11): then a table row per seed too"
    )
    parser.add_argument("--surges", type=int, default=400)
    parser.add_argument("--synth", type=Path, help="directory written by `rmis synth`")
    args = parser.parse_args()
    seeds = [int(s) for s in args.seed.split(",")]
    rows = []
    for seed in seeds:
        if args.synth:
            matrix, truth = synth_region(args.synth), None
            source = f"rmis synth region in {args.synth}"
        else:
            matrix, truth = generated_region_and_truth(seed)
            source = f"generated, seed {seed}"
        figures = backtest(matrix, args.surges, seed, truth)
        print(json.dumps({"source": source} | figures, indent=2))
        rows.append(summary_rows(seed, figures))
    if len(seeds) > 1:
        names = figures["calibrated_on_training_measured_on_held_out"]
        print("\nours at the shipped threshold:")
        print("\n".join(shipped for shipped, _ in rows))
        print("\neach calibrated: ×2 / ×3 / ×5, false alarms a BCP-quarter:", " | ".join(names))
        print("\n".join(calibrated for _, calibrated in rows))


if __name__ == "__main__":
    main()
