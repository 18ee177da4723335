"""Check my record: the stay figures of the person a document names, for the person only.

The person gives the document's issuing state and number, their birth date and the document's
expiry date (what the EU's travellers' service asks). This node answers for its own state's
record only, through the registry's door: the document's holder (document_history), their
documents (person_documents: the birth date and the expiry date are compared on the document
asked about), their stay (stay_status). The registry audits each read under the principal
below; this module adds one row saying the data subject asked and whether they were answered.

What goes back is only days used and left, the latest lawful exit and the registration due:
never crossings, never another person's data. "No such record" and "the details do not
match" are one answer (None), and the route makes both take the same time.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, datetime

from sqlalchemy import Engine

from rmis.reference.stay_rules import StayRulesTable
from rmis.registry import NotFound, document_history, person_documents, stay_status
from rmis.security import Principal, Role, append_audit_now
from rmis.stay import Evaluation

# The data subject reads their own record. The registry's reads take a principal with a
# reading role; this one is used by this module only, for the one person the details name,
# and its name says whose access it is in every audit row.
SUBJECT = "data subject (own access, /stay/check)"
PURPOSE = "the data subject's own access to their stay status"


@dataclass(frozen=True, slots=True)
class RecordQuestion:
    host_state: str
    issuing_state: str
    document_number: str
    birth_date: date
    expiry_date: date


@dataclass(frozen=True, slots=True)
class OwnStay:
    """What the person is told: nothing but their stay figures in this host state."""

    host_state: str
    on: date
    days_used: int | None
    days_remaining: int | None
    latest_legal_exit: date | None
    registration_due: date | None
    status: str
    present: bool

    @classmethod
    def of(cls, host: str, ev: Evaluation) -> OwnStay:
        return cls(host, ev.on, ev.days_used, ev.days_remaining, ev.latest_legal_exit,
                   ev.registration_due, ev.status.kind.value, ev.present)  # fmt: skip


def own_stay(
    engine: Engine,
    rules: StayRulesTable,
    node_state: str,
    question: RecordQuestion,
    on: date,
    now: datetime,
) -> OwnStay | None:
    """The person's stay in this node's state, or None (no record, or details that differ)."""
    if question.host_state != node_state:
        return None
    principal = Principal(SUBJECT, Role.ANALYST, node_state)
    subject = f"document {question.issuing_state} {question.document_number}"
    answered = None
    try:
        traveller, _ = document_history(
            engine, principal, question.issuing_state, question.document_number,
            purpose=PURPOSE, now=now,
        )  # fmt: skip
    except NotFound:
        return None  # nothing of this document in the record: nothing to audit about a person
    try:
        person, held = person_documents(engine, principal, traveller, purpose=PURPOSE, now=now)
        asked = [
            d
            for d in held
            if d.issuing_state == question.issuing_state and d.number == question.document_number
        ]
        if asked and all(
            d.birth_date == question.birth_date
            and (d.expiry_date is None or d.expiry_date == question.expiry_date)
            for d in asked
        ):
            status = stay_status(engine, principal, person, on, rules, purpose=PURPOSE, now=now)
            answered = OwnStay.of(node_state, status.evaluation)
    except NotFound:
        answered = None
    append_audit_now(engine, at=now, principal=SUBJECT, action="stay.own_access",
                     subject=subject, purpose=PURPOSE,
                     detail={"answered": answered is not None})  # fmt: skip
    return answered
