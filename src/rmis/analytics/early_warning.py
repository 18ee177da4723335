"""Early warning: admitted arrivals per BCP and nationality against a seasonal baseline.

For every day and series (host state, BCP, nationality) the baseline expects

    expected(t) = level(t) x weekday(t) x season(t)

from the series' own past only: `level` is the mean of the 5 weeks that end a week before t
(the gap keeps a surge that started days ago out of its own baseline), `weekday` is that
weekday's share over the last 12 weeks (a sparse series borrows its BCP's weekly pattern), and
`season` is how last year moved from the baseline weeks to the same weeks (52 weeks back keeps
weekdays aligned). Past surges are capped out of the history first (two passes), so a surge
neither inflates the weeks after it nor, a year later, the season.

The breakout statistic is a CUSUM of the log-likelihood ratio of a doubling against the
baseline, scaled by the series' own over-dispersion: it adds up evidence day by day, so a
doubling or tripling is found in one to three days where a one-day test cannot see it. An
alert is raised when the CUSUM reaches `threshold` with at least `min_ratio` times expected
and `min_excess` extra people over its run, and lasts until the CUSUM is back at 0. Severity
then says how large the breakout is. The definitions are in docs/early-warning.md.

Aggregation is an Ibis expression (DuckDB or PySpark); the per-series arithmetic is NumPy over
a days x series matrix, so thousands of series are scored at once.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from datetime import date, timedelta
from enum import StrEnum
from statistics import NormalDist

import ibis.expr.types as ir
import numpy as np
import pandas as pd
from ibis import _

SERIES_KEYS = ("host_state", "bcp_code", "nationality")

# Days the baseline reaches behind the day scored (last year's baseline weeks and a week's gap),
# twice over for the two passes, plus the dispersion window and a CUSUM run: what `surges` reads.
HISTORY_DAYS = 2 * (364 + 7 * 5 + 7) + 56 + 7 + 60


# The median of a chi-square with one degree of freedom, the square of a standard normal's
# upper quartile (scipy's chi2.ppf(0.5, 1) to 1e-15, without importing scipy with the room).
CHI2_1_MEDIAN = NormalDist().inv_cdf(0.75) ** 2


class Severity(StrEnum):
    WATCH = "watch"
    WARNING = "warning"
    CRITICAL = "critical"


@dataclass(frozen=True, slots=True)
class DetectorSettings:
    baseline_weeks: int = 5  # whole weeks ending a week before the day scored
    weekday_weeks: int = 12
    season_weeks: int = 3  # last year's weeks centred on the same day
    dispersion_days: int = 56
    max_dispersion: float = 25.0
    clean_z: float = 2.0  # past days above expected by this many sds are capped there
    design_ratio: float = 2.0  # the CUSUM is tuned to a doubling of arrivals
    threshold: float = 10.0  # CUSUM (log-likelihood ratio) at which an alert is raised
    max_statistic: float = 30.0  # the CUSUM is capped here, so it comes down soon after
    max_window: int = 14  # days of a run shown to the analyst
    min_ratio: float = 1.3
    min_excess: float = 10.0
    floor_per_day: float = 0.1  # a nationality never seen before still has an expectation
    shrink_per_day: float = 1.0  # pseudo-arrivals that pull sparse season factors to 1
    weekday_pool_per_day: float = 5.0  # pseudo-arrivals that pull weekdays to the BCP's pattern
    warning_ratio: float = 1.5
    critical_ratio: float = 2.0


@dataclass(frozen=True, slots=True)
class Scores:
    """Per day (rows) and series (columns) the strongest window's figures; NaN = not scored."""

    observed: pd.DataFrame
    expected: pd.DataFrame
    window_days: pd.DataFrame
    chance: pd.DataFrame  # probability of at least `observed` under the baseline
    statistic: pd.DataFrame  # the CUSUM
    run_days: pd.DataFrame  # days since the CUSUM last left 0 (the excursion so far)
    seasonal: pd.DataFrame  # bool: last year's season was part of the baseline
    eligible: pd.DataFrame  # bool: enough above expected (min_ratio) and enough people to alert
    alerting: pd.DataFrame  # bool

    @property
    def ratio(self) -> pd.DataFrame:
        return self.observed / self.expected


