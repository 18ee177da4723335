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
from rmis.store.schema import bcps, crossings, documents, permits
from rmis.warehouse import columns
from rmis.warehouse.cursor import SeqCursor
from rmis.warehouse.pseudonym import pseudonym

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
    documents.c.traveller_id,  # the document's current traveller: links made later count
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
    documents.c.issuing_state,
    documents.c.number.label("document_number"),
    documents.c.document_type,
    documents.c.surname,
    documents.c.given_names,
    documents.c.nationality.label("holder_nationality"),
).select_from(
    crossings.join(documents, documents.c.id == crossings.c.document_id).join(
        bcps, bcps.c.code == crossings.c.bcp_code
    )
)
_RAW_NAMES = [c.name for c in _RAW.selected_columns]
_DOCUMENT_NAMES = columns.DOCUMENTS.names
_HOLDER = ["issuing_state", "holder_nationality", "birth_date", "sex", "surname", "given_names"]
_HOLDER_COLUMNS = ["issuing_state", "nationality", "birth_date", "sex", "surname", "given_names"]


def holder_key(
    key: bytes,
    issuing_state: str,
    nationality: str,
    birth: date | None,
    sex: str,
    surname: str,
    given: str,
) -> str | None:
    """The holder's pseudonym under the installation's key (columns.DOCUMENTS, pseudonym.py):
    equal for two documents when the issuing state, nationality, birth date, sex and names
    (letters only, case folded) are equal."""
    if birth is None:
        return None
    names = ["".join(ch for ch in n.casefold() if ch.isalpha()) for n in (surname, given)]
    return pseudonym(key, "|".join([issuing_state, nationality, birth.isoformat(), sex, *names]))


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
    key: bytes,
    batch_rows: int = BATCH_ROWS,
) -> Iterator[tuple[pa.Table, pa.Table, list[int]]]:
    """(crossings as corrected, their documents, every seq read) per batch, by seq; `key`
    makes the documents' holder_key."""
    result = connection.execution_options(yield_per=batch_rows).execute(
        _RAW.where(where).order_by(crossings.c.seq)
    )
    for rows in result.partitions():
        raw = _to_arrow(rows, key)
        seqs = raw.column("seq").to_pylist()
        docs = raw.select(_DOCUMENT_NAMES).group_by(_DOCUMENT_NAMES).aggregate([])
        yield _corrected(raw, history, places), docs.cast(columns.DOCUMENTS), seqs


def crossings_by_id(ids: Sequence[str]) -> ColumnElement:
    """A filter for the given crossing ids (text), whatever the database's UUID type."""
    return crossings.c.id.in_([UUID(i) for i in ids]) if ids else ~true()


def read_permits(connection: Connection) -> pa.Table:
    query = select(
        permits.c.traveller_id,
        permits.c.host_state,
        permits.c.kind,
        permits.c.valid_from,
        permits.c.valid_to,
        permits.c.entries_allowed,
        permits.c.duration_days,
    )
    rows = connection.execute(query).all()
    data = [list(column) for column in zip(*rows, strict=True)] if rows else [[]] * 7
    data[0] = [str(u) for u in data[0]]
    return pa.Table.from_arrays(
        [pa.array(v, type=f.type) for v, f in zip(data, columns.PERMITS, strict=True)],
        schema=columns.PERMITS,
    )


def read_documents(connection: Connection, key: bytes) -> pa.Table:
    """Every document some crossing was recorded on, in the warehouse's columns."""
    # IN, not a correlated EXISTS: crossings.document_id has no index, and SQLite would scan
    # every crossing once per document (minutes at 30,000 travellers).
    query = select(
        documents.c.traveller_id,
        documents.c.issuing_state,
        documents.c.number,
        documents.c.document_type,
        documents.c.nationality,
        documents.c.birth_date,
        documents.c.sex,
        documents.c.surname,
        documents.c.given_names,
    ).where(documents.c.id.in_(select(crossings.c.document_id)))
    rows = [
        {
            "traveller_id": str(r.traveller_id),
            "issuing_state": r.issuing_state,
            "document_number": r.number,
            "document_type": r.document_type,
            "holder_key": holder_key(key, *(getattr(r, n) for n in _HOLDER_COLUMNS)),
        }
        for r in connection.execute(query)
    ]
    return pa.Table.from_pylist(rows, schema=columns.DOCUMENTS)


def read_bcps(connection: Connection) -> pa.Table:
    names = columns.BCPS.names
    rows = connection.execute(select(*(bcps.c[n] for n in names))).all()
    return pa.Table.from_pylist([dict(zip(names, r, strict=True)) for r in rows], columns.BCPS)


def _utc(moment: datetime) -> datetime:
    # SQLite hands back naive datetimes; the registry stores UTC.
    return moment.replace(tzinfo=UTC) if moment.tzinfo is None else moment


def _to_arrow(rows: Sequence, key: bytes) -> pa.Table:
    data = dict(zip(_RAW_NAMES, zip(*rows, strict=True), strict=True))
    data["crossing_id"] = [str(u) for u in data["crossing_id"]]
    data["traveller_id"] = [str(u) for u in data["traveller_id"]]
    data["occurred_at"] = [_utc(t) for t in data["occurred_at"]]
    holders = zip(*(data[n] for n in _HOLDER), strict=True)
    data["holder_key"] = [holder_key(key, *h) for h in holders]
    for name in ("surname", "given_names", "holder_nationality"):
        del data[name]
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
