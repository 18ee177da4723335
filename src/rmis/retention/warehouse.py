"""The warehouse's share of an erasure: the crossings and documents the record erased are
removed from the Parquet files that hold them, and the pre-aggregates are dropped for the
next sync to make again without them. Run by `rmis retention run` after the record's erasure;
what it has removed leaves warehouse_erasures."""

from __future__ import annotations

from pathlib import Path

import pyarrow as pa
import pyarrow.compute as pc
import pyarrow.parquet as pq
from sqlalchemy import Engine, delete, select

from rmis.store.schema import warehouse_erasures
from rmis.warehouse import new_file, read_manifest, remove_unlisted, write_manifest


def _without(root: Path, files: list[str], column: str, erased: pa.Array) -> tuple[list[str], int]:
    """The files again, each rewritten when it held an erased row; and how many rows went."""
    kept, removed = [], 0
    for name in files:
        table = pq.read_table(root / name)
        gone = pc.is_in(table[column], value_set=erased)
        count = pc.sum(gone).as_py() or 0
        if not count:
            kept.append(name)
            continue
        removed += count
        rest = table.filter(pc.invert(gone))
        if rest.num_rows:
            fresh = new_file(root, str(Path(name).parent))
            temporary = root / f"{fresh}.tmp"
            pq.write_table(rest, temporary, compression="zstd")
            temporary.replace(root / fresh)
            kept.append(fresh)
    return kept, removed


def erase_from_warehouse(engine: Engine, root: Path) -> int:
    """Remove what the record erased from the warehouse at `root`; how many rows went."""
    with engine.connect() as connection:
        pending = connection.execute(
            select(warehouse_erasures.c.kind, warehouse_erasures.c.erased_id)
        ).all()
    if not pending:
        return 0
    removed = 0
    if (root / "_manifest.json").is_file():
        manifest = read_manifest(root)
        crossing_ids = pa.array([str(i) for k, i in pending if k == "crossing"], pa.string())
        document_ids = pa.array([str(i) for k, i in pending if k == "document"], pa.string())
        for partition, files in list(manifest.partitions.items()):
            manifest.partitions[partition], count = _without(
                root, files, "crossing_id", crossing_ids
            )
            removed += count
        manifest.partitions = {p: f for p, f in manifest.partitions.items() if f}
        manifest.documents, count = _without(root, manifest.documents, "document_id", document_ids)
        removed += count
        if removed:
            manifest.summaries = None  # made again, without the erased rows, by the next sync
            write_manifest(root, manifest)
            remove_unlisted(root, manifest)
    # No warehouse yet: the next sync exports only what the record still holds.
    with engine.begin() as connection:
        for kind, erased_id in pending:
            connection.execute(
                delete(warehouse_erasures).where(
                    (warehouse_erasures.c.kind == kind)
                    & (warehouse_erasures.c.erased_id == erased_id)
                )
            )
    return removed