@dataclass(frozen=True, slots=True)
class Surge:
    host_state: str
    bcp_code: str
    nationality: str
    on: date
    since: date
    severity: Severity
    window_days: int
    observed: int
    expected: float
    chance: float
    seasonal: bool
    # Whether today's run still meets the rule (STATUSES), and the last day it did with the
    # evidence at the threshold: an alert is held until its CUSUM is back at 0, so it can be
    # shown days after its arrivals fell back.
    status: str = "current"
    last_met: date | None = None

    @property
    def status_text(self) -> str:
        """`current`, `carried from 2025-03-02` or `ended`: what the alert is today."""
        if self.status == CARRIED and self.last_met is not None:
            return f"carried from {self.last_met.isoformat()}"
        return self.status

    @property
    def series(self) -> tuple[str, str, str]:
        return (self.host_state, self.bcp_code, self.nationality)

    @property
    def ratio(self) -> float:
        return self.observed / self.expected

    @property
    def baseline(self) -> str:
        return (
            "weekly pattern and last year's season"
            if self.seasonal
            else "weekly pattern only, no prior year"
        )

    @property
    def excess(self) -> float:
        return self.observed - self.expected

    @property
    def message(self) -> str:
        days = "day" if self.window_days == 1 else f"{self.window_days} days"
        figures = (
            f"{self.observed:,} admitted arrivals of {self.nationality} nationals at "
            f"{self.bcp_code} in the {days} to {self.on.isoformat()}, against "
            f"{self.expected:,.0f} expected ({self.baseline}): {self.ratio:.1f} times expected, "
            f"{self.excess:+,.0f} people; chance under the baseline {describe_chance(self.chance)}"
        )
        last = self.last_met.isoformat() if self.last_met else "an earlier day"
        if self.status == CARRIED:
            return (
                f"Carried from {last} (the last day the surge met the rule; it no longer does): "
                f"{figures}; alerting since {self.since.isoformat()}."
            )
        if self.status == ENDED:
            return (
                f"Ended: arrivals are back at or below expected ({figures}); the rule was last "
                f"met on {last}, and the alert closes once the evidence is back at 0."
            )
        return f"{figures}; alerting since {self.since.isoformat()}."


# What an alert is on the day shown: it meets the rule that raises an alert that day (the
# CUSUM at `threshold`, min_ratio and min_excess over its run); it does not, but arrivals are
# still above expected; arrivals are back at or below expected.
CURRENT, CARRIED, ENDED = "current", "carried", "ended"
STATUSES = (CURRENT, CARRIED, ENDED)


def status_of(meets_rule: bool, ratio: float) -> str:
    if meets_rule:
        return CURRENT
    return CARRIED if ratio > 1 else ENDED


def describe_chance(chance: float) -> str:
    """'1 in 250,000' rather than a p-value: the words an analyst reads."""
    if chance <= 0 or 1 / chance >= 1e9:
        return "below 1 in a billion"
    return f"about 1 in {_round_to_two_digits(1 / chance):,}"


def _round_to_two_digits(value: float) -> int:
    magnitude = 10 ** max(int(np.floor(np.log10(value))) - 1, 0)
    return int(round(value / magnitude) * magnitude)


def admitted_arrivals(crossings: ir.Table) -> ir.Table:
    """The crossings that count as arrivals: admitted entries."""
    return crossings.filter((_.direction == "entry") & (_.outcome == "admitted"))


def arrivals_by_day(
    crossings: ir.Table, start: date, end: date, cube: bool = False
) -> pd.DataFrame:
    """Admitted arrivals per series and local day in [start, end] (days with none are absent).
    With `cube`, the table is a summaries cube (rows count `n` crossings)."""
    expr = (
        admitted_arrivals(crossings)
        .filter(_.local_date.between(start, end))
        .group_by([*SERIES_KEYS, "local_date"])
        .aggregate(arrivals=_.n.sum() if cube else _.count())
    )
    frame = expr.to_pandas()
    frame["local_date"] = pd.to_datetime(frame["local_date"]).dt.date
    return frame


