"""Imports leave the record with fresh planner statistics (ANALYZE), and the permit import finds
the holders of documents of several issuing states in one batch."""

from __future__ import annotations

import csv
import io
from datetime import UTC, date, datetime

from sqlalchemy import func, select, text

from rmis.registry import import_crossings, import_permits
from rmis.store.schema import permits

NOW = datetime(2026, 11, 23, tzinfo=UTC)


def crossing(i: int, state: str) -> dict[str, str]:
    return {
        "crossing_id": f"0190f2c6-0000-7000-8000-{i:012d}", "direction": "entry",
        "bcp": "KAZ-ALA", "occurred_at": f"2026-06-01T{8 + i % 10:02d}:00:00+00:00",
        "issuing_state": state, "document_number": f"N{i:07d}", "surname": f"SURNAME{i}",
        "given_names": "TEST", "nationality": state, "birth_date": "1990-04-12", "sex": "M",
        "expiry_date": "2030-01-01", "purpose": "work", "officer": "officer.1",
    }  # fmt: skip


def analysed_tables(engine) -> set[str]:
    with engine.connect() as connection:
        if engine.dialect.name == "sqlite":
            return set(connection.scalars(text("SELECT DISTINCT tbl FROM sqlite_stat1")))
        query = text(
            "SELECT relname FROM pg_stat_user_tables WHERE schemaname = current_schema() "
            "AND (last_analyze IS NOT NULL OR last_autoanalyze IS NOT NULL)"
        )
        return set(connection.scalars(query))


def test_imports_refresh_statistics_and_find_holders_of_every_state(engine, tmp_path):
    rows = [crossing(i, state) for i, state in enumerate(["UZB", "KGZ", "TJK"] * 4)]
    path = tmp_path / "crossings.csv"
    with path.open("w", newline="", encoding="utf-8") as f:
        writer = csv.DictWriter(f, fieldnames=list(rows[0]))
        writer.writeheader()
        writer.writerows(rows)
    assert import_crossings(engine, path, io.StringIO(), now=NOW).recorded == len(rows)
    assert {"crossings", "documents"} <= analysed_tables(engine)

    held = [
        {"issuing_state": r["issuing_state"], "document_number": r["document_number"],
         "host_state": "KAZ", "kind": "work", "valid_from": date(2026, 6, 1),
         "valid_to": date(2027, 5, 31)}
        for r in rows
    ]  # fmt: skip
    held.append({**held[0], "issuing_state": "KGZ"})  # KGZ holds no N0000000
    summary = import_permits(engine, held, now=NOW)
    assert (summary.recorded, summary.unknown_document) == (len(rows), 1)
    with engine.connect() as connection:
        assert connection.scalar(select(func.count()).select_from(permits)) == len(rows)
    assert "permits" in analysed_tables(engine)
