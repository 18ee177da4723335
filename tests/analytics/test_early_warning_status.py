"""An alert says what it is on the day shown: current, carried from the last day it met the
rule, or ended (arrivals back at or below expected while the alert is held)."""

from __future__ import annotations

from datetime import date, timedelta

import numpy as np
import pandas as pd
import pytest

from rmis.analytics import DetectorSettings, Scores, forecast_frame, horizon_week, surges_frame
from rmis.analytics.early_warning import surges_from_scores
from rmis.analytics.forecast import forecast_series

SERIES = ("KAZ", "KAZ-ALA", "UZB")
FIRST = date(2026, 3, 1)
DAYS = 10
MET = 3  # the last day (index) the run met the rule with the evidence at the threshold


def scores(observed_today: float, eligible_today: bool) -> Scores:
    """Ten days of one series, alerting from day 2 to the last; the rule met (CUSUM at the
    threshold and eligible) on days 2 and 3, then the evidence winds down above 0, and on the
    last day again when `eligible_today` (the CUSUM back at the threshold)."""
    index = pd.date_range(FIRST, periods=DAYS, freq="D")
    columns = pd.MultiIndex.from_tuples([SERIES], names=["host_state", "bcp_code", "nationality"])

    def frame(values) -> pd.DataFrame:
        return pd.DataFrame(np.asarray(values).reshape(DAYS, 1), index=index, columns=columns)

    statistic = [0, 5, 12, 14, 9, 7, 5, 4, 3, 11 if eligible_today else 2]
    eligible = [False, False, True, True, False, False, False, False, False, eligible_today]
    alerting = [False, False, True, True, True, True, True, True, True, True]
    observed = [10, 20, 60, 70, 40, 30, 25, 20, 15, observed_today]
    return Scores(
        observed=frame(np.array(observed, dtype=float)),
        expected=frame(np.full(DAYS, 20.0)),
        window_days=frame(np.full(DAYS, 7.0)),
        chance=frame(np.full(DAYS, 0.5)),
        statistic=frame(np.array(statistic, dtype=float)),
        run_days=frame(np.arange(1, DAYS + 1, dtype=float)),
        seasonal=frame(np.zeros(DAYS, dtype=bool)),
        eligible=frame(np.array(eligible)),
        alerting=frame(np.array(alerting)),
    )


LAST = FIRST + timedelta(days=DAYS - 1)
MET_DAY = FIRST + timedelta(days=MET)


@pytest.mark.parametrize(
    ("observed", "eligible", "status", "text"),
    [
        (8.0, False, "ended", "ended"),  # 0.4 times expected: the alert
        (26.0, False, "carried", f"carried from {MET_DAY.isoformat()}"),
        (60.0, True, "current", "current"),
    ],
)
def test_an_alert_says_whether_it_is_current_carried_or_ended(observed, eligible, status, text):
    (alert,) = surges_from_scores(scores(observed, eligible), LAST, DetectorSettings())
    assert alert.status == status
    assert alert.status_text == text
    assert alert.since == FIRST + timedelta(days=2)
    if status == "current":
        assert alert.last_met == LAST
        assert alert.message.endswith(f"alerting since {alert.since.isoformat()}.")
    else:
        assert alert.last_met == MET_DAY
    row = surges_frame([alert]).iloc[0]
    assert row.status == text
    assert row.last_met == alert.last_met.isoformat()


def test_a_carried_or_ended_alert_says_so_in_words():
    (ended,) = surges_from_scores(scores(8.0, False), LAST)
    assert ended.message.startswith("Ended: arrivals are back at or below expected")
    assert f"last met on {MET_DAY.isoformat()}" in ended.message
    assert "0.4 times expected" in ended.message
    (carried,) = surges_from_scores(scores(26.0, False), LAST)
    assert carried.message.startswith(f"Carried from {MET_DAY.isoformat()}")


def test_every_forecast_row_names_its_week_even_without_a_forecast():
    on = date(2026, 10, 14)  # a Wednesday: the last whole week ends Sunday 2026-10-11
    assert horizon_week(on) == date(2027, 1, 4)  # the 13th Monday after it
    rng = np.random.default_rng(1)
    made = forecast_series(SERIES, rng.poisson(300, 52).astype(float), date(2026, 10, 12))
    sparse = forecast_series(("KAZ", "KAZ-ALA", "KGZ"), np.zeros(52), date(2026, 10, 12))
    frame = forecast_frame([made, sparse], on).set_index("nationality")
    assert frame.forecast_week.tolist() == ["2027-01-04", "2027-01-04"]
    assert made.weeks[-1] == date(2027, 1, 4)  # the week the made forecast's figures are for
    assert pd.isna(frame.forecast_median["KGZ"]) and frame.forecast_note["KGZ"]


def test_enough_people_without_the_evidence_at_the_threshold_is_not_current():
    held = scores(26.0, False)
    held.eligible.iloc[-1] = True  # 1.3 times expected, but the CUSUM is at 2, not 10
    (alert,) = surges_from_scores(held, LAST)
    assert alert.status_text == f"carried from {MET_DAY.isoformat()}"
