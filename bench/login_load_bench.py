"""Recording at a busy border while the login is hammered (issue 17's load test).

Usage: python bench/login_load_bench.py [--clients 50] [--hammers 8] [--seconds 60]
           [--rounds 3] [--known-share 0] [--login-rate R] [--postgres URL]
`rmis serve` runs in a subprocess on a fresh PostgreSQL schema (or a temporary SQLite file).
--clients BCP lanes each record one crossing every 2 s (a busy lane; a failed send is sent again
with the same id, as a BCP does), alone (the peer: the same server, unloaded) and while
--hammers clients hammer POST /login as fast as they are answered with wrong passwords, half at
a real officer's name (which locks) and half at names that do not exist, each attempt from a
different forwarded address (the worst case: no address is throttled). The hammer runs in a
process of its own (an attacker is another machine: its client work must not slow the lanes'
clients in this process through the interpreter lock); it shares the machine's cores.
The two conditions alternate --rounds times, --seconds / --rounds each, so that a shared
machine's load, which drifts over minutes, falls on both alike.

By default every crossing is of a document the record has never seen (each runs the linker).
--known-share F records that share of each lane's crossings on documents the record already
holds (each lane's own 20, recorded before the timing and crossing back and forth): a busy
lane mostly sees travellers who crossed before.

Figures: recording p50/p99 in each condition and the loaded/unloaded p99 ratio (target: within
2x), the hammer's answers (401: a hash; 429: throttled or locked, no hash; 503: the login gate
was full, no work), the cores used by the server (and by its argon2 thread), PostgreSQL and the
hammer, the load average, and, read back from the record, crossings lost (acknowledged but
absent) and doubled (0 and 0).
"""

from __future__ import annotations

import argparse
import json
import multiprocessing
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
from sqlalchemy import func, select

from rmis.security.accounts import create_principal
from rmis.security.principals import Role
from rmis.store import open_database
from rmis.store.schema import crossings
from scratch_database import scratch_database

PASSWORD = "a long enough passphrase"
KNOWN_PER_LANE = 20
_TICK = os.sysconf("SC_CLK_TCK")


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


def _document(number: str) -> dict:
    return {"issuing_state": "UZB", "number": number, "surname": "KARIMOV", "given_names": "AZIZ",
            "nationality": "UZB", "sex": "M", "birth_date": "1990-01-01"}  # fmt: skip


def _crossing(document: dict, direction: str = "entry") -> dict:
    at = datetime.now(UTC) - timedelta(minutes=1)
    return {"id": str(uuid.uuid4()), "direction": direction, "bcp": "KAZ-ALA",
            "occurred_at": at.isoformat(), "purpose": "work", "document": document}  # fmt: skip


class Lane:
    """One BCP lane: its documents already recorded (entered) and the next number to use."""

    def __init__(self, index: int) -> None:
        self.index, self.n = index, 0
        self.known = [_document(f"K{index:03d}{k:04d}") for k in range(KNOWN_PER_LANE)]
        self.last = {d["number"]: "entry" for d in self.known}

    def next_crossing(self, known_share: float) -> dict:
        if random.random() < known_share:
            document = random.choice(self.known)
            direction = "exit" if self.last[document["number"]] == "entry" else "entry"
            self.last[document["number"]] = direction
            return _crossing(document, direction)
        self.n += 1
        return _crossing(_document(f"L{self.index:03d}{self.n:06d}{uuid.uuid4().hex[:4].upper()}"))


def _record(base, token, seconds, lane: Lane, known_share, acked: list, latencies: list):
    client = httpx.Client(base_url=base, headers={"Authorization": f"Bearer {token}"},
                          timeout=30)  # fmt: skip
    time.sleep(random.uniform(0, 2))  # lanes do not all send at once
    deadline = time.monotonic() + seconds
    while time.monotonic() < deadline:
        tick = time.monotonic()
        body = lane.next_crossing(known_share)
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
            answers[str(response.status_code)] += 1
        except httpx.TransportError:
            answers["transport_error"] += 1


