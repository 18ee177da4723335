"""Writing a parsed chunk of crossings with a few set-based statements, whatever its size.

The chunk goes into a temporary staging table (PostgreSQL: COPY of CSV that Arrow writes;
SQLite: one executemany), then SQL does the rest where the data is: drop the crossings already
recorded, add the documents and travellers not seen before, insert the crossings in file order
and flag them. Flags follow the same rules as recording one crossing (recording.py): the
previous admitted crossing of the traveller in the host state decides presence flags.
"""

from __future__ import annotations

import io
from dataclasses import dataclass
from datetime import datetime

import pyarrow as pa
import pyarrow.compute as pc
import pyarrow.csv as pa_csv
from sqlalchemy import (
    BigInteger,
    Boolean,
    Column,
    Connection,
    Date,
    DateTime,
    MetaData,
    String,
    Table,
    Text,
    Uuid,
    and_,
    bindparam,
    case,
    delete,
    exists,
    func,
    insert,
    literal,
    select,
    union_all,
)

from rmis.registry.bulk_ids import uuid7_texts
from rmis.registry.model import Direction, Flag, Outcome
from rmis.registry.recording import previous_admitted
from rmis.registry.schema import STATE, crossing_flags, crossings, documents, travellers

_staging = MetaData()
# Columns in the order of bulk_parse's table, so rows load by position.
import_rows = Table(
    "rmis_import_rows",
    _staging,
    Column("row_no", BigInteger),
    Column("id", Uuid),
    Column("direction", String(5)),
    Column("bcp_code", String(64)),
    Column("host_state", STATE),
    Column("mode", String(8)),
    Column("occurred_at", DateTime(timezone=True)),
    Column("local_date", Date),
    Column("issuing_state", STATE),
    Column("number", String(32)),
    Column("document_type", String(2)),
    Column("surname", Text),
    Column("given_names", Text),
    Column("nationality", STATE),
    Column("birth_date", Date),
    Column("sex", String(1)),
    Column("expiry_date", Date),
    Column("purpose", String(16)),
    Column("outcome", String(8)),
    Column("refusal_reason", String(8)),
    Column("officer", String(128)),
    Column("mrz_valid", Boolean),
    prefixes=["TEMPORARY"],
)
DOCUMENT_KEY = ("issuing_state", "number", "document_type")
DOCUMENT_FACTS = ("surname", "given_names", "nationality", "birth_date", "sex", "expiry_date")
import_documents = Table(
    "rmis_import_documents",
    _staging,
    Column("id", Uuid),
    Column("traveller_id", Uuid),
    *(Column(c.name, c.type) for c in import_rows.c if c.name in DOCUMENT_KEY + DOCUMENT_FACTS),
    prefixes=["TEMPORARY"],
)
_STAGING_TABLES = (import_rows, import_documents)


def _same_document(a: Table, b: Table):
    return and_(*(a.c[k] == b.c[k] for k in DOCUMENT_KEY))


_NOW = bindparam("now", type_=DateTime(timezone=True))
_RECORDED_IDS = select(import_rows.c.id).join(crossings, crossings.c.id == import_rows.c.id)
_DROP_RECORDED = delete(import_rows).where(import_rows.c.id.in_(select(crossings.c.id)))
_NEW_DOCUMENT = ~exists().where(_same_document(documents, import_documents))
_INSERT_TRAVELLERS = insert(travellers).from_select(
    ["id", "created_at"], select(import_documents.c.traveller_id, _NOW).where(_NEW_DOCUMENT)
)
_DOCUMENT_COLUMNS = ["id", "traveller_id", *DOCUMENT_KEY, *DOCUMENT_FACTS]
_INSERT_DOCUMENTS = insert(documents).from_select(
    [*_DOCUMENT_COLUMNS, "first_seen_at"],
    select(*(import_documents.c[c] for c in _DOCUMENT_COLUMNS), _NOW).where(_NEW_DOCUMENT),
)
_CROSSING_COLUMNS = [
    "id", "direction", "bcp_code", "host_state", "occurred_at", "local_date", "nationality",
    "purpose", "mode", "outcome", "refusal_reason", "officer", "mrz_valid",
]  # fmt: skip
_INSERT_CROSSINGS = (
    insert(crossings)
    .from_select(
        [*_CROSSING_COLUMNS, "document_id", "traveller_id", "recorded_at"],
        select(
            *(import_rows.c[c] for c in _CROSSING_COLUMNS),
            documents.c.id,
            documents.c.traveller_id,
            _NOW,
        )
        .select_from(import_rows.join(documents, _same_document(import_rows, documents)))
        .order_by(import_rows.c.row_no),
    )
    # SQLAlchemy keeps the count of rows an INSERT wrote only when asked.
    .execution_options(preserve_rowcount=True)
)


