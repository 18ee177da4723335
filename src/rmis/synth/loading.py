"""Loading a written synthetic region into the record: its crossings, then its permits."""

from __future__ import annotations

from collections.abc import Callable
from datetime import datetime
from pathlib import Path

import pyarrow.parquet as pq
from sqlalchemy import Engine

from rmis.registry import ImportSummary, PermitImportSummary, import_crossings, import_permits

IMPORTER = "rmis synth"


def load_region(
    engine: Engine,
    out: Path,
    *,
    now: datetime,
    on_progress: Callable[[int], None] = lambda rows: None,
) -> tuple[ImportSummary, PermitImportSummary]:
    """Import DIR/crossings.parquet and DIR/permits.parquet. Safe to run again."""
    report = out / "crossings.rejected.csv"
    with report.open("w", newline="", encoding="utf-8") as rejects:
        crossings = import_crossings(engine, out / "crossings.parquet", rejects, now=now,
                                     importer=IMPORTER, on_progress=on_progress)  # fmt: skip
    permit_rows = pq.read_table(out / "permits.parquet").to_pylist()
    permits = import_permits(engine, permit_rows, now=now, importer=IMPORTER)
    return crossings, permits
