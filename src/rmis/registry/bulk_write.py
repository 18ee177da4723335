"""Writing a parsed chunk of crossings with a few set-based statements, whatever its size.

The chunk goes into temporary staging tables (PostgreSQL: COPY of CSV that Arrow writes;
SQLite: one executemany): its rows, and the documents they show, each numbered once. SQL does
the rest where the data is: drop the crossings already recorded, find which documents are
known, add the travellers and documents not seen before, judge the flags, insert the crossings
in file order and then their flags.

New documents are linked to their person before anything is inserted (persons/linking.py: on
record, or earlier in the chunk), so a document that joins someone on record has its crossings
judged on that person's whole timeline.

Flags follow the same rules as recording one crossing (recording.py): the admitted crossing
of the traveller in the host state just before each one, by time and then by recording order,
decides presence flags. Here that is one window over the chunk's admitted crossings, ordered as
they will be recorded, led by what is already recorded of the same travellers: the newest
admitted crossing of each, or, when the chunk goes back before it (an old file imported late),
all of them. Travellers first seen in the chunk have nothing recorded and cost no lookup.
"""

from __future__ import annotations

import io
from dataclasses import dataclass, fields
from datetime import datetime
from types import SimpleNamespace
from uuid import UUID

import numpy as np
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
    Integer,
    MetaData,
    String,
    Table,
    Text,
    Uuid,
    and_,
    bindparam,
    case,
    delete,
    func,
    insert,
    literal,
    null,
    select,
    true,
    union_all,
    update,
)

from rmis.persons import (
    FIRST,
    LINKER,
    NO_MATCH,
    PENDING,
    Decision,
    DocumentFacts,
    Linker,
    current_linker,
    decide_links,
    staged_linker,
    with_candidates,
)
from rmis.persons import record_links as record_person_links
from rmis.protection import has_pending_claim
from rmis.registry.bulk_ids import uuid7_texts
from rmis.registry.bulk_parse import RESENT_COLUMNS
from rmis.registry.document_dates import implausible_birth_sql, implausible_expiry_sql
from rmis.registry.model import Direction, Flag, Outcome
from rmis.registry.resends import STORED_RESENDS, resend_differences
from rmis.store.schema import (
    STATE,
    crossing_flags,
    crossings,
    documents,
    person_links,
    travellers,
)

_staging = MetaData()
DOCUMENT_KEY = ("issuing_state", "number", "document_type")
DOCUMENT_FACTS = (
    "surname", "given_names", "nationality", "birth_date", "sex", "expiry_date",
    "optional_data", "national_surname", "national_given_names", "previous_document_number",
)  # fmt: skip
# The chunk's crossings, each pointing at its document by number within the chunk.
import_rows = Table(
    "rmis_import_rows",
    _staging,
    Column("row_no", BigInteger),
    Column("id", Uuid),
    Column("doc_no", Integer),
    Column("direction", String(5)),
    Column("bcp_code", String(64)),
    Column("host_state", STATE),
    Column("mode", String(8)),
    Column("occurred_at", DateTime(timezone=True)),
    Column("local_date", Date),
    Column("nationality", STATE),
    Column("purpose", String(16)),
    Column("outcome", String(8)),
    Column("refusal_reason", String(8)),
    Column("officer", String(128)),
    Column("mrz_valid", Boolean),
    Column("expiry_date", Date),
    Column("birth_date", Date),
    prefixes=["TEMPORARY"],
)
# The chunk's documents, as first seen; `known` once found in the record, with its ids. A new
# one is `linking` when blocking may compare it with someone (the others are `first`, decided
# in SQL); it gets its person's traveller_id and `link` when linked, `with_history` when its
# person has crossings on record, `decided` when linking wrote its person_links row itself.
import_documents = Table(
    "rmis_import_documents",
    _staging,
    Column("doc_no", Integer),
    Column("id", Uuid),
    Column("traveller_id", Uuid),
    Column("known", Boolean),
    Column("link", String(10)),
    Column("with_history", Boolean),
    Column("decided", Boolean),
    Column("linking", Boolean),
    Column("issuing_state", STATE),
    Column("number", String(32)),
    Column("document_type", String(2)),
    Column("surname", Text),
    Column("given_names", Text),
    Column("nationality", STATE),
    Column("birth_date", Date),
    Column("sex", String(1)),
    Column("expiry_date", Date),
    Column("optional_data", String(32)),
    Column("national_surname", Text),
    Column("national_given_names", Text),
    Column("previous_document_number", String(32)),
    prefixes=["TEMPORARY"],
)
# The flags judged for the chunk's rows, kept until the crossings have their sequence numbers.
import_flags = Table(
    "rmis_import_flags",
    _staging,
    Column("row_no", BigInteger),
    Column("flag", String(32)),
    prefixes=["TEMPORARY"],
)
_STAGING_TABLES = (import_rows, import_documents, import_flags)

