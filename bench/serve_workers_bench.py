"""Audited reads per second through `rmis serve --workers N`, for each N asked (the peer: one
worker), on one record, in one run.

    python bench/serve_workers_bench.py [--workers 1,2] [--clients 8] [--seconds 20]
                                        [--travellers 400] [--postgres URL]

The record: `--travellers` travellers, each with an entry and an exit in Kazakhstan
(record_bench.crossing), in a temporary SQLite file, or in a schema of its own in PostgreSQL
(`--postgres`, default RMIS_TEST_POSTGRES_URL; `--postgres ""` for SQLite). For each worker count
the server is started afresh on that record (`rmis serve --workers N`: the parent migrates and
seals the audit chain, the workers answer), warmed, then driven for `--seconds` by `--clients`
client processes, each sending, one after the other, a fixed mix of audited reads as a border
officer: a traveller's stay (GET /travellers/{id}/stay) and a document's crossings
(POST /documents/crossings), on travellers drawn at random. Each request opens its own
connection, so the kernel spreads them over the workers. Every read writes an audit row.

Printed (JSON): per worker count, reads per second, p50 and p99 latency (all reads and per
kind), the server's CPU seconds per 1,000 reads (its processes' user and system time, from
/proc), any answer that was not 200, and the load average before and after. The clients run on
the same machine as the server: on 2 cores, 8 client processes take CPU the workers would use.
"""

from __future__ import annotations

import argparse
import http.client
import json
import multiprocessing
import os
import random
import statistics
import subprocess
import sys
import tempfile
import time
import uuid
from datetime import UTC, datetime
from pathlib import Path

from sqlalchemy import select

from record_bench import OFFICER, crossing, free_port
from rmis.registry.crossings import record_crossings
from rmis.registry.recording import load_reference_facts
from rmis.security.accounts import create_principal
from rmis.security.principals import Role
from rmis.store.database import open_database
from rmis.store.schema import documents
from scratch_database import scratch_database

RMIS = [sys.executable, "-c", "from rmis.cli import app; app()"]
CLOCK_TICKS = os.sysconf("SC_CLK_TCK")


def make_record(url: str, travellers: int) -> tuple[str, list[tuple[str, str, str]]]:
    """Record the travellers; return a reader's token and each traveller's (id, state, number)."""
    engine = open_database(url)
    try:
        with engine.connect() as connection:
            reference = load_reference_facts(connection)
        now = datetime.now(UTC)
        for start in range(0, 2 * travellers, 200):
            batch = [crossing(i) for i in range(start, min(start + 200, 2 * travellers))]
            record_crossings(engine, OFFICER, batch, now=now, reference=reference)
        token = create_principal(
            engine, name=f"bench.reads.{uuid.uuid4().hex[:6]}", role=Role.BORDER_OFFICER,
            state="KAZ", bcp_codes=["KAZ-ALA"], now=now,
        )  # fmt: skip
        with engine.connect() as connection:
            rows = connection.execute(
                select(documents.c.traveller_id, documents.c.issuing_state, documents.c.number)
            ).all()
    finally:
        engine.dispose()
    return token, [(str(t), s, n) for t, s, n in rows]


def _request(port: int, token: str, kind: str, who: tuple[str, str, str]) -> tuple[int, float]:
    traveller, state, number = who
    headers = {"Authorization": f"Bearer {token}", "Content-Type": "application/json"}
    connection = http.client.HTTPConnection("127.0.0.1", port, timeout=30)
    started = time.perf_counter()
    try:
        if kind == "stay":
            connection.request("GET", f"/api/v1/travellers/{traveller}/stay", headers=headers)
        else:
            body = json.dumps({"issuing_state": state, "number": number})
            connection.request("POST", "/api/v1/documents/crossings", body, headers)
        response = connection.getresponse()
        response.read()
        return response.status, (time.perf_counter() - started) * 1000
    finally:
        connection.close()


def client(args: tuple) -> list[tuple[str, int, float, float]]:
    """Reads until `until` (time.time()), counted from `counted_from`: (kind, status, ms, at)."""
    port, token, people, seed, counted_from, until = args
    rng = random.Random(seed)
    done = []
    kinds = ("stay", "document")
    i = seed
    while time.time() < until:
        kind = kinds[i % 2]
        i += 1
        status, ms = _request(port, token, kind, rng.choice(people))
        at = time.time()
        if at >= counted_from:
            done.append((kind, status, ms, at))
    return done