def first_day(crossings: ir.Table) -> date | None:
    """The first local day the data covers: days before it are unknown, not zero."""
    value = crossings.local_date.min().to_pandas()
    return None if value is None or pd.isna(value) else pd.Timestamp(value).date()


def arrival_matrix(daily: pd.DataFrame, start: date, end: date) -> pd.DataFrame:
    """Days (rows, every day from start to end) x series (columns); a missing day is 0 arrivals."""
    days = pd.date_range(start, end, freq="D")
    if daily.empty:
        return pd.DataFrame(index=days, columns=pd.MultiIndex.from_tuples([], names=SERIES_KEYS))
    wide = daily.assign(local_date=pd.to_datetime(daily["local_date"])).pivot_table(
        index="local_date", columns=list(SERIES_KEYS), values="arrivals", aggfunc="sum"
    )
    return wide.reindex(days, fill_value=0).fillna(0).astype(float)


def _trailing_sum(cumsum: np.ndarray, end_lag: int, length: int) -> np.ndarray:
    """For each day t the sum over [t - end_lag - length + 1, t - end_lag]; NaN if not all known.

    `cumsum` has a leading zero row, so the sum over rows [a, b] is cumsum[b + 1] - cumsum[a].
    """
    days = cumsum.shape[0] - 1
    out = np.full((days, cumsum.shape[1]), np.nan)
    first = end_lag + length - 1  # the first t whose whole window is on record
    if first < days:
        ends = np.arange(first, days) - end_lag
        out[first:] = cumsum[ends + 1] - cumsum[ends + 1 - length]
    return out


def _lagged(values: np.ndarray, lag: int) -> np.ndarray:
    out = np.full(values.shape, np.nan)
    if lag < values.shape[0]:
        out[lag:] = values[: values.shape[0] - lag]
    return out


def _mean_of_lags(values: np.ndarray, lags: range) -> np.ndarray:
    return sum(_lagged(values, lag) for lag in lags) / len(lags)


def _median_of_lags(values: np.ndarray, lags: range) -> np.ndarray:
    return np.median(np.stack([_lagged(values, lag) for lag in lags]), axis=0)


def expected_per_day(
    counts: np.ndarray, settings: DetectorSettings, bcps: np.ndarray | None = None
) -> tuple[np.ndarray, np.ndarray]:
    """The seasonal baseline for every day, and where last year's season was part of it.

    Two passes: the first on the arrivals as recorded, with medians of weekly totals (one
    surge week does not move a median of five); then every past day above what the first pass
    expected (by more than `clean_z` of its spread) is capped there, and the second pass reads
    the capped arrivals with means, which wobble less than medians. So neither a surge weeks
    ago nor one on the same weeks last year bends the baseline, while a lasting change of
    level still comes through the first pass.
    """
    first, _seasonal = _baseline(counts, settings, bcps, _median_of_lags)
    phi = _daily_dispersion(counts, first, settings)
    cap = first + settings.clean_z * np.sqrt(phi * first) + 1.0
    capped = np.where(np.isfinite(cap), np.minimum(counts, cap), counts)
    return _baseline(capped, settings, bcps, _mean_of_lags)


