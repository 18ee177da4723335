"""The documents table that bulk linkage reads (training, full prediction, the benches): one row
per document, the fields of DocumentFacts (features.DOCUMENT_COLUMNS and, where known,
features.OPTIONAL_COLUMNS), ids as text.

From the record (`read_documents`) or from a crossings file in the import format
(`documents_from_crossings`: what the record would hold after importing it).
"""

from __future__ import annotations

import uuid
from pathlib import Path

import pyarrow as pa
import pyarrow.compute as pc
import pyarrow.parquet as pq
from sqlalchemy import Connection, select

from rmis.persons.features import DOCUMENT_COLUMNS, OPTIONAL_COLUMNS
from rmis.store.schema import documents

_NAMESPACE = uuid.UUID("6f1d3c3e-6a59-4c8e-9f57-5a3d0b7f2e11")
_TYPES = {"birth_date": pa.date32(), "expiry_date": pa.date32()}
SCHEMA = pa.schema(
    [pa.field(c, _TYPES.get(c, pa.string())) for c in DOCUMENT_COLUMNS + OPTIONAL_COLUMNS]
)


def document_id(issuing_state: str, number: str, document_type: str) -> str:
    """A stable id for a document of a crossings file (the record makes its own)."""
    return str(uuid.uuid5(_NAMESPACE, f"{issuing_state}|{number}|{document_type}"))


def documents_from_crossings(crossings: pa.Table | str | Path) -> pa.Table:
    """The documents an import of these crossings would record: one per (issuing state,
    number, type), with the fields of its first row in file order (as the import keeps the
    first row's names). Each document is its own traveller (`traveller_id` = `id`)."""
    table = pq.read_table(crossings) if isinstance(crossings, (str, Path)) else crossings
    if "document_type" not in table.column_names:
        table = table.append_column("document_type", pa.array(["P"] * table.num_rows))
    keep = [c for c in ("issuing_state", "document_number", "document_type", "surname",
                        "given_names", "nationality", "birth_date", "sex", "expiry_date",
                        *OPTIONAL_COLUMNS) if c in table.column_names]  # fmt: skip
    table = table.select(keep).append_column("row", pa.array(range(table.num_rows), pa.int64()))
    key = ["issuing_state", "document_number", "document_type"]
    first = table.group_by(key, use_threads=False).aggregate([("row", "min")])
    rows = pc.sort_indices(first.column("row_min"))
    picked = table.take(first.column("row_min").take(rows))
    ids = [
        document_id(s, n, t)
        for s, n, t in zip(
            picked.column("issuing_state").to_pylist(),
            picked.column("document_number").to_pylist(),
            picked.column("document_type").to_pylist(),
            strict=True,
        )
    ]
    out = {"id": pa.array(ids), "traveller_id": pa.array(ids),
           "number": picked.column("document_number")}  # fmt: skip
    for field in SCHEMA:
        if field.name in out:
            continue
        if field.name in picked.column_names:
            out[field.name] = picked.column(field.name).cast(field.type)
        else:
            out[field.name] = pa.nulls(picked.num_rows, field.type)
    return pa.table(out, schema=SCHEMA)


def read_documents(connection: Connection, batch_rows: int = 100_000) -> pa.Table:
    """Every document of the record, as the documents table."""
    query = select(
        documents.c.id, documents.c.traveller_id, documents.c.issuing_state, documents.c.number,
        documents.c.document_type, documents.c.surname, documents.c.given_names,
        documents.c.nationality, documents.c.birth_date, documents.c.sex,
        documents.c.expiry_date, documents.c.optional_data, documents.c.national_surname,
        documents.c.national_given_names, documents.c.previous_document_number,
    )  # fmt: skip
    batches = []
    result = connection.execution_options(yield_per=batch_rows).execute(query)
    for rows in result.partitions():
        data = [list(column) for column in zip(*rows, strict=True)]
        data[0] = [str(v) for v in data[0]]
        data[1] = [str(v) for v in data[1]]
        batches.append(pa.record_batch(
            [pa.array(v, type=f.type) for v, f in zip(data, SCHEMA, strict=True)], schema=SCHEMA
        ))  # fmt: skip
    return pa.Table.from_batches(batches, schema=SCHEMA)
