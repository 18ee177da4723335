"""Exports: SDMX-CSV shape (dataflow reference, TIME_PERIOD, confidential cells) and suppression."""

import io
import re
from datetime import date

import pandas as pd
from hypothesis import given
from hypothesis import strategies as st

from rmis.analytics.export import suppress_small, write

MEASURES = ["entries", "exits"]


def flows(periods: dict[str, list[date]], entries: list[int], exits: list[int]) -> pd.DataFrame:
    frame = pd.DataFrame({"corridor": [f"C{i}" for i in range(len(entries))]})
    for name, days in periods.items():
        frame[name] = days
    frame["entries"], frame["exits"] = entries, exits
    return frame


def sdmx(frame: pd.DataFrame, measures=MEASURES, confidential=None) -> pd.DataFrame:
    text = write(frame, "sdmx", None, "RMIS_FLOWS", measures, confidential)
    return pd.read_csv(io.StringIO(text), dtype=str, keep_default_na=False)


def test_the_dataflow_is_referenced_by_agency_id_and_version():
    out = sdmx(flows({"month": [date(2026, 3, 1)]}, [3], [2]))
    assert list(out.columns) == [
        "DATAFLOW", "CORRIDOR", "TIME_PERIOD", "MEASURE", "OBS_VALUE", "CONF_STATUS",
    ]  # fmt: skip
    assert set(out.DATAFLOW) == {"RMIS:RMIS_FLOWS(1.0)"}
    assert re.fullmatch(r"[A-Z][A-Z0-9_]*:[A-Z][A-Z0-9_]*\(\d+\.\d+\)", out.DATAFLOW[0])


def test_each_period_is_written_the_sdmx_way():
    day = date(2026, 3, 2)  # a Monday, in ISO week 10
    expected = {"day": "2026-03-02", "week": "2026-W10", "month": "2026-03", "year": "2026"}
    for period, written in expected.items():
        out = sdmx(flows({period: [day]}, [1], [1]))
        assert set(out.TIME_PERIOD) == {written}, period


def test_two_periods_stay_dimensions_of_their_own():
    out = sdmx(flows({"month": [date(2026, 3, 1)], "year": [date(2026, 1, 1)]}, [1], [1]))
    assert "TIME_PERIOD" not in out.columns
    assert {"MONTH", "YEAR"} <= set(out.columns)


def test_suppressed_cells_are_confidential_and_empty_and_counts_stay_whole():
    frame = flows({"month": [date(2026, 3, 1)] * 3}, [1, 40, 50], [0, 30, 20])
    frame["travellers"] = [1, 41, 52]
    small = suppress_small(frame, "travellers", MEASURES, 2)
    out = sdmx(small, [*MEASURES, "travellers"], small.travellers.isna())
    # C0 is small; C1 goes with it (secondary), or the total would give C0 away.
    hidden = out[out.CORRIDOR.isin(["C0", "C1"])]
    assert set(hidden.OBS_VALUE) == {""} and set(hidden.CONF_STATUS) == {"C"}
    shown = out[out.CORRIDOR == "C2"].set_index("MEASURE")
    assert shown.OBS_VALUE.to_dict() == {"entries": "50", "exits": "20", "travellers": "52"}
    assert set(shown.CONF_STATUS) == {"F"}


@given(
    st.lists(
        st.tuples(st.integers(0, 10**6), st.integers(0, 10**6), st.dates(date(2000, 1, 1))),
        min_size=1,
        max_size=20,
    )
)
def test_sdmx_pivoted_back_is_the_frame(rows):
    frame = flows(
        {"day": [day for _, _, day in rows]}, [e for e, _, _ in rows], [x for _, x, _ in rows]
    )
    out = sdmx(frame)
    back = out.pivot(index=["CORRIDOR", "TIME_PERIOD"], columns="MEASURE", values="OBS_VALUE")
    assert len(out) == 2 * len(frame)
    for row in frame.itertuples():
        cell = back.loc[(row.corridor, row.day.isoformat())]
        assert (int(cell.entries), int(cell.exits)) == (row.entries, row.exits)
