"""What the import tests share: rows written as a CSV file and imported, with the report read
back."""

from __future__ import annotations

import csv
import io
from datetime import datetime

from rmis.registry import import_crossings


def import_rows(engine, tmp_path, rows: list[dict[str, str]], now: datetime,
                name: str = "c.csv", **kw):  # fmt: skip
    """(the import's summary, the report's rows) for `rows` written as the file `name`."""
    path = tmp_path / name
    with path.open("w", newline="", encoding="utf-8") as f:
        writer = csv.DictWriter(f, fieldnames=list(rows[0]))
        writer.writeheader()
        writer.writerows(rows)
    report = io.StringIO()
    summary = import_crossings(engine, path, report, now=now, **kw)
    return summary, list(csv.DictReader(io.StringIO(report.getvalue())))