def tree_cpu_seconds(pid: int) -> float:
    """User and system CPU seconds of a process and its descendants (alive ones), from /proc."""
    parents: dict[int, int] = {}
    times: dict[int, float] = {}
    for stat in Path("/proc").glob("[0-9]*/stat"):
        try:
            fields = stat.read_text().rsplit(")", 1)[1].split()
        except OSError:
            continue
        process = int(stat.parent.name)
        parents[process] = int(fields[1])
        times[process] = (int(fields[11]) + int(fields[12])) / CLOCK_TICKS
    ours, grew = {pid}, True
    while grew:
        more = {p for p, parent in parents.items() if parent in ours} - ours
        grew = bool(more)
        ours |= more
    return sum(times.get(p, 0.0) for p in ours)


def percentiles(ms: list[float]) -> dict[str, float]:
    if not ms:
        return {"p50_ms": float("nan"), "p99_ms": float("nan")}
    ordered = sorted(ms)
    return {
        "p50_ms": round(statistics.median(ordered), 2),
        "p99_ms": round(ordered[max(0, int(len(ordered) * 0.99) - 1)], 2),
    }


def serve_and_drive(url: str, data_dir: Path, token: str, people: list, workers: int,
                    clients: int, seconds: float, warm: float) -> dict:  # fmt: skip
    port = free_port()
    env = os.environ | {"RMIS_DATABASE_URL": url, "RMIS_DATA_DIR": str(data_dir)}
    server = subprocess.Popen(
        [*RMIS, "serve", "--port", str(port), "--workers", str(workers)],
        env=env, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL,
    )  # fmt: skip
    try:
        deadline = time.monotonic() + 90
        while True:
            try:
                if _request(port, token, "stay", people[0])[0] == 200:
                    break
            except OSError:
                pass
            if server.poll() is not None or time.monotonic() > deadline:
                raise SystemExit(f"the server with {workers} workers did not start on {port}")
            time.sleep(0.2)
        load_before = os.getloadavg()
        start = time.time() + 1.0  # the clients' processes start first
        counted_from, until = start + warm, start + warm + seconds
        with multiprocessing.Pool(clients) as pool:
            jobs = [(port, token, people, 1000 * workers + c, counted_from, until)
                    for c in range(clients)]  # fmt: skip
            pending = pool.map_async(client, jobs)
            time.sleep(max(0.0, counted_from - time.time()))
            cpu_before = tree_cpu_seconds(server.pid)
            time.sleep(max(0.0, until - time.time()))
            cpu_after = tree_cpu_seconds(server.pid)
            done = [row for rows in pending.get() for row in rows]
        load_after = os.getloadavg()
    finally:
        server.terminate()
        server.wait(timeout=60)
    good = [row for row in done if row[1] == 200]
    reads = len(good)
    return {
        "workers": workers,
        "clients": clients,
        "seconds": seconds,
        "reads": reads,
        "reads_per_s": round(reads / seconds, 1),
        "all": percentiles([ms for _k, _s, ms, _a in good]),
        "stay_get": percentiles([ms for k, _s, ms, _a in good if k == "stay"]),
        "document_crossings_post": percentiles([ms for k, _s, ms, _a in good if k != "stay"]),
        "not_200": sorted({str(s) for _k, s, _ms, _a in done if s != 200}),
        "server_cpu_s_per_1000_reads": round(1000 * (cpu_after - cpu_before) / max(reads, 1), 2),
        "load_average_before": [round(x, 2) for x in load_before],
        "load_average_after": [round(x, 2) for x in load_after],
    }


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--workers", default="1,2", help="worker counts, in the order run")
    parser.add_argument("--clients", type=int, default=8)
    parser.add_argument("--seconds", type=float, default=20.0)
    parser.add_argument("--warm", type=float, default=3.0, help="seconds not counted, first")
    parser.add_argument("--travellers", type=int, default=400)
    parser.add_argument("--postgres", default=os.environ.get("RMIS_TEST_POSTGRES_URL"))
    args = parser.parse_args()
    counts = [int(n) for n in args.workers.split(",")]
    results: dict[str, object] = {"cores": os.cpu_count()}
    with tempfile.TemporaryDirectory() as tmp:
        url, drop = scratch_database(args.postgres, Path(tmp), "reads")
        try:
            token, people = make_record(url, args.travellers)
            results["engine"] = "postgresql" if args.postgres else "sqlite"
            results["runs"] = [
                serve_and_drive(
                    url, Path(tmp), token, people, n, args.clients, args.seconds, args.warm
                )
                for n in counts
            ]
        finally:
            drop()
    runs = results["runs"]
    peer = runs[0]["reads_per_s"]
    for run in runs:
        run["reads_per_s_over_first"] = round(run["reads_per_s"] / peer, 2) if peer else None
    print(json.dumps(results, indent=1))


if __name__ == "__main__":
    main()
