"""`rmis warehouse sync`: bring the Parquet warehouse up to date with the registry.

One sync, in one snapshot of the registry:
1. crossings not exported yet (by seq, holes included: see cursor.py) are appended, with every
   correction recorded so far applied; each names its document;
2. the documents of new crossings are added, each with its person (people.py); documents whose
   person changed since the last sync (merged, split, confirmed from the review queue: the
   `person_links` rows past the manifest's cursor) are written again, so a link changed after
   its crossings were exported moves no crossing file;
3. a correction to a crossing exported earlier rewrites the partitions the crossing was in and
   is in now, from the registry;
4. partitions made of many small files are merged; permits, BCPs and the review queue's open
   proposals are written whole;
5. the manifest, with the new cursors, is written last. Files it does not list are removed.
The documents' person_key and holder_key are HMACs under the installation's key
(pseudonym.py). The manifest keeps the key's fingerprint; when it differs (a new key, or a
warehouse from before keys), the documents are written again whole under the current key, in
the same sync, so no two keys are ever mixed. A warehouse written by an earlier version (its
tables have other columns: columns.COLUMNS_VERSION) is exported again whole, in the same way.
Running it again with nothing new changes nothing but the manifest's time.
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Callable
from dataclasses import dataclass
from datetime import datetime
from pathlib import Path

import pyarrow as pa
import pyarrow.compute as pc
import pyarrow.parquet as pq
from sqlalchemy import Connection, Engine, and_, or_

from rmis.registry import Correction
from rmis.store.schema import crossings
from rmis.warehouse import columns
from rmis.warehouse.cursor import SeqCursor
from rmis.warehouse.extract import (
    BATCH_ROWS,
    BcpPlace,
    all_corrections,
    as_corrected,
    crossing_batches,
    crossings_by_id,
    exported,
    in_partition,
    load_bcp_places,
    pending,
    read_bcps,
)
from rmis.warehouse.layout import (
    Manifest,
    Partition,
    Summaries,
    new_file,
    read_manifest,
    remove_unlisted,
    write_manifest,
)
from rmis.warehouse.people import (
    LinkChanges,
    People,
    documents_of_crossings,
    documents_touched,
    link_changes,
    read_permits,
    read_reviews,
)
from rmis.warehouse.pseudonym import Keyed, default_key_file, fingerprint, load_or_create_key

FLUSH_PARTITION_ROWS = 1_000_000  # a partition's buffer is written once it holds this many
FLUSH_TOTAL_ROWS = 4_000_000  # and every buffer once they hold this many together
MAX_FILES_PER_PARTITION = 8  # more than this and the partition's files are merged
_PERSON = ("document_id", "person_key", "link")

# Brings the pre-aggregates up to date: (root, the manifest before the sync, or None when
# everything must be summarised again, the manifest after it) -> what to list. The analytics
# room makes them (rmis.analytics.summarise): the warehouse only keeps them listed, atomically
# with the files they summarise.
Summariser = Callable[[Path, Manifest | None, Manifest], Summaries]


@dataclass(frozen=True, slots=True)
class SyncSummary:
    exported: int  # crossings appended
    rewritten: int  # partitions rewritten for corrections
    merged: int  # partitions whose files were merged
    last_seq: int
    open_holes: int  # sequence numbers below last_seq still awaited
    rekeyed: bool  # documents written again under a key other than the last sync's
    relinked: int = 0  # documents written again because their person changed
    upgraded: bool = False  # written by an earlier version: everything exported again


def sync_warehouse(
    engine: Engine,
    root: Path,
    now: datetime,
    *,
    key: bytes | None = None,
    batch_rows: int = BATCH_ROWS,
    summarise: Summariser | None = None,
) -> SyncSummary:
    """`key`: the installation's pseudonym key (Settings.warehouse_key_file); by default the
    key file beside the warehouse (pseudonym.default_key_file), made on first use.
    `summarise`: keeps the pre-aggregates (Summariser); without it the manifest lists none and
    the analyses read the crossings themselves."""
    key = load_or_create_key(default_key_file(root)) if key is None else key
    keyed = Keyed(key)
    manifest = read_manifest(root)
    previous = read_manifest(root)  # `manifest` is changed in place below
    remove_unlisted(root, manifest)  # leftovers of a sync that died
    upgraded = manifest.columns_version != columns.COLUMNS_VERSION and bool(
        manifest.partitions or manifest.documents
    )
    if upgraded:  # its crossings name no document: everything is exported again
        manifest = Manifest()
    before = manifest.crossings
    options = {"isolation_level": "REPEATABLE READ"} if engine.dialect.name == "postgresql" else {}
    with engine.connect().execution_options(**options) as connection, connection.begin():
        places = load_bcp_places(connection)
        history = all_corrections(connection)
        people = People(connection, keyed)
        # Written under another key (or none), or before a column was added: written again.
        rekeyed = bool(manifest.documents) and manifest.key_fingerprint != fingerprint(key)
        whole = rekeyed or not manifest.documents or _documents_outdated(root, manifest)
        changes = link_changes(connection, manifest.links, seqs_only=whole)
        appended, seen = _append_new(connection, root, manifest, history, places, batch_rows)
        after = before.advanced(seen, now)
        relinked = _update_documents(
            connection, root, manifest, people, keyed, before, after, changes, whole, bool(seen)
        )
        affected = _affected_partitions(connection, manifest, before, history, places)
        for partition in sorted(affected):
            manifest.partitions[partition] = _rewrite(
                connection, root, partition, after, history, places
            )
        manifest.crossings = after
        manifest.corrections = manifest.corrections.advanced(
            [c.seq for h in history.values() for c in h], now
        )
        manifest.links = manifest.links.advanced(changes.seqs, now)
        manifest.key_fingerprint = fingerprint(key)
        manifest.columns_version = columns.COLUMNS_VERSION
        manifest.permits = _write(root, "permits", read_permits(connection, people))
        manifest.bcps = _write(root, "bcps", read_bcps(connection))
        manifest.reviews = _write(root, "reviews", read_reviews(connection))
    merged = _merge_small_files(root, manifest)
    manifest.partitions = {p: f for p, f in manifest.partitions.items() if f}
    # Files the summaries read stay on disk until the manifest is written: the summariser
    # compares what was with what is.
    fresh = upgraded or rekeyed or previous.summaries is None
    if summarise is None:
        manifest.summaries = None
    else:
        manifest.summaries = summarise(root, None if fresh else previous, manifest)
    manifest.synced_at = now.isoformat()
    write_manifest(root, manifest)
    remove_unlisted(root, manifest)
    return SyncSummary(
        exported=appended,
        rewritten=len(affected),
        merged=merged,
        last_seq=after.last,
        open_holes=sum(h.last - h.first + 1 for h in after.holes),
        rekeyed=rekeyed,
        relinked=relinked,
        upgraded=upgraded,
    )


def _append_new(
    connection: Connection,
    root: Path,
    manifest: Manifest,
    history: dict[str, list[Correction]],
    places: dict[str, BcpPlace],
    batch_rows: int,
) -> tuple[int, list[int]]:
    """Write the crossings the cursor has not exported; (rows written, seqs read)."""
    buffers: dict[Partition, list[pa.Table]] = defaultdict(list)
    seen: list[int] = []
    written = 0

    def flush(partition: Partition) -> None:
        table = pa.concat_tables(buffers.pop(partition))
        manifest.partitions.setdefault(partition, []).append(_write(root, partition.path, table))

    where = pending(manifest.crossings, crossings.c.seq)
    for table, seqs in crossing_batches(connection, where, history, places, batch_rows):
        seen.extend(seqs)
        written += len(table)
        for partition, part in _split(table):
            buffers[partition].append(part)
            if sum(len(t) for t in buffers[partition]) >= FLUSH_PARTITION_ROWS:
                flush(partition)
        if sum(len(t) for ts in buffers.values() for t in ts) >= FLUSH_TOTAL_ROWS:
            for partition in list(buffers):
                flush(partition)
    for partition in list(buffers):
        flush(partition)
    return written, seen


def _update_documents(
    connection: Connection,
    root: Path,
    manifest: Manifest,
    people: People,
    keyed: Keyed,
    before: SeqCursor,
    after: SeqCursor,
    changes: LinkChanges,
    whole: bool,
    new_crossings: bool,
) -> int:
    """Bring the documents table up to date with the crossings exported and the links changed;
    how many documents already exported were written again with another person. `whole`: every
    document written again (a first sync, a new key, older columns)."""
    if whole:
        table = documents_of_crossings(connection, people, keyed, exported(after, crossings.c.seq))
        manifest.documents = [_write(root, "documents", table)] if table.num_rows else []
        return 0
    if not new_crossings and not changes.changed:
        return 0
    # Only documents already in the warehouse are written again; new ones are read as they are.
    current = _read_documents(root, manifest)
    known = current.column("document_id")
    fresh = documents_of_crossings(connection, people, keyed, pending(before, crossings.c.seq))
    fresh = fresh.filter(pc.invert(pc.is_in(fresh.column("document_id"), value_set=known)))
    touched = _changed(current, documents_touched(connection, people, keyed, changes))
    if touched.num_rows == 0:
        if fresh.num_rows:
            manifest.documents.append(_write(root, "documents", fresh))
        return 0
    kept = current.filter(pc.invert(pc.is_in(known, value_set=touched.column("document_id"))))
    manifest.documents = [_write(root, "documents", pa.concat_tables([kept, touched, fresh]))]
    return touched.num_rows


def _changed(current: pa.Table, touched: pa.Table) -> pa.Table:
    """The rows of `touched` for documents in `current` whose person or link differs there."""
    if touched.num_rows == 0:
        return touched
    ids = touched.column("document_id")
    was = current.filter(pc.is_in(current.column("document_id"), value_set=ids))
    before = {
        d: (p, lk) for d, p, lk in zip(*(was.column(c).to_pylist() for c in _PERSON), strict=True)
    }
    now = zip(*(touched.column(c).to_pylist() for c in _PERSON), strict=True)
    differs = [d in before and before[d] != (p, lk) for d, p, lk in now]
    return touched.filter(pa.array(differs, pa.bool_()))


def _read_documents(root: Path, manifest: Manifest) -> pa.Table:
    tables = [pq.read_table(root / f) for f in manifest.documents]
    return pa.concat_tables(tables) if tables else columns.DOCUMENTS.empty_table()


def _affected_partitions(
    connection: Connection,
    manifest: Manifest,
    before: SeqCursor,
    history: dict[str, list[Correction]],
    places: dict[str, BcpPlace],
) -> set[Partition]:
    """Partitions holding, before or after its new corrections, a crossing exported earlier."""
    fresh = {
        crossing_id: [c for c in corrections if not manifest.corrections.is_pending(c.seq)]
        for crossing_id, corrections in history.items()
        if any(manifest.corrections.is_pending(c.seq) for c in corrections)
    }
    if not fresh:
        return set()
    affected: set[Partition] = set()
    where = and_(crossings_by_id(list(fresh)), exported(before, crossings.c.seq))
    for table, _ in crossing_batches(connection, where, {}, places):
        for row in table.to_pylist():
            old = as_corrected(row, fresh[row["crossing_id"]], places)
            new = as_corrected(row, history[row["crossing_id"]], places)
            affected |= {Partition.of(r["host_state"], r["local_date"]) for r in (old, new) if r}
    return affected


def _rewrite(
    connection: Connection,
    root: Path,
    partition: Partition,
    cursor: SeqCursor,
    history: dict[str, list[Correction]],
    places: dict[str, BcpPlace],
) -> list[str]:
    """The partition written again from the registry, as corrected; its new file list."""
    where = and_(
        exported(cursor, crossings.c.seq),
        or_(
            in_partition(partition.host_state, partition.first_day, partition.next_first_day),
            crossings_by_id(list(history)),  # corrected crossings may have moved here
        ),
    )
    parts = [
        part
        for table, _ in crossing_batches(connection, where, history, places)
        for part_of, part in _split(table)
        if part_of == partition
    ]
    if not parts:
        return []
    return [_write(root, partition.path, pa.concat_tables(parts))]


def _documents_outdated(root: Path, manifest: Manifest) -> bool:
    return any(
        pq.read_schema(root / f).names != columns.DOCUMENTS.names for f in manifest.documents
    )


def _merge_small_files(root: Path, manifest: Manifest) -> int:
    merged = 0
    for partition, files in manifest.partitions.items():
        if len(files) > MAX_FILES_PER_PARTITION:
            table = pa.concat_tables(pq.read_table(root / f) for f in files).sort_by("seq")
            manifest.partitions[partition] = [_write(root, partition.path, table)]
            merged += 1
    if len(manifest.documents) > MAX_FILES_PER_PARTITION:
        # Each document is in one file only (_update_documents): merging is concatenating.
        manifest.documents = [_write(root, "documents", _read_documents(root, manifest))]
    return merged


def _split(table: pa.Table) -> list[tuple[Partition, pa.Table]]:
    """The table cut by partition (host state, year, month)."""
    keys = ["host_state", "year", "month"]
    ordered = table.sort_by([(k, "ascending") for k in keys] + [("seq", "ascending")])
    runs = ordered.select(keys).group_by(keys, use_threads=False).aggregate([([], "count_all")])
    out, start = [], 0
    for host_state, year, month, count in zip(*runs.to_pydict().values(), strict=True):
        out.append((Partition(host_state, year, month), ordered.slice(start, count)))
        start += count
    return out


def _write(root: Path, directory: str, table: pa.Table) -> str:
    """Write a new Parquet file under `directory`; its path relative to the root."""
    name = new_file(root, directory)
    temporary = root / f"{name}.tmp"
    pq.write_table(table, temporary, compression="zstd")
    temporary.replace(root / name)
    return name
