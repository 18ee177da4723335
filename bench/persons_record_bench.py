"""What linking a new document costs the crossing that brings it: p50/p99 of recording a crossing
with a document not seen before, linked (rules, blocking, the shipped model, person_links) and
with linking switched off (the peer: the record as it was before people were linked), in the
same run, on a record of a few hundred thousand documents; SQLite and PostgreSQL.

Usage: python bench/persons_record_bench.py [--documents 300000] [--n 1000] [--postgres URL]

The record is loaded through the bulk import with linking switched off (its documents only
matter as candidates). The new documents are a mix: mostly new people (random names and birth
dates, so blocking finds the record's people born that day), a fifth renewals of a passport on
record (the previous number: a certain link), a tenth the same holder as a document on record
under another number (the model's automatic link or the review queue). The two variants take
turns crossing by crossing, so a busy machine slows both alike. Target (issue 11): linking adds
at most 5 ms to the p99. A crossing on a document seen before asks linking nothing (that path
runs no statement more: `statements_known_document`, counted with and without linking).
"""

from __future__ import annotations

import argparse
import io
import json
import os
import random
import statistics
import tempfile
import time
import uuid
from datetime import UTC, date, datetime, timedelta
from pathlib import Path

import pyarrow as pa
import pyarrow.parquet as pq
from sqlalchemy import create_engine, event, text
from uuid6 import uuid7

from rmis.persons import current_linker, switched_off
from rmis.registry import (
    Direction,
    DocumentSeen,
    NewCrossing,
    Purpose,
    import_crossings,
    load_reference_facts,
    record_crossings,
)
from rmis.security import Principal, Role
from rmis.store.database import open_database

OFFICER = Principal("bench.officer", Role.BORDER_OFFICER, "KAZ", frozenset({"KAZ-ALA"}))
START = datetime(2025, 1, 1, 6, 0, tzinfo=UTC)
ROOTS = [
    "ABDULL",
    "KARIM",
    "RAKHIM",
    "YUSUP",
    "TOKH",
    "NAZAR",
    "SAID",
    "ISMAIL",
    "ORAZ",
    "BEK",
    "ASKAR",
    "DAUL",
    "ERMEK",
    "ZHAN",
    "MURAT",
    "NURL",
    "SERIK",
    "TIMUR",
    "ULUGB",
    "KAMOL",
    "SHAKH",
    "FARKH",
    "ILKH",
    "JAMSH",
    "OTAB",
    "SANJ",
    "BAKHT",
    "DILSH",
    "MIRZ",
    "AZAM",
]
ENDINGS = ["AEV", "OV", "ULY", "ZODA", "BEKOV", "IEV", "ALIEV", "OVA", "AEVA", "KYZY"]
GIVEN = [
    "AZIZ",
    "BOBUR",
    "NURSULTAN",
    "DILNOZA",
    "MADINA",
    "ERLAN",
    "AIGUL",
    "TIMUR",
    "ZARINA",
    "JASUR",
    "GULNARA",
    "RUSTAM",
    "SABINA",
    "OYBEK",
    "KAMILA",
    "ASKAR",
    "LOLA",
    "SHERZOD",
]
STATES = ["UZB", "KAZ", "KGZ", "TJK", "TKM"]


def person(rng: random.Random) -> dict[str, object]:
    return {
        "surname": rng.choice(ROOTS) + rng.choice(ENDINGS),
        "given_names": rng.choice(GIVEN),
        "birth_date": date(1950, 1, 1) + timedelta(days=rng.randrange(365 * 55)),
        "sex": rng.choice("MF"),
        "nationality": (state := rng.choice(STATES)),
        "issuing_state": state,
        "expiry_date": date(2027, 1, 1) + timedelta(days=rng.randrange(3650)),
    }


def record_file(path: Path, documents: int, rng: random.Random) -> list[dict[str, object]]:
    """One entry per document, each a person of their own; returns the documents."""
    rows = []
    for i in range(documents):
        who = person(rng)
        rows.append(
            {
                "crossing_id": str(uuid7()),
                "direction": "entry",
                "bcp": "KAZ-ALA",
                "occurred_at": START + timedelta(seconds=30 * i),
                "document_number": f"R{i:08d}",
                "purpose": "work",
                "officer": "bench",
                **{k: v for k, v in who.items()},
            }
        )
    pq.write_table(pa.Table.from_pylist(rows), path)
    return rows


def new_document(i: int, on_record: list[dict[str, object]], rng: random.Random) -> DocumentSeen:
    kind = rng.random()
    if kind < 0.2:  # a renewal of a passport on record
        old = rng.choice(on_record)
        return DocumentSeen(
            str(old["issuing_state"]),
            f"N{i:08d}",
            "P",
            str(old["surname"]),
            str(old["given_names"]),
            str(old["nationality"]),
            old["birth_date"],
            str(old["sex"]),
            date(2036, 1, 1),
            previous_document_number=str(old["document_number"]),
        )
    if kind < 0.3:  # the same holder under another number
        old = rng.choice(on_record)
        return DocumentSeen(
            str(old["issuing_state"]),
            f"N{i:08d}",
            "P",
            str(old["surname"]),
            str(old["given_names"]),
            str(old["nationality"]),
            old["birth_date"],
            str(old["sex"]),
            old["expiry_date"],
        )
    who = person(rng)
    return DocumentSeen(
        str(who["issuing_state"]),
        f"N{i:08d}",
        "P",
        str(who["surname"]),
        str(who["given_names"]),
        str(who["nationality"]),
        who["birth_date"],
        str(who["sex"]),
        who["expiry_date"],
    )


