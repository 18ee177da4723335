"""Bulk import of crossings from CSV or Parquet (format: docs/import-format.md).

Chunks are committed one by one and rows already recorded are skipped by id, so an import that
was killed halfway is finished by running it again. Rows that cannot be understood go to a
report with their row number and reason; the good rows are kept.
"""

from __future__ import annotations

import csv
from collections.abc import Callable, Iterator
from dataclasses import dataclass
from datetime import date, datetime
from pathlib import Path
from typing import Any, TextIO
from uuid import UUID

from sqlalchemy import Engine

from rmis.registry.model import (
    Direction,
    DocumentSeen,
    InvalidRecord,
    NewCrossing,
    Outcome,
    Purpose,
)
from rmis.registry.recording import (
    ToRecord,
    already_recorded,
    check_crossing,
    load_reference_facts,
    write_crossings,
)
from rmis.security.audit import append_audit

REQUIRED_COLUMNS = (
    "crossing_id", "direction", "bcp", "occurred_at", "issuing_state", "document_number",
    "surname", "nationality", "purpose", "officer",
)  # fmt: skip
REPORT_COLUMNS = ("row", "crossing_id", "field", "code", "reason")
CHUNK_ROWS = 5_000


class ImportFileError(ValueError):
    """The file as a whole cannot be imported (unreadable, wrong format, missing columns)."""


@dataclass
class ImportSummary:
    rows: int = 0
    recorded: int = 0
    already_recorded: int = 0
    rejected: int = 0


def _text(value: Any) -> str | None:
    if value is None:
        return None
    value = str(value).strip()
    return value or None


def _required(row: dict[str, Any], column: str) -> str:
    value = _text(row.get(column))
    if value is None:
        raise InvalidRecord(column, "missing_value", f"{column} is empty")
    return value


def _choice(row: dict[str, Any], column: str, kind: type, default: Any = None) -> Any:
    value = _text(row.get(column))
    if value is None:
        if default is None:
            raise InvalidRecord(column, "missing_value", f"{column} is empty")
        return default
    try:
        return kind(value)
    except ValueError:
        allowed = ", ".join(m.value for m in kind)
        raise InvalidRecord(
            column, "invalid_value", f"{column} {value!r} is not one of: {allowed}"
        ) from None


def _date(row: dict[str, Any], column: str) -> date | None:
    value = row.get(column)
    if isinstance(value, datetime):
        return value.date()
    if isinstance(value, date) or value is None:
        return value
    text = _text(value)
    if text is None:
        return None
    try:
        return date.fromisoformat(text)
    except ValueError:
        raise InvalidRecord(
            column, "invalid_date", f"{column} {text!r} is not a YYYY-MM-DD date"
        ) from None


def _timestamp(row: dict[str, Any]) -> datetime:
    value = row.get("occurred_at")
    if not isinstance(value, datetime):
        text = _required(row, "occurred_at")
        try:
            value = datetime.fromisoformat(text)
        except ValueError:
            raise InvalidRecord(
                "occurred_at", "invalid_time", f"occurred_at {text!r} is not an ISO 8601 time"
            ) from None
    if value.tzinfo is None:
        raise InvalidRecord(
            "occurred_at", "naive_time", "occurred_at must carry a UTC offset, e.g. ...Z"
        )
    return value


def _flag(row: dict[str, Any], column: str, default: bool) -> bool:
    value = row.get(column)
    if isinstance(value, bool):
        return value
    text = (_text(value) or "").lower()
    if not text:
        return default
    if text in ("true", "1", "yes"):
        return True
    if text in ("false", "0", "no"):
        return False
    raise InvalidRecord(column, "invalid_value", f"{column} {text!r} is not true or false")


def parse_row(row: dict[str, Any]) -> ToRecord:
    """One import row as a crossing to record, or InvalidRecord naming the field."""
    crossing_id = _required(row, "crossing_id")
    try:
        identifier = UUID(crossing_id)
    except ValueError:
        raise InvalidRecord(
            "crossing_id", "invalid_uuid", f"crossing_id {crossing_id!r} is not a UUID"
        ) from None
    document = DocumentSeen(
        issuing_state=_required(row, "issuing_state"),
        number=_required(row, "document_number"),
        document_type=_text(row.get("document_type")) or "P",
        surname=_required(row, "surname"),
        given_names=_text(row.get("given_names")) or "",
        nationality=_required(row, "nationality"),
        birth_date=_date(row, "birth_date"),
        sex=_text(row.get("sex")) or "<",
        expiry_date=_date(row, "expiry_date"),
        mrz_valid=_flag(row, "mrz_valid", default=True),
    )
    crossing = NewCrossing(
        id=identifier,
        direction=_choice(row, "direction", Direction),
        bcp_code=_required(row, "bcp"),
        occurred_at=_timestamp(row),
        document=document,
        purpose=_choice(row, "purpose", Purpose),
        outcome=_choice(row, "outcome", Outcome, Outcome.ADMITTED),
        refusal_reason=_text(row.get("refusal_reason")),
    )
    return ToRecord(crossing, _required(row, "officer"))


