"""The border check (POST /api/v1/checks) on a record of 10M crossings: p50 and p99 server time.

Usage: python bench/check_bench.py [--postgres URL] [--n 2000] [--travellers 1100000]
                                   [--keep] [--build-only]

The record is a synthetic region (`rmis synth`, 1.1M travellers over two years: about 10M
crossings) bulk-imported into a PostgreSQL schema of its own, `rmis_check_bench`. Building it
takes minutes, so it is kept between runs with `--keep` (the next run finds it and skips the
build) and dropped at the end otherwise. The region's Parquet files are cached beside it in
--region-dir.

What is checked: documents picked at random among the crossings of the region's last 60 days,
so frequent travellers are checked as often as they cross (as at a real BCP); one in ten is a
document never seen. Each is checked at a BCP of its host state, by a supervisor of that state
(officers are posted to BCPs; a supervisor may record at any BCP of the state: same rule), from
its MRZ. Every measure below gets its own sample of cases (none finds in the cache the pages
another has just read), and they are interleaved case by case, so that each meets the same load
of the shared machine (the load per core is printed before and after).

Figures, each as p50/p99/max in ms:
- `check_in_process`: the service function registry.run_check, as the route calls it, with
  its COMMIT (`check_in_process_commit`) and by how many crossings the person has in the state;
- `peer_stay_and_history_in_process`: the registry's stay_status and traveller_history for a
  person (the two reads a client would make without the check), back to back;
- `peer_bare_select`: one indexed SELECT of a person's crossings in the host state (autocommit);
- `peer_bare_insert_and_commit`: one row INSERTed into a plain table and COMMITted: the floor
  of anything that writes (the check writes its row and the audit row);
- `diagnostic_check_without_waiting_for_the_disk`: the check on a session with
  synchronous_commit off: not what rmis does, a measure of what the WAL flush costs;
- `http_check`: POST /api/v1/checks through a real server (uvicorn in a separate process,
  the app built as `rmis serve` builds it), timed by the client, and `http_check_server_time`
  by the server (the app's ASGI call: what the issue's target is about);
- `http_peer_stay_plus_history`: GET /travellers/{id}/stay then GET /travellers/{id}/crossings,
  two calls, timed together.
`where_the_time_goes` splits the in-process check by SQL statement (time in the database
driver per kind), COMMIT, and the rest (Python).
Every check is screened (issue 12) against the alert lists in the record: the UN and OFAC
lists as published are loaded from --lists first (`alert_lists_screened` says how many entries).
Target (issue 11): server time for a check p99 <= 20 ms with 10M crossings on PostgreSQL.
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
import time
import uuid
from collections import defaultdict
from dataclasses import dataclass
from datetime import UTC, date, datetime, timedelta
from pathlib import Path

import httpx
from sqlalchemy import (
    Column,
    DateTime,
    Engine,
    MetaData,
    Table,
    Uuid,
    bindparam,
    create_engine,
    event,
    func,
    insert,
    select,
    text,
)

from rmis.documents import compose_td3
from rmis.reference.stay_rules import load_stay_rules
from rmis.registry import (
    Direction,
    DocumentSeen,
    NotFound,
    load_reference_facts,
    run_check,
    stay_status,
    traveller_history,
)
from rmis.security import Principal, Role, create_principal
from rmis.store.database import open_database
from rmis.store.schema import bcps, crossings, documents

SCHEMA = "rmis_check_bench"
SEED = 11
# Each measure gets its own sample of cases, none reading pages another has just brought in.
SAMPLES = ("check", "peer", "bare", "diagnostic", "http_check", "http_peer")
WARM_UP = 50


def percentiles(samples_ms: list[float]) -> dict[str, float]:
    ordered = sorted(samples_ms)
    return {
        "p50_ms": round(statistics.median(ordered), 3),
        "p99_ms": round(ordered[max(0, int(len(ordered) * 0.99) - 1)], 3),
        "max_ms": round(ordered[-1], 3),
    }


def schema_url(base: str) -> str:
    sep = "&" if "?" in base else "?"
    return f"{base}{sep}options=-csearch_path%3D{SCHEMA}"


def build(base_url: str, region_dir: Path, travellers: int, console) -> dict[str, object]:
    """Generate (or reuse) the region's Parquet and import it into the bench's schema."""
    admin = create_engine(base_url)
    with admin.begin() as connection:
        exists = connection.execute(
            text("SELECT 1 FROM pg_namespace WHERE nspname = :s"), {"s": SCHEMA}
        ).scalar()
        if exists:
            ready = connection.execute(
                text(
                    "SELECT 1 FROM information_schema.tables WHERE table_schema = :s "
                    "AND table_name = 'check_bench_built'"
                ),
                {"s": SCHEMA},
            ).scalar()
            if ready:
                admin.dispose()
                return {"built": False}
            connection.execute(text(f'DROP SCHEMA "{SCHEMA}" CASCADE'))  # a build cut short
        connection.execute(text(f'CREATE SCHEMA "{SCHEMA}"'))
    admin.dispose()
    timings: dict[str, object] = {"built": True}
    if not (region_dir / "crossings.parquet").exists():
        t0 = time.perf_counter()
        subprocess.run(
            [sys.executable, "-c", "from rmis.cli import app; app()", "synth",
             "--travellers", str(travellers), "--years", "2", "--seed", "1",
             "--out", str(region_dir)],
            check=True, stdout=subprocess.DEVNULL,
        )  # fmt: skip
        timings["synth_s"] = round(time.perf_counter() - t0, 1)
    from rmis.synth.loading import load_region

    engine = open_database(schema_url(base_url))
    t0 = time.perf_counter()
    imported, _permits = load_region(engine, region_dir, now=datetime.now(UTC))
    timings["import_s"] = round(time.perf_counter() - t0, 1)
    timings["imported_crossings"] = imported.recorded
    with engine.begin() as connection:
        connection.execute(text("ANALYZE"))
        connection.execute(text("CREATE TABLE check_bench_built (at timestamptz)"))
    engine.dispose()
    print(json.dumps({"build": timings}), file=console, flush=True)
    return timings


@dataclass(frozen=True, slots=True)
class Case:
    """One document to check: at a BCP of the state that recorded it, in some direction."""

    bcp: str
    state: str
    direction: Direction
    document: DocumentSeen
    traveller_id: uuid.UUID | None  # None: a document never seen
    crossings_in_state: int  # how many crossings of the person the check reads

    def mrz(self) -> str | None:
        d = self.document
        if d.document_type != "P" or len(d.number) > 9 or not (d.birth_date and d.expiry_date):
            return None  # sent as typed fields
        return "\n".join(
            compose_td3(issuing_state=d.issuing_state, surname=d.surname,
                        given_names=d.given_names, document_number=d.number,
                        nationality=d.nationality, birth_date=d.birth_date, sex=d.sex,
                        expiry_date=d.expiry_date, optional_data=d.optional_data or "")
        )  # fmt: skip


def pick_cases(engine: Engine, n: int, seed: int) -> list[Case]:
    """Documents of crossings of the last 60 days of the record, each checked at a random BCP
    of that state; one in ten is a document never seen."""
    rng = random.Random(seed)
    with engine.connect() as connection:
        last = connection.execute(select(func.max(crossings.c.local_date))).scalar_one()
        connection.execute(text("SELECT setseed(:s)"), {"s": rng.random() * 2 - 1})
        sampled = connection.execute(
            select(crossings.c.host_state, crossings.c.traveller_id, documents)
            .join(documents, documents.c.id == crossings.c.document_id)
            .where(crossings.c.local_date > last - timedelta(days=60))
            .order_by(func.random())
            .limit(n)
        ).mappings().all()  # fmt: skip
        per_person = {
            (tid, host): n
            for tid, host, n in connection.execute(
                select(crossings.c.traveller_id, crossings.c.host_state, func.count())
                .where(crossings.c.traveller_id.in_({r["traveller_id"] for r in sampled}))
                .group_by(crossings.c.traveller_id, crossings.c.host_state)
            )
        }
        bcps_of: dict[str, list[str]] = defaultdict(list)
        for code, state in connection.execute(select(bcps.c.code, bcps.c.state)):
            bcps_of[state].append(code)
    cases = []
    for row in sampled:
        seen = DocumentSeen(
            **{f: row[f] for f in ("issuing_state", "number", "document_type", "surname",
                                   "given_names", "nationality", "birth_date", "sex",
                                   "expiry_date", "optional_data")}
        )  # fmt: skip
        known = rng.random() >= 0.1
        if not known:
            seen = DocumentSeen(**{f: getattr(seen, f) for f in seen.__slots__}
                                | {"number": f"Q{rng.randrange(10**8):08d}"})  # fmt: skip
        state = row["host_state"]
        cases.append(Case(
            rng.choice(sorted(bcps_of[state])), state, rng.choice(list(Direction)), seen,
            row["traveller_id"] if known else None,
            per_person.get((row["traveller_id"], state), 0) if known else 0,
        ))  # fmt: skip
    return cases


def supervisor(state: str) -> Principal:
    # A supervisor may record (so check) at every BCP of their state: officers are posted.
    return Principal(f"bench.supervisor.{state}", Role.SUPERVISOR, state)


class StatementTimer:
    """Time in the database driver per kind of statement, and in COMMIT, for where the time
    goes. COMMIT is timed from SQLAlchemy's commit event to the end of the check (the rest of
    the check after it is returning a dataclass)."""

    def __init__(self, engine: Engine) -> None:
        self.engine = engine
        self.totals: dict[str, float] = defaultdict(float)
        self.counts: dict[str, int] = defaultdict(int)
        self._started: list[float] = []
        self.commit_started: float | None = None

    @staticmethod
    def kind(statement: str) -> str:
        words = statement.split()
        verb = words[0].upper() if words else "?"
        if verb == "SELECT" and "pg_advisory_xact_lock" in statement:
            return "audit: lock and chain head"
        if verb == "INSERT":
            return f"INSERT {words[2]}"
        if verb == "SELECT" and " presented" in statement:
            return "SELECT the document, the person's crossings, their flags"
        if verb == "SELECT" and " permits" in statement and " registrations" in statement:
            return "SELECT permits and registrations"
        tables = [w for w in ("crossing_flags", "corrections", "permits", "registrations",
                              "crossings", "documents", "principals", "api_tokens")
                  if f" {w}" in statement]  # fmt: skip
        return f"{verb} {tables[0] if tables else '?'}"

    def __enter__(self) -> StatementTimer:
        event.listen(self.engine, "before_cursor_execute", self._before)
        event.listen(self.engine, "after_cursor_execute", self._after)
        event.listen(self.engine, "commit", self._commit)
        return self

    def __exit__(self, *_exc) -> None:
        event.remove(self.engine, "before_cursor_execute", self._before)
        event.remove(self.engine, "after_cursor_execute", self._after)
        event.remove(self.engine, "commit", self._commit)

    def _before(self, *_args) -> None:
        self._started.append(time.perf_counter())

    def _after(self, _conn, _cursor, statement, *_args) -> None:
        elapsed = (time.perf_counter() - self._started.pop()) * 1000
        kind = self.kind(statement)
        self.totals[kind] += elapsed
        self.counts[kind] += 1

    def _commit(self, _conn) -> None:
        self.commit_started = time.perf_counter()

    def check_ended(self, at: float) -> float:
        """The COMMIT's share of the check that ended at `at`, in ms."""
        commit = (at - self.commit_started) * 1000 if self.commit_started else 0.0
        self.totals["COMMIT"] += commit
        self.counts["COMMIT"] += 1
        self.commit_started = None
        return commit


