"""The set-based core of recording crossings, shared by the API and the bulk import.

Callers have validated the crossings, checked who may record them and removed those already
recorded; this module writes a batch with a handful of statements whatever its size.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, fields
from datetime import UTC, date, datetime, timedelta
from functools import cache
from typing import Any
from uuid import UUID
from zoneinfo import ZoneInfo

from sqlalchemy import ColumnElement, Connection, ScalarSelect, bindparam, insert, select
from uuid6 import uuid7

from rmis.persons import DocumentFacts, Linker, current_linker, decide_links, record_links
from rmis.reference.countries import code_problem
from rmis.registry.document_dates import implausible_birth, implausible_expiry
from rmis.registry.model import DocumentSeen, Flag, InvalidRecord, NewCrossing, Outcome, Recorded
from rmis.store.schema import (
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


# How far ahead of the record's clock a crossing may be stamped: BCP workstations keep time by
# NTP within seconds, and five minutes (Kerberos's default tolerance) covers one that drifted
# offline; a wrong day, month or year is far beyond it.
MAX_CLOCK_SKEW = timedelta(minutes=5)
FUTURE_CROSSING = "future_crossing"


def future_reason(occurred_at: datetime, now: datetime) -> str:
    return (
        f"occurred_at {occurred_at.astimezone(UTC).isoformat()} is later than now "
        f"({now.astimezone(UTC).isoformat(timespec='seconds')}) by more than "
        f"{MAX_CLOCK_SKEW.total_seconds() / 60:g} minutes of clock skew"
    )


def check_crossing(crossing: NewCrossing, reference: ReferenceFacts, now: datetime) -> BcpFacts:
    """The crossing's BCP, or InvalidRecord naming what cannot be understood.

    Refused, in this order (the import's): a state code that is not ICAO 9303's or is its
    specimen UTO, an unknown BCP, a time without offset or later than `now` by more than
    MAX_CLOCK_SKEW (a crossing that has not happened would move every "as of" date of the
    analyses), and a refusal reason that does not fit the outcome.
    """
    for name in ("issuing_state", "nationality"):
        problem = code_problem(name, getattr(crossing.document, name))
        if problem is not None:
            raise InvalidRecord(f"document.{name}", *problem)
    reasons = reference.refusal_reasons
    bcp = reference.bcps.get(crossing.bcp_code)
    if bcp is None:
        raise InvalidRecord("bcp", "unknown_bcp", f"no BCP with code {crossing.bcp_code!r}")
    if crossing.occurred_at.tzinfo is None:
        raise InvalidRecord("occurred_at", "naive_time", "occurred_at must carry a UTC offset")
    if crossing.occurred_at > now + MAX_CLOCK_SKEW:
        reason = future_reason(crossing.occurred_at, now)
        raise InvalidRecord("occurred_at", FUTURE_CROSSING, reason)
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
_FACT_FIELDS = tuple(f.name for f in fields(DocumentFacts))
_INSERT_FLAGS = insert(crossing_flags)


def previous_admitted(
    traveller_id: ColumnElement[Any],
    host_state: ColumnElement[Any],
    occurred_at: ColumnElement[Any],
    seq: ColumnElement[Any] | None = None,
) -> ScalarSelect[Any]:
    """The direction of the traveller's admitted crossing in the host state at or just before a
    time: what presence flags are judged on. Without `seq`, every crossing at that very time
    counts as before (they were all recorded earlier); with it, only those recorded before it."""
    before = crossings.alias("before")
    earlier = before.c.occurred_at <= occurred_at
    if seq is not None:
        earlier &= (before.c.occurred_at < occurred_at) | (before.c.seq < seq)
    return (
        select(before.c.direction)
        .where(
            (before.c.traveller_id == traveller_id)
            & (before.c.host_state == host_state)
            & (before.c.outcome == Outcome.ADMITTED.value)
            & earlier
        )
        .order_by(before.c.occurred_at.desc(), before.c.seq.desc())
        .limit(1)
        .scalar_subquery()
    )


# The new admitted crossings with the direction of the one before each, found by index.
_NEW = crossings.alias("new")
_ADMITTED_WITH_PREVIOUS = select(
    _NEW.c.seq,
    _NEW.c.direction,
    previous_admitted(
        _NEW.c.traveller_id, _NEW.c.host_state, _NEW.c.occurred_at, _NEW.c.seq
    ).correlate(_NEW),
).where(
    (_NEW.c.outcome == Outcome.ADMITTED.value) & _NEW.c.seq.in_(bindparam("seqs", expanding=True))
)


def already_recorded(connection: Connection, ids: Sequence[UUID]) -> set[UUID]:
    if not ids:
        return set()
    return set(connection.execute(_ALREADY_RECORDED, {"ids": list(ids)}).scalars())


def local_date_of(occurred_at: datetime, bcp: BcpFacts) -> date:
    return occurred_at.astimezone(_zone(bcp.time_zone)).date()


def presence_flag(direction: str, previous: str | None) -> Flag | None:
    """The flag an admitted crossing gets from the direction of the admitted one before it."""
    if direction == "entry" and previous == "entry":
        return Flag.ENTRY_WHILE_INSIDE
    if direction == "exit" and previous != "entry":
        return Flag.EXIT_WITHOUT_ENTRY
    return None


def document_flags(seen: DocumentSeen, local_date: date) -> list[Flag]:
    flags = []
    if not seen.mrz_valid:
        flags.append(Flag.DOCUMENT_INVALID)
    if seen.expiry_date is not None and seen.expiry_date < local_date:
        flags.append(Flag.DOCUMENT_EXPIRED)
    if implausible_birth(seen.birth_date, local_date):
        flags.append(Flag.IMPLAUSIBLE_BIRTH_DATE)
    if implausible_expiry(seen.expiry_date, local_date):
        flags.append(Flag.IMPLAUSIBLE_EXPIRY_DATE)
    return flags


def new_document_rows(
    seen: DocumentSeen, now: datetime
) -> tuple[dict[str, object], dict[str, object]]:
    """A traveller and the document that makes them known, as rows to insert."""
    traveller_id, document_id = uuid7(), uuid7()
    document = {
        "id": document_id,
        "issuing_state": seen.issuing_state,
        "number": seen.number,
        "document_type": seen.document_type,
        "traveller_id": traveller_id,
        "surname": seen.surname,
        "given_names": seen.given_names,
        "nationality": seen.nationality,
        "birth_date": seen.birth_date,
        "sex": seen.sex,
        "expiry_date": seen.expiry_date,
        "first_seen_at": now,
        "optional_data": seen.optional_data,
        "national_surname": seen.national_surname,
        "national_given_names": seen.national_given_names,
        "previous_document_number": seen.previous_document_number,
    }
    return {"id": traveller_id, "created_at": now}, document


def link_new_documents(
    connection: Connection,
    new: Sequence[tuple[dict[str, object], dict[str, object]]],
    linker: Linker | None,
    now: datetime,
) -> list[bool]:
    """Decide whose each new document is (persons/linking.py) and insert the travellers and
    documents as decided, with their person_links rows and proposals. `new`: (traveller,
    document) rows from new_document_rows, in the order the batch first shows them; the
    document rows are updated with the person each joins. Returns, per document, whether it
    joined a person with documents on record (whose crossings decide its presence flags)."""
    linker = linker or current_linker(connection)
    facts = [DocumentFacts(**{k: document[k] for k in _FACT_FIELDS}) for _, document in new]
    decisions = decide_links(connection, facts, linker)
    new_travellers = []
    for (traveller, document), decision in zip(new, decisions, strict=True):
        document["traveller_id"] = decision.document.traveller_id
        document["link"] = decision.link
        if decision.own_traveller:
            new_travellers.append(traveller)
    if new_travellers:
        connection.execute(_INSERT_TRAVELLERS, new_travellers)
    connection.execute(_INSERT_DOCUMENTS, [document for _, document in new])
    if linker.enabled:
        record_links(connection, decisions, now, model_version=linker.model.version)
    return [decision.joins_recorded for decision in decisions]


def crossing_row(
    item: ToRecord, bcp: BcpFacts, document_id: UUID, traveller_id: UUID, now: datetime
) -> dict[str, object]:
    c = item.crossing
    # Stored in UTC: SQLite keeps the wall-clock digits and drops the offset.
    occurred_at = c.occurred_at.astimezone(UTC)
    return {
        "id": c.id,
        "direction": c.direction.value,
        "bcp_code": bcp.code,
        "host_state": bcp.state,
        "occurred_at": occurred_at,
        "local_date": local_date_of(occurred_at, bcp),
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


def _document_key(seen: DocumentSeen) -> tuple[str, str, str]:
    return (seen.issuing_state, seen.number, seen.document_type)


def _resolve_documents(
    connection: Connection, seen: Sequence[DocumentSeen], now: datetime, linker: Linker | None
) -> dict[tuple[str, str, str], tuple[UUID, UUID]]:
    """Document key -> (document id, traveller id); unknown documents are linked to their
    person (a new traveller, or one on record or earlier in the batch)."""
    first_seen: dict[tuple[str, str, str], DocumentSeen] = {}
    for doc in seen:
        first_seen.setdefault(_document_key(doc), doc)
    numbers = sorted({key[1] for key in first_seen})
    found = {
        (row.issuing_state, row.number, row.document_type): (row.id, row.traveller_id)
        for row in connection.execute(_DOCUMENTS_BY_NUMBER, {"numbers": numbers})
    }
    new = {key: new_document_rows(doc, now) for key, doc in first_seen.items() if key not in found}
    if new:
        link_new_documents(connection, list(new.values()), linker, now)
        for key, (_, document) in new.items():
            found[key] = (document["id"], document["traveller_id"])
    return found


def _presence_flags(connection: Connection, seqs: list[int]) -> dict[int, Flag]:
    """Entries while inside and exits without entry, judged against every admitted crossing."""
    flags: dict[int, Flag] = {}
    for seq, direction, previous in connection.execute(_ADMITTED_WITH_PREVIOUS, {"seqs": seqs}):
        flag = presence_flag(direction, previous)
        if flag is not None:
            flags[seq] = flag
    return flags


def write_crossings(
    connection: Connection,
    batch: Sequence[ToRecord],
    bcp_facts: dict[str, BcpFacts],
    now: datetime,
    linker: Linker | None = None,
) -> list[Recorded]:
    """Insert checked, not yet recorded crossings; results in the order given. New documents
    are linked by `linker` (default: the one with the model in force)."""
    if not batch:
        return []
    documents_seen = [item.crossing.document for item in batch]
    doc_ids = _resolve_documents(connection, documents_seen, now, linker)
    rows = []
    for item in batch:
        bcp = bcp_facts[item.crossing.bcp_code]
        document_id, traveller_id = doc_ids[_document_key(item.crossing.document)]
        rows.append(crossing_row(item, bcp, document_id, traveller_id, now))
    # A plain executemany (no RETURNING) takes the drivers' fast batch path; one query then
    # reads back the sequence numbers the database gave.
    connection.execute(_INSERT_CROSSINGS, rows)
    seq_of = dict(connection.execute(_SEQ_OF_IDS, {"ids": [row["id"] for row in rows]}).all())
    seqs = [seq_of[row["id"]] for row in rows]
    presence = _presence_flags(connection, seqs)
    results, flag_rows = [], []
    for item, row, seq in zip(batch, rows, seqs, strict=True):
        flags = ([presence[seq]] if seq in presence else []) + document_flags(
            item.crossing.document, row["local_date"]
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