_NOW = bindparam("now", type_=DateTime(timezone=True))
# A lookup by id for each staged row: never a join, which a planner that knows nothing of the
# staging table might make by hashing every crossing recorded.
_RECORDED_IDS = select(import_rows.c.id).where(
    select(crossings.c.seq).where(crossings.c.id == import_rows.c.id).scalar_subquery().is_not(None)
)


def _find_known_documents():
    """Statements giving each staged document the ids it has in the record, if it has any.

    SQLite looks each one up by the documents' key. PostgreSQL's planner, knowing nothing of
    the staging table, would rather hash every document recorded (0.12 s a chunk at 500,000
    documents, growing); a LATERAL lookup with LIMIT keeps it to one index probe each."""
    staged = import_documents.alias("staged")
    found = (
        select(documents.c.id, documents.c.traveller_id)
        .where(and_(*(documents.c[k] == staged.c[k] for k in DOCUMENT_KEY)))
        .limit(1)
        .lateral("found")
    )
    matched = (
        select(staged.c.doc_no, found.c.id, found.c.traveller_id)
        .select_from(staged.join(found, true()))
        .subquery("matched")
    )
    by_lookup = (
        update(import_documents)
        .where(import_documents.c.doc_no == matched.c.doc_no)
        .values(id=matched.c.id, traveller_id=matched.c.traveller_id, known=True, with_history=True)
    )
    by_join = (
        update(import_documents)
        .where(and_(*(import_documents.c[k] == documents.c[k] for k in DOCUMENT_KEY)))
        .values(
            id=documents.c.id, traveller_id=documents.c.traveller_id, known=True, with_history=True
        )
    )
    return {"postgresql": by_lookup, "sqlite": by_join}


_FIND_KNOWN_DOCUMENTS = _find_known_documents()
_NEW_DOCUMENT = ~import_documents.c.known
# Only documents that start a person of their own bring a traveller.
_INSERT_TRAVELLERS = insert(travellers).from_select(
    ["id", "created_at"],
    select(import_documents.c.traveller_id, _NOW).where(
        _NEW_DOCUMENT & import_documents.c.link.in_([FIRST, PENDING])
    ),
)
_DOCUMENT_COLUMNS = ["id", "traveller_id", *DOCUMENT_KEY, *DOCUMENT_FACTS, "link"]
_MARK_LINKING = (
    update(import_documents)
    .where(with_candidates(import_documents))
    .values(linking=True)
    .execution_options(preserve_rowcount=True)
)
_NEW_FACTS = select(
    import_documents.c.doc_no, *(import_documents.c[f.name] for f in fields(DocumentFacts))
).where(_NEW_DOCUMENT & import_documents.c.linking)
# The person_links row of each new document that linking found no candidate for, set-based.
_INSERT_FIRST_LINKS = insert(person_links).from_select(
    ["document_id", "traveller_id", "kind", "rule", "decided_by", "at"],
    select(
        import_documents.c.id,
        import_documents.c.traveller_id,
        literal(FIRST),
        bindparam("rule", type_=String),
        bindparam("decided_by", type_=String),
        _NOW,
    ).where(_NEW_DOCUMENT & ~import_documents.c.decided),
)
_INSERT_DOCUMENTS = insert(documents).from_select(
    [*_DOCUMENT_COLUMNS, "first_seen_at"],
    select(*(import_documents.c[c] for c in _DOCUMENT_COLUMNS), _NOW).where(_NEW_DOCUMENT),
)
_ROWS_WITH_DOCUMENTS = import_rows.join(
    import_documents, import_documents.c.doc_no == import_rows.c.doc_no
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
            import_documents.c.id,
            import_documents.c.traveller_id,
            _NOW,
        )
        .select_from(_ROWS_WITH_DOCUMENTS)
        .order_by(import_rows.c.row_no),
    )
    # SQLAlchemy keeps the count of rows an INSERT wrote only when asked.
    .execution_options(preserve_rowcount=True)
)


