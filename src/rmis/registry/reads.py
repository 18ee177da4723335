"""Reading personal data from the record: histories and stay status, scoped and audited.

A principal sees only its own state's records, and every read writes an audit row saying who
read what and why, in the same transaction as the read. A traveller's id that was merged into
another person's answers with the surviving one (persons.resolve): the reads say which.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, datetime
from typing import Any
from uuid import UUID

from sqlalchemy import Connection, Engine, select

from rmis.persons import resolve
from rmis.protection import asylum_seekers_on, without_asylum_seekers
from rmis.reference.stay_rules import StayRulesTable
from rmis.registry.corrected import corrected_history
from rmis.registry.timelines import load_timelines
from rmis.security import READING_ROLES, Principal, append_audit
from rmis.stay import Evaluation, OverstayReport, TravellerTimeline, evaluate, find_overstays
from rmis.store.schema import crossing_flags, crossings, documents


class NotFound(LookupError):
    def __init__(self, what: str) -> None:
        super().__init__(f"{what} is not in this state's records")


@dataclass(frozen=True, slots=True)
class StayAnswer:
    traveller_id: UUID
    host_state: str
    nationality: str
    evaluation: Evaluation


def _history(connection: Connection, traveller_id: UUID, host_state: str) -> list[dict[str, Any]]:
    """The crossings as corrected, in time order; voided ones kept and marked."""
    history = corrected_history(
        connection,
        traveller_id,
        host_state,
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
    flags: dict[int, list[str]] = {}
    if history:
        for seq, flag in connection.execute(
            select(crossing_flags.c.crossing_seq, crossing_flags.c.flag).where(
                crossing_flags.c.crossing_seq.in_([h["seq"] for h in history])
            )
        ):
            flags.setdefault(seq, []).append(flag)
    for entry in history:
        entry["flags"] = sorted(flags.get(entry["seq"], []))
    return history


def _audit_read(
    connection: Connection,
    principal: Principal,
    action: str,
    subject: str,
    purpose: str,
    now: datetime,
) -> None:
    append_audit(connection, at=now, principal=principal.name, action=action, subject=subject,
                 purpose=purpose)  # fmt: skip


def traveller_history(
    engine: Engine, principal: Principal, traveller_id: UUID, *, purpose: str, now: datetime
) -> list[dict[str, Any]]:
    """The traveller's crossings in the principal's state as corrected, oldest first; each
    says whether it is `voided` and lists its `corrections`. A merged id reads its survivor's."""
    return person_history(engine, principal, traveller_id, purpose=purpose, now=now)[1]


def person_history(
    engine: Engine, principal: Principal, traveller_id: UUID, *, purpose: str, now: datetime
) -> tuple[UUID, list[dict[str, Any]]]:
    """The person the id answers for (the survivor, when it was merged into another), and
    their crossings as traveller_history gives them."""
    principal.require_role(READING_ROLES, "read travellers' histories")
    with engine.begin() as connection:
        person = resolve(connection, traveller_id)
        history = [] if person is None else _history(connection, person, principal.state)
        if not history:
            raise NotFound(f"traveller {traveller_id}")
        _audit_read(connection, principal, "travellers.history", str(traveller_id), purpose, now)
    return person, history


def document_history(
    engine: Engine,
    principal: Principal,
    issuing_state: str,
    number: str,
    *,
    purpose: str,
    now: datetime,
) -> tuple[UUID, list[dict[str, Any]]]:
    """The traveller holding this document, and their crossings in the principal's state."""
    principal.require_role(READING_ROLES, "read travellers' histories")
    subject = f"document {issuing_state} {number}"
    with engine.begin() as connection:
        traveller_id = connection.execute(
            select(documents.c.traveller_id).where(
                (documents.c.issuing_state == issuing_state) & (documents.c.number == number)
            )
        ).scalar()
        history = (
            [] if traveller_id is None else _history(connection, traveller_id, principal.state)
        )
        if not history:
            raise NotFound(subject)
        _audit_read(connection, principal, "documents.history", subject, purpose, now)
    return traveller_id, history


def stay_status(
    engine: Engine,
    principal: Principal,
    traveller_id: UUID,
    on: date,
    rules: StayRulesTable,
    *,
    purpose: str,
    now: datetime,
) -> StayAnswer:
    """Is the traveller's stay in the principal's state lawful on `on`, and until when?"""
    principal.require_role(READING_ROLES, "read stay status")
    host = principal.state
    with engine.begin() as connection:
        person = resolve(connection, traveller_id)
        found = {} if person is None else load_timelines(connection, host, person)
        if person not in found:
            raise NotFound(f"traveller {traveller_id}")
        nationality, timeline = found[person]
        evaluation = evaluate(timeline, rules.schedule(host, nationality), on)
        _audit_read(connection, principal, "travellers.stay", str(traveller_id), purpose, now)
    return StayAnswer(person, host, nationality, evaluation)


def overstays(
    engine: Engine,
    principal: Principal,
    on: date,
    rules: StayRulesTable,
    *,
    purpose: str,
    now: datetime,
) -> OverstayReport:
    """Everyone in the principal's state whose lawful stay ended without an exit by `on`, and
    everyone who left late."""
    principal.require_role(READING_ROLES, "list overstays")
    host = principal.state
    with engine.begin() as connection:
        timelines = [
            TravellerTimeline(str(tid), nationality, timeline)
            for tid, (nationality, timeline) in load_timelines(connection, host).items()
        ]
        report = find_overstays(timelines, lambda nat: rules.schedule(host, nat), on)
        # An asylum seeker whose claim is pending is lawfully present: not an overstayer.
        report, _ = without_asylum_seekers(report, asylum_seekers_on(connection, host, on))
        # The people the list showed, by id: an auditor can then find this read of them.
        shown = sorted({o.traveller for o in report.open}
                       | {x.traveller for x in report.late_exits})  # fmt: skip
        append_audit(connection, at=now, principal=principal.name, action="overstays.list",
                     subject=f"{host} on {on}", purpose=purpose,
                     detail={"travellers": shown})  # fmt: skip
    return report
