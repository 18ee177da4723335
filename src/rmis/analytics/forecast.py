"""90-day forecasts of weekly admitted arrivals per series, with prediction intervals.

Method, per series (statsmodels; a few milliseconds each, so thousands of series take seconds):
weekly totals on a log scale; the yearly season taken out by a harmonic regression (Fourier
terms of the 52.18-week year, with a linear trend) when the series has more than a year of
history; an exponential smoothing model with a damped additive trend, ETS(A,Ad,N), on what is
left; its analytic prediction intervals, the season put back, and the exponent taken. So the
point forecast is a median and the intervals are quantiles. The uncertainty of the seasonal
shape itself is not in the intervals: they are narrower than the truth when the season is
unstable (docs/early-warning.md).

A series with too little history or too many empty weeks gets no forecast and a reason.
"""

from __future__ import annotations

import warnings
from dataclasses import dataclass
from datetime import date, timedelta

import ibis.expr.types as ir
import numpy as np
import pandas as pd
from ibis import _

from rmis.analytics.early_warning import SERIES_KEYS, admitted_arrivals

WEEKS_AHEAD = 13  # 91 days: the 90-day horizon in whole weeks
MIN_WEEKS = 26
SEASON_WEEKS = 56  # more than a year: enough to see the yearly season once
MAX_EMPTY_SHARE = 0.25
MIN_MEAN_PER_WEEK = 5.0
YEAR_IN_WEEKS = 365.25 / 7


@dataclass(frozen=True, slots=True)
class Forecast:
    """Weekly forecasts from `weeks[0]` (a Monday); None fields with `reason` when not made."""

    series: tuple[str, str, str]
    history_weeks: int
    weeks: tuple[date, ...] = ()
    median: tuple[float, ...] = ()
    lower80: tuple[float, ...] = ()
    upper80: tuple[float, ...] = ()
    lower95: tuple[float, ...] = ()
    upper95: tuple[float, ...] = ()
    seasonal: bool = False
    reason: str | None = None

    @property
    def made(self) -> bool:
        return self.reason is None


def last_full_week_end(on: date) -> date:
    """The Sunday that ends the last whole week up to `on`."""
    return on - timedelta(days=(on.weekday() + 1) % 7)


def horizon_week(on: date) -> date:
    """The Monday of the last week forecast from `on` (WEEKS_AHEAD weeks after the last whole
    week): the week forecast_frame's figures are for, whether a series has a forecast or not."""
    return last_full_week_end(on) + timedelta(days=1 + 7 * (WEEKS_AHEAD - 1))


def arrivals_by_week(crossings: ir.Table, on: date, weeks: int, cube: bool = False) -> pd.DataFrame:
    """Admitted arrivals per series and week (Monday to Sunday), the `weeks` whole weeks to `on`.
    With `cube`, the table is a summaries cube (rows count `n` crossings)."""
    end = last_full_week_end(on)
    start = end - timedelta(days=7 * weeks - 1)
    expr = (
        admitted_arrivals(crossings)
        .filter(_.local_date.between(start, end))
        .group_by([*SERIES_KEYS, _.local_date.truncate("W").name("week")])
        .aggregate(arrivals=_.n.sum() if cube else _.count())
    )
    frame = expr.to_pandas()
    frame["week"] = pd.to_datetime(frame["week"])
    return frame


def weekly_matrix(weekly: pd.DataFrame, first_week: date, last_week: date) -> pd.DataFrame:
    """Weeks (rows, every Monday) x series (columns); a week with none is 0 arrivals."""
    weeks = pd.date_range(first_week, last_week, freq="W-MON")
    wide = weekly.pivot_table(
        index="week", columns=list(SERIES_KEYS), values="arrivals", aggfunc="sum"
    )
    return wide.reindex(weeks, fill_value=0).fillna(0).astype(float)


def _why_not(totals: np.ndarray) -> str | None:
    if len(totals) < MIN_WEEKS:
        return f"only {len(totals)} whole weeks of history; a forecast needs {MIN_WEEKS}"
    empty = float(np.mean(totals == 0))
    if empty > MAX_EMPTY_SHARE:
        return f"too sparse: no arrivals in {empty:.0%} of the {len(totals)} weeks"
    if totals.mean() < MIN_MEAN_PER_WEEK:
        return f"too sparse: {totals.mean():.1f} arrivals a week on average"
    return None


def _harmonics(t: np.ndarray, pairs: int) -> np.ndarray:
    angle = 2 * np.pi * np.outer(t, np.arange(1, pairs + 1)) / YEAR_IN_WEEKS
    return np.hstack([np.sin(angle), np.cos(angle)])


