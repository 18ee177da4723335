"""Redress: a person contests an overstay or an entry-ban flag, and is heard.

A supervisor raises the case with the person's claim, their evidence (a lost exit stamp, a
permit the record lacks, a hit on someone else) and the correction it asks for. Someone else
decides it: upheld, the correction is made through the record's own services, so the flag
clears everywhere it went (the overstay list at once; the warehouse, its exports and the hub's
next submission at the next sync, which reads the corrected record); rejected, nothing changes.
Each step is audited. Russia's registry of "controlled persons" listed people who were lawfully
present: this is the path that prevents that.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, datetime
from typing import Any
from uuid import UUID

from sqlalchemy import Engine, insert, select, update
from uuid6 import uuid7

from rmis.persons import resolve
from rmis.registry import (
    Direction,
    DocumentSeen,
    NewCrossing,
    NotFound,
    Purpose,
    add_permit,
    record_crossings,
)
from rmis.screening import decide_hit
from rmis.security import AccessDenied, Principal, Role, append_audit
from rmis.stay import PermitKind
from rmis.store import as_utc
from rmis.store.schema import crossings, documents, redress_cases

REDRESS_ROLES = frozenset({Role.SUPERVISOR, Role.ADMIN})
FLAGS = ("overstay", "entry_ban")
REMEDIES = {"overstay": ("missing_exit", "missing_permit"), "entry_ban": ("dismiss_hit",)}


class RedressError(ValueError):
    def __init__(self, code: str, message: str) -> None:
        super().__init__(message)
        self.code = code


@dataclass(frozen=True, slots=True)
class RedressCase:
    id: UUID
    traveller_id: UUID
    flag: str
    status: str
    raised_by: str
    decided_by: str | None
    correction: dict[str, Any] | None


def _check_remedy(flag: str, remedy: dict[str, Any]) -> None:
    kind = remedy.get("kind")
    if kind not in REMEDIES[flag]:
        raise RedressError(
            "bad_remedy", f"a {flag} case asks for one of {', '.join(REMEDIES[flag])}"
        )
    needed = {
        "missing_exit": ("bcp", "occurred_at"),
        "missing_permit": ("permit_kind", "valid_from", "valid_to"),
        "dismiss_hit": ("hit_id",),
    }[kind]
    missing = [k for k in needed if not remedy.get(k)]
    if missing:
        raise RedressError("bad_remedy", f"{kind} needs {', '.join(missing)}")


def raise_case(
    engine: Engine,
    principal: Principal,
    traveller_id: UUID,
    *,
    flag: str,
    claim: str,
    evidence: list[dict[str, str]],
    remedy: dict[str, Any],
    now: datetime,
) -> UUID:
    """Open a case for the person, with their evidence and the correction they ask for."""
    principal.require_role(REDRESS_ROLES, "raise redress cases")
    if flag not in FLAGS:
        raise RedressError("bad_flag", f"a case contests one of {', '.join(FLAGS)}")
    if not claim.strip() or not evidence:
        raise RedressError("evidence_required", "a case states the claim and its evidence")
    _check_remedy(flag, remedy)
    case_id = uuid7()
    with engine.begin() as connection:
        person = resolve(connection, traveller_id)
        known = (
            person is not None
            and connection.execute(
                select(crossings.c.id)
                .where(
                    (crossings.c.traveller_id == person)
                    & (crossings.c.host_state == principal.state)
                )
                .limit(1)
            ).first()
        )
        if not known:
            raise NotFound(f"traveller {traveller_id}")
        connection.execute(
            insert(redress_cases).values(
                id=case_id, traveller_id=person, host_state=principal.state, flag=flag,
                claim=claim, evidence=evidence, remedy=remedy, raised_by=principal.name,
                raised_at=now, status="open",
            )
        )  # fmt: skip
        append_audit(connection, at=now, principal=principal.name, action="redress.raise",
                     subject=str(person), purpose=claim[:200],
                     detail={"case": case_id, "flag": flag, "remedy": remedy["kind"]})  # fmt: skip
    return case_id


def _their_document(engine: Engine, person: UUID, state: str) -> tuple[DocumentSeen, Purpose]:
    """The document of the person's last crossing in the state, as the BCP would read it."""
    with engine.connect() as connection:
        row = (
            connection.execute(
                select(documents, crossings.c.purpose)
                .join(crossings, crossings.c.document_id == documents.c.id)
                .where((crossings.c.traveller_id == person) & (crossings.c.host_state == state))
                .order_by(crossings.c.occurred_at.desc())
                .limit(1)
            )
            .mappings()
            .one()
        )
    fields = {f: row[f] for f in DocumentSeen.__dataclass_fields__ if f in row}
    return DocumentSeen(**fields), Purpose(row["purpose"])


