"""Recording one crossing, the common case at a BCP, in as few round trips as possible.

One query tells whether the crossing is already recorded, finds its document and traveller and
the direction of the traveller's admitted crossing just before it; one INSERT ... RETURNING
writes it. Flags follow the same rules as a batch (recording.write_crossings).

A document not seen before is linked to its person first (recording.link_new_documents): when
it joins someone on record, the crossing before it is looked up on that person's timeline.
That path alone pays for linking; a document seen before costs what it did.
"""

from __future__ import annotations

from datetime import UTC, datetime

from sqlalchemy import Connection, bindparam, exists, insert, literal, select

from rmis.persons import Linker
from rmis.registry.model import Outcome, Recorded
from rmis.registry.recording import (
    BcpFacts,
    ToRecord,
    crossing_row,
    document_flags,
    link_new_documents,
    new_document_rows,
    presence_flag,
    previous_admitted,
)
from rmis.store.schema import crossing_flags, crossings, documents

_ONE_ROW = select(literal(1).label("one")).subquery()
_LOOKUP = select(
    exists().where(crossings.c.id == bindparam("id", type_=crossings.c.id.type)).label("recorded"),
    documents.c.id,
    documents.c.traveller_id,
    previous_admitted(
        documents.c.traveller_id,
        bindparam("host_state", type_=crossings.c.host_state.type),
        bindparam("occurred_at", type_=crossings.c.occurred_at.type),
    ).label("previous"),
).select_from(
    # Outer-joined to one row, so an unknown document still answers whether it is recorded.
    _ONE_ROW.outerjoin(
        documents,
        (documents.c.issuing_state == bindparam("issuing_state"))
        & (documents.c.number == bindparam("number"))
        & (documents.c.document_type == bindparam("document_type")),
    )
)
_PREVIOUS_OF_PERSON = select(
    previous_admitted(
        bindparam("traveller_id", type_=crossings.c.traveller_id.type),
        bindparam("host_state", type_=crossings.c.host_state.type),
        bindparam("occurred_at", type_=crossings.c.occurred_at.type),
    )
)
_INSERT_CROSSING = insert(crossings).returning(crossings.c.seq)
_INSERT_FLAGS = insert(crossing_flags)


def write_one(
    connection: Connection,
    item: ToRecord,
    bcp: BcpFacts,
    now: datetime,
    linker: Linker | None = None,
) -> Recorded:
    """Record a checked crossing unless it is recorded already; a new document is linked by
    `linker` (default: the one with the model in force)."""
    crossing = item.crossing
    seen = crossing.document
    found = connection.execute(
        _LOOKUP,
        {
            "id": crossing.id,
            "host_state": bcp.state,
            "occurred_at": crossing.occurred_at.astimezone(UTC),
            "issuing_state": seen.issuing_state,
            "number": seen.number,
            "document_type": seen.document_type,
        },
    ).one()
    if found.recorded:
        return Recorded(id=crossing.id, seq=None, duplicate=True)
    previous = found.previous
    if found.id is None:
        traveller, document = new_document_rows(seen, now)
        [joins_recorded] = link_new_documents(connection, [(traveller, document)], linker, now)
        document_id, traveller_id = document["id"], document["traveller_id"]
        if joins_recorded:
            previous = connection.execute(
                _PREVIOUS_OF_PERSON,
                {"traveller_id": traveller_id, "host_state": bcp.state,
                 "occurred_at": crossing.occurred_at.astimezone(UTC)},
            ).scalar()  # fmt: skip
    else:
        document_id, traveller_id = found.id, found.traveller_id
    row = crossing_row(item, bcp, document_id, traveller_id, now)
    seq = connection.execute(_INSERT_CROSSING, row).scalar_one()
    presence = presence_flag(crossing.direction.value, previous)
    flags = [presence] if presence and crossing.outcome is Outcome.ADMITTED else []
    flags += document_flags(seen, row["local_date"])
    if flags:
        connection.execute(_INSERT_FLAGS, [{"crossing_seq": seq, "flag": f.value} for f in flags])
    return Recorded(
        id=crossing.id, seq=seq, duplicate=False, local_date=row["local_date"], flags=tuple(flags)
    )