def _baseline(
    counts: np.ndarray,
    settings: DetectorSettings,
    bcps: np.ndarray | None,
    average: Callable[[np.ndarray, range], np.ndarray],
) -> tuple[np.ndarray, np.ndarray]:
    """level x weekday x season from the days before each day (docs/early-warning.md)."""
    s = settings
    weekly = _window_sums(counts, 7)  # the week ending on each day
    level = average(weekly, range(7, 7 * s.baseline_weeks + 1, 7)) / 7

    # Weekday factor: the same weekday's mean over the last weeks against all days' mean, both
    # from a week back.
    weeks = s.weekday_weeks
    same_weekday = _mean_of_lags(counts, range(7, 7 * weeks + 1, 7))
    all_days = _mean_of_lags(weekly, range(7, 7 * weeks + 1, 7)) / 7
    if bcps is None:
        weekday = (same_weekday + s.shrink_per_day) / (all_days + s.shrink_per_day)
    else:
        # A sparse series borrows its BCP's weekly pattern (opening hours, market days, buses).
        pooled = _sum_by_group(same_weekday, bcps), _sum_by_group(all_days, bcps)
        bcp_weekday = (pooled[0] + s.shrink_per_day) / (pooled[1] + s.shrink_per_day)
        prior = s.weekday_pool_per_day
        weekday = (same_weekday + prior * bcp_weekday[:, bcps]) / (all_days + prior)

    # Yearly season: last year's weeks around this day against last year's baseline weeks
    # (364 days back keeps weekdays aligned).
    half = s.season_weeks // 2
    around = range(364 - 3 - 7 * half, 364 - 3 + 7 * half + 1, 7)
    last_year_now = average(weekly, around) / 7
    last_year_base = average(weekly, range(364 + 7, 364 + 7 * s.baseline_weeks + 1, 7)) / 7
    season = (last_year_now + s.shrink_per_day) / (last_year_base + s.shrink_per_day)
    seasonal = np.isfinite(season)
    season = np.where(seasonal, np.clip(season, 0.25, 4.0), 1.0)

    expected = np.maximum(level * weekday * season, s.floor_per_day)
    return expected, seasonal


def _sum_by_group(values: np.ndarray, groups: np.ndarray) -> np.ndarray:
    """Days x groups: the columns of `values` summed per group (NaN stays NaN)."""
    out = np.zeros((values.shape[0], int(groups.max(initial=-1)) + 1))
    np.add.at(out.T, groups, values.T)
    return out


def _window_sums(values: np.ndarray, window: int) -> np.ndarray:
    """Sums over the `window` days ending on each day; NaN where any of those days is NaN."""
    zero = np.zeros((1, values.shape[1]))
    unknown = np.isnan(values)
    known = np.where(unknown, 0, values)
    sums = _trailing_sum(np.vstack([zero, np.cumsum(known, axis=0)]), 0, window)
    gaps = _trailing_sum(np.vstack([zero, np.cumsum(unknown, axis=0)]), 0, window)
    return np.where(gaps == 0, sums, np.nan)


def _upper_tail(observed: np.ndarray, expected: np.ndarray, phi: np.ndarray) -> np.ndarray:
    """P(at least `observed`) for a Poisson scaled by phi: gammainc(x/phi, mu/phi)."""
    from scipy.special import gammainc  # imported when scoring, not with the analytics room

    with np.errstate(invalid="ignore"):
        tail = gammainc(np.maximum(observed / phi, 1e-12), expected / phi)
    return np.where(observed > 0, tail, 1.0)


def _bcp_groups(columns: pd.Index) -> np.ndarray:
    """For each column the index of its BCP (host state and BCP code) among the matrix's BCPs."""
    if not isinstance(columns, pd.MultiIndex) or columns.nlevels < 2 or len(columns) == 0:
        return np.zeros(len(columns), dtype=int)
    keys = pd.MultiIndex.from_arrays([columns.get_level_values(0), columns.get_level_values(1)])
    return pd.factorize(keys)[0]


