"""Routes that read or add to a traveller's record: history, stay status, permits, overstays.

Every read of personal data is audited with its purpose: clients say why in the
`RMIS-Purpose` header; without it the route's everyday purpose is recorded.
"""

from __future__ import annotations

from typing import Annotated
from uuid import UUID

from fastapi import Header, Query, Request

from rmis.registry import (
    add_permit,
    add_registration,
    document_history,
    overstays,
    person_history,
    stay_status,
)
from rmis.web.api.auth import CurrentPrincipal
from rmis.web.api.problems import Problem
from rmis.web.api.retry import api_router
from rmis.web.api.schemas import (
    CreatedOut,
    CrossingOut,
    Day,
    DocumentKeyIn,
    HistoryOut,
    LateExitOut,
    OpenOverstayOut,
    OverstaysOut,
    PermitIn,
    RegistrationIn,
    StayOut,
)

router = api_router()
Purpose = Annotated[str | None, Header(alias="RMIS-Purpose", max_length=200)]


def _services(request: Request):
    return request.app.state.services


@router.get("/travellers/{traveller_id}/crossings", response_model=HistoryOut, tags=["travellers"])
def get_history(
    traveller_id: UUID, request: Request, principal: CurrentPrincipal, purpose: Purpose = None
) -> HistoryOut:
    """The traveller's crossings in the caller's state, oldest first, with their flags. An id
    merged into another person's answers with the surviving id (`traveller_id`)."""
    services = _services(request)
    person, history = person_history(
        services.engine, principal, traveller_id,
        purpose=purpose or "traveller history", now=services.clock(),
    )  # fmt: skip
    return HistoryOut(
        traveller_id=person,
        host_state=principal.state,
        crossings=[CrossingOut.of(row) for row in history],
    )


@router.post("/documents/crossings", response_model=HistoryOut, tags=["documents"])
def post_document_history(
    body: DocumentKeyIn, request: Request, principal: CurrentPrincipal, purpose: Purpose = None
) -> HistoryOut:
    """The crossings, in the caller's state, of the traveller who holds this document. The
    document is in the body, so its number never reaches a URL or an access log."""
    services = _services(request)
    traveller_id, history = document_history(
        services.engine, principal, body.issuing_state, body.number.upper(),
        purpose=purpose or "document check", now=services.clock(),
    )  # fmt: skip
    return HistoryOut(
        traveller_id=traveller_id,
        host_state=principal.state,
        crossings=[CrossingOut.of(row) for row in history],
    )


@router.get(
    "/documents/{issuing_state}/{number}/crossings", include_in_schema=False, status_code=410
)
def gone_document_history(issuing_state: str, number: str) -> None:
    """Gone: a document number in a URL ends up in access logs. Not read, not looked up."""
    raise Problem(
        410, "moved_to_post",
        "this route is gone: POST /api/v1/documents/crossings with "
        '{"issuing_state": ..., "number": ...} in the body',
        new_route="POST /api/v1/documents/crossings",
    )  # fmt: skip


@router.get("/travellers/{traveller_id}/stay", response_model=StayOut, tags=["travellers"])
def get_stay(
    traveller_id: UUID,
    request: Request,
    principal: CurrentPrincipal,
    on: Annotated[Day | None, Query(description="Day to judge (default: today, UTC)")] = None,
    purpose: Purpose = None,
) -> StayOut:
    """Is the traveller's stay lawful on a day, until when, and which rules say so."""
    services = _services(request)
    now = services.clock()
    answer = stay_status(
        services.engine, principal, traveller_id, on or now.date(), services.stay_rules,
        purpose=purpose or "stay check", now=now,
    )  # fmt: skip
    e = answer.evaluation
    return StayOut(
        traveller_id=answer.traveller_id,
        host_state=answer.host_state,
        nationality=answer.nationality,
        on=e.on,
        present=e.present,
        status=str(e.status),
        status_code=e.status.kind.value,
        days_used=e.days_used,
        days_remaining=e.days_remaining,
        overstay_days=e.overstay_days,
        latest_legal_exit=e.latest_legal_exit,
        registration_due=e.registration_due,
        rule=e.rule.describe() if e.rule else None,
        trail=list(e.trail),
    )


@router.post(
    "/travellers/{traveller_id}/permits", response_model=CreatedOut, status_code=201,
    tags=["travellers"],
)  # fmt: skip
def post_permit(
    traveller_id: UUID, body: PermitIn, request: Request, principal: CurrentPrincipal
) -> CreatedOut:
    """Record a permit (visa, residence, work permit, patent) held in the caller's state."""
    services = _services(request)
    permit_id = add_permit(
        services.engine, principal, traveller_id, now=services.clock(), **body.model_dump()
    )
    return CreatedOut(id=permit_id)


@router.post(
    "/travellers/{traveller_id}/registrations", response_model=CreatedOut, status_code=201,
    tags=["travellers"],
)  # fmt: skip
def post_registration(
    traveller_id: UUID, body: RegistrationIn, request: Request, principal: CurrentPrincipal
) -> CreatedOut:
    """Record a registration of the traveller's place of stay in the caller's state."""
    services = _services(request)
    registration_id = add_registration(
        services.engine, principal, traveller_id, now=services.clock(), **body.model_dump()
    )
    return CreatedOut(id=registration_id)


@router.get("/overstays", response_model=OverstaysOut, tags=["overstays"])
def get_overstays(
    request: Request,
    principal: CurrentPrincipal,
    on: Annotated[Day | None, Query(description="Day of the report (default: today, UTC)")] = None,
    purpose: Purpose = None,
) -> OverstaysOut:
    """Everyone in the caller's state still present after their lawful stay, and late exits."""
    services = _services(request)
    now = services.clock()
    report = overstays(
        services.engine, principal, on or now.date(), services.stay_rules,
        purpose=purpose or "overstay report", now=now,
    )  # fmt: skip
    return OverstaysOut(
        host_state=principal.state,
        on=report.on,
        open=[
            OpenOverstayOut(traveller_id=o.traveller, nationality=o.nationality, entry=o.entry,
                            lawful_until=o.lawful_until, days=o.days)
            for o in report.open
        ],
        late_exits=[
            LateExitOut(traveller_id=x.traveller, nationality=x.nationality, entry=x.entry,
                        exit=x.exit, lawful_until=x.lawful_until, days_late=x.days_late)
            for x in report.late_exits
        ],
    )  # fmt: skip