def _presence_flags():
    """The chunk's admitted crossings whose previous admitted crossing makes them suspect."""
    new = crossings.alias("new")
    previous = previous_admitted(
        new.c.traveller_id, new.c.host_state, new.c.occurred_at, new.c.seq
    ).correlate(new)
    judged = (
        select(new.c.seq, new.c.direction, previous.label("previous"))
        .join(import_rows, import_rows.c.id == new.c.id)
        .where(new.c.outcome == Outcome.ADMITTED.value)
        .subquery()
    )
    entry = judged.c.direction == Direction.ENTRY.value
    # One branch per direction, so the lookup of the previous crossing runs once per row.
    suspect = case(
        (entry, judged.c.previous == Direction.ENTRY.value),
        else_=func.coalesce(judged.c.previous, "") != Direction.ENTRY.value,
    )
    flag = case((entry, Flag.ENTRY_WHILE_INSIDE.value), else_=Flag.EXIT_WITHOUT_ENTRY.value)
    return select(judged.c.seq, flag).where(suspect)


def _document_flags(flag: Flag, condition):
    return (
        select(crossings.c.seq, literal(flag.value))
        .join(import_rows, import_rows.c.id == crossings.c.id)
        .where(condition)
    )


_INSERT_FLAGS = insert(crossing_flags).from_select(
    ["crossing_seq", "flag"],
    union_all(
        _presence_flags(),
        _document_flags(Flag.DOCUMENT_INVALID, ~import_rows.c.mrz_valid),
        _document_flags(
            Flag.DOCUMENT_EXPIRED, import_rows.c.expiry_date < import_rows.c.local_date
        ),
    ),
)


@dataclass(frozen=True, slots=True)
class ChunkWritten:
    recorded: int
    already_recorded: int


def _first_of_each_document(rows: pa.Table) -> pa.Table:
    firsts = rows.group_by(list(DOCUMENT_KEY), use_threads=False).aggregate([("row_no", "min")])
    chosen = pc.is_in(rows["row_no"], firsts["row_no_min"])
    found = rows.filter(chosen).select([*DOCUMENT_KEY, *DOCUMENT_FACTS])
    return pa.table(
        {
            "id": uuid7_texts(found.num_rows),
            "traveller_id": uuid7_texts(found.num_rows),
            **{name: found[name] for name in found.column_names},
        }
    )


def _copy_into(connection: Connection, table: Table, data: pa.Table) -> None:
    """PostgreSQL: the rows as CSV through COPY, written by Arrow rather than row by row."""
    buffer = io.BytesIO()
    pa_csv.write_csv(data, buffer, pa_csv.WriteOptions(include_header=False))
    names = ", ".join(data.column_names)
    cursor = connection.connection.cursor()
    with cursor.copy(f"COPY {table.name} ({names}) FROM STDIN (FORMAT csv)") as copy:
        copy.write(buffer.getbuffer())


def _sqlite_values(column: pa.ChunkedArray, kind) -> list:
    """A column in the text forms SQLAlchemy stores in SQLite, so SQL can copy it as it is."""
    if isinstance(kind, Uuid):
        return pc.replace_substring(column, "-", "").to_pylist()
    if isinstance(kind, DateTime):
        return pc.strftime(column, format="%Y-%m-%d %H:%M:%S").to_pylist()
    if isinstance(kind, Date):
        return column.cast(pa.string()).to_pylist()
    return column.to_pylist()


def _insert_into(connection: Connection, table: Table, data: pa.Table) -> None:
    """SQLite: the rows in one executemany of a prepared statement."""
    columns = [_sqlite_values(data[c.name], c.type) for c in table.c]
    marks = ", ".join("?" * len(columns))
    connection.exec_driver_sql(
        f"INSERT INTO {table.name} VALUES ({marks})", list(zip(*columns, strict=True))
    )


def write_chunk(connection: Connection, rows: pa.Table, now: datetime) -> ChunkWritten:
    """Record the chunk's crossings not yet recorded, inside the caller's transaction."""
    postgres = connection.dialect.name == "postgresql"
    load = _copy_into if postgres else _insert_into
    if postgres:
        # Compiling these one-off statements to machine code costs more than running them.
        connection.exec_driver_sql("SET LOCAL jit = off")
    for table in _STAGING_TABLES:
        table.drop(connection, checkfirst=True)  # left by a failed chunk on this connection
        table.create(connection)
    load(connection, import_rows, rows)
    if postgres:  # no statistics otherwise: the planner would guess, and scan what has grown
        connection.exec_driver_sql(f"ANALYZE {import_rows.name}")
    recorded_ids = [str(i) for i in connection.execute(_RECORDED_IDS).scalars()]
    if recorded_ids:  # a chunk imported before, in part or whole
        connection.execute(_DROP_RECORDED)
        rows = rows.filter(pc.invert(pc.is_in(rows["id"], pa.array(recorded_ids, pa.string()))))
    recorded = 0
    if rows.num_rows:
        load(connection, import_documents, _first_of_each_document(rows))
        connection.execute(_INSERT_TRAVELLERS, {"now": now})
        connection.execute(_INSERT_DOCUMENTS, {"now": now})
        recorded = connection.execute(_INSERT_CROSSINGS, {"now": now}).rowcount
        connection.execute(_INSERT_FLAGS)
    for table in _STAGING_TABLES:
        table.drop(connection)
    return ChunkWritten(recorded, len(recorded_ids))
