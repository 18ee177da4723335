"""What the API edge's bounds cost the bulk import: parsing a chunk with them and without them.

Usage: python bench/import_bounds_bench.py [--rows 20000] [--repeat 9]

The import's parse of a chunk (registry/bulk_parse.py) with the bounds the API's edge applies
(strict Parquet types, no NUL or control characters in any text, dates and times within their
ranges), against the peer: the same parse with those three checks switched off, as it was
before they were added. The rows are import_bench's (Latin names) plus national-script names
(Cyrillic) on every row, so the character check sees the region's real mix. The two take turns
`--repeat` times in one process and the best time of each counts: a loaded machine skews the
ratio less than the absolute figures. The resend rule costs nothing here (one query, and only
for a chunk with ids already recorded).
"""

from __future__ import annotations

import argparse
import json
import time
from datetime import UTC, datetime

import pyarrow as pa

from rmis.reference.bcps import load_bcps
from rmis.reference.refusal_reasons import load_refusal_reasons
from rmis.registry import bulk_parse
from rmis.registry.recording import BcpFacts, ReferenceFacts

NOW = datetime(2026, 11, 23, tzinfo=UTC)
BOUNDS = ("_type_checks", "_text_checks", "_range_checks")


def make_table(n: int) -> pa.Table:
    from import_bench import make_rows  # the same rows the import bench loads

    rows = make_rows(n)
    for row in rows:
        row["occurred_at"] = row["occurred_at"].isoformat()
        row |= {"national_surname": "КАРИМОВ", "national_given_names": "АЗИЗ",
                "birth_date": "1990-05-17", "expiry_date": "2030-05-17"}  # fmt: skip
    return pa.Table.from_pylist(rows)


def reference() -> ReferenceFacts:
    bcps = {b.code: BcpFacts(b.code, b.state, b.mode, b.time_zone) for b in load_bcps().values()}
    return ReferenceFacts(bcps, frozenset(load_refusal_reasons()))


def best_time(table: pa.Table, facts: ReferenceFacts, with_bounds: bool) -> float:
    saved = {name: getattr(bulk_parse, name) for name in BOUNDS}
    if not with_bounds:
        for name in BOUNDS:
            setattr(bulk_parse, name, lambda *args, **kw: None)
    try:
        start = time.perf_counter()
        parsed = bulk_parse.parse_chunk(table, 1, facts, NOW)
        elapsed = time.perf_counter() - start
    finally:
        for name, function in saved.items():
            setattr(bulk_parse, name, function)
    assert not parsed.rejected, parsed.rejected[:3]
    return elapsed


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--rows", type=int, default=20_000)
    parser.add_argument("--repeat", type=int, default=9)
    args = parser.parse_args()
    table, facts = make_table(args.rows), reference()
    best = {True: float("inf"), False: float("inf")}
    for _ in range(args.repeat):
        for with_bounds in (False, True):
            best[with_bounds] = min(best[with_bounds], best_time(table, facts, with_bounds))
    print(json.dumps({
        "rows": args.rows,
        "parse_with_bounds_per_s": round(args.rows / best[True]),
        "peer_parse_without_bounds_per_s": round(args.rows / best[False]),
        "with_over_without": round(best[False] / best[True], 3),
        "bounds_ms_per_chunk": round((best[True] - best[False]) * 1000, 1),
    }, indent=2))  # fmt: skip


if __name__ == "__main__":
    main()
