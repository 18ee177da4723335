"""The period the warehouse holds data for: the first and the last local date of its crossings.

Cheap by design, since every analysis asks it before it starts: the manifest names the months
each file holds, so only the files of the first and of the last month are opened, and only
their footers (the min and max statistics PyArrow writes for every row group). A file written
without statistics has its local_date column read instead.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date
from pathlib import Path

import pyarrow.compute as pc
import pyarrow.parquet as pq

from rmis.warehouse import read_manifest

COLUMN = "local_date"


@dataclass(frozen=True, slots=True)
class DataPeriod:
    first: date
    last: date

    def holds(self, day: date) -> bool:
        return self.first <= day <= self.last

    def outside(self, day: date) -> str | None:
        """Why `day` lies outside the data, in words; None when it lies within."""
        if day > self.last:
            return (
                f"{day.isoformat()} is after the last day with data ({self.last.isoformat()}); "
                "figures after it are not known"
            )
        if day < self.first:
            return (
                f"{day.isoformat()} is before the first day with data "
                f"({self.first.isoformat()}); figures before it are not known"
            )
        return None


def data_period(root: Path) -> DataPeriod | None:
    """The first and last local_date of the crossings in the warehouse at `root`; None when it
    holds no crossings."""
    manifest = read_manifest(root)
    months = sorted({(p.year, p.month) for p in manifest.partitions})
    if not months:
        return None

    def files_of(month: tuple[int, int]) -> list[Path]:
        return [
            root / f
            for p, files in manifest.partitions.items()
            if (p.year, p.month) == month
            for f in files
        ]

    firsts = [b[0] for b in map(_bounds, files_of(months[0])) if b]
    lasts = [b[1] for b in map(_bounds, files_of(months[-1])) if b]
    if not firsts or not lasts:
        return None
    return DataPeriod(min(firsts), max(lasts))


def _bounds(path: Path) -> tuple[date, date] | None:
    """The least and greatest local_date in one Parquet file, from its footer when it can."""
    metadata = pq.ParquetFile(path).metadata
    names = [metadata.schema.column(i).path for i in range(metadata.num_columns)]
    column = names.index(COLUMN)
    lows, highs = [], []
    for group in range(metadata.num_row_groups):
        chunk = metadata.row_group(group)
        if chunk.num_rows == 0:
            continue
        statistics = chunk.column(column).statistics
        if statistics is None or not statistics.has_min_max:
            return _read_bounds(path)
        lows.append(statistics.min)
        highs.append(statistics.max)
    if not lows:
        return None
    return min(lows), max(highs)


def _read_bounds(path: Path) -> tuple[date, date] | None:
    values = pq.read_table(path, columns=[COLUMN]).column(COLUMN)
    bounds = pc.min_max(values)
    low, high = bounds["min"].as_py(), bounds["max"].as_py()
    return None if low is None else (low, high)
