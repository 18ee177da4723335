"""The report page: self-contained (nothing to fetch), every section there, alerts in words."""

from __future__ import annotations

import re
from datetime import UTC, date, datetime, timedelta

import numpy as np
import pandas as pd
import pytest

from rmis.analytics.early_warning import SERIES_KEYS, Alert, Severity, alerts_frame
from rmis.analytics.forecast import forecast_frame, forecast_series
from rmis.report.data import ReportData
from rmis.report.render import SECTIONS, render

ON = date(2026, 10, 14)
SERIES = ("KAZ", "KAZ-ALA", "UZB")
QUIET = ("KAZ", "KAZ-KORDAI-ROAD", "KGZ")  # alerted, but too sparse for a forecast


@pytest.fixture(scope="module")
def page() -> str:
    months = pd.date_range("2024-12-01", "2026-10-01", freq="MS")
    weeks = pd.date_range("2025-10-13", periods=52, freq="W-MON")
    rng = np.random.default_rng(1)
    history = rng.poisson(300, 52).astype(float)
    made = forecast_series(SERIES, history, date(2026, 10, 12))
    sparse = forecast_series(QUIET, np.zeros(52), date(2026, 10, 12))
    alert = Alert(
        *SERIES, on=ON, since=ON - timedelta(days=1), severity=Severity.CRITICAL, window_days=3,
        observed=480, expected=150.0, chance=1e-12, seasonal=True,
    )  # fmt: skip
    quiet = Alert(
        *QUIET, on=ON, since=ON, severity=Severity.WATCH, window_days=14,
        observed=12, expected=4.0, chance=1e-3, seasonal=False,
    )  # fmt: skip
    data = ReportData(
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
        corridors=pd.DataFrame({"corridor": ["KAZ → RUS", "UZB → KAZ"], "crossings": [900, 700]}),
        stock=pd.DataFrame(
            {"day": weeks, "host_state": "KAZ", "present": rng.integers(900, 1100, 52)}
        ),
        overstays=pd.DataFrame(
            {
                "host_state": ["KAZ"],
                "nationality": ["UZB"],
                "overstayers": [12],
                "median_days": [30.0],
                "max_days": [90],
            }
        ),
        overstayers_total=12,
        movement_types=pd.DataFrame(
            {
                "movement_type": ["short_visit", "seasonal"],
                "travellers": [80, 20],
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
        alerts=alerts_frame([alert, quiet]).merge(
            forecast_frame([made, sparse]), on=list(SERIES_KEYS)
        ),
        forecasts=[made],
        weekly_history=pd.DataFrame({SERIES: history}, index=weeks),
    )
    return render(data, datetime(2026, 10, 15, 6, 0, tzinfo=UTC))


def test_page_is_self_contained(page):
    assert not re.search(r"""(src|href)\s*=\s*["']?(https?:)?//""", page)
    assert not re.search(r"url\(\s*['\"]?(https?:)?//", page)
    assert "<script" not in page and "<link" not in page
    assert "<style>" in page


def test_every_section_is_there_with_a_chart_and_a_table(page):
    for section, heading in SECTIONS:
        assert f'<section id="{section}"' in page
        assert f">{heading}</h2>" in page
    assert page.count('<svg role="img"') >= 7  # six sections' charts and a forecast
    assert page.count("<title>") >= 8 and page.count("<caption>") >= 7


def test_alerts_are_in_words_with_their_numbers(page):
    assert "critical" in page and "KAZ-ALA" in page
    assert "480 admitted arrivals of UZB nationals at KAZ-ALA in the 3 days to 2026-10-14" in page
    assert "below 1 in a billion" in page


def test_an_alert_without_a_forecast_says_why(page):
    alerts = page[page.index('id="alerts"') : page.index('id="flows"')]
    assert "<td>none: only 0 whole weeks of history; a forecast needs 26</td>" in alerts
    assert "nan" not in alerts


def test_flows_show_whole_months_only(page):
    flows = page[page.index('id="flows"') : page.index('id="corridors"')]
    assert "<td>2025-01-01</td>" in flows and "<td>2026-09-01</td>" in flows
    assert "<td>2024-12-01</td>" not in flows  # the record starts on 2024-12-20
    assert "<td>2026-10-01</td>" not in flows  # the month in progress


def test_dates_are_iso_and_the_quiet_state_without_arrivals_has_no_role(page):
    assert "2026-10-14" in page
    assert not re.search(r"\d{1,2}/\d{1,2}/\d{4}", page)
    roles = page[page.index('id="roles"') : page.index('id="notes"')]
    assert "<td>KAZ</td>" in roles and "<td>CHN</td>" not in roles
