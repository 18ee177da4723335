"""Recording a crossing through the service: p50 and p99 latency, in-process and over HTTP.

Usage: python bench/record_bench.py [--n 2000] [--postgres URL]
The peer is a bare single-row INSERT of the same crossing columns into a plain table on the same
engine (no lookups, no flags, no audit): the floor that recording can approach.
In-process, the reference facts (BCPs, refusal reasons) are loaded once and passed in, as the
API does. statements_per_crossing counts the SQL statements the service sends (BEGIN, COMMIT and
pool pings are not statements SQLAlchemy sees) over a further pass after the timed one.
Targets (issue 3): p99 <= 5 ms in-process, <= 15 ms through HTTP. On SQLite the same recording
is timed again with SQLite's own WAL auto-checkpoint (1,000 pages, inside whichever commit fills
it) instead of the engine's checkpointer thread (issue 19).
"""

from __future__ import annotations

import argparse
import json
import os
import socket
import statistics
import subprocess
import sys
import tempfile
import time
import uuid
from datetime import UTC, date, datetime, timedelta
from pathlib import Path

import httpx
from sqlalchemy import (
    Column,
    Date,
    DateTime,
    Engine,
    MetaData,
    String,
    Table,
    Uuid,
    create_engine,
    event,
    insert,
)
from uuid6 import uuid7

from rmis.registry.crossings import record_crossings
from rmis.registry.model import Direction, DocumentSeen, NewCrossing, Purpose
from rmis.registry.recording import ReferenceFacts, load_reference_facts
from rmis.security.accounts import create_principal
from rmis.security.principals import Principal, Role
from rmis.store.database import _sqlite_pragmas, open_database

START = datetime(2026, 1, 1, tzinfo=UTC)
OFFICER = Principal("bench.officer", Role.BORDER_OFFICER, "KAZ", frozenset({"KAZ-ALA"}))


def percentiles(samples_ms: list[float]) -> dict[str, float]:
    ordered = sorted(samples_ms)
    return {
        "p50_ms": round(statistics.median(ordered), 3),
        "p99_ms": round(ordered[int(len(ordered) * 0.99) - 1], 3),
    }


def surname(person: int) -> str:
    """KARIMOV and the person's number in letters: a surname each."""
    letters = ""
    while True:
        person, digit = divmod(person, 26)
        letters += chr(ord("A") + digit)
        if not person:
            return f"KARIMOV{letters}"


def crossing(i: int) -> NewCrossing:
    """The entry (a document not seen before) or the exit (a known document) of person i // 2.
    Each person has a name and birth date of their own, so the linker keeps them apart (with one
    name and birth date for all, every new document joined one person whose timeline grew with
    the run, and every exit followed another person's exit: flagged as without entry)."""
    person, leg = divmod(i, 2)
    return NewCrossing(
        id=uuid7(),
        direction=Direction.EXIT if leg else Direction.ENTRY,
        bcp_code="KAZ-ALA",
        occurred_at=START + timedelta(minutes=person, days=3 * leg),  # all in the past
        document=DocumentSeen(
            "UZB",
            f"FA{person:07d}",
            "P",
            surname(person),
            "AZIZ",
            "UZB",
            date(1950, 1, 1) + timedelta(days=person % 18_000),
            "M",
            date(2030, 1, 1),
        ),
        purpose=Purpose.BUSINESS,
    )


def statements_per_crossing(
    engine: Engine, reference: ReferenceFacts, first: int, n: int
) -> dict[str, float]:
    """Statements per crossing: all, a new document's (entries), a known document's (exits)."""
    statements = [0, 0]  # by leg
    leg = 0

    def count(*_args) -> None:
        statements[leg] += 1

    event.listen(engine, "before_cursor_execute", count)
    try:
        for i in range(first, first + n):
            leg = i % 2
            record_crossings(
                engine, OFFICER, [crossing(i)], now=datetime.now(UTC), reference=reference
            )
    finally:
        event.remove(engine, "before_cursor_execute", count)
    return {
        "all": round(sum(statements) / n, 2),
        "new_document": round(statements[0] / (n / 2), 2),
        "known_document": round(statements[1] / (n / 2), 2),
    }