def bucket(case: Case) -> str:
    size = case.crossings_in_state
    if case.traveller_id is None:
        return "never seen"
    return "1-10" if size <= 10 else "11-100" if size <= 100 else "101+"


def free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


def serve_with_clock(port: int, out: Path) -> None:
    """The API as `rmis serve` builds it, wrapped in a clock of each request's server time
    (from the first byte of the request reaching the app to the last of the answer leaving
    it), written to `out` as JSON when the process is told to stop."""
    import signal

    import uvicorn

    from rmis.settings import Settings
    from rmis.web.app import create_app

    settings = Settings.from_env()
    app = create_app(
        open_database(settings.database_url), stay_rules=load_stay_rules(settings.stay_rules)
    )
    server_ms: dict[str, list[float]] = defaultdict(list)

    async def clocked(scope, receive, send):
        if scope["type"] != "http":
            return await app(scope, receive, send)
        t0 = time.perf_counter()
        await app(scope, receive, send)
        server_ms[f"{scope['method']} {scope['path']}"].append((time.perf_counter() - t0) * 1000)

    def stop(*_args) -> None:
        out.write_text(json.dumps(server_ms))
        os._exit(0)

    signal.signal(signal.SIGTERM, stop)
    uvicorn.run(clocked, host="127.0.0.1", port=port, log_level="warning")