def _daily_dispersion(counts: np.ndarray, expected: np.ndarray, settings: DetectorSettings):
    """Over-dispersion of the daily counts against the baseline, from the series' own past.

    The median of the squared Pearson residuals over `dispersion_days` (ending a week back)
    against its Poisson value (the median of chi-square with one degree of freedom), never
    below 1. A median, so a past surge and the weeks its baseline lagged behind do not count.
    """
    pearson = pd.DataFrame((counts - expected) ** 2 / expected)
    window = pearson.rolling(settings.dispersion_days, min_periods=settings.dispersion_days // 2)
    phi = window.median().to_numpy() / CHI2_1_MEDIAN
    return np.clip(_lagged(phi, 7), 1.0, settings.max_dispersion)


def cusum(counts: np.ndarray, expected: np.ndarray, phi: np.ndarray, ratio: float, ceiling: float):
    """One-sided CUSUM of the quasi-Poisson log-likelihood ratio of `ratio` x expected.

    Each day adds (observed log r - (r - 1) expected) / phi; the sum never goes below 0 nor
    above `ceiling`. It grows while arrivals run above expected x (r - 1) / log r (1.44 for
    r = 2), forgets quiet days, and after a large surge is back at 0 within days. Also returns
    each day's run start (the first day since the sum was last 0). Vectorised over series.
    """
    step = (counts * np.log(ratio) - (ratio - 1) * expected) / phi
    statistic = np.full(counts.shape, np.nan)
    started = np.full(counts.shape, -1, dtype=int)
    level = np.zeros(counts.shape[1])
    since = np.zeros(counts.shape[1], dtype=int)
    for day in range(counts.shape[0]):
        today = step[day]
        known = np.isfinite(today)
        fresh = ~known | (level <= 0)
        since = np.where(fresh, day, since)
        level = np.where(known, np.clip(level + np.where(known, today, 0.0), 0.0, ceiling), 0.0)
        statistic[day] = np.where(known, level, np.nan)
        started[day] = since
    return statistic, started


def held_surges(
    statistic: np.ndarray, eligible: np.ndarray, run_start: np.ndarray, threshold: float
) -> np.ndarray:
    """Alerting from the day the CUSUM reaches `threshold` (with enough extra people) until it
    falls back to 0: one episode per excursion, as an analyst follows it, not a flicker of
    surges each time the sum wobbles around the threshold."""
    with np.errstate(invalid="ignore"):
        triggered = (statistic >= threshold) & eligible
    days = np.arange(statistic.shape[0])[:, None]
    last_trigger = np.maximum.accumulate(np.where(triggered, days, -1), axis=0)
    with np.errstate(invalid="ignore"):
        return (last_trigger >= run_start) & (last_trigger >= 0) & (statistic > 0)


def _run_sums(values: np.ndarray, started: np.ndarray) -> np.ndarray:
    """For each day the sum of `values` from the day its run started to that day."""
    filled = np.where(np.isfinite(values), values, 0.0)
    cumsum = np.vstack([np.zeros((1, values.shape[1])), np.cumsum(filled, axis=0)])
    days = np.arange(values.shape[0])[:, None]
    columns = np.arange(values.shape[1])[None, :]
    begin = np.clip(started, 0, None)
    return cumsum[days + 1, columns] - cumsum[begin, columns]


def score(matrix: pd.DataFrame, settings: DetectorSettings = DetectorSettings()) -> Scores:
    """Score every day of every series: the CUSUM and the arrivals of its current run."""
    counts = matrix.to_numpy(dtype=float)
    expected_day, seasonal = expected_per_day(counts, settings, _bcp_groups(matrix.columns))
    phi = _daily_dispersion(counts, expected_day, settings)
    return score_against(matrix, expected_day, phi, seasonal, settings)


def score_against(
    matrix: pd.DataFrame,
    expected_day: np.ndarray,
    phi: np.ndarray,
    seasonal: np.ndarray,
    settings: DetectorSettings = DetectorSettings(),
) -> Scores:
    """Score against a given baseline and dispersion per day and series: score's own, or in the
    backtest the generator's true ones (its oracle)."""
    counts = matrix.to_numpy(dtype=float)
    statistic, run_start = cusum(
        counts, expected_day, phi, settings.design_ratio, settings.max_statistic
    )
    # The run an analyst is shown: from the day the CUSUM last left 0, at most `max_window` days.
    days = np.arange(counts.shape[0])[:, None]
    started = np.maximum(run_start, days - settings.max_window + 1)
    window = (days - started + 1).astype(float)
    observed = _run_sums(counts, started)
    expected = _run_sums(expected_day, started)
    unknown = ~np.isfinite(statistic)
    for values in (observed, expected, window):
        values[unknown] = np.nan
    chance = _upper_tail(observed, expected, phi)
    chance = np.where(unknown, np.nan, chance)
    with np.errstate(invalid="ignore", divide="ignore"):
        eligible = (observed >= settings.min_ratio * expected) & (
            observed - expected >= settings.min_excess
        )
    alerting = held_surges(statistic, eligible, run_start, settings.threshold)

    def frame(values: np.ndarray) -> pd.DataFrame:
        return pd.DataFrame(values, index=matrix.index, columns=matrix.columns)

    return Scores(
        observed=frame(observed),
        expected=frame(expected),
        window_days=frame(window),
        chance=frame(chance),
        statistic=frame(statistic),
        run_days=frame(np.where(unknown, np.nan, days - run_start + 1)),
        seasonal=frame(seasonal),
        eligible=frame(eligible),
        alerting=frame(alerting),
    )


def severity_of(ratio: float, settings: DetectorSettings = DetectorSettings()) -> Severity:
    if ratio >= settings.critical_ratio:
        return Severity.CRITICAL
    if ratio >= settings.warning_ratio:
        return Severity.WARNING
    return Severity.WATCH


def surges_from_scores(
    scores: Scores, on: date, settings: DetectorSettings = DetectorSettings()
) -> list[Surge]:
    """The series alerting on `on`, most severe and largest first."""
    day = pd.Timestamp(on)
    if day not in scores.alerting.index:
        return []
    history = scores.alerting.loc[:day]
    with np.errstate(invalid="ignore"):
        triggered = (scores.statistic.loc[:day] >= settings.threshold) & scores.eligible.loc[:day]
    found: list[Surge] = []
    for series in history.columns[history.loc[day].to_numpy()]:
        run = history[series].to_numpy()[::-1]
        run_length = int(np.argmin(run)) if not run.all() else len(run)
        ratio = scores.observed.at[day, series] / scores.expected.at[day, series]
        met = triggered[series].to_numpy().nonzero()[0]
        last_met = triggered.index[met[-1]].date() if met.size else None
        found.append(
            Surge(
                host_state=series[0],
                bcp_code=series[1],
                nationality=series[2],
                on=on,
                since=on - timedelta(days=run_length - 1),
                severity=severity_of(ratio, settings),
                window_days=int(scores.window_days.at[day, series]),
                observed=int(scores.observed.at[day, series]),
                expected=float(scores.expected.at[day, series]),
                chance=float(scores.chance.at[day, series]),
                seasonal=bool(scores.seasonal.at[day, series]),
                status=status_of(bool(triggered.at[day, series]), ratio),
                last_met=last_met,
            )
        )
    order = {Severity.CRITICAL: 0, Severity.WARNING: 1, Severity.WATCH: 2}
    return sorted(found, key=lambda a: (order[a.severity], -a.excess, a.bcp_code, a.nationality))


def surges(
    crossings: ir.Table,
    on: date,
    settings: DetectorSettings = DetectorSettings(),
    cube: bool = False,
) -> list[Surge]:
    """Series whose admitted arrivals break out of their seasonal baseline on day `on`.

    Reads only days up to `on`: the answer for a past day is what an analyst would have seen then.
    With `cube`, `crossings` is a summaries cube (the dashboard reads it filtered).
    """
    start = on - timedelta(days=HISTORY_DAYS)
    known_from = first_day(crossings)
    if known_from is None or known_from > on:
        return []
    start = max(start, known_from)
    matrix = arrival_matrix(arrivals_by_day(crossings, start, on, cube), start, on)
    return surges_from_scores(score(matrix, settings), on, settings)


ALERT_COLUMNS = [
    "severity", "status", *SERIES_KEYS, "on", "since", "last_met", "window_days", "observed",
    "expected", "ratio", "excess", "chance", "baseline", "message",
]  # fmt: skip


def surges_frame(found: list[Surge]) -> pd.DataFrame:
    """One row per alert, in the words and figures an analyst reads."""
    return pd.DataFrame(
        [
            {
                "severity": a.severity.value,
                "status": a.status_text,
                "host_state": a.host_state,
                "bcp_code": a.bcp_code,
                "nationality": a.nationality,
                "on": a.on.isoformat(),
                "since": a.since.isoformat(),
                "last_met": a.last_met.isoformat() if a.last_met else None,
                "window_days": a.window_days,
                "observed": a.observed,
                "expected": round(a.expected, 1),
                "ratio": round(a.ratio, 2),
                "excess": round(a.excess),
                "chance": describe_chance(a.chance),
                "baseline": a.baseline,
                "message": a.message,
            }
            for a in found
        ],
        columns=ALERT_COLUMNS,
    )
