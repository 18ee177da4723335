"""Two national nodes (Kazakhstan, Uzbekistan) cut from one synthetic region: each imports the
crossings at its own BCPs into its own record and syncs its own warehouse."""

from __future__ import annotations

import io
from dataclasses import dataclass
from datetime import UTC, date, datetime
from pathlib import Path

import pyarrow as pa
import pyarrow.compute as pc
import pyarrow.parquet as pq
import pytest

from rmis.reference.bcps import load_bcps
from rmis.registry import import_crossings
from rmis.store import open_database
from rmis.synth.region import SynthConfig, generate, write
from rmis.warehouse import sync_warehouse

END = date(2026, 6, 30)
NOW = datetime(2026, 7, 1, tzinfo=UTC)
STATES = ("KAZ", "UZB")


@dataclass(frozen=True)
class Node:
    state: str
    data_dir: Path  # RMIS_DATA_DIR: rmis.sqlite3 and warehouse/
    url: str


@pytest.fixture(scope="session")
def region_files(tmp_path_factory):
    base = tmp_path_factory.mktemp("region")
    region = generate(SynthConfig(travellers=400, years=1, seed=7, end=END))
    return write(region, base / "synth")


@pytest.fixture(scope="session")
def nodes(region_files, tmp_path_factory) -> dict[str, Node]:
    crossings = pq.read_table(region_files["crossings"])
    bcps = load_bcps()
    state_of = [bcps[code].state for code in crossings.column("bcp").to_pylist()]
    out = {}
    for state in STATES:
        data_dir = tmp_path_factory.mktemp(f"node_{state}")
        mine = crossings.filter(pc.equal(pa.array(state_of), state))
        path = data_dir / "crossings.parquet"
        pq.write_table(mine, path)
        url = f"sqlite:///{data_dir / 'rmis.sqlite3'}"
        engine = open_database(url)
        import_crossings(engine, path, io.StringIO(), now=NOW)
        sync_warehouse(engine, data_dir / "warehouse", NOW)
        engine.dispose()
        out[state] = Node(state, data_dir, url)
    return out