def crossing(document: DocumentSeen, at: datetime) -> NewCrossing:
    return NewCrossing(uuid7(), Direction.ENTRY, "KAZ-ALA", at, document, Purpose.WORK)


def percentiles(samples_ms: list[float]) -> dict[str, float]:
    ordered = sorted(samples_ms)
    return {
        "p50_ms": round(statistics.median(ordered), 3),
        "p99_ms": round(ordered[max(0, int(len(ordered) * 0.99) - 1)], 3),
    }


def count_statements(engine, call) -> int:
    seen = 0

    def count(*_args) -> None:
        nonlocal seen
        seen += 1

    event.listen(engine, "before_cursor_execute", count)
    try:
        call()
    finally:
        event.remove(engine, "before_cursor_execute", count)
    return seen


def bench(url: str, documents: int, n: int, seed: int) -> dict[str, object]:
    rng = random.Random(seed)
    engine = open_database(url)
    with tempfile.TemporaryDirectory() as tmp:
        path = Path(tmp) / "record.parquet"
        on_record = record_file(path, documents, rng)
        with engine.connect() as connection:
            off = switched_off(current_linker(connection).model)
        t0 = time.perf_counter()
        import_crossings(engine, path, io.StringIO(), now=datetime.now(UTC), linker=off)
        load_s = time.perf_counter() - t0
    with engine.connect() as connection:
        reference = load_reference_facts(connection)
    now = START + timedelta(days=3650)
    at = START + timedelta(days=3000)
    timings: dict[str, list[float]] = {"linking": [], "switched_off": []}
    for i in range(2 * n):
        variant = "linking" if i % 2 == 0 else "switched_off"
        sent = crossing(new_document(i, on_record, rng), at + timedelta(minutes=i))
        t0 = time.perf_counter()
        record_crossings(
            engine,
            OFFICER,
            [sent],
            now=now,
            reference=reference,
            linker=None if variant == "linking" else off,
        )
        timings[variant].append((time.perf_counter() - t0) * 1000)
    linked, peer = percentiles(timings["linking"]), percentiles(timings["switched_off"])
    # A crossing on a document seen before, with and without linking: the same statements.
    known = DocumentSeen("UZB", "N00000001", "P", "X", "Y", "UZB", None, "M", None)
    record_crossings(engine, OFFICER, [crossing(known, at)], now=now, reference=reference)
    with_linking = count_statements(
        engine,
        lambda: record_crossings(
            engine,
            OFFICER,
            [crossing(known, at + timedelta(hours=1))],
            now=now,
            reference=reference,
        ),
    )
    without = count_statements(
        engine,
        lambda: record_crossings(
            engine,
            OFFICER,
            [crossing(known, at + timedelta(hours=2))],
            now=now,
            reference=reference,
            linker=off,
        ),
    )
    engine.dispose()
    return {
        "documents_on_record": documents,
        "record_load_s": round(load_s, 1),
        "crossings_each": n,
        "new_document_linked": linked,
        "peer_new_document_switched_off": peer,
        "linking_adds_p50_ms": round(linked["p50_ms"] - peer["p50_ms"], 3),
        "linking_adds_p99_ms": round(linked["p99_ms"] - peer["p99_ms"], 3),
        "p99_ratio_linked_over_switched_off": round(linked["p99_ms"] / peer["p99_ms"], 2),
        "statements_known_document": {"linking": with_linking, "switched_off": without},
    }


def in_fresh_schema(url: str, run) -> dict[str, object]:
    schema = f"rmis_bench_{uuid.uuid4().hex[:8]}"
    admin = create_engine(url)
    with admin.begin() as connection:
        connection.execute(text(f'CREATE SCHEMA "{schema}"'))
    try:
        sep = "&" if "?" in url else "?"
        return run(f"{url}{sep}options=-csearch_path%3D{schema}")
    finally:
        with admin.begin() as connection:
            connection.execute(text(f'DROP SCHEMA "{schema}" CASCADE'))
        admin.dispose()


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--documents", type=int, default=300_000)
    parser.add_argument("--n", type=int, default=1000, help="crossings per variant")
    parser.add_argument("--seed", type=int, default=1)
    parser.add_argument("--postgres", default=os.environ.get("RMIS_TEST_POSTGRES_URL"))
    args = parser.parse_args()
    results: dict[str, object] = {}
    with tempfile.TemporaryDirectory() as tmp:
        url = f"sqlite:///{Path(tmp) / 'bench.sqlite3'}"
        results["sqlite"] = bench(url, args.documents, args.n, args.seed)
    if args.postgres:
        results["postgresql"] = in_fresh_schema(
            args.postgres, lambda url: bench(url, args.documents, args.n, args.seed)
        )
    results["load_average_after"] = [round(x, 2) for x in os.getloadavg()]
    print(json.dumps(results, indent=2))


if __name__ == "__main__":
    main()
