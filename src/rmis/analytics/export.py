"""Writing analysis results: CSV, JSON, Parquet, Excel, SDMX-CSV; small cells suppressed."""

from __future__ import annotations

from pathlib import Path

import pandas as pd

FORMATS = ("table", "csv", "json", "parquet", "excel", "sdmx")


def suppress_small(frame: pd.DataFrame, people: str, counts: list[str], k: int) -> pd.DataFrame:
    """Cells of fewer than `k` people (column `people`) keep their keys but lose every count."""
    out = frame.copy()
    small = out[people] < k
    for column in [people, *counts]:
        out[column] = out[column].astype("Float64").mask(small)
    return out


def to_sdmx_csv(frame: pd.DataFrame, dataflow: str, measures: list[str]) -> pd.DataFrame:
    """SDMX-CSV (version 1): a DATAFLOW column, the dimensions, then one row per measure with
    MEASURE and OBS_VALUE."""
    dimensions = [c for c in frame.columns if c not in measures]
    long = frame.melt(id_vars=dimensions, value_vars=measures, var_name="MEASURE",
                      value_name="OBS_VALUE")  # fmt: skip
    long.insert(0, "DATAFLOW", dataflow)
    long.columns = [c.upper() for c in long.columns]
    return long


def write(
    frame: pd.DataFrame, fmt: str, out: Path | None, dataflow: str, measures: list[str]
) -> str | None:
    """Write `frame` to `out` in `fmt`; CSV, JSON and SDMX-CSV go to the returned text when no
    file is given."""
    if fmt == "sdmx":
        frame, fmt = to_sdmx_csv(frame, dataflow, measures), "csv"
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
