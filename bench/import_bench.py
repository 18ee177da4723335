"""Bulk import: crossings per second into SQLite and PostgreSQL, against a bare COPY.

Usage: python bench/import_bench.py [--rows 100000] [--postgres URL] [--repeat 3]
The peer is PostgreSQL's COPY of the same rows (same columns as the import file) into a plain
table with no keys: the fastest way rows get into that server. Target (issue 3): the import
runs at least half as fast as bare COPY. Import and COPY take turns `--repeat` times and the
best time of each counts, so a busy shared machine skews the ratio less.
"""

from __future__ import annotations

import argparse
import io
import json
import os
import tempfile
import time
import uuid
from datetime import UTC, datetime, timedelta
from pathlib import Path

import psycopg
import pyarrow as pa
import pyarrow.parquet as pq
from sqlalchemy import create_engine, text
from uuid6 import uuid7

from rmis.registry.database import open_database
from rmis.registry.importing import import_crossings

START = datetime(2025, 1, 1, 6, 0, tzinfo=UTC)
BCPS = ["KAZ-ALA", "KAZ-DOSTYK-ROAD", "UZB-TAS", "KGZ-FRU", "TJK-DYU", "KAZ-KORDAI-ROAD"]


def make_rows(n: int) -> list[dict[str, object]]:
    """n crossings: travellers entering and, a week later, leaving, across six BCPs."""
    rows = []
    for i in range(n):
        person, leg = divmod(i, 2)
        rows.append({
            "crossing_id": str(uuid7()), "direction": "exit" if leg else "entry",
            "bcp": BCPS[person % len(BCPS)],
            "occurred_at": START + timedelta(minutes=person, days=7 * leg),
            "issuing_state": "UZB", "document_number": f"FA{person:07d}", "document_type": "P",
            "surname": "KARIMOV", "given_names": "AZIZ", "nationality": "UZB",
            "sex": "M", "purpose": "business", "officer": "officer.1",
        })  # fmt: skip
    return rows


def timed_import(url: str, path: Path) -> float:
    engine = open_database(url)
    t0 = time.perf_counter()
    summary = import_crossings(engine, path, io.StringIO(), now=datetime.now(UTC))
    elapsed = time.perf_counter() - t0
    engine.dispose()
    assert summary.recorded == summary.rows, summary
    return elapsed


def timed_postgres_import(url: str, path: Path) -> float:
    """The import into a fresh schema of its own, dropped afterwards."""
    schema = f"rmis_bench_{uuid.uuid4().hex[:8]}"
    admin = create_engine(url)
    with admin.begin() as connection:
        connection.execute(text(f'CREATE SCHEMA "{schema}"'))
    try:
        sep = "&" if "?" in url else "?"
        return timed_import(f"{url}{sep}options=-csearch_path%3D{schema}", path)
    finally:
        with admin.begin() as connection:
            connection.execute(text(f'DROP SCHEMA "{schema}" CASCADE'))
        admin.dispose()


def bare_copy(url: str, rows: list[dict[str, object]]) -> float:
    plain = url.replace("postgresql+psycopg://", "postgresql://")
    columns = list(rows[0])
    table = f"bench_copy_{uuid.uuid4().hex[:8]}"
    with psycopg.connect(plain, autocommit=True) as connection:
        connection.execute(
            f"CREATE TABLE {table} ("
            + ", ".join(f"{c} timestamptz" if c == "occurred_at" else f"{c} text" for c in columns)
            + ")"
        )
        try:
            t0 = time.perf_counter()
            with (
                connection.cursor() as cursor,
                cursor.copy(f"COPY {table} ({', '.join(columns)}) FROM STDIN") as copy,
            ):
                for row in rows:
                    copy.write_row([row[c] for c in columns])
            elapsed = time.perf_counter() - t0
        finally:
            connection.execute(f"DROP TABLE {table}")
    return elapsed


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--rows", type=int, default=100_000)
    parser.add_argument("--postgres", default=os.environ.get("RMIS_TEST_POSTGRES_URL"))
    parser.add_argument("--repeat", type=int, default=3)
    args = parser.parse_args()
    rows = make_rows(args.rows)
    results: dict[str, object] = {"rows": args.rows}
    with tempfile.TemporaryDirectory() as tmp:
        path = Path(tmp) / "crossings.parquet"
        pq.write_table(pa.Table.from_pylist(rows), path)
        sqlite_s = timed_import(f"sqlite:///{Path(tmp) / 'bench.sqlite3'}", path)
        results["sqlite_import_per_s"] = round(args.rows / sqlite_s)
        if args.postgres:
            pg_s = copy_s = float("inf")
            for _ in range(args.repeat):
                pg_s = min(pg_s, timed_postgres_import(args.postgres, path))
                copy_s = min(copy_s, bare_copy(args.postgres, rows))
            results["postgresql_import_per_s"] = round(args.rows / pg_s)
            results["peer_bare_copy_per_s"] = round(args.rows / copy_s)
            results["import_over_copy"] = round(copy_s / pg_s, 3)
    print(json.dumps(results, indent=2))


if __name__ == "__main__":
    main()
