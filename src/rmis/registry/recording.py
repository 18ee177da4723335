"""The set-based core of recording crossings, shared by the API and the bulk import.

Callers have validated the crossings, checked who may record them and removed those already
recorded; this module writes a batch with a handful of statements whatever its size.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from datetime import date, datetime
from functools import cache
from uuid import UUID
from zoneinfo import ZoneInfo

from sqlalchemy import Connection, bindparam, func, insert, select
from uuid6 import uuid7

from rmis.registry.model import DocumentSeen, Flag, InvalidRecord, NewCrossing, Outcome, Recorded
from rmis.registry.schema import (
    bcps,
    crossing_flags,
    crossings,
    documents,
    refusal_reasons,
    travellers,
)


@dataclass(frozen=True, slots=True)
class BcpFacts:
    code: str
    state: str
    mode: str
    time_zone: str


@dataclass(frozen=True, slots=True)
class ReferenceFacts:
    """The reference rows recording needs; they change only when the schema is migrated."""

    bcps: dict[str, BcpFacts]
    refusal_reasons: frozenset[str]


@dataclass(frozen=True, slots=True)
class ToRecord:
    crossing: NewCrossing
    officer: str


@cache
def _zone(name: str) -> ZoneInfo:
    return ZoneInfo(name)


def _load_bcp_facts(connection: Connection) -> dict[str, BcpFacts]:
    query = select(bcps.c.code, bcps.c.state, bcps.c.mode, bcps.c.time_zone)
    return {row.code: BcpFacts(*row) for row in connection.execute(query)}


def load_reference_facts(connection: Connection) -> ReferenceFacts:
    reasons = frozenset(connection.execute(select(refusal_reasons.c.code)).scalars())
    return ReferenceFacts(_load_bcp_facts(connection), reasons)


def check_crossing(crossing: NewCrossing, reference: ReferenceFacts) -> BcpFacts:
    """The crossing's BCP, or InvalidRecord naming what cannot be understood."""
    reasons = reference.refusal_reasons
    bcp = reference.bcps.get(crossing.bcp_code)
    if bcp is None:
        raise InvalidRecord("bcp", "unknown_bcp", f"no BCP with code {crossing.bcp_code!r}")
    if crossing.occurred_at.tzinfo is None:
        raise InvalidRecord("occurred_at", "naive_time", "occurred_at must carry a UTC offset")
    if crossing.outcome is Outcome.REFUSED and crossing.refusal_reason not in reasons:
        raise InvalidRecord(
            "refusal_reason",
            "unknown_refusal_reason",
            f"a refusal needs one of the reason codes {sorted(reasons)}, "
            f"not {crossing.refusal_reason!r}",
        )
    if crossing.outcome is Outcome.ADMITTED and crossing.refusal_reason is not None:
        raise InvalidRecord(
            "refusal_reason", "reason_without_refusal", "an admitted crossing has no refusal reason"
        )
    return bcp


# Statements are built once: building them on every call cost more than running them.
_ALREADY_RECORDED = select(crossings.c.id).where(
    crossings.c.id.in_(bindparam("ids", expanding=True))
)
_SEQ_OF_IDS = select(crossings.c.id, crossings.c.seq).where(
    crossings.c.id.in_(bindparam("ids", expanding=True))
)
_DOCUMENTS_BY_NUMBER = select(
    documents.c.issuing_state,
    documents.c.number,
    documents.c.document_type,
    documents.c.id,
    documents.c.traveller_id,
).where(documents.c.number.in_(bindparam("numbers", expanding=True)))
_INSERT_TRAVELLERS = insert(travellers)
_INSERT_DOCUMENTS = insert(documents)
_INSERT_CROSSINGS = insert(crossings)
_INSERT_FLAGS = insert(crossing_flags)
# Each admitted crossing of the given travellers with the direction of the one before it.
_ADMITTED_WITH_PREVIOUS = select(
    select(
        crossings.c.seq,
        crossings.c.direction,
        func.lag(crossings.c.direction)
        .over(
            partition_by=(crossings.c.traveller_id, crossings.c.host_state),
            order_by=(crossings.c.occurred_at, crossings.c.seq),
        )
        .label("previous"),
    )
    .where(
        (crossings.c.outcome == Outcome.ADMITTED.value)
        & crossings.c.traveller_id.in_(bindparam("travellers", expanding=True))
    )
    .subquery()
)


def already_recorded(connection: Connection, ids: Sequence[UUID]) -> set[UUID]:
    if not ids:
        return set()
    return set(connection.execute(_ALREADY_RECORDED, {"ids": list(ids)}).scalars())


def _document_key(seen: DocumentSeen) -> tuple[str, str, str]:
    return (seen.issuing_state, seen.number, seen.document_type)


