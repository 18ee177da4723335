"""Protection routes (issue 14): indicators at first contact, referrals and their states,
counts for policy. Need-to-know is the protection room's: every read is audited there.

    GET  /protection/indicators             the indicators, needs and agencies (a reference)
    POST /travellers/{id}/indicators        what the officer saw or heard (border officers too)
    GET  /travellers/{id}/protection        a person's protection record (protection officers)
    POST /travellers/{id}/referrals         refer: 201 with the referral's id and state
    GET  /travellers/{id}/referrals         whole for protection officers; id and state for
                                            border officers and supervisors
    GET  /referrals?queue=new|due           new referrals, follow-ups due (protection officers)
    GET  /referrals/counts?by=need,state    counts, small cells suppressed (analysts...)
    GET  /referrals/{id}                    one referral with its history
    POST /referrals/{id}/state              move it on: accepted, rejected, done, revoked

A refusal of entry of a person whose asylum claim is pending answers 409 `non_refoulement`,
wherever it is recorded (install() maps the room's errors for the whole app).
"""

from __future__ import annotations

from typing import Annotated, Literal
from uuid import UUID

from fastapi import FastAPI, Header, Query, Request
from fastapi.responses import JSONResponse

from rmis.protection import (
    AGENCIES,
    INDICATORS,
    ProtectionError,
    ReferralSummary,
    agencies_for,
    first_contact,
    follow_ups_due,
    move_referral,
    protection_record,
    refer,
    referral,
    referral_counts,
    referral_queue,
    referrals_of,
)
from rmis.web.api.auth import CurrentPrincipal
from rmis.web.api.problems import problem_response
from rmis.web.api.protection_schemas import (
    AgencyOut,
    CountsOut,
    CreatedReferralOut,
    IndicatorListOut,
    IndicatorOut,
    IndicatorsIn,
    ProtectionRecordOut,
    RecordedIndicatorOut,
    RecordedIndicatorsOut,
    ReferralIn,
    ReferralOut,
    ReferralStateIn,
    ReferralStateOut,
)
from rmis.web.api.retry import api_router

router = api_router()
Purpose = Annotated[str | None, Header(alias="RMIS-Purpose", max_length=200)]
_STATUS = {"not_found": 404, "invalid_transition": 409, "non_refoulement": 409}


def install(app: FastAPI) -> None:
    """The routes, and the room's errors as problems for every route (a refusal recorded
    through POST /crossings meets the non-refoulement guard too)."""
    app.include_router(router)

    @app.exception_handler(ProtectionError)
    async def _protection(_: Request, exc: ProtectionError) -> JSONResponse:
        extra = {"field": exc.field} if exc.field else {}
        return problem_response(_STATUS.get(exc.code, 422), exc.code, str(exc), **extra)


def _services(request: Request):
    return request.app.state.services


@router.get("/protection/indicators", response_model=IndicatorListOut, tags=["protection"])
def get_indicators(principal: CurrentPrincipal) -> IndicatorListOut:
    """The indicators an officer may record, the needs each suggests, and the agencies."""
    return IndicatorListOut(
        indicators=[IndicatorOut(code=i.code, description=i.description, needs=list(i.needs))
                    for i in INDICATORS],
        agencies=[AgencyOut(code=a.code, name=a.name, needs=list(a.needs)) for a in AGENCIES],
    )  # fmt: skip


@router.post("/travellers/{traveller_id}/indicators", response_model=RecordedIndicatorsOut,
             status_code=201, tags=["protection"])  # fmt: skip
def post_indicators(traveller_id: UUID, body: IndicatorsIn, request: Request,
                    principal: CurrentPrincipal) -> RecordedIndicatorsOut:  # fmt: skip
    """Record what the officer saw or heard at first contact; answers the needs it suggests and
    the agencies that meet them. The officer cannot read it back: protection officers can. A
    person who asks for asylum (asks_asylum) is referred to the asylum authority at once, so
    the non-refoulement guard holds from this moment."""
    services = _services(request)
    done = first_contact(
        services.engine, principal, traveller_id, body.indicators, now=services.clock(),
        note=body.note, bcp_code=body.bcp, check_id=body.check_id,
    )  # fmt: skip
    made = done.asylum_referral
    return RecordedIndicatorsOut(
        ids=done.indicators, needs=done.needs,
        agencies={n: [a.code for a in agencies_for(n)] for n in done.needs},
        asylum_referral=CreatedReferralOut(id=made.id, state=made.state) if made else None,
    )  # fmt: skip


@router.get("/travellers/{traveller_id}/protection", response_model=ProtectionRecordOut,
            tags=["protection"])  # fmt: skip
