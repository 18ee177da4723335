"""Recording at a busy border while the login is hammered (issue 17's load test).

Usage: python bench/login_load_bench.py [--clients 50] [--hammers 8] [--seconds 60]
                                        [--postgres URL]
`rmis serve` runs in a subprocess on a fresh PostgreSQL schema (or a temporary SQLite file).
50 BCP clients each record one crossing every 2 s (a busy lane; a failed send is sent again
with the same id, as a BCP does), first alone for --seconds (the peer: the same server,
unloaded), then again while 8 clients hammer POST /login as fast as they can with wrong
passwords, half at a real officer's name and half at names that do not exist, each attempt
from a different forwarded address (the worst case: no address is throttled). Figures:
recording p50/p99 in each phase and their ratio (target: loaded p99 within 2x of unloaded),
the hammer's attempts and answers (401s cost an argon2 hash, 429s nothing), and, read back
from the record, crossings lost (acknowledged but absent) and doubled (0 and 0).
"""

from __future__ import annotations

import argparse
import json
import os
import random
import socket
import statistics
import subprocess
import sys
import tempfile
import threading
import time
import uuid
from collections import Counter
from datetime import UTC, datetime, timedelta
from pathlib import Path

import httpx
from sqlalchemy import create_engine, func, select, text

from rmis.security.accounts import create_principal
from rmis.security.principals import Role
from rmis.store import open_database
from rmis.store.schema import crossings

PASSWORD = "a long enough passphrase"


def _free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


def _percentiles(samples: list[float]) -> dict[str, float]:
    samples = sorted(samples)
    return {
        "n": len(samples),
        "p50_ms": round(statistics.median(samples), 1),
        "p99_ms": round(samples[max(int(len(samples) * 0.99) - 1, 0)], 1),
    }


def _crossing(number: str) -> dict:
    at = datetime.now(UTC) - timedelta(minutes=1)
    return {
        "id": str(uuid.uuid4()), "direction": "entry", "bcp": "KAZ-ALA",
        "occurred_at": at.isoformat(), "purpose": "work",
        "document": {"issuing_state": "UZB", "number": number, "surname": "KARIMOV",
                     "given_names": "AZIZ", "nationality": "UZB", "sex": "M",
                     "birth_date": "1990-01-01"},
    }  # fmt: skip


def _record(base: str, token: str, seconds: float, lane: int, acked: list, latencies: list):
    client = httpx.Client(base_url=base, headers={"Authorization": f"Bearer {token}"},
                          timeout=30)  # fmt: skip
    time.sleep(random.uniform(0, 2))  # lanes do not all send at once
    deadline = time.monotonic() + seconds
    n = 0
    while time.monotonic() < deadline:
        tick = time.monotonic()
        body = _crossing(f"L{lane:03d}{n:06d}{uuid.uuid4().hex[:4].upper()}")
        n += 1
        started = time.perf_counter()
        for _ in range(5):  # a BCP sends again, same id, until it is acknowledged
            try:
                response = client.post("/api/v1/crossings", json=body)
            except httpx.TransportError:
                continue
            if response.status_code in (200, 201):
                acked.append(body["id"])
                break
        latencies.append((time.perf_counter() - started) * 1000)
        time.sleep(max(0.0, 2.0 - (time.monotonic() - tick)))


def _hammer(base: str, stop: threading.Event, answers: Counter) -> None:
    client = httpx.Client(base_url=base, timeout=30)
    while not stop.is_set():
        name = "victim" if random.random() < 0.5 else f"nobody{random.randrange(10**9)}"
        forwarded = ".".join(str(random.randrange(1, 255)) for _ in range(4))
        try:
            response = client.post("/api/v1/login", json={"name": name, "password": "guess1234"},
                                   headers={"X-Forwarded-For": forwarded})  # fmt: skip
            answers[response.status_code] += 1
        except httpx.TransportError:
            answers["transport_error"] += 1


