"""Early warning: admitted arrivals per BCP and nationality against a seasonal baseline.

For every day and series (host state, BCP, nationality) the baseline expects

    expected(t) = level(t) x weekday(t) x season(t)

from the series' own past only: `level` is the mean of the 28 days that end a week before t (the
gap keeps a surge that started days ago out of its own baseline), `weekday` is that weekday's
share over the last 12 weeks, and `season` is how last year moved from the baseline weeks to the
same week (52 weeks back keeps weekdays aligned). Arrivals over the last 1 and 3 days are then
compared with the expected total, allowing for the series' own day-to-day spread: how far its
past totals strayed from what was expected of them (over-dispersion, measured, never assumed).

An alert needs all three: arrivals this far above expected would happen by chance less than once
in 1/alpha windows, at least `min_ratio` times expected, and at least `min_excess` extra people.
Severity then says how large the breakout is. The definitions are in docs/early-warning.md.

Aggregation is an Ibis expression (DuckDB or PySpark); the per-series arithmetic is NumPy over
a days x series matrix, so thousands of series are scored at once.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, timedelta
from enum import StrEnum

import ibis.expr.types as ir
import numpy as np
import pandas as pd
from ibis import _
from scipy.special import gammainc
from scipy.stats import chi2

SERIES_KEYS = ("host_state", "bcp_code", "nationality")

# Days a 364-day-back seasonal comparison reaches behind the day scored, plus the dispersion
# window and the days an alert may already have been running: what `alerts` reads.
HISTORY_DAYS = 364 + 7 + 28 + 56 + 35


DISPERSION_QUANTILE = 0.25
CHI2_1_QUANTILE = float(chi2.ppf(DISPERSION_QUANTILE, 1))


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
    windows: tuple[int, ...] = (1, 3)
    alpha: float = 3e-5
    min_ratio: float = 1.3
    min_excess: float = 10.0
    floor_per_day: float = 0.1  # a nationality never seen before still has an expectation
    shrink_per_day: float = 1.0  # pseudo-arrivals that pull sparse weekday/season factors to 1
    warning_ratio: float = 1.5
    critical_ratio: float = 2.0


@dataclass(frozen=True, slots=True)
class Scores:
    """Per day (rows) and series (columns) the strongest window's figures; NaN = not scored."""

    observed: pd.DataFrame
    expected: pd.DataFrame
    window_days: pd.DataFrame
    chance: pd.DataFrame  # probability of at least `observed` under the baseline
    seasonal: pd.DataFrame  # bool: last year's season was part of the baseline
    alerting: pd.DataFrame  # bool

    @property
    def ratio(self) -> pd.DataFrame:
        return self.observed / self.expected


@dataclass(frozen=True, slots=True)
class Alert:
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
        return (
            f"{self.observed:,} admitted arrivals of {self.nationality} nationals at "
            f"{self.bcp_code} in the {days} to {self.on.isoformat()}, against "
            f"{self.expected:,.0f} expected ({self.baseline}): {self.ratio:.1f} times expected, "
            f"{self.excess:+,.0f} people; chance under the baseline {describe_chance(self.chance)}"
            f"; alerting since {self.since.isoformat()}."
        )


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


