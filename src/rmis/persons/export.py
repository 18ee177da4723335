"""One row per document of the record with its person: the contract other tools (and the
linkage accuracy bench) read.

The first five columns are the contract, by these names and in this order: `issuing_state`,
`document_number`, `document_type`, `person_key` (the person's traveller id) and `link` (how
the document joined its person: first, certain, automatic, confirmed, or pending, in which case
`person_key` is the document's own traveller). Columns after them may be added.
"""

from __future__ import annotations

from datetime import UTC
from pathlib import Path

import pyarrow as pa
import pyarrow.csv as pa_csv
import pyarrow.parquet as pq
from sqlalchemy import Connection, select

from rmis.store.schema import documents

CONTRACT = ("issuing_state", "document_number", "document_type", "person_key", "link")
SCHEMA = pa.schema(
    [
        pa.field("issuing_state", pa.string(), nullable=False),
        pa.field("document_number", pa.string(), nullable=False),
        pa.field("document_type", pa.string(), nullable=False),
        pa.field("person_key", pa.string(), nullable=False),
        pa.field("link", pa.string(), nullable=False),
        pa.field("document_id", pa.string(), nullable=False),
        pa.field("first_seen_at", pa.timestamp("us", tz="UTC"), nullable=False),
    ]
)
EXPORT_FORMATS = ("parquet", "csv")
_BATCH_ROWS = 100_000
_QUERY = select(
    documents.c.issuing_state,
    documents.c.number,
    documents.c.document_type,
    documents.c.traveller_id,
    documents.c.link,
    documents.c.id,
    documents.c.first_seen_at,
).order_by(documents.c.issuing_state, documents.c.number, documents.c.document_type)


def _batch(rows) -> pa.RecordBatch:
    columns = list(zip(*rows, strict=True))
    for i in (3, 5):  # ids as text
        columns[i] = [str(v) for v in columns[i]]
    # SQLite hands back naive UTC times, PostgreSQL aware ones.
    columns[6] = [v if v.tzinfo is not None else v.replace(tzinfo=UTC) for v in columns[6]]
    return pa.record_batch([pa.array(c, f.type) for c, f in zip(columns, SCHEMA, strict=True)],
                           schema=SCHEMA)  # fmt: skip


def export_documents(connection: Connection, out: Path, fmt: str) -> int:
    """Write every document's row to `out` as `fmt` (parquet or csv), in batches; returns how
    many rows were written."""
    if fmt not in EXPORT_FORMATS:
        raise ValueError(f"the export is written as {' or '.join(EXPORT_FORMATS)}, not {fmt!r}")
    # On the statement, not the connection: the caller goes on using it (the audit row).
    result = connection.execute(_QUERY.execution_options(yield_per=_BATCH_ROWS))
    written = 0
    out.parent.mkdir(parents=True, exist_ok=True)
    make = pq.ParquetWriter if fmt == "parquet" else pa_csv.CSVWriter
    with make(out, SCHEMA) as writer:
        for rows in result.partitions():
            batch = _batch(rows)
            writer.write_batch(batch)
            written += batch.num_rows
        if written == 0:
            writer.write_table(SCHEMA.empty_table())
    return written
