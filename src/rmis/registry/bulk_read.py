"""Reading an import file (docs/import-format.md) as Arrow tables, a bounded chunk at a time."""

from __future__ import annotations

import csv
from collections.abc import Iterator
from itertools import islice, zip_longest
from pathlib import Path

import pyarrow as pa

REQUIRED_COLUMNS = (
    "crossing_id", "direction", "bcp", "occurred_at", "issuing_state", "document_number",
    "surname", "nationality", "purpose", "officer",
)  # fmt: skip
OPTIONAL_COLUMNS = (
    "document_type", "given_names", "birth_date", "sex", "expiry_date", "outcome",
    "refusal_reason", "mrz_valid", "mrz",
    # What linking reads (persons/): the personal number, national-script names, the
    # previous document's number.
    "optional_data", "national_surname", "national_given_names", "previous_document_number",
)  # fmt: skip
FORMAT_COLUMNS = REQUIRED_COLUMNS + OPTIONAL_COLUMNS


class ImportFileError(ValueError):
    """The file as a whole cannot be imported (unreadable, wrong format, missing columns)."""


def _check_columns(columns: list[str], path: Path) -> list[str]:
    """The format's columns present in the file; raises when a required one is missing."""
    missing = [c for c in REQUIRED_COLUMNS if c not in columns]
    if missing:
        raise ImportFileError(f"{path}: missing required column(s): {', '.join(missing)}")
    return [c for c in FORMAT_COLUMNS if c in columns]


def count_rows(path: Path) -> int:
    """Rows in the file, for a progress bar (CSV: lines, so a quoted newline counts twice)."""
    if path.suffix.lower() == ".parquet":
        import pyarrow.parquet as pq

        return pq.ParquetFile(path).metadata.num_rows
    with path.open("rb") as f:
        return max(sum(chunk.count(b"\n") for chunk in iter(lambda: f.read(1 << 20), b"")) - 1, 0)


def _parquet_chunks(path: Path, chunk_rows: int) -> Iterator[pa.Table]:
    import pyarrow.parquet as pq

    try:
        parquet = pq.ParquetFile(path)
    except Exception as error:  # pyarrow raises several types for a damaged file
        raise ImportFileError(f"{path}: not a readable Parquet file ({error})") from None
    columns = _check_columns(parquet.schema_arrow.names, path)
    for batch in parquet.iter_batches(batch_size=chunk_rows, columns=columns):
        yield pa.Table.from_batches([batch])


def _csv_chunks(path: Path, chunk_rows: int) -> Iterator[pa.Table]:
    # The csv module rather than Arrow's reader, for DictReader's forgiving rules: a short row
    # is padded with nulls, extra fields are ignored, blank lines are skipped.
    with path.open(newline="", encoding="utf-8") as f:
        records = csv.reader(f)
        header = next(records, [])
        positions = {name: i for i, name in enumerate(header)}  # a repeated name: the last
        columns = _check_columns(header, path)
        rows = (row for row in records if row)
        while chunk := list(islice(rows, chunk_rows)):
            by_position = list(zip_longest(*chunk))
            yield pa.table(
                {
                    name: pa.array(
                        by_position[positions[name]]
                        if positions[name] < len(by_position)
                        else [None] * len(chunk),
                        pa.string(),
                    )
                    for name in columns
                }
            )


def read_chunks(path: Path, chunk_rows: int) -> Iterator[pa.Table]:
    """The file's rows, `chunk_rows` at a time, with the format's columns that it has."""
    if not path.is_file():
        raise ImportFileError(f"{path}: no such file")
    suffix = path.suffix.lower()
    if suffix == ".parquet":
        return _parquet_chunks(path, chunk_rows)
    if suffix == ".csv":
        return _csv_chunks(path, chunk_rows)
    raise ImportFileError(f"{path}: expected a .csv or .parquet file")
