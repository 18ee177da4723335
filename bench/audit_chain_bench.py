"""Audited transactions under concurrency: the keyed chain sealed by one writer (rmis now)
against the chain linked inside each transaction under one lock (rmis before issue 17).

Usage: python bench/audit_chain_bench.py [--threads 8] [--each 200] [--postgres URL]
Each thread runs `each` transactions of what an audited read is: one small SELECT and one
audit row. rmis: append_audit (an INSERT with the row's own digest, no lock) while the sealer
links rows every 2 s in its own thread, as `rmis serve` runs it. Peer: the same transaction,
with the chain head read under the advisory lock and the row's hash chained to it (the design
every audited read waited on). Figures: transactions per second, p50/p99 latency, the sealer's
rows per second, and the chain verified whole at the end. Without --postgres, a temporary
SQLite file (where writers serialise anyway).
"""

from __future__ import annotations

import argparse
import hashlib
import json
import os
import statistics
import tempfile
import threading
import time
import uuid
from datetime import UTC, datetime
from pathlib import Path

from sqlalchemy import Engine, create_engine, insert, select, text

from rmis.security import AuditKeys, AuditSealer, seal_audit, verify_audit
from rmis.security.audit import AUDIT_LOCK_KEY, append_audit, content_digest
from rmis.store import open_database
from rmis.store.schema import audit_log, bcps

NOW = datetime(2026, 11, 23, 8, 0, tzinfo=UTC)


def _locked_append(connection, **row) -> None:
    """The peer: the chain linked in the transaction, under one lock (the old design)."""
    if connection.dialect.name == "sqlite":
        if not connection.connection.driver_connection.in_transaction:
            connection.exec_driver_sql("BEGIN IMMEDIATE")
    else:
        connection.exec_driver_sql(f"SELECT pg_advisory_xact_lock({AUDIT_LOCK_KEY})")
    head = (
        connection.execute(
            select(audit_log.c.hash).order_by(audit_log.c.seq.desc()).limit(1)
        ).scalar()
        or "0" * 64
    )
    digest = content_digest(row["at"], row["principal"], row["action"], row["subject"],
                            row["purpose"], None)  # fmt: skip
    chained = hashlib.sha256((head + digest).encode()).hexdigest()
    connection.execute(insert(audit_log), {**row, "detail": None, "hash": chained})


def _run(engine: Engine, threads: int, each: int, append) -> dict:
    latencies: list[float] = []
    lock = threading.Lock()

    def work(thread: int) -> None:
        mine = []
        for i in range(each):
            started = time.perf_counter()
            with engine.begin() as connection:
                connection.execute(select(bcps.c.code).limit(1)).all()  # the read itself
                append(connection, at=NOW, principal=f"reader.{thread}",
                       action="travellers.history", subject=str(i), purpose="bench")  # fmt: skip
            mine.append(time.perf_counter() - started)
        with lock:
            latencies.extend(mine)

    started = time.perf_counter()
    workers = [threading.Thread(target=work, args=(t,)) for t in range(threads)]
    for w in workers:
        w.start()
    for w in workers:
        w.join()
    wall = time.perf_counter() - started
    latencies.sort()
    return {
        "transactions": len(latencies),
        "per_second": round(len(latencies) / wall, 1),
        "p50_ms": round(statistics.median(latencies) * 1000, 2),
        "p99_ms": round(latencies[int(len(latencies) * 0.99) - 1] * 1000, 2),
    }


def _engine(postgres: str | None, directory: Path, threads: int) -> tuple[Engine, object]:
    if not postgres:
        return open_database(f"sqlite:///{directory / 'bench.sqlite3'}"), None
    schema = f"rmis_bench_{uuid.uuid4().hex[:8]}"
    admin = create_engine(postgres)
    with admin.begin() as connection:
        connection.execute(text(f'CREATE SCHEMA "{schema}"'))
    sep = "&" if "?" in postgres else "?"
    engine = open_database(f"{postgres}{sep}options=-csearch_path%3D{schema}")
    engine.pool.dispose()
    engine = create_engine(engine.url, pool_size=threads + 4)

    def drop() -> None:
        engine.dispose()
        with admin.begin() as connection:
            connection.execute(text(f'DROP SCHEMA "{schema}" CASCADE'))

    return engine, drop


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--threads", type=int, default=8)
    parser.add_argument("--each", type=int, default=200)
    parser.add_argument("--postgres", default=os.environ.get("RMIS_BENCH_POSTGRES_URL"))
    args = parser.parse_args()
    keys = AuditKeys.generate()
    results: dict = {"threads": args.threads, "each": args.each}
    with tempfile.TemporaryDirectory() as directory:
        for name, append in (("peer_locked_chain", _locked_append), ("rmis_sealed", None)):
            engine, drop = _engine(args.postgres, Path(directory) / name, args.threads)
            results["engine"] = engine.dialect.name
            if append is None:
                sealer = AuditSealer(engine, keys, Path(directory) / "cp", lambda: NOW).start()
                results[name] = _run(engine, args.threads, args.each, append_audit)
                sealer.stop()
                _run(engine, args.threads, args.each, append_audit)  # rows left for one seal
                started = time.perf_counter()
                sealed = seal_audit(engine, keys, NOW).rows
                results[name]["sealer_rows_per_second"] = round(
                    sealed / (time.perf_counter() - started), 1
                )
                with engine.connect() as connection:
                    verdict = verify_audit(connection, keys, Path(directory) / "cp")
                results[name]["chain_whole"] = verdict.whole and verdict.unsealed == 0
            else:
                results[name] = _run(engine, args.threads, args.each, append)
            if drop:
                drop()
            else:
                engine.dispose()
    peer, ours = results["peer_locked_chain"], results["rmis_sealed"]
    results["throughput_ratio_vs_peer"] = round(ours["per_second"] / peer["per_second"], 2)
    results["p99_ratio_vs_peer"] = round(ours["p99_ms"] / peer["p99_ms"], 2)
    print(json.dumps(results, indent=2))


if __name__ == "__main__":
    main()