def _presence_flags():
    """The chunk's admitted crossings whose previous admitted crossing makes them suspect."""
    admitted = crossings.c.outcome == Outcome.ADMITTED.value
    chunk = (
        select(
            import_rows.c.row_no,
            import_documents.c.traveller_id,
            import_documents.c.with_history.label("known"),
            import_rows.c.host_state,
            import_rows.c.occurred_at,
            import_rows.c.direction,
        )
        .select_from(_ROWS_WITH_DOCUMENTS)
        .where(import_rows.c.outcome == Outcome.ADMITTED.value)
        .cte("chunk", nesting=True)
    )
    # Each known traveller's newest admitted crossing in the host state, and the chunk's first.
    groups = (
        select(
            chunk.c.traveller_id,
            chunk.c.host_state,
            func.min(chunk.c.occurred_at).label("first_at"),
        )
        .where(chunk.c.known)
        .group_by(chunk.c.traveller_id, chunk.c.host_state)
        .subquery("groups")
    )

    def newest(column):
        # Two lookups of the same index entry rather than a join, which a planner that knows
        # nothing of the staging tables might make with a scan of every crossing.
        return (
            select(column)
            .where(
                (crossings.c.traveller_id == groups.c.traveller_id)
                & (crossings.c.host_state == groups.c.host_state)
                & admitted
            )
            .order_by(crossings.c.occurred_at.desc(), crossings.c.seq.desc())
            .limit(1)
            .scalar_subquery()
        )

    newest = select(
        groups.c.traveller_id,
        groups.c.host_state,
        groups.c.first_at,
        newest(crossings.c.occurred_at).label("occurred_at"),
        newest(crossings.c.direction).label("direction"),
    ).cte("newest", nesting=True)
    history = crossings.alias("history")
    recorded = union_all(
        # The chunk comes after all that is recorded: the newest is the one before its first
        # (and the only one recorded here, so its place among recorded ones does not matter).
        select(
            newest.c.traveller_id,
            newest.c.host_state,
            newest.c.occurred_at,
            literal(0, BigInteger).label("seq"),
            newest.c.direction,
        ).where(newest.c.occurred_at <= newest.c.first_at),
        # The chunk goes back before it: every admitted crossing recorded, in order.
        select(
            history.c.traveller_id,
            history.c.host_state,
            history.c.occurred_at,
            history.c.seq,
            history.c.direction,
        )
        .join(
            newest,
            (history.c.traveller_id == newest.c.traveller_id)
            & (history.c.host_state == newest.c.host_state),
        )
        .where(
            (newest.c.occurred_at > newest.c.first_at)
            & (history.c.outcome == Outcome.ADMITTED.value)
        ),
    ).subquery("recorded")
    # Recorded crossings come before the chunk's at the same time, the chunk's in file order:
    # the order of their sequence numbers.
    timeline = union_all(
        select(
            recorded.c.traveller_id,
            recorded.c.host_state,
            recorded.c.occurred_at,
            literal(0).label("in_chunk"),
            recorded.c.seq.label("position"),
            recorded.c.direction,
            null().label("row_no"),
        ),
        select(
            chunk.c.traveller_id,
            chunk.c.host_state,
            chunk.c.occurred_at,
            literal(1),
            chunk.c.row_no,
            chunk.c.direction,
            chunk.c.row_no,
        ),
    ).subquery("timeline")
    previous = func.lag(timeline.c.direction).over(
        partition_by=(timeline.c.traveller_id, timeline.c.host_state),
        order_by=(timeline.c.occurred_at, timeline.c.in_chunk, timeline.c.position),
    )
    judged = select(timeline.c.row_no, timeline.c.direction, previous.label("previous")).subquery(
        "judged"
    )
    entry = judged.c.direction == Direction.ENTRY.value
    suspect = case(
        (entry, judged.c.previous == Direction.ENTRY.value),
        else_=func.coalesce(judged.c.previous, "") != Direction.ENTRY.value,
    )
    flag = case((entry, Flag.ENTRY_WHILE_INSIDE.value), else_=Flag.EXIT_WITHOUT_ENTRY.value)
    return select(judged.c.row_no, flag).where(judged.c.row_no.is_not(None) & suspect)


def _document_flags(flag: Flag, condition):
    return select(import_rows.c.row_no, literal(flag.value)).where(condition)