class Server:
    """The API on the bench's schema in a process of its own (serve_with_clock), and a client
    with a supervisor's token for each state."""

    def __init__(self, url: str, states: set[str]) -> None:
        engine = open_database(url)
        self.auth = {
            state: {"Authorization": "Bearer " + create_principal(
                engine, name=f"bench.http.{state}.{uuid.uuid4().hex[:6]}",
                role=Role.SUPERVISOR, state=state, bcp_codes=[], now=datetime.now(UTC),
            )}
            for state in states
        }  # fmt: skip
        engine.dispose()
        port = free_port()
        self.timings = Path(f"/tmp/check_bench_server_{port}.json")
        self.process = subprocess.Popen(
            [sys.executable, __file__, "--serve", str(port), "--server-times", self.timings],
            env=os.environ | {"RMIS_DATABASE_URL": url},
            stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL,
        )  # fmt: skip
        self.client = httpx.Client(base_url=f"http://127.0.0.1:{port}", timeout=30)
        deadline = time.monotonic() + 120
        while True:
            try:
                self.client.get("/api/v1/openapi.json")
                return
            except httpx.TransportError:
                if self.process.poll() is not None or time.monotonic() > deadline:
                    self.close()
                    raise SystemExit(f"the server on port {port} did not start") from None
                time.sleep(0.2)

    def close(self) -> dict[str, list[float]]:
        """Stops the server; its time per request, by method and path."""
        self.process.terminate()
        self.process.wait()
        if not self.timings.exists():
            return {}
        times = json.loads(self.timings.read_text())
        self.timings.unlink()
        return times

    def check(self, case: Case) -> float:
        mrz = case.mrz()
        document = None
        if mrz is None:
            d = case.document
            document = {f: getattr(d, f) for f in d.__slots__}
            for f in ("birth_date", "expiry_date"):
                document[f] = document[f] and document[f].isoformat()
        body = {"mrz": mrz, "document": document, "bcp": case.bcp,
                "direction": case.direction.value}  # fmt: skip
        t0 = time.perf_counter()
        response = self.client.post("/api/v1/checks", json=body, headers=self.auth[case.state])
        elapsed = (time.perf_counter() - t0) * 1000
        assert response.status_code == 200, response.text
        return elapsed

    def stay_plus_history(self, case: Case) -> float:
        headers = self.auth[case.state]
        t0 = time.perf_counter()
        self.client.get(f"/api/v1/travellers/{case.traveller_id}/stay", headers=headers)
        self.client.get(f"/api/v1/travellers/{case.traveller_id}/crossings", headers=headers)
        return (time.perf_counter() - t0) * 1000