def _hammer_process(base: str, hammers: int, ready, stop, results) -> None:
    """The attacker: `hammers` clients in a process of their own until `stop` is set."""
    answers, done = Counter(), threading.Event()
    threads = [threading.Thread(target=_hammer, args=(base, done, answers)) for _ in range(hammers)]
    started = time.monotonic()
    for t in threads:
        t.start()
    ready.set()
    stop.wait()
    done.set()
    for t in threads:
        t.join()
    results.put((dict(answers), time.monotonic() - started))


def _cpu_s(pid: int, task: int | None = None, children: bool = False) -> float:
    path = f"/proc/{pid}/task/{task}/stat" if task else f"/proc/{pid}/stat"
    try:
        fields = Path(path).read_text().rsplit(")", 1)[1].split()
    except (FileNotFoundError, ProcessLookupError):
        return 0.0
    ticks = int(fields[11]) + int(fields[12])
    if children:
        ticks += int(fields[13]) + int(fields[14])
    return ticks / _TICK


def _server_cpu(pid: int) -> tuple[float, float]:
    """The server's CPU seconds, and those of its threads at nice 19 (the argon2 thread)."""
    hashing = 0.0
    for task in os.listdir(f"/proc/{pid}/task"):
        try:
            fields = Path(f"/proc/{pid}/task/{task}/stat").read_text().rsplit(")", 1)[1].split()
        except FileNotFoundError:
            continue
        if int(fields[16]) == 19:
            hashing += (int(fields[11]) + int(fields[12])) / _TICK
    return _cpu_s(pid), hashing


def _postgres_cpu() -> float | None:
    """CPU seconds of the local PostgreSQL (its postmaster, ended and live backends)."""
    found = subprocess.run(["pgrep", "-o", "-x", "postgres"], capture_output=True, text=True)
    if not found.stdout.strip():
        return None
    postmaster = int(found.stdout.split()[0])
    children = subprocess.run(["pgrep", "-P", str(postmaster)], capture_output=True, text=True)
    live = sum(_cpu_s(int(pid)) for pid in children.stdout.split())
    return _cpu_s(postmaster, children=True) + live


def _phase(base, token, lanes, known_share, seconds, hammers, server_pid) -> dict:
    acked, latencies = [], []
    threads = [threading.Thread(target=_record, args=(base, token, seconds, lane, known_share,
                                                      acked, latencies))
               for lane in lanes]  # fmt: skip
    context = multiprocessing.get_context("spawn")
    ready, stop, results = context.Event(), context.Event(), context.Queue()
    attacker = None
    if hammers:
        attacker = context.Process(target=_hammer_process,
                                   args=(base, hammers, ready, stop, results))  # fmt: skip
        attacker.start()
        ready.wait()
    before = (time.monotonic(), *_server_cpu(server_pid), _postgres_cpu())
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    after = (time.monotonic(), *_server_cpu(server_pid), _postgres_cpu())
    answers, attacker_cpu, attacked_s = {}, 0.0, 0.0
    if attacker:
        attacker_cpu = _cpu_s(attacker.pid)
        stop.set()
        answers, attacked_s = results.get()
        attacker.join()
    elapsed = after[0] - before[0]
    cores = {"server": (after[1] - before[1]) / elapsed,
             "server_argon2_thread": (after[2] - before[2]) / elapsed,
             "hammer_process": attacker_cpu / elapsed}  # fmt: skip
    if before[3] is not None and after[3] is not None:
        cores["postgres"] = (after[3] - before[3]) / elapsed
    return {"latencies": latencies, "acked": acked, "answers": answers, "cores": cores,
            "attacked_s": attacked_s, "load_average": os.getloadavg()[0]}  # fmt: skip


def _summary(phases: list[dict], seconds: float) -> dict:
    answers = Counter()
    for phase in phases:
        answers.update(phase["answers"])
    cores = {key: round(statistics.mean(p["cores"][key] for p in phases), 2)
             for key in phases[0]["cores"]}  # fmt: skip
    return {
        "recording": _percentiles([x for p in phases for x in p["latencies"]]),
        "recorded_per_s": round(sum(len(p["acked"]) for p in phases) / seconds, 1),
        "login_answers": dict(sorted(answers.items())),
        "login_answers_per_s": round(
            sum(answers.values()) / max(sum(p["attacked_s"] for p in phases), 1e-9), 1
        ),
        "cores": cores,
        "load_average": [round(p["load_average"], 1) for p in phases],
    }