_JUDGE_FLAGS = (
    insert(import_flags)
    .from_select(
        ["row_no", "flag"],
        union_all(
            _presence_flags(),
            _document_flags(Flag.DOCUMENT_INVALID, ~import_rows.c.mrz_valid),
            _document_flags(
                Flag.DOCUMENT_EXPIRED, import_rows.c.expiry_date < import_rows.c.local_date
            ),
            _document_flags(
                Flag.IMPLAUSIBLE_BIRTH_DATE,
                implausible_birth_sql(import_rows.c.birth_date, import_rows.c.local_date),
            ),
            _document_flags(
                Flag.IMPLAUSIBLE_EXPIRY_DATE,
                implausible_expiry_sql(import_rows.c.expiry_date, import_rows.c.local_date),
            ),
        ),
    )
    .execution_options(preserve_rowcount=True)
)
# Each flagged crossing's sequence number looked up by its id (as _RECORDED_IDS does).
_INSERT_FLAGS = insert(crossing_flags).from_select(
    ["crossing_seq", "flag"],
    select(
        select(crossings.c.seq).where(crossings.c.id == import_rows.c.id).scalar_subquery(),
        import_flags.c.flag,
    ).join(import_rows, import_rows.c.row_no == import_flags.c.row_no),
)


@dataclass(frozen=True, slots=True)
class ChunkWritten:
    recorded: int
    already_recorded: int
    # (row, crossing id) of refusals not recorded: the person's asylum claim is pending.
    non_refoulement: tuple[tuple[int, str], ...] = ()
    # (row, crossing id, fields that differ) of ids already recorded, or earlier in the
    # chunk, with other content; how many of them were repeats within the chunk.
    conflicting: tuple[tuple[int, str, tuple[str, ...]], ...] = ()
    conflicting_repeats: int = 0


def _numbered_documents(rows: pa.Table) -> tuple[pa.Table, pa.Table]:
    """The rows, each with the number of its document, and the documents as first seen."""
    keys = list(DOCUMENT_KEY)
    positions = pa.array(np.arange(rows.num_rows))
    firsts = (
        rows.select(keys)
        .append_column("position", positions)
        .group_by(keys, use_threads=False)
        .aggregate([("position", "min")])
        .sort_by("position_min")
    )
    count = firsts.num_rows
    numbered = firsts.append_column("doc_no", pa.array(np.arange(count, dtype=np.int32)))
    row_doc = (
        rows.select(keys)
        .append_column("position", positions)
        .join(numbered.select([*keys, "doc_no"]), keys=keys, use_threads=False)
        .sort_by("position")
    )
    found = rows.take(firsts["position_min"])
    documents_seen = pa.table(
        {
            "doc_no": numbered["doc_no"],
            "id": uuid7_texts(count),
            "traveller_id": uuid7_texts(count),
            "known": pa.array(np.zeros(count, dtype=bool)),
            "link": pa.array([FIRST] * count, pa.string()),
            "with_history": pa.array(np.zeros(count, dtype=bool)),
            "decided": pa.array(np.zeros(count, dtype=bool)),
            "linking": pa.array(np.zeros(count, dtype=bool)),
            **{name: found[name] for name in (*DOCUMENT_KEY, *DOCUMENT_FACTS)},
        }
    )
    staged = pa.table(
        {c.name: row_doc["doc_no"] if c.name == "doc_no" else rows[c.name] for c in import_rows.c}
    )
    return staged, documents_seen


@dataclass(frozen=True, slots=True)
class StagedChunk:
    """A chunk's crossings with their documents numbered, encoded the way the engine loads
    them: made ahead, while the database writes the chunk before."""

    crossings: pa.Table
    rows: bytes | list[tuple]  # for import_rows
    documents: bytes | list[tuple]  # for import_documents


def stage_chunk(crossings: pa.Table, dialect: str) -> StagedChunk:
    staged, documents_seen = _numbered_documents(crossings)
    encode = _as_csv if dialect == "postgresql" else _as_sqlite_rows
    return StagedChunk(
        crossings, encode(import_rows, staged), encode(import_documents, documents_seen)
    )


def _as_csv(table: Table, data: pa.Table) -> bytes:
    """PostgreSQL: the rows as CSV for COPY, written by Arrow rather than row by row."""
    buffer = io.BytesIO()
    columns = data.select([c.name for c in table.c])
    pa_csv.write_csv(columns, buffer, pa_csv.WriteOptions(include_header=False))
    return buffer.getvalue()