def bench(url: str, samples: dict[str, list[Case]]) -> dict[str, object]:
    """The check in-process and through HTTP, its peers and the diagnostic, interleaved case
    by case (so that each meets the same load of the shared machine), each on its own sample
    of cases (so that none finds the pages another has just read in the cache)."""
    durable = open_database(url)
    # The diagnostic: the check when its COMMIT does not wait for the WAL to reach the disk
    # (synchronous_commit = off for the session). Not what rmis does: a measure of the disk.
    unflushed = open_database(url + "%20-csynchronous_commit%3Doff")
    peers = open_database(url)  # apart, so that the statement timer sees only the check's
    with durable.connect() as connection:
        reference = load_reference_facts(connection)
    rules = load_stay_rules()
    server = Server(url, {c.state for cases in samples.values() for c in cases})

    def check(engine: Engine, case: Case) -> float:
        mrz = case.mrz()
        t0 = time.perf_counter()
        run_check(
            engine, supervisor(case.state), bcp_code=case.bcp, direction=case.direction,
            now=datetime.now(UTC), reference=reference, rules=rules,
            mrz=mrz, document=None if mrz else case.document,
        )  # fmt: skip
        return t0

    def stay_and_history(case: Case) -> float:
        principal, now = supervisor(case.state), datetime.now(UTC)
        t0 = time.perf_counter()
        try:
            stay_status(peers, principal, case.traveller_id, now.date(), rules,
                        purpose="bench", now=now)  # fmt: skip
            traveller_history(peers, principal, case.traveller_id, purpose="bench", now=now)
        except NotFound:  # the person's crossings in the sample's state were all voided
            pass
        return (time.perf_counter() - t0) * 1000

    bare_select = (
        select(crossings)
        .where(
            (crossings.c.traveller_id == bindparam("tid"))
            & (crossings.c.host_state == bindparam("host"))
        )
        .order_by(crossings.c.occurred_at)
    )

    def bare(case: Case) -> float:
        t0 = time.perf_counter()
        with peers.connect().execution_options(isolation_level="AUTOCOMMIT") as connection:
            connection.execute(bare_select, {"tid": case.traveller_id, "host": case.state}).all()
        return (time.perf_counter() - t0) * 1000

    probe = Table(
        "check_bench_commit_probe", MetaData(),
        Column("id", Uuid, primary_key=True), Column("at", DateTime(timezone=True)),
    )  # fmt: skip
    probe.create(peers, checkfirst=True)

    def insert_and_commit() -> float:
        t0 = time.perf_counter()
        with peers.begin() as connection:
            connection.execute(insert(probe).values(id=uuid.uuid4(), at=datetime.now(UTC)))
        return (time.perf_counter() - t0) * 1000

    try:
        for case in samples["warm"]:  # the pools, the statements' caches and prepared plans
            check(durable, case)
            check(unflushed, case)
            server.check(case)
            if case.traveller_id is not None:
                stay_and_history(case)
                server.stay_plus_history(case)
        times: dict[str, list[float]] = defaultdict(list)
        by_size: dict[str, list[float]] = defaultdict(list)
        with StatementTimer(durable) as timer:
            for i, case in enumerate(samples["check"]):
                t0 = check(durable, case)
                ended = time.perf_counter()
                times["commit"].append(timer.check_ended(ended))
                times["check"].append((ended - t0) * 1000)
                by_size[bucket(case)].append(times["check"][-1])
                if (peer := samples["peer"][i]).traveller_id is not None:
                    times["stay_and_history"].append(stay_and_history(peer))
                if (other := samples["bare"][i]).traveller_id is not None:
                    times["bare"].append(bare(other))
                times["insert_and_commit"].append(insert_and_commit())
                t0 = check(unflushed, samples["diagnostic"][i])
                times["unflushed"].append((time.perf_counter() - t0) * 1000)
                times["http_check"].append(server.check(samples["http_check"][i]))
                if (peer := samples["http_peer"][i]).traveller_id is not None:
                    times["http_peer"].append(server.stay_plus_history(peer))
    finally:
        server_times = server.close()
        for engine in (durable, unflushed, peers):
            engine.dispose()
    # The server's own clock of each check after the warm-up.
    warm = len(samples["warm"])
    times["http_check_server"] = server_times.get("POST /api/v1/checks", [])[warm:]
    n = len(samples["check"])
    in_database = sum(timer.totals.values())
    where = {
        kind: {"ms_per_check": round(ms / n, 3),
               "statements_per_check": round(timer.counts[kind] / n, 2)}
        for kind, ms in sorted(timer.totals.items(), key=lambda kv: -kv[1])
    }  # fmt: skip
    where["python (reading the MRZ, judging, building rows)"] = {
        "ms_per_check": round((sum(times["check"]) - in_database) / n, 3)
    }
    p = {name: percentiles(values) for name, values in times.items() if values}
    return {
        "check_in_process": p["check"],
        "check_in_process_commit": p["commit"],
        "check_in_process_by_crossings_of_person": {
            k: percentiles(v) | {"n": len(v)} for k, v in sorted(by_size.items())
        },
        "peer_stay_and_history_in_process": p["stay_and_history"],
        "peer_bare_select": p["bare"],
        "peer_bare_insert_and_commit": p["insert_and_commit"],
        "p99_ratio_vs_stay_and_history": round(
            p["check"]["p99_ms"] / p["stay_and_history"]["p99_ms"], 2
        ),
        "where_the_time_goes": where,
        "diagnostic_check_without_waiting_for_the_disk": p["unflushed"],
        "http_check": p["http_check"],
        "http_check_server_time": p.get("http_check_server"),
        "http_peer_stay_plus_history": p["http_peer"],
        "http_p99_ratio_vs_stay_plus_history": round(
            p["http_check"]["p99_ms"] / p["http_peer"]["p99_ms"], 2
        ),
    }


