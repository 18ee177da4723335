"""The migrant's page (/stay): server time p50/p99 and page weight, against named peers.

Usage: python bench/stay_page_bench.py [--n 400] [--travellers 2000] [--postgres URL]

A record of --travellers Uzbek and Tajik workers in Kazakhstan (one to four trips each over
the last year, recorded through the registry's door) in SQLite, or in a PostgreSQL schema of
its own with --postgres. The app is built as `rmis serve` builds it and driven in process;
server time is the app's ASGI call (what a server spends on a request), timed by a wrapper.
Cases are interleaved one by one, so every measure meets the same load of the shared machine.

Figures, each p50/p99/max in ms:
- `page_empty`: GET /stay?lang=ru (the three forms, the country lists in Russian);
- `page_plan`: POST /stay/plan with a random person's trips (1-5 trips, one of 12 host and
  citizenship pairs), the answer page;
- `peer_engine_alone`: the stay engine's call for the same question (schedule + evaluate),
  in process: what the page adds over the engine is parsing, rendering and gzip;
- `page_check_work`: POST /stay/check for a recorded person (3 in 4) or an unknown number,
  with the time floor off (the floor, 350 ms, is what a person waits: it hides which path ran);
- `peer_api_stay_read`: GET /api/v1/travellers/{id}/stay, the JSON API's stay read of the same
  people by an analyst: one registry read where the check makes three, plus the throttle.
Page weight: every page's bytes as the browser holds them and as sent (gzip), with its CSS.
Target (issue 15): under 100 KB a page; server time is reported, with the peers' ratios.
"""

from __future__ import annotations

import argparse
import gzip
import json
import os
import random
import statistics
import sys
import time
import uuid
from datetime import UTC, date, datetime, timedelta
from pathlib import Path

from sqlalchemy import create_engine, text

NOW = datetime(2026, 11, 23, 5, 0, tzinfo=UTC)
PAIRS = [("RUS", "TJK"), ("RUS", "UZB"), ("RUS", "KGZ"), ("KAZ", "UZB"), ("KAZ", "KGZ"),
         ("KGZ", "KAZ"), ("KGZ", "TJK"), ("UZB", "TJK"), ("TJK", "AFG"), ("KAZ", "TJK"),
         ("UZB", "KAZ"), ("RUS", "TKM")]  # fmt: skip


def percentiles(samples_s: list[float]) -> dict[str, float]:
    ms = sorted(s * 1000 for s in samples_s)
    p99 = ms[min(len(ms) - 1, round(0.99 * (len(ms) - 1)))]
    return {"n": len(ms), "p50": round(statistics.median(ms), 3), "p99": round(p99, 3),
            "max": round(ms[-1], 3)}  # fmt: skip


class Timed:
    """The app's ASGI call, timed: server time without the test client around it."""

    def __init__(self, app) -> None:
        self.app, self.last = app, 0.0

    async def __call__(self, scope, receive, send) -> None:
        started = time.perf_counter()
        await self.app(scope, receive, send)
        self.last = time.perf_counter() - started


def random_trips(rng: random.Random) -> tuple[list[tuple[date, date | None]], date]:
    day = date(2025, 1, 1) + timedelta(days=rng.randrange(500))
    trips = []
    for _ in range(rng.randint(1, 5)):
        entry = day + timedelta(days=rng.randint(1, 60))
        day = entry + timedelta(days=rng.randint(0, 100))
        trips.append((entry, day))
    if rng.random() < 0.5:
        trips[-1] = (trips[-1][0], None)
    return trips, trips[-1][0] + timedelta(days=rng.randint(0, 120))


