"""The registry's services that change who is one person, and judge again what rested on it.

persons/ changes the links (merge, split, the review queue); here each change runs in one
transaction with what follows from it: the data-problem flags of the people it touched are
judged again in every host state whose crossings moved (reflag.py; stay and overstays are read
live and follow by themselves), and the audit log says who did it and why. Deciding links is a
supervisor's job, within their own state: a proposal or document whose person never crossed in
that state is not theirs to see.
"""

from __future__ import annotations

from dataclasses import asdict, dataclass
from datetime import datetime
from typing import Any
from uuid import UUID

from sqlalchemy import Connection, Engine, exists, select

from rmis.persons import (
    RELINKER,
    Decided,
    PersonChangeError,
    ProposalView,
    Touched,
    all_out_of_step,
    apply_relink,
    confirm,
    export_documents,
    load_link_model,
    open_proposals,
    out_of_step,
    plan_relink,
    proposal,
    read_documents,
    reject,
    resolve,
    save_link_model,
    split,
    train_model,
)
from rmis.registry.corrections import MAX_REASON_LENGTH
from rmis.registry.reads import NotFound
from rmis.registry.reflag import rejudge_flags
from rmis.security import READING_ROLES, Principal, Role, append_audit
from rmis.store.schema import crossings, documents, person_links

LINK_ROLES = frozenset({Role.SUPERVISOR})


@dataclass(frozen=True, slots=True)
class LinkedDocument:
    """One of a person's documents and how it joined them (its latest person_links row)."""

    document_id: UUID
    issuing_state: str
    number: str
    document_type: str
    surname: str
    given_names: str
    nationality: str
    birth_date: Any
    sex: str
    link: str
    rule: str | None
    probability: float | None
    detail: dict[str, Any] | None
    decided_by: str | None
    linked_at: datetime | None
    expiry_date: Any = None  # as the document was read (what the data subject's check compares)


def _require_reason(reason: str) -> str:
    reason = reason.strip()
    if not reason:
        raise PersonChangeError("reason_required", "say why: a reason is required")
    if len(reason) > MAX_REASON_LENGTH:
        raise PersonChangeError("reason_too_long", f"at most {MAX_REASON_LENGTH} characters")
    return reason


def _rejudge(connection: Connection, touched: Touched) -> None:
    for person in sorted(touched.people):
        for host_state in sorted(touched.host_states):
            rejudge_flags(connection, person, host_state)


def _in_state(connection: Connection, person: UUID, state: str) -> bool:
    return connection.execute(
        select(
            exists().where((crossings.c.traveller_id == person) & (crossings.c.host_state == state))
        )
    ).scalar_one()


def _settle(connection: Connection, people) -> None:
    """Crossings recorded under a person while a change moved their document follow it."""
    _rejudge(connection, out_of_step(connection, people))


def list_proposals(
    engine: Engine,
    principal: Principal,
    *,
    after: UUID | None = None,
    limit: int = 50,
    purpose: str,
    now: datetime,
) -> list[ProposalView]:
    """Open proposals of the principal's state, oldest first, with both documents' facts and
    the evidence. A supervisor's read of personal data: audited."""
    principal.require_role(LINK_ROLES, "review proposed links")
    with engine.begin() as connection:
        found = open_proposals(connection, principal.state, after=after, limit=limit)
        subject = ",".join(str(p.id) for p in found) or "-"
        append_audit(connection, at=now, principal=principal.name, action="persons.proposals",
                     subject=subject, purpose=purpose)  # fmt: skip
    return found


def _decide(
    engine: Engine,
    principal: Principal,
    proposal_id: UUID,
    reason: str,
    now: datetime,
    how,
    action: str,
) -> Decided:
    principal.require_role(LINK_ROLES, "decide proposed links")
    reason = _require_reason(reason)
    with engine.begin() as connection:
        try:
            view = proposal(connection, proposal_id, principal.state)
        except PersonChangeError as error:
            raise NotFound(f"proposal {proposal_id}") from error
        _settle(connection, {view.document.traveller_id, view.candidate.traveller_id})
        decided = how(connection, view, decided_by=principal.name, reason=reason, now=now)
        if decided.merged is not None:
            _rejudge(connection, decided.merged.touched)
        append_audit(
            connection, at=now, principal=principal.name, action=action,
            subject=str(proposal_id), purpose="review proposed link",
            detail={"document_id": str(view.document.id), "candidate_id": str(view.candidate.id),
                    "traveller_id": str(decided.traveller_id), "reason": reason},
        )  # fmt: skip
    return decided


def confirm_proposal(
    engine: Engine, principal: Principal, proposal_id: UUID, reason: str, *, now: datetime
) -> Decided:
    """The proposal's two documents are one person's: their people are merged (the older id
    stays) and the flags of the merged person's crossings are judged again."""
    return _decide(engine, principal, proposal_id, reason, now, confirm, "persons.confirm")


def reject_proposal(
    engine: Engine, principal: Principal, proposal_id: UUID, reason: str, *, now: datetime
) -> Decided:
    """The proposal's two documents are two people's: the pair is not proposed again."""
    return _decide(engine, principal, proposal_id, reason, now, reject, "persons.reject")