def _check_columns(columns: list[str], path: Path) -> None:
    missing = [c for c in REQUIRED_COLUMNS if c not in columns]
    if missing:
        raise ImportFileError(f"{path}: missing required column(s): {', '.join(missing)}")


def count_rows(path: Path) -> int:
    """Rows in the file, for a progress bar (CSV: lines, so a quoted newline counts twice)."""
    if path.suffix.lower() == ".parquet":
        import pyarrow.parquet as pq

        return pq.ParquetFile(path).metadata.num_rows
    with path.open("rb") as f:
        return max(sum(chunk.count(b"\n") for chunk in iter(lambda: f.read(1 << 20), b"")) - 1, 0)


def read_chunks(path: Path, chunk_rows: int = CHUNK_ROWS) -> Iterator[list[dict[str, Any]]]:
    """The file's rows as dicts, chunk by chunk."""
    if not path.is_file():
        raise ImportFileError(f"{path}: no such file")
    suffix = path.suffix.lower()
    if suffix == ".parquet":
        import pyarrow.parquet as pq

        try:
            parquet = pq.ParquetFile(path)
        except Exception as error:  # pyarrow raises several types for a damaged file
            raise ImportFileError(f"{path}: not a readable Parquet file ({error})") from None
        _check_columns(parquet.schema_arrow.names, path)
        for batch in parquet.iter_batches(batch_size=chunk_rows):
            yield batch.to_pylist()
    elif suffix == ".csv":
        with path.open(newline="", encoding="utf-8") as f:
            reader = csv.DictReader(f)
            _check_columns(list(reader.fieldnames or []), path)
            chunk: list[dict[str, Any]] = []
            for row in reader:
                chunk.append(row)
                if len(chunk) == chunk_rows:
                    yield chunk
                    chunk = []
            if chunk:
                yield chunk
    else:
        raise ImportFileError(f"{path}: expected a .csv or .parquet file")


def import_crossings(
    engine: Engine,
    path: Path,
    report: TextIO,
    *,
    now: datetime,
    importer: str = "rmis crossings import",
    chunk_rows: int = CHUNK_ROWS,
    on_progress: Callable[[int], None] = lambda rows: None,
) -> ImportSummary:
    """Import `path`, writing rejected rows to `report` (CSV). Safe to run again at any time."""
    summary = ImportSummary()
    rejects = csv.writer(report, lineterminator="\n")
    rejects.writerow(REPORT_COLUMNS)
    with engine.connect() as connection:
        reference = load_reference_facts(connection)
    in_file: set[UUID] = set()
    for chunk in read_chunks(path, chunk_rows):
        fresh: list[ToRecord] = []
        for row in chunk:
            summary.rows += 1
            try:
                item = parse_row(row)
                check_crossing(item.crossing, reference)
            except InvalidRecord as error:
                summary.rejected += 1
                identifier = _text(row.get("crossing_id")) or ""
                rejects.writerow((summary.rows, identifier, error.field, error.code, str(error)))
                continue
            if item.crossing.id in in_file:
                summary.already_recorded += 1
                continue
            in_file.add(item.crossing.id)
            fresh.append(item)
        with engine.begin() as connection:
            done = already_recorded(connection, [item.crossing.id for item in fresh])
            todo = [item for item in fresh if item.crossing.id not in done]
            write_crossings(connection, todo, reference.bcps, now)
            if todo:
                append_audit(
                    connection,
                    at=now,
                    principal=importer,
                    action="crossings.import",
                    subject=str(path),
                    purpose="bulk import",
                    detail={"recorded": len(todo)},
                )
        summary.already_recorded += len(done)
        summary.recorded += len(todo)
        on_progress(len(chunk))
    return summary