def _yearly_season(log_totals: np.ndarray, horizon: int) -> tuple[np.ndarray, np.ndarray]:
    """The harmonic season over the history and the horizon (zero mean over a year)."""
    n = len(log_totals)
    pairs = 3 if n >= 2 * 52 else 2
    t = np.arange(n + horizon)
    fourier = _harmonics(t, pairs)
    design = np.column_stack([np.ones(n), t[:n], fourier[:n]])
    coefficients, *_ = np.linalg.lstsq(design, log_totals, rcond=None)
    season = fourier @ coefficients[2:]
    return season[:n], season[n:]


def forecast_series(
    series: tuple[str, str, str], totals: np.ndarray, first_future_week: date
) -> Forecast:
    """Forecast one series from its weekly totals (oldest first, the last whole week last)."""
    # Imported when forecasting, not with the analytics room (seconds of start-up otherwise).
    from statsmodels.tsa.exponential_smoothing.ets import ETSModel

    # Weeks before the series' first arrival are not its history, and the week of that first
    # arrival is most likely partial (the data or the flow began mid-week).
    started = np.flatnonzero(totals > 0)
    totals = totals[started[0] + 1 :] if started.size else totals[:0]
    reason = _why_not(totals)
    if reason:
        return Forecast(series=series, history_weeks=len(totals), reason=reason)
    log_totals = np.log1p(totals)
    seasonal = len(totals) >= SEASON_WEEKS
    past, future = (
        _yearly_season(log_totals, WEEKS_AHEAD)
        if seasonal
        else (np.zeros(len(totals)), np.zeros(WEEKS_AHEAD))
    )
    with warnings.catch_warnings():
        # Non-convergence warnings on flat series: the damped fit is still usable.
        warnings.simplefilter("ignore")
        # A Series, not an array: statsmodels' ETS prediction frames need an index.
        adjusted = pd.Series(log_totals - past)
        fitted = ETSModel(adjusted, error="add", trend="add", damped_trend=True).fit(disp=False)
        prediction = fitted.get_prediction(start=len(totals), end=len(totals) + WEEKS_AHEAD - 1)
        frame80 = prediction.summary_frame(alpha=0.2)
        frame95 = prediction.summary_frame(alpha=0.05)

    def back(values: pd.Series) -> tuple[float, ...]:
        return tuple(np.maximum(np.expm1(values.to_numpy() + future), 0.0).round(1))

    median = back(frame80["mean"])
    if not np.all(np.isfinite(median)):
        return Forecast(series, len(totals), reason="the model did not converge on this series")
    return Forecast(
        series=series,
        history_weeks=len(totals),
        weeks=tuple(first_future_week + timedelta(weeks=k) for k in range(WEEKS_AHEAD)),
        median=median,
        lower80=back(frame80["pi_lower"]),
        upper80=back(frame80["pi_upper"]),
        lower95=back(frame95["pi_lower"]),
        upper95=back(frame95["pi_upper"]),
        seasonal=seasonal,
    )


def forecast(
    crossings: ir.Table,
    on: date,
    series: list[tuple[str, str, str]] | None = None,
    history_weeks: int = 3 * 52,
    cube: bool = False,
) -> dict[tuple[str, str, str], Forecast]:
    """13-week forecasts from the whole weeks up to `on`, for `series` (default: all); `cube`:
    `crossings` is a summaries cube."""
    end = last_full_week_end(on)
    first_week = end - timedelta(days=7 * history_weeks - 1)
    weekly = arrivals_by_week(crossings, on, history_weeks, cube)
    matrix = weekly_matrix(weekly, first_week, end)
    wanted = list(matrix.columns) if series is None else series
    next_week = end + timedelta(days=1)
    return {
        key: forecast_series(
            key,
            matrix[key].to_numpy() if key in matrix.columns else np.zeros(0),
            next_week,
        )
        for key in wanted
    }


def forecast_frame(forecasts: list[Forecast], on: date | None = None) -> pd.DataFrame:
    """Per series the forecast for the 13th week ahead (median and 80% interval), or why none;
    given the day forecast from, every row names that week, a series without a forecast too."""
    rows = []
    for f in forecasts:
        row = dict(zip(SERIES_KEYS, f.series, strict=True))
        if on is not None:
            row["forecast_week"] = horizon_week(on).isoformat()
        if f.made:
            row |= {
                "forecast_week": f.weeks[-1].isoformat(),
                "forecast_median": f.median[-1],
                "forecast_low80": f.lower80[-1],
                "forecast_high80": f.upper80[-1],
                "forecast_note": "" if f.seasonal else "no yearly season: under 56 weeks",
            }
        else:
            row |= {"forecast_note": f.reason}
        rows.append(row)
    columns = [
        *SERIES_KEYS, "forecast_week", "forecast_median", "forecast_low80", "forecast_high80",
        "forecast_note",
    ]  # fmt: skip
    return pd.DataFrame(rows, columns=columns)
