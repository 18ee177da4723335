"""The 90-day forecast: intervals in order, honest about coverage, and no forecast without data."""

from __future__ import annotations

from datetime import date, timedelta

import ibis
import numpy as np
import pandas as pd

from rmis.analytics.forecast import (
    WEEKS_AHEAD,
    forecast,
    forecast_frame,
    forecast_series,
    last_full_week_end,
)

KEY = ("KAZ", "KAZ-ALA", "UZB")
MONDAY = date(2026, 1, 5)


def seasonal_weeks(weeks: int, seed: int) -> np.ndarray:
    rng = np.random.default_rng(seed)
    t = np.arange(weeks)
    return rng.poisson(400 * (1 + 0.5 * np.sin(2 * np.pi * t / (365.25 / 7))))


def test_intervals_are_ordered_and_hold_most_of_what_came_next():
    inside80, inside95, total = 0, 0, 0
    for seed in range(20):
        weeks = seasonal_weeks(130 + WEEKS_AHEAD, seed)
        past, future = weeks[:130], weeks[130:]
        made = forecast_series(KEY, past.astype(float), MONDAY)
        assert made.made and made.seasonal
        assert np.all(np.array(made.lower95) <= np.array(made.lower80))
        assert np.all(np.array(made.lower80) <= np.array(made.median))
        assert np.all(np.array(made.median) <= np.array(made.upper80))
        assert np.all(np.array(made.upper80) <= np.array(made.upper95))
        inside80 += np.sum((future >= made.lower80) & (future <= made.upper80))
        inside95 += np.sum((future >= made.lower95) & (future <= made.upper95))
        total += WEEKS_AHEAD
    # Nominal 80% and 95%; the season's own uncertainty is left out, so allow some shortfall.
    assert inside80 / total >= 0.65
    assert inside95 / total >= 0.85


def test_the_seasonal_turn_ahead_is_forecast():
    weeks = seasonal_weeks(120, seed=1)
    made = forecast_series(KEY, weeks.astype(float), MONDAY)
    expected_shape = 400 * (1 + 0.5 * np.sin(2 * np.pi * np.arange(120, 133) / (365.25 / 7)))
    assert np.corrcoef(made.median, expected_shape)[0, 1] > 0.8


def test_short_and_sparse_series_get_a_reason_not_a_forecast():
    short = forecast_series(KEY, np.full(20, 50.0), MONDAY)
    assert not short.made and "only 19 whole weeks" in short.reason
    sparse = np.zeros(60)
    sparse[::3] = 10
    made = forecast_series(KEY, sparse, MONDAY)
    assert not made.made and "too sparse" in made.reason
    row = forecast_frame([made]).iloc[0]
    assert row.forecast_note == made.reason and pd.isna(row.forecast_median)


def test_forecast_reads_whole_weeks_up_to_the_day_from_an_ibis_table():
    on = date(2026, 3, 18)  # a Wednesday: the week in progress is left out
    assert last_full_week_end(on) == date(2026, 3, 15)
    rows = []
    for d in range(52 * 7):
        day = date(2026, 3, 18) - timedelta(days=d)
        rows += [("KAZ", "KAZ-ALA", "UZB", "entry", "admitted", day)] * 10
    table = ibis.memtable(
        pd.DataFrame(
            rows,
            columns=["host_state", "bcp_code", "nationality", "direction", "outcome", "local_date"],
        )
    )
    made = forecast(table, on)[KEY]
    assert made.weeks[0] == date(2026, 3, 16)
    assert made.history_weeks == 51  # the partial weeks at both ends are not history
    assert abs(made.median[0] - 70) < 5