def _correct(engine, principal, case, now) -> dict[str, Any]:
    remedy, person = case.remedy, case.traveller_id
    if remedy["kind"] == "missing_exit":
        document, purpose = _their_document(engine, person, principal.state)
        exit_id = uuid7()
        at = as_utc(datetime.fromisoformat(remedy["occurred_at"]))
        record_crossings(engine, principal, [NewCrossing(
            id=exit_id, direction=Direction.EXIT, bcp_code=remedy["bcp"], occurred_at=at,
            document=document, purpose=purpose,
        )], now=now, purpose=f"redress case {case.id}")  # fmt: skip
        return {"recorded_exit": str(exit_id)}
    if remedy["kind"] == "missing_permit":
        permit_id = add_permit(
            engine, principal, person, kind=PermitKind(remedy["permit_kind"]),
            valid_from=date.fromisoformat(remedy["valid_from"]),
            valid_to=date.fromisoformat(remedy["valid_to"]), number=remedy.get("number"),
            now=now,
        )  # fmt: skip
        return {"recorded_permit": str(permit_id)}
    decide_hit(engine, principal, UUID(remedy["hit_id"]), "dismiss",
               f"redress case {case.id}: upheld", now=now)  # fmt: skip
    return {"dismissed_hit": remedy["hit_id"]}


def decide_case(
    engine: Engine,
    principal: Principal,
    case_id: UUID,
    *,
    uphold: bool,
    decision: str,
    now: datetime,
) -> RedressCase:
    """Uphold (and make the correction) or reject an open case: never by who raised it."""
    principal.require_role(REDRESS_ROLES, "decide redress cases")
    if not decision.strip():
        raise RedressError("reason_required", "a decision says why")
    with engine.connect() as connection:
        case = connection.execute(
            select(redress_cases).where(
                (redress_cases.c.id == case_id) & (redress_cases.c.host_state == principal.state)
            )
        ).first()
    if case is None:
        raise NotFound(f"redress case {case_id}")
    if case.status != "open":
        raise RedressError("already_decided", f"the case was {case.status}")
    if case.raised_by == principal.name:
        raise AccessDenied("own_case", "a case is decided by someone other than who raised it")
    correction = _correct(engine, principal, case, now) if uphold else None
    status = "upheld" if uphold else "rejected"
    with engine.begin() as connection:
        done = connection.execute(
            update(redress_cases)
            .where((redress_cases.c.id == case_id) & (redress_cases.c.status == "open"))
            .values(
                status=status,
                decided_by=principal.name,
                decided_at=now,
                decision=decision,
                correction=correction,
            )
        ).rowcount
        if not done:
            raise RedressError("already_decided", "the case was decided meanwhile")
        append_audit(connection, at=now, principal=principal.name, action=f"redress.{status}",
                     subject=str(case.traveller_id), purpose=decision[:200],
                     detail={"case": case_id, "correction": correction})  # fmt: skip
    return RedressCase(case_id, case.traveller_id, case.flag, status, case.raised_by,
                       principal.name, correction)  # fmt: skip