def _resolve_documents(
    connection: Connection, seen: Sequence[DocumentSeen], now: datetime
) -> dict[tuple[str, str, str], tuple[UUID, UUID]]:
    """Document key -> (document id, traveller id); unknown documents get a new traveller."""
    first_seen = {_document_key(s): s for s in seen}
    numbers = sorted({key[1] for key in first_seen})
    found = {
        (row.issuing_state, row.number, row.document_type): (row.id, row.traveller_id)
        for row in connection.execute(_DOCUMENTS_BY_NUMBER, {"numbers": numbers})
    }
    new_travellers, new_documents = [], []
    for key, doc in first_seen.items():
        if key in found:
            continue
        traveller_id, document_id = uuid7(), uuid7()
        found[key] = (document_id, traveller_id)
        new_travellers.append({"id": traveller_id, "created_at": now})
        new_documents.append(
            {
                "id": document_id,
                "issuing_state": doc.issuing_state,
                "number": doc.number,
                "document_type": doc.document_type,
                "traveller_id": traveller_id,
                "surname": doc.surname,
                "given_names": doc.given_names,
                "nationality": doc.nationality,
                "birth_date": doc.birth_date,
                "sex": doc.sex,
                "expiry_date": doc.expiry_date,
                "first_seen_at": now,
            }
        )
    if new_travellers:
        connection.execute(_INSERT_TRAVELLERS, new_travellers)
        connection.execute(_INSERT_DOCUMENTS, new_documents)
    return found


def _presence_flags(
    connection: Connection, traveller_ids: set[UUID], seqs: set[int]
) -> dict[int, Flag]:
    """Entries while inside and exits without entry, judged against every admitted crossing."""
    flags: dict[int, Flag] = {}
    rows = connection.execute(_ADMITTED_WITH_PREVIOUS, {"travellers": list(traveller_ids)})
    for seq, direction, previous in rows:
        if seq not in seqs:
            continue
        if direction == "entry" and previous == "entry":
            flags[seq] = Flag.ENTRY_WHILE_INSIDE
        elif direction == "exit" and previous != "entry":
            flags[seq] = Flag.EXIT_WITHOUT_ENTRY
    return flags


def _document_flags(crossing: NewCrossing, local_date: date) -> list[Flag]:
    flags = []
    if not crossing.document.mrz_valid:
        flags.append(Flag.DOCUMENT_INVALID)
    expiry = crossing.document.expiry_date
    if expiry is not None and expiry < local_date:
        flags.append(Flag.DOCUMENT_EXPIRED)
    return flags


def write_crossings(
    connection: Connection,
    batch: Sequence[ToRecord],
    bcp_facts: dict[str, BcpFacts],
    now: datetime,
) -> list[Recorded]:
    """Insert checked, not yet recorded crossings; results in the order given."""
    if not batch:
        return []
    doc_ids = _resolve_documents(connection, [item.crossing.document for item in batch], now)
    rows = []
    for item in batch:
        c = item.crossing
        bcp = bcp_facts[c.bcp_code]
        document_id, traveller_id = doc_ids[_document_key(c.document)]
        rows.append(
            {
                "id": c.id,
                "direction": c.direction.value,
                "bcp_code": bcp.code,
                "host_state": bcp.state,
                "occurred_at": c.occurred_at,
                "local_date": c.occurred_at.astimezone(_zone(bcp.time_zone)).date(),
                "document_id": document_id,
                "traveller_id": traveller_id,
                "nationality": c.document.nationality,
                "purpose": c.purpose.value,
                "mode": bcp.mode,
                "outcome": c.outcome.value,
                "refusal_reason": c.refusal_reason,
                "officer": item.officer,
                "mrz_valid": c.document.mrz_valid,
                "recorded_at": now,
            }
        )
    # A plain executemany (no RETURNING) takes the drivers' fast batch path; one query then
    # reads back the sequence numbers the database gave.
    connection.execute(_INSERT_CROSSINGS, rows)
    seq_of = dict(connection.execute(_SEQ_OF_IDS, {"ids": [row["id"] for row in rows]}).all())
    seqs = [seq_of[row["id"]] for row in rows]
    presence = _presence_flags(connection, {r["traveller_id"] for r in rows}, set(seqs))
    results, flag_rows = [], []
    for item, row, seq in zip(batch, rows, seqs, strict=True):
        flags = ([presence[seq]] if seq in presence else []) + _document_flags(
            item.crossing, row["local_date"]
        )
        flag_rows.extend({"crossing_seq": seq, "flag": f.value} for f in flags)
        results.append(
            Recorded(
                id=item.crossing.id,
                seq=seq,
                duplicate=False,
                local_date=row["local_date"],
                flags=tuple(flags),
            )
        )
    if flag_rows:
        connection.execute(_INSERT_FLAGS, flag_rows)
    return results
