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
from dataclasses import dataclass, fields
from datetime import UTC, date, datetime
from typing import Any
from uuid import UUID

from sqlalchemy import Connection, Engine, bindparam, exists, insert, null, select, union_all
from uuid6 import uuid7

from rmis.persons import FIRST, DocumentFacts, current_linker, decide_links
from rmis.protection import asylum_permits
from rmis.reference.countries import code_problem
from rmis.reference.stay_rules import StayRulesTable
from rmis.registry.corrected import apply_corrections, corrections_of
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
from rmis.registry.timelines import permit_of_row, stays_from_crossings
from rmis.security import Principal, append_audit
from rmis.stay import Permit, Registration, Timeline, evaluate
from rmis.store.schema import (
    checks,
    corrections,
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
    # Every name the person is known by: the document's own (MRZ, national script), then those
    # of their other documents on record. What the alert-list screen compares with the lists.
    known_names: tuple[str, ...] = ()


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


_INSERT_CHECK = insert(checks)
# What linking reads of a document, besides the ids a new one is given.
_FACT_FIELDS = tuple(f.name for f in fields(DocumentFacts) if f.name not in ("id", "traveller_id"))
_PRESENTED = documents.alias("presented")
_THEIRS = documents.alias("theirs")  # the document each of the person's crossings was made on
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
    _THEIRS.c.issuing_state,
    _THEIRS.c.number.label("document_number"),
)
_HISTORY_KEYS = tuple(c.key for c in _HISTORY_COLUMNS)
# A person's crossings in the host state, each with its flags (a row per flag: few crossings
# have one) and whether any correction points at it.
_CROSSING_COLUMNS = (
    *_HISTORY_COLUMNS,
    crossings.c.nationality,
    crossing_flags.c.flag,
    exists().where(corrections.c.crossing_id == crossings.c.id).label("corrected"),
)
_IN_HOST_STATE = crossings.c.host_state == bindparam("host_state")
# In one round trip: the document presented and its person (a merge moves the absorbed
# person's documents to the survivor, persons.merge, so a document names its person as they
# are now), with the person's crossings. A document of no one has no row.
_BY_DOCUMENT = (
    select(
        _PRESENTED.c.id.label("document_id"),
        _PRESENTED.c.traveller_id,
        _PRESENTED.c.link,
        *_CROSSING_COLUMNS,
    )
    .select_from(
        _PRESENTED.outerjoin(
            crossings, (crossings.c.traveller_id == _PRESENTED.c.traveller_id) & _IN_HOST_STATE
        )
        .outerjoin(_THEIRS, _THEIRS.c.id == crossings.c.document_id)
        .outerjoin(crossing_flags, crossing_flags.c.crossing_seq == crossings.c.seq)
    )
    .where(
        (_PRESENTED.c.issuing_state == bindparam("issuing_state"))
        & (_PRESENTED.c.number == bindparam("number"))
        & (_PRESENTED.c.document_type == bindparam("document_type"))
    )
)
# The crossings of the person a new document would join.
_BY_PERSON = (
    select(*_CROSSING_COLUMNS)
    .select_from(
        crossings.join(_THEIRS, _THEIRS.c.id == crossings.c.document_id).outerjoin(
            crossing_flags, crossing_flags.c.crossing_seq == crossings.c.seq
        )
    )
    .where((crossings.c.traveller_id == bindparam("traveller_id")) & _IN_HOST_STATE)
)
# What changes the person's lawful stay besides their crossings, permits and registrations,
# in one round trip: a registration is a row with only `valid_from` (the day registered).
_HELD = union_all(
    select(
        permits.c.kind, permits.c.valid_from, permits.c.valid_to, permits.c.entries_allowed,
        permits.c.duration_days, permits.c.number,
    ).where(
        (permits.c.traveller_id == bindparam("traveller_id"))
        & (permits.c.host_state == bindparam("host_state"))
    ),
    select(
        null().label("kind"), registrations.c.registered_on, null(), null(), null(), null()
    ).where(
        (registrations.c.traveller_id == bindparam("traveller_id"))
        & (registrations.c.host_state == bindparam("host_state"))
    ),
)  # fmt: skip


def _history(connection: Connection, rows: Sequence[Mapping[str, Any]]) -> list[dict[str, Any]]:
    """The person's crossings as corrected, in time order (occurred_at, seq), voided ones kept
    and marked, each with its flags: what corrected.corrected_history and a history read give.
    Corrections are read only when one points at a crossing."""
    by_seq: dict[int, dict[str, Any]] = {}
    corrected: list[UUID] = []
    for row in rows:
        if row["seq"] is None:  # the person has no crossing in this state
            continue
        crossing = by_seq.get(row["seq"])
        if crossing is None:
            crossing = by_seq[row["seq"]] = {k: row[k] for k in _HISTORY_KEYS}
            crossing["nationality"], crossing["flags"] = row["nationality"], []
            if row["corrected"]:
                corrected.append(row["id"])
        if row["flag"] is not None:
            crossing["flags"].append(row["flag"])
    fixes = corrections_of(connection, corrected) if corrected else {}
    return sorted(
        (apply_corrections(c, fixes.get(c["id"], ())) for c in by_seq.values()),
        key=lambda c: (c["occurred_at"], c["seq"]),
    )