def _pre_record(base: str, token: str, lanes: list[Lane]) -> None:
    """Each lane's known documents entered, before any timing."""
    with httpx.Client(base_url=base, headers={"Authorization": f"Bearer {token}"},
                      timeout=600) as client:  # fmt: skip
        for lane in lanes:
            batch = [_crossing(document) for document in lane.known]
            client.post("/api/v1/crossings/batch", json={"crossings": batch}).raise_for_status()


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--clients", type=int, default=50)
    parser.add_argument("--hammers", type=int, default=8)
    parser.add_argument("--seconds", type=float, default=60, help="per condition, all rounds")
    parser.add_argument("--rounds", type=int, default=3)
    parser.add_argument("--known-share", type=float, default=0.0)
    parser.add_argument("--login-rate", type=float, help="rmis serve --login-rate")
    parser.add_argument("--postgres", default=os.environ.get("RMIS_BENCH_POSTGRES_URL"))
    args = parser.parse_args()
    with tempfile.TemporaryDirectory() as directory:
        url, drop = scratch_database(args.postgres, Path(directory), "bench")
        engine = open_database(url)
        now = datetime.now(UTC)
        token = create_principal(engine, name="lane.officer", role=Role.BORDER_OFFICER,
                                 state="KAZ", bcp_codes=["KAZ-ALA"], now=now)  # fmt: skip
        create_principal(engine, name="victim", role=Role.BORDER_OFFICER, state="KAZ",
                         bcp_codes=["KAZ-ALA"], password=PASSWORD, now=now)  # fmt: skip
        port = _free_port()
        env = os.environ | {"RMIS_DATABASE_URL": url, "RMIS_DATA_DIR": directory}
        command = [sys.executable, "-c", "from rmis.cli import app; app()", "serve",
                   "--port", str(port)]  # fmt: skip
        if args.login_rate:
            command += ["--login-rate", str(args.login_rate)]
        server = subprocess.Popen(command, env=env, stdout=subprocess.DEVNULL,
                                  stderr=subprocess.DEVNULL)  # fmt: skip
        base = f"http://127.0.0.1:{port}"
        lanes = [Lane(i) for i in range(args.clients)]
        unloaded, loaded = [], []
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
            if args.known_share:
                _pre_record(base, token, lanes)
            share, each = args.known_share, args.seconds / args.rounds
            for _ in range(args.rounds):
                unloaded.append(_phase(base, token, lanes, share, each, 0, server.pid))
                loaded.append(_phase(base, token, lanes, share, each, args.hammers, server.pid))
        finally:
            server.terminate()
            server.wait()
        acked = [i for phase in unloaded + loaded for i in phase["acked"]]
        with engine.connect() as connection:
            stored = connection.execute(select(func.count()).select_from(crossings)).scalar()
            distinct = connection.execute(select(func.count(crossings.c.id.distinct()))).scalar()
            found = set(map(str, connection.execute(select(crossings.c.id)).scalars()))
        engine.dispose()
        drop()
    prerecorded = KNOWN_PER_LANE * args.clients if args.known_share else 0
    results = {
        "engine": engine.dialect.name, "clients": args.clients, "hammers": args.hammers,
        "seconds_per_condition": args.seconds, "rounds": args.rounds,
        "known_share": args.known_share, "login_rate": args.login_rate or "serve's default",
        "unloaded_peer": _summary(unloaded, args.seconds),
        "loaded": _summary(loaded, args.seconds),
        "acknowledged": len(acked), "stored": stored - prerecorded,
        "lost": len(set(acked) - found), "doubled": stored - distinct,
    }  # fmt: skip
    results["p99_ratio_loaded_vs_unloaded"] = round(
        results["loaded"]["recording"]["p99_ms"] / results["unloaded_peer"]["recording"]["p99_ms"],
        2,
    )
    results["p50_ratio_loaded_vs_unloaded"] = round(
        results["loaded"]["recording"]["p50_ms"] / results["unloaded_peer"]["recording"]["p50_ms"],
        2,
    )
    print(json.dumps(results, indent=2))


if __name__ == "__main__":
    main()
