"""Can a failed login's time tell whether a name exists? (issue 17: no difference over 10%)

Usage: python bench/login_timing_bench.py [--n 40] [--postgres URL]
Alternates failed logins at an existing officer's name and at names that do not exist (each
a new one, as an enumerating attacker sends), in process on a fresh record; the peer is the
existing name. Throttling is lifted between attempts (it would answer both alike, 429, before
any work). Figures: median and mean milliseconds of each, and the ratio unknown/known.
"""

from __future__ import annotations

import argparse
import contextlib
import json
import statistics
import tempfile
import time
import uuid
from datetime import UTC, datetime
from pathlib import Path

from sqlalchemy import create_engine, delete, text

from rmis.security.accounts import AccountError, create_principal, log_in
from rmis.security.principals import Role
from rmis.store import open_database
from rmis.store.schema import login_throttle

NOW = datetime(2026, 11, 23, 8, 0, tzinfo=UTC)


def _failed_ms(engine, name: str) -> float:
    with engine.begin() as connection:
        connection.execute(delete(login_throttle))
    started = time.perf_counter()
    with contextlib.suppress(AccountError):
        log_in(engine, name, "not the password", NOW, "10.1.1.1")
    return (time.perf_counter() - started) * 1000


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--n", type=int, default=40)
    parser.add_argument("--postgres")
    args = parser.parse_args()
    with tempfile.TemporaryDirectory() as directory:
        url, admin, schema = f"sqlite:///{Path(directory) / 'b.sqlite3'}", None, None
        if args.postgres:  # a schema of its own, dropped after
            schema = f"rmis_bench_{uuid.uuid4().hex[:8]}"
            admin = create_engine(args.postgres)
            with admin.begin() as connection:
                connection.execute(text(f'CREATE SCHEMA "{schema}"'))
            sep = "&" if "?" in args.postgres else "?"
            url = f"{args.postgres}{sep}options=-csearch_path%3D{schema}"
        engine = open_database(url)
        create_principal(engine, name="known.officer", role=Role.BORDER_OFFICER, state="KAZ",
                         bcp_codes=["KAZ-ALA"], password="a long enough passphrase",
                         now=NOW)  # fmt: skip
        _failed_ms(engine, "warm.up")
        known, unknown = [], []
        for i in range(args.n):
            known.append(_failed_ms(engine, "known.officer"))
            unknown.append(_failed_ms(engine, f"nobody.{i}"))
        engine.dispose()
        if admin is not None:
            with admin.begin() as connection:
                connection.execute(text(f'DROP SCHEMA "{schema}" CASCADE'))
    result = {
        "engine": engine.dialect.name, "n": args.n,
        "known_peer": {"median_ms": round(statistics.median(known), 1),
                       "mean_ms": round(statistics.mean(known), 1)},
        "unknown": {"median_ms": round(statistics.median(unknown), 1),
                    "mean_ms": round(statistics.mean(unknown), 1)},
    }  # fmt: skip
    result["median_ratio_unknown_vs_known"] = round(
        result["unknown"]["median_ms"] / result["known_peer"]["median_ms"], 3
    )
    print(json.dumps(result, indent=2))


if __name__ == "__main__":
    main()
