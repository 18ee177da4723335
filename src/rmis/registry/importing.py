"""Bulk import of crossings from CSV or Parquet (format: docs/import-format.md).

Chunks are committed one by one and rows already recorded are skipped by id, so an import that
was killed halfway is finished by running it again. Rows that cannot be understood go to a
report with their row number and reason; the good rows are kept. Memory is bounded by the
chunk: a file of millions of rows streams through.
"""

from __future__ import annotations

import csv
from collections.abc import Callable, Iterator
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass
from datetime import datetime
from pathlib import Path
from typing import TextIO, TypeVar
from uuid import UUID

from sqlalchemy import Engine

from rmis.persons import Linker
from rmis.registry.bulk_parse import ParsedChunk, parse_chunk
from rmis.registry.bulk_read import ImportFileError, count_rows, read_chunks
from rmis.registry.bulk_write import StagedChunk, stage_chunk, write_chunk
from rmis.registry.recording import ReferenceFacts, load_reference_facts
from rmis.registry.resends import ConflictingResend
from rmis.security import append_audit
from rmis.store import refresh_statistics

__all__ = ["CHUNK_ROWS", "ImportFileError", "ImportSummary", "count_rows", "import_crossings"]

T = TypeVar("T")
REPORT_COLUMNS = ("row", "crossing_id", "field", "code", "reason")
# Large enough that per-chunk statements cost little, small enough to commit every second or so.
CHUNK_ROWS = 20_000
ANALYSED_TABLES = ("crossings", "crossing_flags", "documents", "travellers", "person_links")


@dataclass
class ImportSummary:
    rows: int = 0
    recorded: int = 0
    already_recorded: int = 0
    rejected: int = 0


def _parsed_chunks(
    path: Path, chunk_rows: int, reference: ReferenceFacts, dialect: str, now: datetime
) -> Iterator[tuple[int, ParsedChunk, StagedChunk]]:
    """Each chunk's number of rows, what was understood of it, and that staged for `dialect`."""
    first_row = 1
    for chunk in read_chunks(path, chunk_rows):
        parsed = parse_chunk(chunk, first_row, reference, now)
        yield chunk.num_rows, parsed, stage_chunk(parsed.crossings, dialect)
        first_row += chunk.num_rows


def _read_ahead(items: Iterator[T]) -> Iterator[T]:
    """The items, the next one made in a thread while the caller works on this one: reading,
    parsing and staging a chunk overlaps with the database writing the one before (Arrow and
    the driver both let go of the GIL). At most two chunks are in memory."""
    with ThreadPoolExecutor(max_workers=1) as worker:
        pending = worker.submit(next, items, None)
        while (item := pending.result()) is not None:
            pending = worker.submit(next, items, None)
            yield item


def import_crossings(
    engine: Engine,
    path: Path,
    report: TextIO,
    *,
    now: datetime,
    importer: str = "rmis crossings import",
    chunk_rows: int = CHUNK_ROWS,
    on_progress: Callable[[int], None] = lambda rows: None,
    linker: Linker | None = None,
) -> ImportSummary:
    """Import `path`, writing rejected rows to `report` (CSV). Safe to run again at any time.
    New documents are linked to their person chunk by chunk, by `linker` (default: the model
    in force)."""
    summary = ImportSummary()
    rejects = csv.writer(report, lineterminator="\n")
    rejects.writerow(REPORT_COLUMNS)
    with engine.connect() as connection:
        reference = load_reference_facts(connection)
    chunks = _parsed_chunks(path, chunk_rows, reference, engine.dialect.name, now)
    for rows, parsed, staged in _read_ahead(chunks):
        summary.rows += rows
        summary.rejected += len(parsed.rejected)
        rejects.writerows(
            (r.row, r.crossing_id, r.field, r.code, r.reason) for r in parsed.rejected
        )
        with engine.begin() as connection:
            written = write_chunk(connection, staged, now, linker, parsed.repeats)
            if written.recorded or written.conflicting:
                detail: dict[str, object] = {"recorded": written.recorded}
                if written.conflicting:  # refused as the API's 409 is, and logged as it is
                    detail["conflicting_resends"] = [c[1] for c in written.conflicting]
                append_audit(
                    connection,
                    at=now,
                    principal=importer,
                    action="crossings.import",
                    subject=str(path),
                    purpose="bulk import",
                    detail=detail,
                )
        summary.rejected += len(written.non_refoulement)
        rejects.writerows(
            (row, crossing_id, "outcome", "non_refoulement",
             "a refusal of entry of a person whose asylum claim is pending is not recorded")
            for row, crossing_id in written.non_refoulement
        )  # fmt: skip
        summary.rejected += len(written.conflicting)
        rejects.writerows(
            (row, crossing_id, fields[0], ConflictingResend.code,
             str(ConflictingResend(UUID(crossing_id), fields)))
            for row, crossing_id, fields in written.conflicting
        )  # fmt: skip
        summary.recorded += written.recorded
        summary.already_recorded += (
            written.already_recorded + parsed.repeated - written.conflicting_repeats
        )
        on_progress(rows)
    if summary.recorded:  # the planner's view of the tables the import wrote
        refresh_statistics(engine, ANALYSED_TABLES)
    return summary
