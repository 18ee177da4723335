"""Bulk import: crossings per second into SQLite and PostgreSQL, against two COPY peers.

Usage: python bench/import_bench.py [--rows 100000] [--postgres URL] [--repeat 3]

The peers, both PostgreSQL's COPY into the same server as the import:
- bare COPY (`peer_bare_copy_per_s`, ratio `import_over_bare_copy`): the same rows, in the
  columns of the import file, into a plain table of text columns with no keys and no indexes.
  The fastest way these rows get into that server at all; the issue's target (issue 3) is the
  import at least half as fast as this.
- COPY into the record (`peer_copy_into_record_per_s`, ratio `import_over_copy_into_record`):
  the same crossings already resolved to their document and traveller (those rows loaded
  beforehand, outside the timing) and with their BCP's state, mode and local date, into the
  `crossings` table of a freshly migrated schema with all its keys, foreign keys and indexes.
  The database's own floor for storing these rows in the record; the import does that plus
  reading, checking, resolving documents, skipping what is already recorded and flagging.

Import and the peers take turns `--repeat` times and the best time of each counts, so a busy
shared machine skews the ratios less. Times include the commit.
"""

from __future__ import annotations

import argparse
import io
import json
import os
import tempfile
import time
import uuid
from collections.abc import Callable
from datetime import UTC, datetime, timedelta
from pathlib import Path

import psycopg
import pyarrow as pa
import pyarrow.parquet as pq
from sqlalchemy import create_engine, text
from uuid6 import uuid7

from rmis.registry.importing import import_crossings
from rmis.registry.recording import load_reference_facts, local_date_of
from rmis.store.database import open_database

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


def in_fresh_schema(url: str, timed: Callable[[str], float]) -> float:
    """`timed` run on a URL whose tables go to a fresh schema of their own, dropped afterwards."""
    schema = f"rmis_bench_{uuid.uuid4().hex[:8]}"
    admin = create_engine(url)
    with admin.begin() as connection:
        connection.execute(text(f'CREATE SCHEMA "{schema}"'))
    try:
        sep = "&" if "?" in url else "?"
        return timed(f"{url}{sep}options=-csearch_path%3D{schema}")
    finally:
        with admin.begin() as connection:
            connection.execute(text(f'DROP SCHEMA "{schema}" CASCADE'))
        admin.dispose()


DOCUMENT_COLUMNS = (
    "id", "issuing_state", "number", "document_type", "traveller_id", "surname", "given_names",
    "nationality", "sex", "first_seen_at",
)  # fmt: skip
CROSSING_COLUMNS = (
    "id", "direction", "bcp_code", "host_state", "occurred_at", "local_date", "document_id",
    "traveller_id", "nationality", "purpose", "mode", "outcome", "refusal_reason", "officer",
    "mrz_valid", "recorded_at",
)  # fmt: skip


def copy_into_record(url: str, rows: list[dict[str, object]]) -> float:
    """COPY of the crossings into the record's own table; travellers and documents first,
    untimed. `url` names a fresh schema."""
    engine = open_database(url)  # migrated: every key, foreign key and index of the record
    with engine.connect() as connection:
        reference = load_reference_facts(connection)
    engine.dispose()
    now = datetime.now(UTC)
    documents: dict[tuple[object, object, object], tuple[uuid.UUID, uuid.UUID]] = {}
    travellers, document_rows, crossing_rows = [], [], []
    for row in rows:
        key = (row["issuing_state"], row["document_number"], row["document_type"])
        if key not in documents:
            documents[key] = (uuid7(), uuid7())
            document_id, traveller_id = documents[key]
            travellers.append((traveller_id, now))
            facts = (row["surname"], row["given_names"], row["nationality"], row["sex"], now)
            document_rows.append((document_id, *key, traveller_id, *facts))
        document_id, traveller_id = documents[key]
        bcp = reference.bcps[str(row["bcp"])]
        occurred_at = row["occurred_at"]
        assert isinstance(occurred_at, datetime)
        crossing_rows.append((
            row["crossing_id"], row["direction"], bcp.code, bcp.state, occurred_at,
            local_date_of(occurred_at, bcp), document_id, traveller_id, row["nationality"],
            row["purpose"], bcp.mode, "admitted", None, row["officer"], True, now,
        ))  # fmt: skip
    plain = url.replace("postgresql+psycopg://", "postgresql://")
    with psycopg.connect(plain) as connection:
        with connection.cursor() as cursor:
            copy_rows(cursor, "travellers (id, created_at)", travellers)
            copy_rows(cursor, f"documents ({', '.join(DOCUMENT_COLUMNS)})", document_rows)
        connection.commit()
        t0 = time.perf_counter()
        with connection.cursor() as cursor:
            copy_rows(cursor, f"crossings ({', '.join(CROSSING_COLUMNS)})", crossing_rows)
        connection.commit()
        elapsed = time.perf_counter() - t0
        stored = connection.execute("SELECT count(*) FROM crossings").fetchone()
        assert stored is not None and stored[0] == len(rows), stored
    return elapsed


def copy_rows(cursor: psycopg.Cursor, into: str, rows: list[tuple[object, ...]]) -> None:
    with cursor.copy(f"COPY {into} FROM STDIN") as copy:
        for row in rows:
            copy.write_row(row)


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
            pg_s = copy_s = record_s = float("inf")
            for _ in range(args.repeat):
                pg_s = min(pg_s, in_fresh_schema(args.postgres, lambda u: timed_import(u, path)))
                copy_s = min(copy_s, bare_copy(args.postgres, rows))
                record_s = min(
                    record_s, in_fresh_schema(args.postgres, lambda u: copy_into_record(u, rows))
                )
            results["postgresql_import_per_s"] = round(args.rows / pg_s)
            results["peer_bare_copy_per_s"] = round(args.rows / copy_s)
            results["peer_copy_into_record_per_s"] = round(args.rows / record_s)
            results["import_over_bare_copy"] = round(copy_s / pg_s, 3)
            results["import_over_copy_into_record"] = round(record_s / pg_s, 3)
    print(json.dumps(results, indent=2))


if __name__ == "__main__":
    main()
