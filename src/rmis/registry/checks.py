"""The border check: everything an officer needs about a traveller, in one call, recording nothing.

An officer has an MRZ (or a document's fields typed in), a BCP and a direction. The check reads
the document (document_reading, the step the import shares), finds whose it is in the record
(a merge moves the absorbed person's documents to the survivor, so a document names its person
as they are now), and judges, on the BCP's local date: the person's stay in the BCP's host
state (as `stay_status` does), their last crossings (as corrected, as a history read shows
them) and the flags the crossing would get if it were recorded now (recording's own rules).
It writes no crossing: one `checks` row and one audit row tie what was looked up, by whom and
where, and a crossing recorded after it names the check (crossings.record_crossings,
`check_ids`).

Scope is recording's: the principal must be allowed to record at the BCP (an officer posted
there, a supervisor of its state), because a check is the first half of recording.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from datetime import UTC, date, datetime
from typing import Any
from uuid import UUID

from sqlalchemy import Connection, Engine, bindparam, insert, select
from uuid6 import uuid7

from rmis.reference.stay_rules import StayRulesTable
from rmis.registry.corrected import apply_corrections, load_corrections
from rmis.registry.document_reading import (
    DocumentUnreadable,
    Finding,
    Repair,
    Severity,
    read_document,
)
from rmis.registry.model import (
    Direction,
    DocumentSeen,
    Flag,
    InvalidRecord,
    NewCrossing,
    Outcome,
)
from rmis.registry.reads import StayAnswer
from rmis.registry.recording import (
    BcpFacts,
    ReferenceFacts,
    document_flags,
    local_date_of,
    presence_flag,
)
from rmis.registry.timelines import stays_from_crossings
from rmis.security.audit import append_audit
from rmis.security.principals import Principal
from rmis.stay import Permit, PermitKind, Registration, Timeline, evaluate
from rmis.store.schema import (
    checks,
    crossing_flags,
    crossings,
    documents,
    permits,
    registrations,
)

# How many of the person's last crossings the officer sees.
RECENT_CROSSINGS = 5

# The crossing flags, in the officer's words.
_FLAG_MESSAGES = {
    Flag.EXIT_WITHOUT_ENTRY: "No entry is on record before this exit: the traveller's last "
    "admitted crossing in this state was not an entry (or there is none).",
    Flag.ENTRY_WHILE_INSIDE: "The traveller is inside already: their last admitted crossing in "
    "this state was an entry, with no exit after it.",
    Flag.DOCUMENT_INVALID: "The document's MRZ is not valid: the crossing would be recorded "
    "with the flag document_invalid.",
    Flag.DOCUMENT_EXPIRED: "The document has expired: the crossing would be recorded with the "
    "flag document_expired.",
}
_OTHER_FLAG = "The crossing would be recorded with the flag {}."


@dataclass(frozen=True, slots=True)
class CheckedDocument:
    """The document as read at the desk, and everything the officer should know about it."""

    document: DocumentSeen
    source: str  # "mrz": read from the MRZ text; "typed": the fields as sent
    format: str | None  # the MRZ layout (TD1, TD2, TD3, MRV-A, MRV-B); None when typed
    valid: bool
    findings: tuple[Finding, ...]
    repairs: tuple[Repair, ...]


@dataclass(frozen=True, slots=True)
class CheckFlag:
    """Something the officer should see before deciding. `source` says where it comes from:
    `document` (an error of the document read) or `crossing` (a flag recording would give)."""

    code: str
    source: str
    field: str | None
    message: str


@dataclass(frozen=True, slots=True)
class Check:
    id: UUID
    at: datetime
    bcp_code: str
    host_state: str
    direction: Direction
    on: date  # the BCP's local date the check judged
    document: CheckedDocument
    traveller_id: UUID | None  # None: the document is not on this state's record
    link: str | None  # how the document joined its person (documents.link)
    stay: StayAnswer | None
    recent_crossings: list[dict[str, Any]]  # oldest first, as traveller_history's rows
    flags: tuple[CheckFlag, ...]


def _typed_document(seen: DocumentSeen, on: date) -> CheckedDocument:
    """A document whose fields were typed in (or read by the BCP's own reader): what can be
    judged without its MRZ."""
    findings: list[Finding] = []
    if not seen.mrz_valid:
        message = "The BCP's reader found the document's MRZ not valid."
        findings.append(Finding("mrz_invalid", "mrz", Severity.ERROR, message))
    if seen.expiry_date is not None and seen.expiry_date < on:
        message = f"The document has expired: on {seen.expiry_date.isoformat()}."
        findings.append(Finding("document_expired", "expiry_date", Severity.WARNING, message))
    return CheckedDocument(seen, "typed", None, seen.mrz_valid, tuple(findings), ())


def _read(mrz: str | None, document: DocumentSeen | None, on: date) -> CheckedDocument:
    if (mrz is None) == (document is None):
        raise InvalidRecord(
            "mrz", "mrz_or_document", "send exactly one of mrz (the MRZ text) or document"
        )
    if document is not None:
        return _typed_document(document, on)
    try:
        read = read_document(mrz, today=on)
    except DocumentUnreadable as error:
        raise InvalidRecord("mrz", error.code, error.message) from None
    return CheckedDocument(
        read.document, "mrz", str(read.mrz.format), read.valid, read.findings, read.repairs
    )


# The document and its person. A merge moves the absorbed person's documents to the survivor
# (persons.merge), so a document always names the person it belongs to now.
_DOCUMENT = select(documents.c.id, documents.c.traveller_id, documents.c.link).where(
    (documents.c.issuing_state == bindparam("issuing_state"))
    & (documents.c.number == bindparam("number"))
    & (documents.c.document_type == bindparam("document_type"))
)
_RECENT_FLAGS = select(crossing_flags.c.crossing_seq, crossing_flags.c.flag).where(
    crossing_flags.c.crossing_seq.in_(bindparam("seqs", expanding=True))
)
_INSERT_CHECK = insert(checks)
# The columns of a history read's crossing (reads.traveller_history).
_HISTORY_COLUMNS = (
    crossings.c.id,
    crossings.c.seq,
    crossings.c.direction,
    crossings.c.bcp_code,
    crossings.c.occurred_at,
    crossings.c.local_date,
    crossings.c.purpose,
    crossings.c.mode,
    crossings.c.outcome,
    crossings.c.refusal_reason,
    crossings.c.officer,
    documents.c.issuing_state,
    documents.c.number.label("document_number"),
)
# The person's crossings with what their stay needs beyond a history's columns.
_PERSON_CROSSINGS = select(*_HISTORY_COLUMNS, crossings.c.nationality).join(
    documents, documents.c.id == crossings.c.document_id
)
_HELD_PERMITS = select(permits).where(
    (permits.c.traveller_id == bindparam("traveller_id"))
    & (permits.c.host_state == bindparam("host_state"))
)
_REGISTERED = select(registrations.c.registered_on).where(
    (registrations.c.traveller_id == bindparam("traveller_id"))
    & (registrations.c.host_state == bindparam("host_state"))
)


def _find_person(connection: Connection, seen: DocumentSeen) -> tuple[UUID, UUID, str] | None:
    """(document id, the person's id, how the document joined them), or None."""
    row = connection.execute(
        _DOCUMENT,
        {
            "issuing_state": seen.issuing_state,
            "number": seen.number,
            "document_type": seen.document_type,
        },
    ).first()
    return None if row is None else (row.id, row.traveller_id, row.link)


def _person_crossings(connection: Connection, traveller_id: UUID, host: str) -> list[dict]:
    """The person's crossings in the host state as corrected, in time order (occurred_at, seq),
    voided ones kept and marked, as corrected.corrected_history gives them: read once for their
    history, their stay and the flags (two queries: the crossings, and any corrections)."""
    where = (crossings.c.traveller_id == traveller_id) & (crossings.c.host_state == host)
    rows = connection.execute(_PERSON_CROSSINGS.where(where)).mappings().all()
    fixes = load_corrections(connection, where) if rows else {}
    corrected = [apply_corrections(row, fixes.get(row["id"], ())) for row in rows]
    return sorted(corrected, key=lambda c: (c["occurred_at"], c["seq"]))


def _stay(
    connection: Connection,
    traveller_id: UUID,
    host: str,
    history: list[dict[str, Any]],
    rules: StayRulesTable,
    on: date,
) -> StayAnswer | None:
    """The stay as stay_status judges it (timelines.load_timelines: voided crossings do not
    count, the nationality is the last counted crossing's), from crossings already read; None
    when no crossing counts, as stay_status finds no one."""
    counted = [c for c in history if not c["voided"]]
    if not counted:
        return None
    nationality = counted[-1]["nationality"]
    moves = ((c["direction"], c["local_date"]) for c in counted if c["outcome"] == "admitted")
    person = {"traveller_id": traveller_id, "host_state": host}
    held = tuple(
        Permit(kind=PermitKind(p["kind"]), valid_from=p["valid_from"], valid_to=p["valid_to"],
               entries=p["entries_allowed"], duration_days=p["duration_days"],
               reference=p["number"] or "")
        for p in connection.execute(_HELD_PERMITS, person).mappings()
    )  # fmt: skip
    registered = tuple(
        Registration(day) for day in connection.execute(_REGISTERED, person).scalars()
    )
    timeline = Timeline(stays=tuple(stays_from_crossings(moves)), permits=held,
                        registrations=registered)  # fmt: skip
    evaluation = evaluate(timeline, rules.schedule(host, nationality), on)
    return StayAnswer(traveller_id, host, nationality, evaluation)


def _with_flags(connection: Connection, recent: list[dict[str, Any]]) -> list[dict[str, Any]]:
    flags: dict[int, list[str]] = {}
    if recent:
        for seq, flag in connection.execute(_RECENT_FLAGS, {"seqs": [c["seq"] for c in recent]}):
            flags.setdefault(seq, []).append(flag)
    # As a history read shows them: its columns, voided, corrections and flags.
    return [
        {k: v for k, v in c.items() if k != "nationality"}
        | {"flags": sorted(flags.get(c["seq"], []))}
        for c in recent
    ]


def _previous_admitted(history: list[dict[str, Any]], now: datetime) -> str | None:
    """The direction of the last admitted crossing at or before now, as corrected: what the
    presence flag of a crossing recorded now is judged on (recording, and reflag after a
    correction)."""
    naive = bool(history) and history[0]["occurred_at"].tzinfo is None
    cutoff = now.astimezone(UTC).replace(tzinfo=None) if naive else now  # SQLite: naive UTC
    for crossing in reversed(history):
        if crossing["voided"] or crossing["outcome"] != Outcome.ADMITTED.value:
            continue
        if crossing["occurred_at"] <= cutoff:
            return crossing["direction"]
    return None


def _flags(
    read: CheckedDocument, direction: Direction, previous: str | None, on: date
) -> tuple[CheckFlag, ...]:
    flags = [
        CheckFlag(f.code, "document", f.field, f.message)
        for f in read.findings
        if f.severity is Severity.ERROR
    ]
    would_get = document_flags(read.document, on)
    presence = presence_flag(direction.value, previous)
    if presence is not None:
        would_get.insert(0, presence)
    flags += [
        CheckFlag(f.value, "crossing", None, _FLAG_MESSAGES.get(f, _OTHER_FLAG.format(f.value)))
        for f in would_get
    ]
    return tuple(flags)


def run_check(
    engine: Engine,
    principal: Principal,
    *,
    bcp_code: str,
    direction: Direction,
    now: datetime,
    reference: ReferenceFacts,
    rules: StayRulesTable,
    mrz: str | None = None,
    document: DocumentSeen | None = None,
    purpose: str = "border check",
    recent: int = RECENT_CROSSINGS,
) -> Check:
    """Check a traveller at a BCP from their MRZ text or their document's fields (exactly one).

    Raises InvalidRecord (an unknown BCP, neither or both of mrz and document, text that is no
    MRZ) and AccessDenied (the principal may not record at the BCP). Writes one `checks` row
    and one audit row, nothing else.
    """
    bcp: BcpFacts | None = reference.bcps.get(bcp_code)
    if bcp is None:
        raise InvalidRecord("bcp", "unknown_bcp", f"no BCP with code {bcp_code!r}")
    principal.require_recording_at(bcp.code, bcp.state)
    host = bcp.state
    on = local_date_of(now, bcp)
    read = _read(mrz, document, on)
    seen = read.document
    check_id = uuid7()
    with engine.begin() as connection:
        found = _find_person(connection, seen)
        document_id = traveller_id = link = stay = None
        history: list[dict[str, Any]] = []
        if found is not None:
            history = _person_crossings(connection, found[1], host)
            stay = _stay(connection, found[1], host, history, rules, on)
            if stay is None:  # not on this state's record: as someone never seen here
                history = []
            else:
                document_id, traveller_id, link = found
        recent_crossings = _with_flags(connection, history[-recent:] if recent else [])
        flags = _flags(read, direction, _previous_admitted(history, now), on)
        connection.execute(
            _INSERT_CHECK,
            {"id": check_id, "at": now, "principal": principal.name, "bcp_code": bcp.code,
             "direction": direction.value, "document_id": document_id,
             "traveller_id": traveller_id, "document_valid": read.valid},
        )  # fmt: skip
        append_audit(
            connection,
            at=now,
            principal=principal.name,
            action="checks.run",
            subject=str(traveller_id)
            if traveller_id
            else f"document {seen.issuing_state} {seen.number}",
            purpose=purpose,
            detail={
                "check_id": str(check_id),
                "bcp": bcp.code,
                "direction": direction.value,
                "document": [seen.issuing_state, seen.number, seen.document_type],
                "source": read.source,
                "valid": read.valid,
                "known": traveller_id is not None,
            },
        )
    return Check(
        id=check_id,
        at=now,
        bcp_code=bcp.code,
        host_state=host,
        direction=direction,
        on=on,
        document=read,
        traveller_id=traveller_id,
        link=link,
        stay=stay,
        recent_crossings=recent_crossings,
        flags=flags,
    )


_CHECKS_BY_ID = select(checks.c.id, checks.c.principal, checks.c.bcp_code).where(
    checks.c.id.in_(bindparam("ids", expanding=True))
)


def tie_checks(
    connection: Connection,
    principal: Principal,
    batch: Sequence[NewCrossing],
    check_ids: Mapping[UUID, UUID],
) -> dict[str, str]:
    """Crossing id -> the check it followed, as text for the recording's audit row.

    Raises InvalidRecord when a check is unknown, was made by another principal, or at another
    BCP than the crossing's: a crossing names only the check that led to it.
    """
    wanted = {c.id: (c, check_ids[c.id]) for c in batch if c.id in check_ids}
    if not wanted:
        return {}
    found = {
        row.id: row
        for row in connection.execute(
            _CHECKS_BY_ID, {"ids": list({check for _, check in wanted.values()})}
        )
    }
    for crossing, check_id in wanted.values():
        row = found.get(check_id)
        if row is None:
            raise InvalidRecord("check_id", "unknown_check", f"no check with id {check_id}")
        if row.principal != principal.name:
            raise InvalidRecord(
                "check_id",
                "check_by_another_principal",
                f"check {check_id} was made by another principal; record with your own check",
            )
        if row.bcp_code != crossing.bcp_code:
            raise InvalidRecord(
                "check_id",
                "check_at_another_bcp",
                f"check {check_id} was made at {row.bcp_code}, not at {crossing.bcp_code}",
            )
    return {str(crossing.id): str(check_id) for crossing, check_id in wanted.values()}
