"""The data subject's rights through the API (subject access, redress), and the auditor's
search of the audit log: "who read this person's record, and why"."""

from __future__ import annotations

from datetime import datetime, time, timedelta
from typing import Annotated, Any, Literal
from uuid import UUID

from fastapi import Header, Query, Request
from fastapi.responses import HTMLResponse, JSONResponse
from pydantic import BaseModel, Field, StrictBool

from rmis.rights import (
    LANGUAGES,
    RedressError,
    access_document,
    decide_case,
    raise_case,
    rectify_document,
    subject_access,
)
from rmis.security import AuditQuery, audited_search
from rmis.web.api.auth import CurrentPrincipal
from rmis.web.api.problems import Problem
from rmis.web.api.retry import api_router
from rmis.web.api.schemas import Day, Prose, Strict, Text

router = api_router()
Why = Annotated[str, Header(alias="RMIS-Purpose", min_length=1, max_length=200,
                            description="Why: on whose request, under which case")]  # fmt: skip


@router.get("/travellers/{traveller_id}/subject-access", tags=["rights"],
            response_model=None)  # fmt: skip
def get_subject_access(
    traveller_id: UUID,
    request: Request,
    principal: CurrentPrincipal,
    purpose: Why,
    language: Annotated[Literal[LANGUAGES], Query(description="the person's language")] = "en",
    form: Annotated[Literal["json", "html"], Query(alias="format")] = "json",
) -> Any:
    """Everything the supervisor's state holds about the person, in their language: as JSON,
    or as a printable document. Supervisors only; the request is audited with its purpose."""
    services = request.app.state.services
    answer = subject_access(
        services.engine, principal, traveller_id, language=language, purpose=purpose,
        now=services.clock(), stay_rules=services.stay_rules,
    )  # fmt: skip
    if form == "html":
        return HTMLResponse(access_document(answer))
    return JSONResponse(answer)


class EvidenceIn(Strict):
    kind: Text(40, 1)
    note: Prose(2000)


class RedressIn(Strict):
    traveller_id: UUID
    flag: Literal["overstay", "entry_ban"]
    claim: Prose(2000)
    evidence: Annotated[list[EvidenceIn], Field(min_length=1, max_length=20)]
    remedy: dict[str, Text(64)] = Field(
        description="missing_exit {bcp, occurred_at}; missing_permit {permit_kind, valid_from, "
        "valid_to, number}; dismiss_hit {hit_id}"
    )


class DecisionIn(Strict):
    uphold: StrictBool
    decision: Prose(2000)


class CaseOut(BaseModel):
    id: UUID
    traveller_id: UUID
    flag: str
    status: str
    raised_by: str
    decided_by: str | None
    correction: dict[str, Any] | None


def _problem(error: RedressError) -> Problem:
    status = 409 if error.code == "already_decided" else 422
    return Problem(status, error.code, str(error))


@router.post("/redress", status_code=201, tags=["rights"])
def post_redress(body: RedressIn, request: Request, principal: CurrentPrincipal) -> dict:
    """Open a redress case for a person contesting a flag, with their evidence."""
    services = request.app.state.services
    try:
        case_id = raise_case(
            services.engine, principal, body.traveller_id, flag=body.flag, claim=body.claim,
            evidence=[e.model_dump() for e in body.evidence], remedy=dict(body.remedy),
            now=services.clock(),
        )  # fmt: skip
    except RedressError as error:
        raise _problem(error) from None
    return {"id": str(case_id)}


@router.post("/redress/{case_id}/decision", response_model=CaseOut, tags=["rights"])
def post_decision(
    case_id: UUID, body: DecisionIn, request: Request, principal: CurrentPrincipal
) -> CaseOut:
    """Uphold (the correction is made) or reject a case; never by who raised it."""
    services = request.app.state.services
    try:
        case = decide_case(services.engine, principal, case_id, uphold=body.uphold,
                           decision=body.decision, now=services.clock())  # fmt: skip
    except RedressError as error:
        raise _problem(error) from None
    return CaseOut(**{f: getattr(case, f) for f in CaseOut.model_fields})


class RectificationIn(Strict):
    changes: dict[str, Text(200) | None] = Field(
        description="surname, given_names, national_surname, national_given_names, birth_date, "
        "sex, expiry_date"
    )
    evidence: Prose(2000)


@router.post("/documents/{document_id}/rectification", tags=["rights"])
def post_rectification(
    document_id: UUID, body: RectificationIn, request: Request, principal: CurrentPrincipal
) -> dict[str, Any]:
    """Correct a document's details on the person's evidence; answers the values before."""
    services = request.app.state.services
    try:
        before = rectify_document(services.engine, principal, document_id, dict(body.changes),
                                  body.evidence, services.clock())  # fmt: skip
    except RedressError as error:
        raise _problem(error) from None
    except ValueError as error:  # a date that is not one
        raise Problem(422, "bad_value", str(error)) from None
    return {"before": {k: v if v is None else str(v) for k, v in before.items()}}


@router.get("/audit", tags=["audit"])
def get_audit(
    request: Request,
    principal: CurrentPrincipal,
    purpose: Why,
    person: Annotated[str | None, Query(max_length=64)] = None,
    who: Annotated[str | None, Query(alias="principal", max_length=128)] = None,
    stated: Annotated[str | None, Query(alias="stated_purpose", max_length=200)] = None,
    action: Annotated[str | None, Query(max_length=64)] = None,
    since: Annotated[Day | None, Query(alias="from")] = None,
    until: Annotated[Day | None, Query(alias="to")] = None,
    limit: Annotated[int, Query(ge=1, le=10_000)] = 1000,
) -> list[dict[str, Any]]:
    """Audit rows by person, principal, stated purpose and period, oldest first. Auditors (and
    admins) only; the search is itself audited."""
    from datetime import UTC

    services = request.app.state.services
    query = AuditQuery(
        person=person, principal=who, purpose=stated, action=action,
        since=datetime.combine(since, time(), tzinfo=UTC) if since else None,
        until=datetime.combine(until, time(), tzinfo=UTC) + timedelta(days=1) if until else None,
        limit=limit,
    )  # fmt: skip
    rows = audited_search(services.engine, principal, query, purpose, services.clock())
    return [
        {k: (v.isoformat() if isinstance(v, datetime) else v) for k, v in r.items()} for r in rows
    ]