def build_record(engine, travellers: int, rng: random.Random) -> list[dict]:
    """Workers in Kazakhstan, recorded through the registry's door; their documents."""
    from uuid6 import uuid7

    from rmis.registry import DocumentSeen, NewCrossing, record_crossings
    from rmis.registry.model import Direction, Purpose
    from rmis.security import principal_named
    from rmis.security.accounts import create_principal
    from rmis.security.principals import Role

    create_principal(engine, name="bench.sup", role=Role.SUPERVISOR, state="KAZ", now=NOW)
    supervisor = principal_named(engine, "bench.sup")
    people, batch = [], []
    for i in range(travellers):
        nationality = rng.choice(["UZB", "TJK"])
        birth = date(1970, 1, 1) + timedelta(days=rng.randrange(365 * 30))
        doc = {"issuing_state": nationality, "document_number": f"B{i:08d}",
               "birth_date": birth, "expiry_date": date(2031, 1, 1)}  # fmt: skip
        seen = DocumentSeen(nationality, doc["document_number"], "P", f"SURNAME{i}", "GIVEN",
                            nationality, birth_date=birth, sex="M",
                            expiry_date=doc["expiry_date"])  # fmt: skip
        day = NOW - timedelta(days=rng.randint(200, 360))
        for _ in range(rng.randint(1, 4)):
            batch.append(NewCrossing(uuid7(), Direction.ENTRY, "KAZ-ALA", day, seen, Purpose.WORK))
            day += timedelta(days=rng.randint(5, 40))
            if day >= NOW - timedelta(days=1):
                break
            batch.append(NewCrossing(uuid7(), Direction.EXIT, "KAZ-ALA", day, seen, Purpose.WORK))
            day += timedelta(days=rng.randint(5, 60))
            if day >= NOW - timedelta(days=1):
                break
        people.append(doc)
        # Batches of 50: the audit row's subject lists every crossing id, and PostgreSQL's index
        # on audit_log.subject (migration 0007) refuses a value over 2,704 bytes (about 70 ids).
        if len(batch) > 50:
            record_crossings(engine, supervisor, batch, now=NOW)
            batch = []
    if batch:
        record_crossings(engine, supervisor, batch, now=NOW)
    return people


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--n", type=int, default=400, help="cases per measure")
    parser.add_argument("--travellers", type=int, default=2000)
    parser.add_argument("--postgres", help="a PostgreSQL URL (a schema of its own is made)")
    parser.add_argument("--seed", type=int, default=15)
    args = parser.parse_args()
    sys.path.insert(0, str(Path(__file__).resolve().parents[1] / "src"))

    from fastapi.testclient import TestClient

    from rmis.reference.stay_rules import builtin_stay_rules
    from rmis.registry import document_history
    from rmis.security import Principal, Role
    from rmis.security.accounts import create_principal
    from rmis.stay import Stay, Timeline, evaluate
    from rmis.store import open_database
    from rmis.web.app import create_app

    rng = random.Random(args.seed)
    schema = None
    if args.postgres:
        schema = f"rmis_stay_bench_{uuid.uuid4().hex[:8]}"
        admin = create_engine(args.postgres)
        with admin.begin() as c:
            c.execute(text(f'CREATE SCHEMA "{schema}"'))
        sep = "&" if "?" in args.postgres else "?"
        engine = open_database(f"{args.postgres}{sep}options=-csearch_path%3D{schema}")
    else:
        import tempfile

        folder = Path(tempfile.mkdtemp(prefix="stay-bench-"))
        engine = open_database(f"sqlite:///{folder / 'rmis.sqlite3'}")
    started = time.perf_counter()
    people = build_record(engine, args.travellers, rng)
    build_s = time.perf_counter() - started

    app = create_app(engine, clock=lambda: NOW)
    app.state.stay_node_state = "KAZ"
    app.state.stay_check_floor = 0.0
    timed = Timed(app)
    token = create_principal(engine, name="bench.analyst", role=Role.ANALYST, state="KAZ", now=NOW)
    analyst = {"Authorization": f"Bearer {token}"}
    # The throttle allows 5 tries a minute per address: each check comes from its own address.
    clients = [TestClient(timed, client=(f"10.{i // 250}.{i % 250}.1", 5000))
               for i in range(args.n + 1)]  # fmt: skip
    web = clients[-1]
    table = builtin_stay_rules()
    reader = Principal("bench", Role.ANALYST, "KAZ")
    traveller_of = {}
    for person in people[: args.n]:
        tid, _ = document_history(engine, reader, person["issuing_state"],
                                  person["document_number"], purpose="bench", now=NOW)  # fmt: skip
        traveller_of[person["document_number"]] = tid

    measures = ("page_empty", "page_plan", "peer_engine_alone", "page_check_work",
                "peer_api_stay_read")  # fmt: skip
    samples: dict[str, list[float]] = {k: [] for k in measures}
    # Warm up what is built once per process: templates, each language's catalogue, rules.
    for language in ("ru", "tg"):
        web.get(f"/stay?lang={language}")
        web.post(f"/stay/plan?lang={language}", data={"nationality": "TJK", "host_state": "RUS",
                                                     "entry_1": "2026-01-01"})  # fmt: skip
    web.get(f"/api/v1/travellers/{next(iter(traveller_of.values()))}/stay", headers=analyst)
    weights: dict[str, list[int]] = {"empty": [], "plan": [], "check": []}
    for i in range(args.n):
        # The empty page.
        r = web.get("/stay?lang=ru", headers={"Accept-Encoding": "identity"})
        assert r.status_code == 200
        samples["page_empty"].append(timed.last)
        weights["empty"].append(len(r.content))
        # Plan, and the engine alone on the same question.
        host, nationality = rng.choice(PAIRS)
        trips, on = random_trips(rng)
        form = {"nationality": nationality, "host_state": host, "on": on.isoformat()}
        for k, (a, b) in enumerate(trips, 1):
            form[f"entry_{k}"], form[f"exit_{k}"] = a.isoformat(), b.isoformat() if b else ""
        r = web.post("/stay/plan?lang=tg", data=form, headers={"Accept-Encoding": "identity"})
        assert r.status_code == 200, r.text[:500]
        samples["page_plan"].append(timed.last)
        weights["plan"].append(len(r.content))
        t = time.perf_counter()
        evaluate(
            Timeline(tuple(Stay(a, b) for a, b in trips)), table.schedule(host, nationality), on
        )
        samples["peer_engine_alone"].append(time.perf_counter() - t)
        # Check my record (3 in 4 recorded), and the API's stay read of the same person.
        person = people[i]
        ask = {"host_state": "KAZ", "issuing_state": person["issuing_state"],
               "document_number": person["document_number"] if i % 4 else f"X{i:08d}",
               "birth_date": person["birth_date"].isoformat(),
               "expiry_date": person["expiry_date"].isoformat()}  # fmt: skip
        r = clients[i].post(
            "/stay/check?lang=ru", data=ask, headers={"Accept-Encoding": "identity"}
        )
        assert r.status_code == 200, r.text[:300]
        assert ("data-days-used" in r.text) == bool(i % 4)
        samples["page_check_work"].append(timed.last)
        weights["check"].append(len(r.content))
        tid = traveller_of[person["document_number"]]
        r = web.get(f"/api/v1/travellers/{tid}/stay", headers=analyst)
        assert r.status_code == 200, r.text[:300]
        samples["peer_api_stay_read"].append(timed.last)

    css = sum(len((Path(__file__).resolve().parents[1] / f"src/rmis/web/static/{f}").read_bytes())
              for f in ("rmis.css", "stay.css"))  # fmt: skip
    empty = web.get("/stay?lang=ru", headers={"Accept-Encoding": "identity"}).content
    figures = {k: percentiles(v) for k, v in samples.items()}
    results = {
        "record": {"engine": engine.dialect.name, "travellers": args.travellers,
                   "build_seconds": round(build_s, 1),
                   "load_average_after": round(os.getloadavg()[0], 1),
                   "cpus": os.cpu_count()},
        "server_time_ms": figures,
        "ratios": {
            f"{q}: {a} / {b}": round(figures[a][q] / figures[b][q], 2)
            for q in ("p50", "p99")
            for a, b in (("page_plan", "peer_engine_alone"),
                         ("page_empty", "peer_api_stay_read"),
                         ("page_plan", "peer_api_stay_read"),
                         ("page_check_work", "peer_api_stay_read"))
        },
        "page_weight_bytes": {
            "css": css,
            "empty_page_html": len(empty),
            "empty_page_html_gzip": len(gzip.compress(empty, 6)),
            "largest_plan_answer_html": max(weights["plan"]),
            "largest_check_answer_html": max(weights["check"]),
            "largest_page_with_css": max(max(v) for v in weights.values()) + css,
            "budget": 100 * 1024,
        },
    }  # fmt: skip
    print(json.dumps(results, indent=2))
    engine.dispose()
    if schema:
        with admin.begin() as c:
            c.execute(text(f'DROP SCHEMA "{schema}" CASCADE'))


if __name__ == "__main__":
    main()
