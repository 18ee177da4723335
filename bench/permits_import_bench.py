"""The permit import per row against the crossings' import per row, on one record, in one run;
and the holder lookup as it was (2,000 (issuing state, number) pairs in one IN list) against
the lookup per issuing state.

    python bench/permits_import_bench.py [--rows 50000] [--postgres URL]

Crossings: `--rows` crossings, eight on each document (in and out in turn; five issuing
states), imported with rmis.registry.import_crossings from Parquet. Permits: one per document,
imported with rmis.registry.import_permits. Target (issue 19): permits within 2x of crossings
per row.
Prints JSON.
"""

from __future__ import annotations

import argparse
import io
import json
import os
import random
import tempfile
import time
import uuid
from datetime import UTC, date, datetime, timedelta
from pathlib import Path

import pyarrow as pa
import pyarrow.parquet as pq
from sqlalchemy import create_engine, select, text, tuple_
from uuid6 import uuid7

from rmis.registry import import_crossings, import_permits
from rmis.store import open_database
from rmis.store.schema import documents

NOW = datetime(2026, 11, 30, tzinfo=UTC)
STATES = ("UZB", "KGZ", "TJK", "RUS", "CHN")
# As in the synthetic region (1,049,691 crossings on 124,367 documents: 8.4 each).
CROSSINGS_PER_DOCUMENT = 8


def crossing_rows(n: int) -> pa.Table:
    start = datetime(2026, 1, 1, 6, tzinfo=UTC)
    rows = []
    for i in range(n):
        d, k = divmod(i, CROSSINGS_PER_DOCUMENT)  # a document crosses in and out in turn
        rows.append({
            "crossing_id": str(uuid7()), "direction": "exit" if k % 2 else "entry",
            "bcp": "KAZ-ALA", "occurred_at": start + timedelta(days=3 * k, minutes=d),
            "issuing_state": STATES[d % 5], "document_number": f"P{d:08d}",
            "document_type": "P", "surname": f"SURNAME{d}", "given_names": "TEST",
            "nationality": STATES[d % 5], "birth_date": date(1990, 1, 1), "sex": "M",
            "purpose": "work", "officer": "officer.1",
        })  # fmt: skip
    return pa.Table.from_pylist(rows)


def permit_rows(n: int) -> list[dict]:
    return [
        {"issuing_state": STATES[i % 5], "document_number": f"P{i:08d}", "host_state": "KAZ",
         "kind": "work", "valid_from": date(2026, 1, 1), "valid_to": date(2026, 12, 31)}
        for i in range(n)
    ]  # fmt: skip


def lookups(engine, n: int) -> dict:
    """The holder lookup of 2,000 random documents: pairs IN (before) and per state (now)."""
    rng = random.Random(1)
    keys = {(STATES[i % 5], f"P{i:08d}") for i in rng.sample(range(n), min(n, 2000))}
    started = time.perf_counter()
    with engine.connect() as connection:
        before = connection.execute(
            select(documents.c.issuing_state, documents.c.number, documents.c.traveller_id).where(
                tuple_(documents.c.issuing_state, documents.c.number).in_(keys)
            )
        ).all()
    pairs_seconds = time.perf_counter() - started
    from rmis.registry.permit_import import _holders

    started = time.perf_counter()
    with engine.connect() as connection:
        now = _holders(connection, keys)
    per_state_seconds = time.perf_counter() - started
    assert len(before) == len(now) == len(keys)
    return {
        "pairs_in_list_ms": round(pairs_seconds * 1000, 1),
        "per_state_ms": round(per_state_seconds * 1000, 1),
        "before_over_now": round(pairs_seconds / per_state_seconds, 1),
    }


def bench(url: str, n: int, scratch: Path) -> dict:
    engine = open_database(url)
    path = scratch / f"crossings-{uuid.uuid4().hex}.parquet"
    pq.write_table(crossing_rows(n), path)
    started = time.perf_counter()
    done = import_crossings(engine, path, io.StringIO(), now=NOW)
    crossings_seconds = time.perf_counter() - started
    assert done.recorded == n, done
    held = permit_rows(-(-n // CROSSINGS_PER_DOCUMENT))  # one permit per document
    started = time.perf_counter()
    imported = import_permits(engine, held, now=NOW)
    permits_seconds = time.perf_counter() - started
    assert imported.recorded == len(held), imported
    per_crossing, per_permit = crossings_seconds / n, permits_seconds / len(held)
    figures = {
        "crossings": n,
        "permits": len(held),
        "crossings_per_s": round(1 / per_crossing),
        "permits_per_s": round(1 / per_permit),
        "permit_row_over_crossing_row": round(per_permit / per_crossing, 2),
        "holder_lookup_2000": lookups(engine, len(held)),
    }
    engine.dispose()
    return figures


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--rows", type=int, default=50_000)
    parser.add_argument("--postgres", default=os.environ.get("RMIS_TEST_POSTGRES_URL"))
    args = parser.parse_args()
    results: dict[str, object] = {"load_average": os.getloadavg()}
    with tempfile.TemporaryDirectory() as tmp:
        results["sqlite"] = bench(f"sqlite:///{Path(tmp) / 'bench.sqlite3'}", args.rows, Path(tmp))
        if args.postgres:
            schema = f"rmis_bench_{uuid.uuid4().hex[:8]}"
            admin = create_engine(args.postgres)
            with admin.begin() as connection:
                connection.execute(text(f'CREATE SCHEMA "{schema}"'))
            try:
                sep = "&" if "?" in args.postgres else "?"
                url = f"{args.postgres}{sep}options=-csearch_path%3D{schema}"
                results["postgresql"] = bench(url, args.rows, Path(tmp))
            finally:
                with admin.begin() as connection:
                    connection.execute(text(f'DROP SCHEMA "{schema}" CASCADE'))
    print(json.dumps(results, indent=1))


if __name__ == "__main__":
    main()