def _copy_into(connection: Connection, table: Table, csv: bytes) -> None:
    names = ", ".join(c.name for c in table.c)
    cursor = connection.connection.cursor()
    with cursor.copy(f"COPY {table.name} ({names}) FROM STDIN (FORMAT csv)") as copy:
        copy.write(csv)


def _sqlite_values(column: pa.ChunkedArray, kind) -> list:
    """A column in the text forms SQLAlchemy stores in SQLite, so SQL can copy it as it is."""
    if isinstance(kind, Uuid):
        return pc.replace_substring(column, "-", "").to_pylist()
    if isinstance(kind, DateTime):
        return pc.strftime(column, format="%Y-%m-%d %H:%M:%S").to_pylist()
    if isinstance(kind, Date):
        return column.cast(pa.string()).to_pylist()
    return column.to_pylist()


def _as_sqlite_rows(table: Table, data: pa.Table) -> list[tuple]:
    """SQLite: the rows as tuples for one executemany of a prepared statement."""
    columns = [_sqlite_values(data[c.name], c.type) for c in table.c]
    return list(zip(*columns, strict=True))


def _insert_into(connection: Connection, table: Table, rows: list[tuple]) -> None:
    if not rows:  # a chunk whose rows were all rejected: executemany of nothing is an error
        return
    marks = ", ".join("?" * len(table.c))
    connection.exec_driver_sql(f"INSERT INTO {table.name} VALUES ({marks})", rows)


def _link_new_documents(connection: Connection, linker: Linker) -> list[Decision]:
    """Decide whose each new staged document is; the staging rows of those that join someone
    or had candidates are replaced by rows saying so. Returns the decisions whose person_links
    rows are written from here (the others', set-based, by _INSERT_FIRST_LINKS)."""
    if not linker.enabled or not connection.execute(_MARK_LINKING).rowcount:
        return []
    rows = connection.execute(_NEW_FACTS.order_by(import_documents.c.doc_no)).mappings().all()
    facts = [DocumentFacts(**{f.name: row[f.name] for f in fields(DocumentFacts)}) for row in rows]
    # Blocking for the whole chunk at once, by a join with the staging table.
    chunk_linker = staged_linker(connection, linker, import_documents, facts)
    decisions = decide_links(connection, facts, chunk_linker)
    decided = [
        (row, d) for row, d in zip(rows, decisions, strict=True)
        if d.link != FIRST or d.detail.get("candidates")
    ]  # fmt: skip
    if not decided:
        return []
    numbers = [row["doc_no"] for row, _ in decided]
    for start in range(0, len(numbers), 2_000):
        part = numbers[start : start + 2_000]
        connection.execute(delete(import_documents).where(import_documents.c.doc_no.in_(part)))
    connection.execute(
        insert(import_documents),
        [
            {**row, "traveller_id": d.document.traveller_id, "known": False, "link": d.link,
             "with_history": d.joins_recorded, "decided": True, "linking": True}
            for row, d in decided
        ],
    )  # fmt: skip
    return [d for _, d in decided]


# Non-refoulement: the chunk's refusals of people whose asylum claim is pending (their document
# now linked to them), judged in one statement and left out of the chunk.
_RETURNS_OF_CLAIMANTS = (
    select(import_rows.c.row_no, import_rows.c.id)
    .select_from(_ROWS_WITH_DOCUMENTS)
    .where(import_rows.c.outcome == Outcome.REFUSED.value)
    .where(has_pending_claim(import_documents.c.traveller_id))
)


def _drop_returns_of_claimants(connection: Connection) -> tuple[tuple[int, str], ...]:
    found = connection.execute(_RETURNS_OF_CLAIMANTS).all()
    if found:
        connection.execute(delete(import_rows).where(import_rows.c.id.in_([i for _, i in found])))
    return tuple((row, str(i)) for row, i in found)


def _as_recorded(row: dict) -> SimpleNamespace:
    """A chunk's row in the shape resend_differences reads a recorded one."""
    return SimpleNamespace(**row)