def get_record(traveller_id: UUID, request: Request, principal: CurrentPrincipal,
               purpose: Purpose = None) -> ProtectionRecordOut:  # fmt: skip
    services = _services(request)
    record = protection_record(services.engine, principal, traveller_id, now=services.clock(),
                               purpose=purpose or "protection record")  # fmt: skip
    return ProtectionRecordOut(
        traveller_id=record.person.id, name=record.person.name,
        nationality=record.person.nationality,
        birth_date=record.person.birth_date,
        indicators=[RecordedIndicatorOut(
            id=i.id, indicator=i.indicator, note=i.note, bcp=i.bcp_code, check_id=i.check_id,
            recorded_at=i.recorded_at, recorded_by=i.recorded_by) for i in record.indicators],
        suggested_needs=record.suggested_needs,
        referrals=[ReferralOut.of(r) for r in record.referrals],
    )  # fmt: skip


@router.post("/travellers/{traveller_id}/referrals", response_model=CreatedReferralOut,
             status_code=201, tags=["protection"])  # fmt: skip
def post_referral(traveller_id: UUID, body: ReferralIn, request: Request,
                  principal: CurrentPrincipal) -> CreatedReferralOut:  # fmt: skip
    """Refer the person to an agency for a need; it starts in progress."""
    services = _services(request)
    made = refer(
        services.engine, principal, traveller_id, need=body.need, agency=body.agency,
        consent=body.consent, basis=body.basis, now=services.clock(), bcp_code=body.bcp,
    )  # fmt: skip
    return CreatedReferralOut(id=made.id, state=made.state)


@router.get(
    "/travellers/{traveller_id}/referrals",
    response_model=list[ReferralOut] | list[ReferralStateOut],
    tags=["protection"],
)
def get_referrals(
    traveller_id: UUID, request: Request, principal: CurrentPrincipal, purpose: Purpose = None
) -> list[ReferralOut] | list[ReferralStateOut]:
    """The person's referrals in the caller's state: whole for protection officers; their id,
    state and date for border officers and supervisors."""  # fmt: skip
    services = _services(request)
    found = referrals_of(services.engine, principal, traveller_id, now=services.clock(),
                         purpose=purpose or "referrals")  # fmt: skip
    return [
        ReferralStateOut.of(r) if isinstance(r, ReferralSummary) else ReferralOut.of(r)
        for r in found
    ]


@router.get("/referrals", response_model=list[ReferralOut], tags=["protection"])
def get_queue(
    request: Request,
    principal: CurrentPrincipal,
    queue: Annotated[Literal["new", "due"], Query(description="new: in progress, oldest "
                     "first; due: follow-ups due today or earlier")] = "new",
    purpose: Purpose = None,
) -> list[ReferralOut]:  # fmt: skip
    services = _services(request)
    now = services.clock()
    if queue == "new":
        found = referral_queue(services.engine, principal, now=now, purpose=purpose or "queue")
    else:
        found = follow_ups_due(services.engine, principal, on=now.date(), now=now,
                               purpose=purpose or "follow-ups due")  # fmt: skip
    return [ReferralOut.of(r) for r in found]


@router.get("/referrals/counts", response_model=CountsOut, tags=["protection"])
def get_counts(
    request: Request,
    principal: CurrentPrincipal,
    by: Annotated[str, Query(max_length=100, description="comma-separated: month, need, "
                  "agency, state, nationality, bcp")] = "need,state",
    k: Annotated[int, Query(ge=1, le=100)] = 5,
) -> CountsOut:  # fmt: skip
    """Referrals counted, cells under k suppressed with the cells that would reveal them."""
    services = _services(request)
    dims = [d.strip() for d in by.split(",") if d.strip()]
    cells, withheld = referral_counts(services.engine, principal, by=dims, now=services.clock(),
                                      k=k)  # fmt: skip
    return CountsOut(host_state=principal.state, k=k, by=dims, cells=cells,
                     totals_withheld=withheld)  # fmt: skip


@router.get("/referrals/{referral_id}", response_model=ReferralOut, tags=["protection"])
def get_referral(referral_id: UUID, request: Request, principal: CurrentPrincipal,
                 purpose: Purpose = None) -> ReferralOut:  # fmt: skip
    services = _services(request)
    return ReferralOut.of(
        referral(
            services.engine,
            principal,
            referral_id,
            now=services.clock(),
            purpose=purpose or "referral",
        )
    )


@router.post("/referrals/{referral_id}/state", response_model=ReferralOut, tags=["protection"])
def post_state(referral_id: UUID, body: ReferralStateIn, request: Request,
               principal: CurrentPrincipal) -> ReferralOut:  # fmt: skip
    """Move a referral on: in_progress -> accepted | rejected (with reason) -> done, or revoked
    (with reason) while open."""
    services = _services(request)
    return ReferralOut.of(move_referral(services.engine, principal, referral_id,
                                        state=body.state, reason=body.reason,
                                        now=services.clock()))  # fmt: skip
