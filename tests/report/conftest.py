"""The report page made from a small, fixed ReportData: what the report tests look at."""

from __future__ import annotations

from datetime import UTC, date, datetime, timedelta

import numpy as np
import pandas as pd
import pytest

from rmis.analytics import (
    SERIES_KEYS,
    Severity,
    Surge,
    forecast_frame,
    forecast_series,
    horizon_week,
    surges_frame,
)
from rmis.report.data import ReportData
from rmis.report.render import render

ON = date(2026, 10, 14)
SERIES = ("KAZ", "KAZ-ALA", "UZB")
QUIET = ("KAZ", "KAZ-KORDAI-ROAD", "KGZ")  # alerted, but too sparse for a forecast
FADED = ("KAZ", "KAZ-ALA", "TJK")  # alerted since last week, at 0.4 times expected now


@pytest.fixture(scope="session")
def report_data() -> ReportData:
    months = pd.date_range("2024-12-01", "2026-10-01", freq="MS")
    weeks = pd.date_range("2025-10-13", periods=52, freq="W-MON")
    rng = np.random.default_rng(1)
    history = rng.poisson(300, 52).astype(float)
    made = forecast_series(SERIES, history, date(2026, 10, 12))
    sparse = forecast_series(QUIET, np.zeros(52), date(2026, 10, 12))
    alert = Surge(
        *SERIES, on=ON, since=ON - timedelta(days=1), severity=Severity.CRITICAL, window_days=3,
        observed=480, expected=150.0, chance=1e-12, seasonal=True,
    )  # fmt: skip
    quiet = Surge(
        *QUIET, on=ON, since=ON, severity=Severity.WATCH, window_days=14,
        observed=12, expected=4.0, chance=1e-3, seasonal=False, last_met=ON,
    )  # fmt: skip
    faded = Surge(
        *FADED, on=ON, since=date(2026, 9, 30), severity=Severity.WATCH, window_days=14,
        observed=8, expected=20.0, chance=0.99, seasonal=False, status="ended",
        last_met=date(2026, 10, 2),
    )  # fmt: skip
    return ReportData(
        on=ON,
        first_day=date(2024, 12, 20),  # the record starts within a month
        flows_monthly=pd.DataFrame(
            {
                "month": list(months) * 2,
                "host_state": ["KAZ"] * len(months) + ["UZB"] * len(months),
                "entries": rng.integers(500, 900, 2 * len(months)),
                "exits": rng.integers(500, 900, 2 * len(months)),
            }
        ),
        corridors=pd.DataFrame(
            {
                "corridor": ["KAZ → RUS", "RUS → by air (destination not recorded)"],
                "crossings": [900, 700],
                "counted_from": ["entries recorded by RUS", "exits recorded by RUS"],
            }
        ),
        stock=pd.DataFrame(
            {"day": weeks, "host_state": "KAZ", "present": rng.integers(900, 1100, 52)}
        ),
        overstays=pd.DataFrame(
            {
                "host_state": ["KAZ"],
                "nationality": ["UZB"],
                "overstayers": [12],
                "without_permit": [2],
                "median_days": [251.0],
                "max_days": [90],
            }
        ),
        overstayers_total=12,
        overstayers_in_review=2,
        overstays_by_state=pd.DataFrame(
            {"host_state": ["KAZ"], "overstayers": [12], "left_late": [30], "longest_days": [90]}
        ),
        movement_types=pd.DataFrame(
            {
                "movement_type": ["short_visit", "seasonal"],
                "people": [80, 20],
                "share": [0.8, 0.2],
            }
        ),
        roles=pd.DataFrame(
            {
                "state": ["KAZ", "CHN"],
                "origin": [40, 10],
                "transit": [10, 0],
                "destination": [50, 0],
                "origin_share": [0.4, 1.0],
                "transit_share": [0.1, 0.0],
                "destination_share": [0.5, 0.0],
            }
        ),
        surges=surges_frame([alert, quiet, faded]).merge(
            forecast_frame([made, sparse], ON), on=list(SERIES_KEYS), how="left"
        ),
        forecasts=[made],
        weekly_history=pd.DataFrame({SERIES: history}, index=weeks),
        forecast_week=horizon_week(ON),
        refusals=pd.DataFrame(
            {"host_state": ["KAZ", "KAZ"], "refusal_reason": ["C", "H"], "refused": [7, 2]}
        ),
        entries_by_purpose=pd.DataFrame(
            {"purpose": ["work", "tourism"], "entries": [600, 400], "share": [0.6, 0.4]}
        ),
        entries_by_sex_age=pd.DataFrame(
            {
                "sex": ["F", "M", "M"],
                "age_band": ["25-34", "25-34", "35-44"],
                "entries": [300, 500, 200],
            }
        ),
        entries_by_nationality=pd.DataFrame(
            {"nationality": ["UZB", "TJK"], "entries": [700, 300], "share": [0.7, 0.3]}
        ),
    )


@pytest.fixture(scope="session")
def page(report_data) -> str:
    return render(report_data, datetime(2026, 10, 15, 6, 0, tzinfo=UTC))