def _conflicting_resends(
    connection: Connection, rows: pa.Table, recorded_ids: list[str], repeats: pa.Table | None
) -> tuple[tuple[tuple[int, str, tuple[str, ...]], ...], int]:
    """Rows whose id is recorded with other content, or came earlier in the chunk with other
    content (registry/resends.py, the API's rule): (row, id, fields) of each, and how many of
    them repeated an id of the chunk. The recorded content is read in one query a few
    thousand ids at a time, and only when ids were found recorded."""
    if not recorded_ids and repeats is None:
        return (), 0
    before = {}
    for start in range(0, len(recorded_ids), 5_000):
        ids = [UUID(i) for i in recorded_ids[start : start + 5_000]]
        before.update((str(r.id), r) for r in connection.execute(STORED_RESENDS, {"ids": ids}))
    resent = rows.filter(pc.is_in(rows["id"], pa.array(recorded_ids, pa.string())))
    candidates = [(new, False) for new in resent.select(RESENT_COLUMNS).to_pylist()]
    if repeats is not None:
        repeated = pa.array(set(repeats["id"].to_pylist()), pa.string())
        for first in rows.filter(pc.is_in(rows["id"], repeated)).select(RESENT_COLUMNS).to_pylist():
            before.setdefault(first["id"], _as_recorded(first))  # the record's, if recorded
        candidates += [(new, True) for new in repeats.to_pylist()]
    conflicts, in_chunk = [], 0
    for new, is_repeat in candidates:
        differ = resend_differences(
            before[new["id"]],
            {**new, "bcp": new["bcp_code"],
             "document": (new["issuing_state"], new["number"], new["document_type"])},
        )  # fmt: skip
        if differ:
            conflicts.append((new["row_no"], new["id"], tuple(differ)))
            in_chunk += is_repeat
    return tuple(sorted(conflicts)), in_chunk


def write_chunk(
    connection: Connection,
    chunk: StagedChunk,
    now: datetime,
    linker: Linker | None = None,
    repeats: pa.Table | None = None,
) -> ChunkWritten:
    """Record the chunk's crossings not yet recorded, inside the caller's transaction; new
    documents are linked by `linker` (default: the one with the model in force). `repeats`:
    the chunk's later rows of a repeated id (ParsedChunk.repeats), judged as resends."""
    dialect = connection.dialect.name
    postgres = dialect == "postgresql"
    load = _copy_into if postgres else _insert_into
    if postgres:
        # Compiling these one-off statements to machine code costs more than running them,
        # and a chunk's rows sort in memory rather than in files.
        connection.exec_driver_sql("SET LOCAL jit = off")
        connection.exec_driver_sql("SET LOCAL work_mem = '64MB'")
    for table in _STAGING_TABLES:
        table.drop(connection, checkfirst=True)  # left by a failed chunk on this connection
        table.create(connection)
    load(connection, import_rows, chunk.rows)
    recorded_ids = [str(i) for i in connection.execute(_RECORDED_IDS).scalars()]
    rows = chunk.crossings
    conflicts, in_chunk = _conflicting_resends(connection, rows, recorded_ids, repeats)
    if recorded_ids:  # a chunk imported before, in part or whole: staged again without those
        connection.execute(delete(import_rows))
        rows = rows.filter(pc.invert(pc.is_in(rows["id"], pa.array(recorded_ids, pa.string()))))
        if rows.num_rows:
            chunk = stage_chunk(rows, dialect)
            load(connection, import_rows, chunk.rows)
    recorded = 0
    if rows.num_rows:
        load(connection, import_documents, chunk.documents)
        connection.execute(_FIND_KNOWN_DOCUMENTS[dialect])
        linker = linker or current_linker(connection)
        decided = _link_new_documents(connection, linker)
        connection.execute(_INSERT_TRAVELLERS, {"now": now})
        connection.execute(_INSERT_DOCUMENTS, {"now": now})
        if linker.enabled:
            record_person_links(connection, decided, now, model_version=linker.model.version)
            connection.execute(
                _INSERT_FIRST_LINKS, {"now": now, "rule": NO_MATCH, "decided_by": LINKER}
            )
        blocked = _drop_returns_of_claimants(connection)
        flagged = connection.execute(_JUDGE_FLAGS).rowcount
        recorded = connection.execute(_INSERT_CROSSINGS, {"now": now}).rowcount
        if flagged:
            connection.execute(_INSERT_FLAGS)
    for table in _STAGING_TABLES:
        table.drop(connection)
    return ChunkWritten(
        recorded,
        len(recorded_ids) + in_chunk - len(conflicts),
        blocked if rows.num_rows else (),
        conflicts,
        in_chunk,
    )
