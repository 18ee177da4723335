"""Properties of the CUSUM detector: quiet series stay quiet, steps are found, thresholds nest."""

from __future__ import annotations

from dataclasses import replace

import numpy as np
import pandas as pd
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from rmis.analytics.early_warning import SERIES_KEYS, DetectorSettings, cusum, score

DAYS = 560  # more than a year and the baseline weeks, so last year's season is in play


def matrix(columns: dict[str, np.ndarray]) -> pd.DataFrame:
    index = pd.date_range("2024-01-01", periods=len(next(iter(columns.values()))), freq="D")
    keys = pd.MultiIndex.from_tuples(
        [("KAZ", "KAZ-ALA", nationality) for nationality in columns], names=SERIES_KEYS
    )
    return pd.DataFrame(np.column_stack(list(columns.values())).astype(float), index, keys)


def poisson_days(per_day: float, seed: int, days: int = DAYS) -> np.ndarray:
    rng = np.random.default_rng(seed)
    weekday = 1 + 0.3 * (np.arange(days) % 7 >= 5)  # busier at weekends
    return rng.poisson(per_day * weekday)


@given(per_day=st.floats(0, 500), days=st.integers(1, 600))
@settings(max_examples=25, deadline=None)
def test_a_flat_series_never_alerts(per_day, days):
    flat = np.full(days, round(per_day))
    scores = score(matrix({"UZB": flat}))
    assert not scores.alerting.to_numpy().any()
    statistic = scores.statistic.to_numpy()
    assert np.all(np.isnan(statistic) | (statistic == 0))


@pytest.mark.parametrize("seed", range(5))
def test_steady_poisson_series_raise_no_alarm(seed):
    quiet = matrix({n: poisson_days(per_day, seed * 10 + i) for i, (n, per_day) in
                    enumerate({"UZB": 50, "TJK": 8, "KGZ": 200}.items())})  # fmt: skip
    assert not score(quiet).alerting.to_numpy().any()


@pytest.mark.parametrize("seed", range(5))
def test_a_tripling_of_50_a_day_alerts_within_3_days(seed):
    onset = 500
    surging = poisson_days(50, seed).astype(float)
    surging[onset:] = np.random.default_rng(seed + 100).poisson(150 * np.ones(DAYS - onset))
    alerting = score(matrix({"UZB": surging})).alerting.to_numpy()[:, 0]
    assert not alerting[:onset].any()
    assert alerting[onset : onset + 3].any()


@pytest.mark.parametrize("seed", range(3))
def test_a_doubling_of_50_a_day_alerts_within_3_days(seed):
    onset = 500
    surging = poisson_days(50, seed).astype(float)
    surging[onset:] += np.random.default_rng(seed + 100).poisson(50 * np.ones(DAYS - onset))
    alerting = score(matrix({"UZB": surging})).alerting.to_numpy()[:, 0]
    assert alerting[onset : onset + 3].any()


def test_a_higher_threshold_alerts_on_a_subset_of_days():
    rng = np.random.default_rng(5)
    counts = poisson_days(20, 1).astype(float)
    for onset in rng.choice(np.arange(420, 540), size=4, replace=False):
        counts[onset : onset + 5] *= rng.uniform(1.3, 3)
    data = matrix({"UZB": counts, "TJK": poisson_days(6, 2)})
    previous = None
    for threshold in (3.0, 5.0, 8.0, 10.0, 15.0, 25.0):
        alerting = score(data, replace(DetectorSettings(), threshold=threshold)).alerting
        if previous is not None:
            assert not (alerting.to_numpy() & ~previous).any()
        previous = alerting.to_numpy()


@given(
    counts=st.lists(st.integers(0, 300), min_size=1, max_size=60),
    scale=st.floats(0.5, 200),
    ratio=st.floats(1.1, 5),
)
@settings(max_examples=50, deadline=None)
def test_the_cusum_is_never_negative_never_above_its_ceiling_and_grows_with_arrivals(
    counts, scale, ratio
):
    observed = np.array(counts, dtype=float)[:, None]
    expected = np.full_like(observed, scale)
    phi = np.ones_like(observed)
    statistic, started = cusum(observed, expected, phi, ratio, 30.0)
    assert np.all((statistic >= 0) & (statistic <= 30.0))
    assert np.all(started <= np.arange(len(observed))[:, None])
    more, _ = cusum(observed + 1, expected, phi, ratio, 30.0)
    assert np.all(more >= statistic - 1e-9)
