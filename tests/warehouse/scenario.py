"""Small registries for warehouse and analytics tests, recorded through the bulk import."""

from __future__ import annotations

import csv
import io
from dataclasses import dataclass, field
from datetime import UTC, date, datetime, timedelta
from pathlib import Path

from sqlalchemy import Engine
from uuid6 import uuid7

from rmis.registry.importing import import_crossings

NOW = datetime(2026, 12, 31, tzinfo=UTC)


@dataclass
class Person:
    number: str
    nationality: str
    issuing_state: str = ""
    birth_date: date = date(1990, 5, 1)
    sex: str = "M"
    rows: list[dict[str, str]] = field(default_factory=list)

    def cross(
        self, direction: str, bcp: str, day: date, purpose: str = "tourism", hour: int = 8
    ) -> str:
        """Add a crossing at `hour` UTC on `day`; its id."""
        crossing_id = str(uuid7())
        at = datetime(day.year, day.month, day.day, hour, tzinfo=UTC)
        self.rows.append(
            {
                "crossing_id": crossing_id,
                "direction": direction,
                "bcp": bcp,
                "occurred_at": at.isoformat(),
                "issuing_state": self.issuing_state or self.nationality,
                "document_number": self.number,
                "surname": "TESTOV",
                "given_names": "TEST",
                "nationality": self.nationality,
                "birth_date": self.birth_date.isoformat(),
                "sex": self.sex,
                "purpose": purpose,
                "officer": "officer.1",
            }
        )
        return crossing_id

    def stay(
        self, entry_bcp: str, entry: date, days: int, exit_bcp: str | None = None, **kw
    ) -> None:
        """Enter on `entry` and leave `days` days later (the same day when days is 0)."""
        self.cross("entry", entry_bcp, entry, **kw)
        self.cross("exit", exit_bcp or entry_bcp, entry + timedelta(days=days), hour=9, **kw)


def record(engine: Engine, tmp_path: Path, people: list[Person]) -> None:
    rows = sorted((r for p in people for r in p.rows), key=lambda r: r["occurred_at"])
    path = tmp_path / f"import-{uuid7().hex}.csv"
    with path.open("w", newline="", encoding="utf-8") as f:
        writer = csv.DictWriter(f, fieldnames=list(rows[0]))
        writer.writeheader()
        writer.writerows(rows)
    summary = import_crossings(engine, path, io.StringIO(), now=NOW)
    assert summary.rejected == 0, summary
    for person in people:
        person.rows.clear()