def bench_in_process(url: str, n: int, sqlite_autocheckpoint: bool = False) -> dict[str, object]:
    engine = open_database(url)
    if sqlite_autocheckpoint:  # the peer: SQLite checkpointing inside the commit that fills it,
        engine.dispose()  # on an engine with the record's settings but no checkpointer thread
        engine = create_engine(url)
        event.listen(engine, "connect", _sqlite_pragmas)
        event.listen(engine, "connect", lambda c, _r: c.execute("PRAGMA wal_autocheckpoint=1000"))
    with engine.connect() as connection:
        reference = load_reference_facts(connection)
    now = datetime.now(UTC)
    service = []
    for i in range(n):
        c = crossing(i)
        t0 = time.perf_counter()
        record_crossings(engine, OFFICER, [c], now=now, reference=reference)
        service.append((time.perf_counter() - t0) * 1000)
    # Half the bench's crossings are a new traveller's entry (two more INSERTs), half an exit.
    statements = statements_per_crossing(engine, reference, 20 * n, 200)
    bare_table = Table(
        f"bench_bare_{uuid.uuid4().hex[:8]}",
        MetaData(),
        Column("id", Uuid, primary_key=True),
        Column("bcp_code", String(64)),
        Column("occurred_at", DateTime(timezone=True)),
        Column("local_date", Date),
        Column("number", String(32)),
        Column("direction", String(5)),
    )
    bare_table.create(engine)
    bare = []
    for i in range(n):
        c = crossing(i)
        t0 = time.perf_counter()
        with engine.begin() as connection:
            connection.execute(
                insert(bare_table).values(
                    id=c.id,
                    bcp_code=c.bcp_code,
                    occurred_at=c.occurred_at,
                    local_date=c.occurred_at.date(),
                    number=c.document.number,
                    direction=c.direction.value,
                )
            )
        bare.append((time.perf_counter() - t0) * 1000)
    bare_table.drop(engine)
    engine.dispose()
    s, b = percentiles(service), percentiles(bare)
    return {
        "record_crossings": s,
        # The target's case (a known document: the exits), and the entries on new documents.
        "record_known_document": percentiles(service[1::2]),
        "record_new_document": percentiles(service[0::2]),
        "peer_bare_insert": b,
        "p99_ratio_vs_bare_insert": round(s["p99_ms"] / b["p99_ms"], 2),
        "statements_per_crossing": statements,
    }


def free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


def bench_http(url: str, n: int) -> dict[str, object]:
    port = free_port()
    engine = open_database(url)
    token = create_principal(
        engine,
        name=f"bench.http.{uuid.uuid4().hex[:6]}",
        role=Role.BORDER_OFFICER,
        state="KAZ",
        bcp_codes=["KAZ-ALA"],
        now=datetime.now(UTC),
    )
    env = os.environ | {"RMIS_DATABASE_URL": url}
    server = subprocess.Popen(
        [sys.executable, "-c", "from rmis.cli import app; app()", "serve", "--port", str(port)],
        env=env,
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
    )
    try:
        client = httpx.Client(
            base_url=f"http://127.0.0.1:{port}", headers={"Authorization": f"Bearer {token}"}
        )
        deadline = time.monotonic() + 60
        while True:
            try:
                client.get("/api/v1/openapi.json")
                break
            except httpx.TransportError:
                if server.poll() is not None or time.monotonic() > deadline:
                    raise SystemExit(f"the server on port {port} did not start") from None
                time.sleep(0.1)
        samples = []
        for i in range(n):
            c = crossing(i + 10 * n)
            body = {
                "id": str(c.id),
                "direction": c.direction.value,
                "bcp": c.bcp_code,
                "occurred_at": c.occurred_at.isoformat(),
                "purpose": c.purpose.value,
                "document": {
                    "issuing_state": "UZB",
                    "number": c.document.number,
                    "surname": c.document.surname,
                    "given_names": "AZIZ",
                    "birth_date": c.document.birth_date.isoformat(),
                    "nationality": "UZB",
                    "sex": "M",
                },
            }
            t0 = time.perf_counter()
            response = client.post("/api/v1/crossings", json=body)
            samples.append((time.perf_counter() - t0) * 1000)
            assert response.status_code == 201, response.text
        return {
            "http_record_crossing": percentiles(samples),
            "http_record_known_document": percentiles(samples[1::2]),
        }
    finally:
        server.terminate()
        server.wait()
        engine.dispose()


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--n", type=int, default=2000)
    parser.add_argument("--postgres", default=os.environ.get("RMIS_TEST_POSTGRES_URL"))
    args = parser.parse_args()
    results: dict[str, object] = {"n": args.n}
    with tempfile.TemporaryDirectory() as tmp:
        sqlite_url = f"sqlite:///{Path(tmp) / 'bench.sqlite3'}"
        results["sqlite"] = bench_in_process(sqlite_url, args.n) | bench_http(
            sqlite_url, args.n // 2
        )
        # The same recording with SQLite's own auto-checkpoint (before issue 19), same run.
        peer_url = f"sqlite:///{Path(tmp) / 'peer.sqlite3'}"
        peer = bench_in_process(peer_url, args.n, sqlite_autocheckpoint=True)
        results["sqlite_with_autocheckpoint"] = peer["record_crossings"]
        results["sqlite_p99_autocheckpoint_over_checkpointer"] = round(
            peer["record_crossings"]["p99_ms"]
            / results["sqlite"]["record_crossings"]["p99_ms"], 2
        )  # fmt: skip
    if args.postgres:
        from sqlalchemy import create_engine, text

        schema = f"rmis_bench_{uuid.uuid4().hex[:8]}"
        admin = create_engine(args.postgres)
        with admin.begin() as connection:
            connection.execute(text(f'CREATE SCHEMA "{schema}"'))
        try:
            sep = "&" if "?" in args.postgres else "?"
            pg_url = f"{args.postgres}{sep}options=-csearch_path%3D{schema}"
            results["postgresql"] = bench_in_process(pg_url, args.n) | bench_http(
                pg_url, args.n // 2
            )
        finally:
            with admin.begin() as connection:
                connection.execute(text(f'DROP SCHEMA "{schema}" CASCADE'))
    results["load_average"] = os.getloadavg()
    print(json.dumps(results, indent=2))


if __name__ == "__main__":
    main()