def load_alert_lists(url: str, folder: Path) -> dict[str, int]:
    """The UN and OFAC lists as published, into the bench's record (once: kept with --keep),
    so that each check's server time includes its screening against them (issue 12)."""
    from rmis.screening import import_list, list_summaries, lists_in_force, read_list

    engine = create_engine(url)
    present = {name for name, _ in lists_in_force(engine)}
    files = {
        "un-sc": (folder / "un_sc_consolidated_2026-02-27.xml", None),
        "ofac-sdn": (folder / "ofac_sdn_2021-07.csv", folder / "ofac_alt_2021-07.csv"),
    }
    for name, (path, alt) in files.items():
        if name not in present and path.is_file():
            import_list(
                engine, name=name, kind="sanctions", owner=name, items=read_list(path, alt=alt),
                source=path.name, principal="check bench", now=datetime.now(UTC),
            )  # fmt: skip
    entries = {s.name: s.entries for s in list_summaries(engine)}
    engine.dispose()
    return entries


def record_size(url: str) -> dict[str, int]:
    engine = create_engine(url)
    with engine.connect() as connection:
        sizes = {
            name: connection.execute(select(func.count()).select_from(table)).scalar_one()
            for name, table in (("crossings", crossings), ("documents", documents))
        }
    engine.dispose()
    return sizes


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--postgres", default=os.environ.get("RMIS_TEST_POSTGRES_URL"))
    parser.add_argument("--n", type=int, default=2000)
    parser.add_argument("--travellers", type=int, default=1_100_000)
    parser.add_argument("--region-dir", type=Path, default=Path("/tmp/check-bench/region"))
    parser.add_argument("--keep", action="store_true", help="keep the schema for the next run")
    parser.add_argument("--build-only", action="store_true")
    parser.add_argument(
        "--lists", type=Path, default=Path(__file__).parents[2] / "shared/data/alert-lists",
        help="folder of the UN and OFAC lists every check is screened against",
    )  # fmt: skip
    parser.add_argument("--serve", type=int, help=argparse.SUPPRESS)  # the bench's own server
    parser.add_argument("--server-times", type=Path, help=argparse.SUPPRESS)
    args = parser.parse_args()
    if args.serve:
        serve_with_clock(args.serve, args.server_times)
        return
    if not args.postgres:
        raise SystemExit("give --postgres URL (or set RMIS_TEST_POSTGRES_URL)")
    results: dict[str, object] = {"n": args.n, "on": str(date.today())}
    try:
        results["build"] = build(args.postgres, args.region_dir, args.travellers, sys.stderr)
        if args.build_only:
            args.keep = True
            print(json.dumps(results, indent=2))
            return
        url = schema_url(args.postgres)
        results["record"] = record_size(url)
        results["alert_lists_screened"] = load_alert_lists(url, args.lists)
        engine = create_engine(url)
        picked = pick_cases(engine, len(SAMPLES) * args.n + WARM_UP, SEED)
        engine.dispose()
        samples = {"warm": picked[:WARM_UP]} | {
            name: picked[WARM_UP + i :: len(SAMPLES)] for i, name in enumerate(SAMPLES)
        }
        cases = samples["check"]
        results["cases"] = {
            "never_seen": sum(c.traveller_id is None for c in cases),
            "sent_as_mrz": sum(c.mrz() is not None for c in cases),
            "median_crossings_of_person": statistics.median(
                c.crossings_in_state for c in cases if c.traveller_id is not None
            ),
        }
        # The machine is shared: say how busy it was (runnable processes per core, 1 minute).
        results["load_per_core_before"] = round(os.getloadavg()[0] / os.cpu_count(), 2)
        results |= bench(url, samples)
        results["load_per_core_after"] = round(os.getloadavg()[0] / os.cpu_count(), 2)
    finally:
        if not args.keep:
            admin = create_engine(args.postgres)
            with admin.begin() as connection:
                connection.execute(text(f'DROP SCHEMA IF EXISTS "{SCHEMA}" CASCADE'))
            admin.dispose()
    print(json.dumps(results, indent=2))


if __name__ == "__main__":
    main()