@dataclass(frozen=True, slots=True)
class _Person:
    traveller_id: UUID | None  # None: no one on record (yet)
    link: str | None
    document_id: UUID | None  # the document presented, when it is on record
    history: list[dict[str, Any]]  # their crossings in the host state (_history)


def _person(connection: Connection, seen: DocumentSeen, host: str) -> _Person:
    """Whose the document is: its own person when it is on record; else the person recording
    it would link it to (persons' rules and model, deciding without writing), or no one."""
    rows = connection.execute(
        _BY_DOCUMENT,
        {"host_state": host, "issuing_state": seen.issuing_state, "number": seen.number,
         "document_type": seen.document_type},
    ).mappings().all()  # fmt: skip
    if rows:
        first = rows[0]
        history = _history(connection, rows)
        return _Person(first["traveller_id"], first["link"], first["document_id"], history)
    new = DocumentFacts(id=uuid7(), traveller_id=uuid7(),
                        **{f: getattr(seen, f) for f in _FACT_FIELDS})  # fmt: skip
    [decision] = decide_links(connection, [new], current_linker(connection))
    if decision.own_traveller:  # first of its person, or pending a supervisor's review
        return _Person(None, None if decision.link == FIRST else decision.link, None, [])
    person = decision.document.traveller_id
    rows = connection.execute(
        _BY_PERSON, {"traveller_id": person, "host_state": host}
    ).mappings().all()  # fmt: skip
    return _Person(person, decision.link, None, _history(connection, rows))


def _known_names(
    connection: Connection, seen: DocumentSeen, traveller_id: UUID | None
) -> tuple[str, ...]:
    """The document's names, then those of the person's other documents on record, each once:
    MRZ spelling and national script alike (a list may write either)."""
    pairs = [(seen.surname, seen.given_names), (seen.national_surname, seen.national_given_names)]
    if traveller_id is not None:
        pairs += [
            pair
            for surname, given, national_surname, national_given in connection.execute(
                _NAMES_OF_PERSON, {"traveller_id": traveller_id}
            )
            for pair in ((surname, given), (national_surname, national_given))
        ]
    names = (" ".join(part for part in pair if part).strip() for pair in pairs)
    return tuple(dict.fromkeys(name for name in names if name))


_NAMES_OF_PERSON = (
    select(
        documents.c.surname,
        documents.c.given_names,
        documents.c.national_surname,
        documents.c.national_given_names,
    )
    .where(documents.c.traveller_id == bindparam("traveller_id"))
    .order_by(documents.c.first_seen_at)
)


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
    held: list[Permit] = []
    registered: list[Registration] = []
    for row in connection.execute(_HELD, {"traveller_id": traveller_id, "host_state": host}):
        if row.kind is None:
            registered.append(Registration(row.valid_from))
        else:
            held.append(permit_of_row(row._mapping))
    held += asylum_permits(connection, host, traveller_id).get(traveller_id, [])  # a claim
    timeline = Timeline(tuple(stays_from_crossings(moves)), tuple(held), tuple(registered))
    evaluation = evaluate(timeline, rules.schedule(host, nationality), on)
    return StayAnswer(traveller_id, host, nationality, evaluation)


def _as_history_shows(crossing: dict[str, Any]) -> dict[str, Any]:
    """A crossing as a history read gives it: its columns, voided, corrections, sorted flags."""
    shown = {k: v for k, v in crossing.items() if k != "nationality"}
    shown["flags"] = sorted(crossing["flags"])
    return shown


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
    # A state code the record does not take (ICAO's specimen Utopia, a code ICAO does not
    # know): recording the crossing would be refused (recording.check_crossing's rule).
    for name in ("issuing_state", "nationality"):
        problem = code_problem(name, getattr(read.document, name))
        if problem is not None:
            code, reason = problem
            message = f"Recording this crossing would be refused: {reason}."
            flags.append(CheckFlag(code, "crossing", f"document.{name}", message))
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
        found = _person(connection, seen, host)
        document_id = traveller_id = stay = None
        link = found.link
        history: list[dict[str, Any]] = []
        if found.traveller_id is not None:
            stay = _stay(connection, found.traveller_id, host, found.history, rules, on)
            if stay is None:  # not on this state's record: as someone never seen here
                link = None
            else:
                document_id, traveller_id = found.document_id, found.traveller_id
                history = found.history
        recent_crossings = [_as_history_shows(c) for c in history[-recent:]] if recent else []
        known_names = _known_names(connection, seen, traveller_id)
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
                "link": link,
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
        known_names=known_names,
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