def _phase(base, token, clients, seconds, hammers) -> dict:
    acked, latencies, answers, stop = [], [], Counter(), threading.Event()
    lanes = [threading.Thread(target=_record, args=(base, token, seconds, i, acked, latencies))
             for i in range(clients)]  # fmt: skip
    attackers = [threading.Thread(target=_hammer, args=(base, stop, answers))
                 for _ in range(hammers)]  # fmt: skip
    for t in attackers + lanes:
        t.start()
    for t in lanes:
        t.join()
    stop.set()
    for t in attackers:
        t.join()
    return {"recording": _percentiles(latencies), "acked": acked,
            "login_answers": {str(k): v for k, v in sorted(answers.items(), key=str)}}  # fmt: skip


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--clients", type=int, default=50)
    parser.add_argument("--hammers", type=int, default=8)
    parser.add_argument("--seconds", type=float, default=60)
    parser.add_argument("--postgres", default=os.environ.get("RMIS_BENCH_POSTGRES_URL"))
    args = parser.parse_args()
    with tempfile.TemporaryDirectory() as directory:
        drop = None
        if args.postgres:
            schema = f"rmis_bench_{uuid.uuid4().hex[:8]}"
            admin = create_engine(args.postgres)
            with admin.begin() as connection:
                connection.execute(text(f'CREATE SCHEMA "{schema}"'))
            sep = "&" if "?" in args.postgres else "?"
            url = f"{args.postgres}{sep}options=-csearch_path%3D{schema}"

            def drop() -> None:
                with admin.begin() as connection:
                    connection.execute(text(f'DROP SCHEMA "{schema}" CASCADE'))
        else:
            url = f"sqlite:///{Path(directory) / 'bench.sqlite3'}"
        engine = open_database(url)
        now = datetime.now(UTC)
        token = create_principal(engine, name="lane.officer", role=Role.BORDER_OFFICER,
                                 state="KAZ", bcp_codes=["KAZ-ALA"], now=now)  # fmt: skip
        create_principal(engine, name="victim", role=Role.BORDER_OFFICER, state="KAZ",
                         bcp_codes=["KAZ-ALA"], password=PASSWORD, now=now)  # fmt: skip
        port = _free_port()
        env = os.environ | {"RMIS_DATABASE_URL": url, "RMIS_DATA_DIR": directory}
        server = subprocess.Popen(
            [sys.executable, "-c", "from rmis.cli import app; app()", "serve", "--port",
             str(port)], env=env, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL,
        )  # fmt: skip
        base = f"http://127.0.0.1:{port}"
        try:
            deadline = time.monotonic() + 60
            while True:
                try:
                    httpx.get(base + "/api/v1/openapi.json")
                    break
                except httpx.TransportError:
                    if server.poll() is not None or time.monotonic() > deadline:
                        raise SystemExit("the server did not start") from None
                    time.sleep(0.2)
            unloaded = _phase(base, token, args.clients, args.seconds, 0)
            loaded = _phase(base, token, args.clients, args.seconds, args.hammers)
        finally:
            server.terminate()
            server.wait()
        acked = unloaded.pop("acked") + loaded.pop("acked")
        with engine.connect() as connection:
            stored = connection.execute(select(func.count()).select_from(crossings)).scalar()
            distinct = connection.execute(select(func.count(crossings.c.id.distinct()))).scalar()
            found = set(map(str, connection.execute(select(crossings.c.id)).scalars()))
        engine.dispose()
        if drop:
            drop()
    results = {
        "engine": engine.dialect.name, "clients": args.clients, "hammers": args.hammers,
        "seconds_per_phase": args.seconds,
        "unloaded_peer": unloaded, "loaded": loaded,
        "p99_ratio_loaded_vs_unloaded": round(
            loaded["recording"]["p99_ms"] / unloaded["recording"]["p99_ms"], 2),
        "acknowledged": len(acked), "stored": stored,
        "lost": len(set(acked) - found), "doubled": stored - distinct,
    }  # fmt: skip
    print(json.dumps(results, indent=2))


if __name__ == "__main__":
    main()
