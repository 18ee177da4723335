"""Writing analysis results: CSV, JSON, Parquet, Excel, SDMX-CSV; small cells suppressed."""

from __future__ import annotations

from pathlib import Path

import numpy as np
import pandas as pd

from rmis.analytics.disclosure import suppress

FORMATS = ("table", "csv", "json", "parquet", "excel", "sdmx")
SDMX_AGENCY = "RMIS"
SDMX_VERSION = "1.0"
# How SDMX writes each period an analysis can cut by (ISO 8601, weeks as 2026-W09).
_SDMX_PERIODS = {"day": "%Y-%m-%d", "week": "%G-W%V", "month": "%Y-%m", "year": "%Y"}


def suppress_small(frame: pd.DataFrame, people: str, counts: list[str], k: int) -> pd.DataFrame:
    """Cells of fewer than `k` people (column `people`) keep their keys but lose every count,
    and so do the cells that keep them from being worked out of totals (disclosure.py)."""
    return suppress(frame, people, counts, k)


def to_sdmx_csv(
    frame: pd.DataFrame, dataflow: str, measures: list[str], confidential: pd.Series | None = None
) -> pd.DataFrame:
    """SDMX-CSV (version 1): DATAFLOW (agency:id(version)), the dimensions, the period as
    TIME_PERIOD when the frame is cut by exactly one, one row per measure with MEASURE and
    OBS_VALUE, and CONF_STATUS: C for the rows `confidential` marks (suppressed), F (free)
    otherwise."""
    wide = frame.copy()
    dimensions = [c for c in wide.columns if c not in measures]
    periods = [c for c in dimensions if c in _SDMX_PERIODS]
    if len(periods) == 1:
        (period,) = periods
        wide[period] = pd.to_datetime(wide[period]).dt.strftime(_SDMX_PERIODS[period])
        wide = wide.rename(columns={period: "TIME_PERIOD"})
        dimensions[dimensions.index(period)] = "TIME_PERIOD"
    wide["_suppressed"] = False if confidential is None else confidential.to_numpy()
    long = wide.melt(id_vars=[*dimensions, "_suppressed"], value_vars=measures,
                     var_name="MEASURE", value_name="OBS_VALUE")  # fmt: skip
    missing = long["OBS_VALUE"].isna()
    long["CONF_STATUS"] = np.where(long.pop("_suppressed") & missing, "C", "F")
    # Measures of different types share OBS_VALUE: counts stay whole numbers.
    long["OBS_VALUE"] = pd.Series(
        [
            None if gone else int(v) if float(v).is_integer() else float(v)
            for v, gone in zip(long["OBS_VALUE"], missing, strict=True)
        ],
        index=long.index,
        dtype=object,
    )
    long.insert(0, "DATAFLOW", f"{SDMX_AGENCY}:{dataflow}({SDMX_VERSION})")
    long.columns = [c.upper() for c in long.columns]
    return long


def write(
    frame: pd.DataFrame,
    fmt: str,
    out: Path | None,
    dataflow: str,
    measures: list[str],
    confidential: pd.Series | None = None,
) -> str | None:
    """Write `frame` to `out` in `fmt`; CSV, JSON and SDMX-CSV go to the returned text when no
    file is given. `confidential` marks the rows whose cells were suppressed."""
    if fmt == "sdmx":
        frame, fmt = to_sdmx_csv(frame, dataflow, measures, confidential), "csv"
    if fmt in ("parquet", "excel") and out is None:
        raise ValueError(f"--format {fmt} needs --out FILE")
    if fmt == "parquet":
        frame.to_parquet(out, index=False)
    elif fmt == "excel":
        frame.to_excel(out, index=False, sheet_name=dataflow[:31])
    elif fmt == "csv":
        text = frame.to_csv(index=False, date_format="%Y-%m-%d")
        return _text_or_file(text, out)
    elif fmt == "json":
        text = frame.to_json(orient="records", date_format="iso", indent=1)
        return _text_or_file(text, out)
    return None


def _text_or_file(text: str, out: Path | None) -> str | None:
    if out is None:
        return text
    out.write_text(text, encoding="utf-8")
    return None
