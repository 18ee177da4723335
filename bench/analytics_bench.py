"""Analytics at scale: flows by corridor and month, and movement types, on DuckDB; the same
flows query in pandas as the peer.

    python bench/analytics_bench.py --warehouse D/warehouse [--crossings 100000000]
                                    [--travellers 10000000] [--pandas-crossings 10000000]

The warehouse (a synthetic region, `rmis synth ... --load` then `rmis warehouse sync`) is
replicated into a scratch directory until it holds `--crossings` rows, each crossing with its
document's person_key stored on it (what engine.open_warehouse reads through a join): each copy
gets its people and documents renamed (a copy suffix) and its seqs shifted, so copies are
distinct people. `--travellers` is the number of people for movement types. Prints JSON.
"""

from __future__ import annotations

import argparse
import json
import tempfile
import time
from pathlib import Path

import duckdb
import ibis

from rmis.analytics import flows, movement_types
from rmis.warehouse import read_manifest

# The warehouse's crossings, each with the person_key of its document.
WITH_PEOPLE = """(select c.*, d.person_key from read_parquet($crossings) c
                  join read_parquet($documents) d using (document_id))"""


def replicate(source: Path, target: Path, rows: int) -> tuple[Path, int, int]:
    """Parquet with at least `rows` crossings made of renamed copies; (file, rows, people)."""
    con = duckdb.connect()
    files = _files(source)
    base = con.execute(
        f"select count(*), count(distinct person_key), max(seq) from {WITH_PEOPLE}", files
    ).fetchone()
    copies = -(-rows // base[0])
    out = target / "crossings.parquet"
    con.execute(
        f"""copy (
            select * replace (
                person_key || '-' || copy::varchar as person_key,
                document_id || '-' || copy::varchar as document_id,
                seq + copy * {base[2]} as seq)
            from {WITH_PEOPLE} cross join range({copies}) as c(copy)
        ) to '{out}' (format parquet, compression zstd, row_group_size 1000000)""",
        files,
    )
    return out, base[0] * copies, base[1] * copies


def _files(source: Path) -> dict[str, list[str]]:
    manifest = read_manifest(source)
    return {
        "crossings": [str(source / f) for f in manifest.crossing_files()],
        "documents": [str(source / f) for f in manifest.documents],
    }


def timed(run) -> tuple[float, object]:
    started = time.perf_counter()
    result = run()
    return time.perf_counter() - started, result


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--warehouse", type=Path, required=True)
    parser.add_argument("--crossings", type=int, default=100_000_000)
    parser.add_argument("--travellers", type=int, default=10_000_000)
    parser.add_argument("--pandas-crossings", type=int, default=10_000_000)
    args = parser.parse_args()
    by = ["corridor", "month"]
    figures: dict[str, object] = {}
    with tempfile.TemporaryDirectory() as scratch:
        big_dir, mid_dir, typ_dir = (Path(scratch) / n for n in ("big", "mid", "typ"))
        for d in (big_dir, mid_dir, typ_dir):
            d.mkdir()
        big, big_rows, _ = replicate(args.warehouse, big_dir, args.crossings)
        con = ibis.duckdb.connect()
        crossings = con.read_parquet(str(big))
        seconds, _ = timed(lambda: flows(crossings, by).to_pandas())
        figures["flows_corridor_month_duckdb"] = {
            "crossings": big_rows,
            "seconds": round(seconds, 2),
        }

        mid, mid_rows, _ = replicate(args.warehouse, mid_dir, args.pandas_crossings)
        mid_table = con.read_parquet(str(mid))
        duck_seconds, duck = timed(lambda: flows(mid_table, by).to_pandas())
        pandas_seconds, peer = timed(lambda: pandas_flows(mid))
        assert (
            duck[["entries", "exits"]].sum().tolist() == peer[["entries", "exits"]].sum().tolist()
        )
        figures["flows_corridor_month_vs_pandas"] = {
            "crossings": mid_rows,
            "duckdb_seconds": round(duck_seconds, 2),
            "pandas_seconds": round(pandas_seconds, 2),
            "pandas_over_duckdb": round(pandas_seconds / duck_seconds, 1),
        }

        per_person = crossings_per_person(args.warehouse)
        typ, typ_rows, _ = replicate(args.warehouse, typ_dir, int(args.travellers * per_person))
        typ_table = con.read_parquet(str(typ))
        seconds, typed = timed(lambda: movement_types(typ_table).count().to_pyarrow().as_py())
        figures["movement_types_duckdb"] = {
            "people": typed, "crossings": typ_rows, "seconds": round(seconds, 2),
        }  # fmt: skip
    print(json.dumps(figures, indent=1))


def crossings_per_person(source: Path) -> float:
    query = f"select count(*) / count(distinct person_key) from {WITH_PEOPLE}"
    return duckdb.connect().execute(query, _files(source)).fetchone()[0]


def pandas_flows(path: Path):
    """The same flows by corridor and month, in pandas."""
    import pandas as pd

    frame = pd.read_parquet(
        path, columns=["direction", "host_state", "neighbour", "mode", "local_date", "outcome"]
    )
    partner = frame.neighbour.fillna(frame["mode"].str.upper())
    entry = frame.direction == "entry"
    admitted = frame.outcome == "admitted"
    cut = pd.DataFrame(
        {
            "from_state": partner.where(entry, frame.host_state),
            "to_state": frame.host_state.where(entry, partner),
            "month": pd.to_datetime(frame.local_date).dt.to_period("M"),
            "entries": admitted & entry,
            "exits": admitted & ~entry,
            "refused": ~admitted,
        }
    )
    return cut.groupby(["from_state", "to_state", "month"], as_index=False)[
        ["entries", "exits", "refused"]
    ].sum()


if __name__ == "__main__":
    main()