def split_document(
    engine: Engine, principal: Principal, document_id: UUID, reason: str, *, now: datetime
) -> tuple[UUID, UUID]:
    """Take a wrongly linked document and its crossings to a person of their own; returns (the
    person it left, its new person). Flags of both are judged again."""
    principal.require_role(LINK_ROLES, "split a person's documents")
    reason = _require_reason(reason)
    with engine.begin() as connection:
        person = connection.execute(
            select(documents.c.traveller_id).where(documents.c.id == document_id)
        ).scalar()
        if person is None or not _in_state(connection, person, principal.state):
            raise NotFound(f"document {document_id}")
        _settle(connection, {person})
        done = split(connection, document_id, decided_by=principal.name, reason=reason, now=now)
        _rejudge(connection, done.touched)
        append_audit(
            connection, at=now, principal=principal.name, action="persons.split",
            subject=str(document_id), purpose="correct a wrong link",
            detail={"from": str(done.previous_traveller_id), "to": str(done.traveller_id),
                    "reason": reason},
        )  # fmt: skip
    return done.previous_traveller_id, done.traveller_id


def person_documents(
    engine: Engine, principal: Principal, traveller_id: UUID, *, purpose: str, now: datetime
) -> tuple[UUID, list[LinkedDocument]]:
    """The person an id answers for (a merged id answers with the survivor) and their
    documents, each with how it was linked: the rule and the evidence of its latest link."""
    principal.require_role(READING_ROLES, "read travellers' documents")
    with engine.begin() as connection:
        person = resolve(connection, traveller_id)
        if person is None or not _in_state(connection, person, principal.state):
            raise NotFound(f"traveller {traveller_id}")
        held = connection.execute(
            select(documents).where(documents.c.traveller_id == person).order_by(
                documents.c.first_seen_at, documents.c.id
            )
        ).mappings().all()  # fmt: skip
        latest: dict[UUID, Any] = {}
        for row in connection.execute(
            select(person_links)
            .where(person_links.c.document_id.in_([d["id"] for d in held]))
            .order_by(person_links.c.seq)
        ).mappings():
            latest[row["document_id"]] = row
        append_audit(connection, at=now, principal=principal.name, action="travellers.documents",
                     subject=str(traveller_id), purpose=purpose)  # fmt: skip
    out = []
    for d in held:
        link = latest.get(d["id"])
        out.append(
            LinkedDocument(
                d["id"], d["issuing_state"], d["number"], d["document_type"], d["surname"],
                d["given_names"], d["nationality"], d["birth_date"], d["sex"], d["link"],
                link and link["rule"], link and link["probability"], link and link["detail"],
                link and link["decided_by"], link and link["at"], d["expiry_date"],
            )
        )  # fmt: skip
    return person, out


@dataclass(frozen=True, slots=True)
class RelinkSummary:
    model_version: int | None
    trained: bool
    documents: int
    scored_pairs: int
    merged: int
    split: int
    proposed: int
    pending: int
    kept_apart: int
    crossings_put_in_step: int


def relink_record(
    engine: Engine,
    *,
    now: datetime,
    backend: str = "duckdb",
    train: bool = False,
    actor: str = RELINKER,
    spark_session=None,
) -> RelinkSummary:
    """Link the whole record again with the model in force (or, with `train`, one trained on
    the record now and stored as the newest version): persons.relink plans on a snapshot, then
    one transaction applies the plan, judges again the flags of every person it changed and
    writes the audit log. Run again, it changes nothing."""
    if train:
        with engine.connect() as connection:
            trained = train_model(read_documents(connection))
        with engine.begin() as connection:
            model = save_link_model(connection, trained, now, {"trained_on": "the record"})
    else:
        with engine.connect() as connection:
            model = load_link_model(connection)
    with engine.connect() as connection:
        planned = plan_relink(connection, model, backend=backend, spark_session=spark_session)
    with engine.begin() as connection:
        applied = apply_relink(connection, planned, model, now=now, decided_by=actor)
        settled, stale = all_out_of_step(connection)
        people = applied.touched.people | settled.people
        host_states = applied.touched.host_states | settled.host_states
        _rejudge(connection, Touched(frozenset(people), frozenset(host_states)))
        summary = RelinkSummary(
            model.version, train, planned.documents, planned.scored_pairs, applied.merged,
            applied.split, applied.proposed, applied.pending, planned.kept_apart, stale,
        )  # fmt: skip
        append_audit(connection, at=now, principal=actor, action="persons.relink",
                     subject=f"model {model.version}", purpose="link the record again",
                     detail=asdict(summary))  # fmt: skip
    return summary


def export_links(
    engine: Engine, out, fmt: str, *, now: datetime, actor: str = "rmis persons export"
) -> int:
    """Write one row per document with its person (persons.export's contract) to `out`;
    audited, since the rows name documents. Returns the number of rows."""
    with engine.begin() as connection:
        written = export_documents(connection, out, fmt)
        append_audit(connection, at=now, principal=actor, action="persons.export",
                     subject=str(out), purpose="export of people's links",
                     detail={"rows": written, "format": fmt})  # fmt: skip
    return written
