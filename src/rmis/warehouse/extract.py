"""Reading the registry in large batches as Arrow tables in the warehouse's columns."""

from __future__ import annotations

from collections.abc import Iterator, Sequence
from dataclasses import dataclass
from datetime import UTC, date, datetime
from uuid import UUID

import pyarrow as pa
import pyarrow.compute as pc
from sqlalchemy import Connection, and_, or_, select, true
from sqlalchemy.sql.elements import ColumnElement

from rmis.registry import Correction, apply_corrections, load_corrections
from rmis.store.schema import bcps, crossings, documents
from rmis.warehouse import columns
from rmis.warehouse.cursor import SeqCursor

BATCH_ROWS = 200_000


@dataclass(frozen=True, slots=True)
class BcpPlace:
    state: str
    mode: str
    neighbour: str | None
    time_zone: str


_RAW = select(
    crossings.c.seq,
    crossings.c.id.label("crossing_id"),
    crossings.c.document_id,  # its person is the documents table's (people.py)
    crossings.c.direction,
    crossings.c.bcp_code,
    crossings.c.host_state,
    bcps.c.neighbour,
    crossings.c.mode,
    crossings.c.occurred_at,
    crossings.c.local_date,
    crossings.c.nationality,
    crossings.c.purpose,
    crossings.c.outcome,
    crossings.c.refusal_reason,
    documents.c.sex,
    documents.c.birth_date,
).select_from(
    crossings.join(documents, documents.c.id == crossings.c.document_id).join(
        bcps, bcps.c.code == crossings.c.bcp_code
    )
)
_RAW_NAMES = [c.name for c in _RAW.selected_columns]


def load_bcp_places(connection: Connection) -> dict[str, BcpPlace]:
    query = select(bcps.c.code, bcps.c.state, bcps.c.mode, bcps.c.neighbour, bcps.c.time_zone)
    return {row.code: BcpPlace(*row[1:]) for row in connection.execute(query)}


def all_corrections(connection: Connection) -> dict[str, list[Correction]]:
    """Every correction, oldest first, by the id (text) of the crossing it corrects."""
    return {str(k): v for k, v in load_corrections(connection, true()).items()}


def as_corrected(
    row: dict, fixes: Sequence[Correction], places: dict[str, BcpPlace]
) -> dict | None:
    """A warehouse row as corrected (registry.corrected), or None when it was voided."""
    fixed = apply_corrections(row, fixes)
    if fixed.pop("voided"):
        return None
    del fixed["corrections"]
    fixed["neighbour"] = places[fixed["bcp_code"]].neighbour  # follows an amended BCP
    fixed["corrected"] = True
    return fixed


def pending(cursor: SeqCursor, column: ColumnElement) -> ColumnElement:
    """Rows a cursor has not exported yet: above its mark or in one of its holes."""
    return or_(column > cursor.last, *(column.between(h.first, h.last) for h in cursor.holes))


def exported(cursor: SeqCursor, column: ColumnElement) -> ColumnElement:
    """Rows a cursor has exported."""
    return and_(column <= cursor.last, *(~column.between(h.first, h.last) for h in cursor.holes))


def in_partition(host_state: str, first_day: date, next_first_day: date) -> ColumnElement:
    return and_(
        crossings.c.host_state == host_state,
        crossings.c.local_date >= first_day,
        crossings.c.local_date < next_first_day,
    )


def crossing_batches(
    connection: Connection,
    where: ColumnElement,
    history: dict[str, list[Correction]],
    places: dict[str, BcpPlace],
    batch_rows: int = BATCH_ROWS,
) -> Iterator[tuple[pa.Table, list[int]]]:
    """(crossings as corrected, every seq read) per batch, by seq."""
    result = connection.execution_options(yield_per=batch_rows).execute(
        _RAW.where(where).order_by(crossings.c.seq)
    )
    for rows in result.partitions():
        raw = _to_arrow(rows)
        yield _corrected(raw, history, places), raw.column("seq").to_pylist()


def crossings_by_id(ids: Sequence[str]) -> ColumnElement:
    """A filter for the given crossing ids (text), whatever the database's UUID type."""
    return crossings.c.id.in_([UUID(i) for i in ids]) if ids else ~true()


def read_bcps(connection: Connection) -> pa.Table:
    names = columns.BCPS.names
    rows = connection.execute(select(*(bcps.c[n] for n in names))).all()
    return pa.Table.from_pylist([dict(zip(names, r, strict=True)) for r in rows], columns.BCPS)


def _utc(moment: datetime) -> datetime:
    # SQLite hands back naive datetimes; the registry stores UTC.
    return moment.replace(tzinfo=UTC) if moment.tzinfo is None else moment


def _to_arrow(rows: Sequence) -> pa.Table:
    data = dict(zip(_RAW_NAMES, zip(*rows, strict=True), strict=True))
    data["crossing_id"] = [str(u) for u in data["crossing_id"]]
    data["document_id"] = [str(u) for u in data["document_id"]]
    data["occurred_at"] = [_utc(t) for t in data["occurred_at"]]
    birth = pa.array(data.pop("birth_date"), type=pa.date32())
    local_date = pa.array(data["local_date"], type=pa.date32())
    table = pa.table(
        {
            name: pa.array(values, type=_type(name))
            for name, values in data.items()
            if name != "local_date"
        }
    )
    return (
        table.append_column("local_date", local_date)
        .append_column("birth_year", pc.cast(pc.year(birth), pa.int16()))
        .append_column("corrected", pa.array([False] * len(table), type=pa.bool_()))
    )


def _type(name: str) -> pa.DataType:
    index = columns.CROSSINGS.get_field_index(name)
    return columns.CROSSINGS.field(index).type if index >= 0 else pa.string()


def _corrected(
    raw: pa.Table, history: dict[str, list[Correction]], places: dict[str, BcpPlace]
) -> pa.Table:
    """The batch in the warehouse's columns with corrections applied and partition keys added."""
    table = raw.select([n for n in columns.CROSSINGS.names if n not in ("year", "month")])
    if history:
        touched = pc.is_in(table.column("crossing_id"), pa.array(list(history)))
        if pc.any(touched).as_py():
            rows = table.filter(touched).to_pylist()
            fixed = [as_corrected(r, history[r["crossing_id"]], places) for r in rows]
            kept = [r for r in fixed if r is not None]
            untouched = table.filter(pc.invert(touched))
            amended = pa.Table.from_pylist(kept, schema=untouched.schema)
            table = pa.concat_tables([untouched, amended]).sort_by("seq")
    local_date = table.column("local_date")
    return table.append_column("year", pc.cast(pc.year(local_date), pa.int16())).append_column(
        "month", pc.cast(pc.month(local_date), pa.int8())
    )