def arrivals_by_day(crossings: ir.Table, start: date, end: date) -> pd.DataFrame:
    """Admitted arrivals per series and local day in [start, end] (days with none are absent)."""
    expr = (
        admitted_arrivals(crossings)
        .filter(_.local_date.between(start, end))
        .group_by([*SERIES_KEYS, "local_date"])
        .aggregate(arrivals=_.count())
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


def _median_of_lags(values: np.ndarray, lags: range) -> np.ndarray:
    return np.median(np.stack([_lagged(values, lag) for lag in lags]), axis=0)


def expected_per_day(
    counts: np.ndarray, settings: DetectorSettings
) -> tuple[np.ndarray, np.ndarray]:
    """The seasonal baseline for every day, and where last year's season was part of it.

    Levels are medians of whole-week totals, so one surge week neither inflates the baseline
    that follows it nor hides the next one.
    """
    s = settings
    weekly = _window_sums(counts, 7)  # the week ending on each day
    level = _median_of_lags(weekly, range(7, 7 * s.baseline_weeks + 1, 7)) / 7

    # Weekday factor: the same weekday's mean over the last weeks against all days' mean, both
    # from a week back. A surge inflates both alike, so means are safe here.
    weeks = s.weekday_weeks
    same_weekday = sum(_lagged(counts, 7 * k) for k in range(1, weeks + 1)) / weeks
    all_days = sum(_lagged(weekly, 7 * k) for k in range(1, weeks + 1)) / (7 * weeks)
    weekday = (same_weekday + s.shrink_per_day) / (all_days + s.shrink_per_day)

    # Yearly season: last year's weeks around this day against last year's baseline weeks
    # (364 days back keeps weekdays aligned).
    half = s.season_weeks // 2
    around = range(364 - 3 - 7 * half, 364 - 3 + 7 * half + 1, 7)
    last_year_now = _median_of_lags(weekly, around) / 7
    last_year_base = _median_of_lags(weekly, range(364 + 7, 364 + 7 * s.baseline_weeks + 1, 7)) / 7
    season = (last_year_now + s.shrink_per_day) / (last_year_base + s.shrink_per_day)
    seasonal = np.isfinite(season)
    season = np.where(seasonal, np.clip(season, 0.25, 4.0), 1.0)

    expected = np.maximum(level * weekday * season, s.floor_per_day)
    return expected, seasonal


def _window_sums(values: np.ndarray, window: int) -> np.ndarray:
    """Sums over the `window` days ending on each day; NaN where any of those days is NaN."""
    zero = np.zeros((1, values.shape[1]))
    unknown = np.isnan(values)
    known = np.where(unknown, 0, values)
    sums = _trailing_sum(np.vstack([zero, np.cumsum(known, axis=0)]), 0, window)
    gaps = _trailing_sum(np.vstack([zero, np.cumsum(unknown, axis=0)]), 0, window)
    return np.where(gaps == 0, sums, np.nan)


def _dispersion(observed: np.ndarray, expected: np.ndarray, settings: DetectorSettings):
    """How much wider than Poisson the series' past window totals strayed from expectation.

    The lower quartile of squared Pearson residuals over the days before the last week, divided
    by its Poisson value (chi-square with one degree of freedom); never below 1. A quartile, not
    a mean, so a past surge and the weeks its baseline lagged behind do not blind the detector.
    """
    pearson = pd.DataFrame((observed - expected) ** 2 / expected)
    window = pearson.rolling(settings.dispersion_days, min_periods=settings.dispersion_days // 2)
    phi = window.quantile(DISPERSION_QUANTILE).to_numpy() / CHI2_1_QUANTILE
    return np.maximum(_lagged(phi, 7), 1.0)


def _upper_tail(observed: np.ndarray, expected: np.ndarray, phi: np.ndarray) -> np.ndarray:
    """P(at least `observed`) for a Poisson scaled by phi: gammainc(x/phi, mu/phi)."""
    with np.errstate(invalid="ignore"):
        tail = gammainc(np.maximum(observed / phi, 1e-12), expected / phi)
    return np.where(observed > 0, tail, 1.0)


def score(matrix: pd.DataFrame, settings: DetectorSettings = DetectorSettings()) -> Scores:
    """Score every day of every series; the strongest of the windows is kept per day."""
    counts = matrix.to_numpy(dtype=float)
    expected_day, seasonal = expected_per_day(counts, settings)
    shape = counts.shape
    best = {
        "observed": np.full(shape, np.nan),
        "expected": np.full(shape, np.nan),
        "window_days": np.full(shape, np.nan),
        "chance": np.full(shape, np.nan),
    }
    for window in settings.windows:
        observed = _window_sums(counts, window)
        expected = _window_sums(expected_day, window)
        chance = _upper_tail(observed, expected, _dispersion(observed, expected, settings))
        chance = np.where(np.isfinite(expected), chance, np.nan)
        stronger = np.isfinite(chance) & ~(chance >= best["chance"])
        for name, value in (
            ("observed", observed),
            ("expected", expected),
            ("window_days", np.full(shape, float(window))),
            ("chance", chance),
        ):
            best[name] = np.where(stronger, value, best[name])
    with np.errstate(invalid="ignore", divide="ignore"):
        alerting = (
            (best["chance"] <= settings.alpha)
            & (best["observed"] >= settings.min_ratio * best["expected"])
            & (best["observed"] - best["expected"] >= settings.min_excess)
        )

    def frame(values: np.ndarray) -> pd.DataFrame:
        return pd.DataFrame(values, index=matrix.index, columns=matrix.columns)

    return Scores(
        observed=frame(best["observed"]),
        expected=frame(best["expected"]),
        window_days=frame(best["window_days"]),
        chance=frame(best["chance"]),
        seasonal=frame(seasonal),
        alerting=frame(alerting),
    )


def severity_of(ratio: float, settings: DetectorSettings = DetectorSettings()) -> Severity:
    if ratio >= settings.critical_ratio:
        return Severity.CRITICAL
    if ratio >= settings.warning_ratio:
        return Severity.WARNING
    return Severity.WATCH


def alerts_from_scores(
    scores: Scores, on: date, settings: DetectorSettings = DetectorSettings()
) -> list[Alert]:
    """The series alerting on `on`, most severe and largest first."""
    day = pd.Timestamp(on)
    if day not in scores.alerting.index:
        return []
    history = scores.alerting.loc[:day]
    found: list[Alert] = []
    for series in history.columns[history.loc[day].to_numpy()]:
        run = history[series].to_numpy()[::-1]
        run_length = int(np.argmin(run)) if not run.all() else len(run)
        ratio = scores.observed.at[day, series] / scores.expected.at[day, series]
        found.append(
            Alert(
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
            )
        )
    order = {Severity.CRITICAL: 0, Severity.WARNING: 1, Severity.WATCH: 2}
    return sorted(found, key=lambda a: (order[a.severity], -a.excess, a.bcp_code, a.nationality))


def alerts(
    crossings: ir.Table, on: date, settings: DetectorSettings = DetectorSettings()
) -> list[Alert]:
    """Series whose admitted arrivals break out of their seasonal baseline on day `on`.

    Reads only days up to `on`: the answer for a past day is what an analyst would have seen then.
    """
    start = on - timedelta(days=HISTORY_DAYS)
    known_from = first_day(crossings)
    if known_from is None or known_from > on:
        return []
    start = max(start, known_from)
    matrix = arrival_matrix(arrivals_by_day(crossings, start, on), start, on)
    return alerts_from_scores(score(matrix, settings), on, settings)


ALERT_COLUMNS = [
    "severity", *SERIES_KEYS, "on", "since", "window_days", "observed", "expected", "ratio",
    "excess", "chance", "baseline", "message",
]  # fmt: skip


def alerts_frame(found: list[Alert]) -> pd.DataFrame:
    """One row per alert, in the words and figures an analyst reads."""
    return pd.DataFrame(
        [
            {
                "severity": a.severity.value,
                "host_state": a.host_state,
                "bcp_code": a.bcp_code,
                "nationality": a.nationality,
                "on": a.on.isoformat(),
                "since": a.since.isoformat(),
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
