"""Screening routes: screen one traveller against the alert lists in force, and the hits as
cases people decide (issue 12). Every hit, view and decision is audited by the screening room;
no hit refuses anyone by itself.

    POST /screenings                 one traveller (the batch contract's fields, plus the BCP)
    GET  /hits?state=open            the state's hits still waiting for someone, oldest first
    GET  /hits/counts                how many, by status and list (what analysts may see)
    GET  /hits/{id}                  one hit with every decision on it
    POST /hits/{id}/decision         {"decision": "confirm" | "dismiss" | "escalate", "reason"}
    POST /hits/{id}/answer           the list owner's answer to a confirmed hit
"""

from __future__ import annotations

from typing import Annotated, Literal
from uuid import UUID

from fastapi import Header, Query, Request

from rmis.screening import HitError, decide_hit, hit_case, hit_counts, open_hits, record_answer
from rmis.web.api.auth import CurrentPrincipal
from rmis.web.api.problems import Problem
from rmis.web.api.retry import api_router
from rmis.web.api.screening_schemas import (
    AnswerIn,
    DecisionIn,
    HitCountsOut,
    HitOut,
    ScreeningIn,
    ScreeningOut,
    screened_hits_out,
)

router = api_router()
Purpose = Annotated[str | None, Header(alias="RMIS-Purpose", max_length=200)]
_CONFLICTS = frozenset({"already_decided", "no_answer_awaited", "cannot_escalate"})


def _services(request: Request):
    return request.app.state.services


def _problem(error: HitError) -> Problem:
    if error.code in ("not_found",):
        return Problem(404, error.code, str(error))
    return Problem(409 if error.code in _CONFLICTS else 422, error.code, str(error))


@router.post("/screenings", response_model=ScreeningOut, tags=["screening"])
def post_screening(body: ScreeningIn, request: Request, principal: CurrentPrincipal,
                   purpose: Purpose = None) -> ScreeningOut:  # fmt: skip
    """Screen one traveller against every alert list in force. Each hit becomes a case for the
    officer to decide (or is shown as the case it already is); nothing is refused by it."""
    services = _services(request)
    try:
        screening = services.screener.screen_and_record(
            body.traveller(), principal, now=services.clock(), traveller_id=body.traveller_id,
            bcp_code=body.bcp, purpose=purpose or "screening",
        )  # fmt: skip
    except HitError as error:
        raise _problem(error) from None
    return ScreeningOut(
        host_state=screening.host_state,
        threshold=screening.threshold,
        lists=[{"list": name, "version": version} for name, version in screening.lists],
        hits=screened_hits_out(screening.hits),
    )


@router.get("/hits", response_model=list[HitOut], tags=["screening"])
def get_hits(
    request: Request,
    principal: CurrentPrincipal,
    state: Annotated[
        Literal["open"], Query(description="open: still waiting for someone")
    ] = "open",
    limit: Annotated[int, Query(ge=1, le=500)] = 100,
    purpose: Purpose = None,
) -> list[HitOut]:
    """The state's hits still waiting for someone (open, escalated, or confirmed and waiting for
    the list owner's answer), oldest first, with their age and the time left for the answer.
    Officers and supervisors; analysts see GET /hits/counts."""
    services = _services(request)
    now = services.clock()
    found = open_hits(services.engine, principal, now, purpose=purpose or "open hits",
                      limit=limit)  # fmt: skip
    return [HitOut.of(case, now) for case in found]


@router.get("/hits/counts", response_model=HitCountsOut, tags=["screening"])
def get_hit_counts(request: Request, principal: CurrentPrincipal) -> HitCountsOut:
    """How many hits the state has, by status and list, and how many list owners' answers are
    awaited or overdue: no traveller in it."""
    services = _services(request)
    counts = hit_counts(services.engine, principal, services.clock())
    return HitCountsOut(
        host_state=counts.host_state, by_status=counts.by_status, by_list=counts.by_list,
        awaiting_answer=counts.awaiting_answer, overdue_answers=counts.overdue_answers,
    )  # fmt: skip


@router.get("/hits/{hit_id}", response_model=HitOut, tags=["screening"])
def get_hit(hit_id: UUID, request: Request, principal: CurrentPrincipal,
            purpose: Purpose = None) -> HitOut:  # fmt: skip
    """One hit of the caller's state with every decision on it."""
    services = _services(request)
    now = services.clock()
    try:
        case = hit_case(services.engine, principal, hit_id, now=now, purpose=purpose or "hit")
    except HitError as error:
        raise _problem(error) from None
    return HitOut.of(case, now)


@router.post("/hits/{hit_id}/decision", response_model=HitOut, tags=["screening"])
def post_decision(hit_id: UUID, body: DecisionIn, request: Request,
                  principal: CurrentPrincipal) -> HitOut:  # fmt: skip
    """Confirm (the traveller is the one listed: the officer's next step is theirs to take),
    dismiss (not the same person), or escalate to a supervisor, with a reason."""
    services = _services(request)
    now = services.clock()
    try:
        case = decide_hit(services.engine, principal, hit_id, body.decision, body.reason, now=now)
    except HitError as error:
        raise _problem(error) from None
    return HitOut.of(case, now)


@router.post("/hits/{hit_id}/answer", response_model=HitOut, tags=["screening"])
def post_answer(hit_id: UUID, body: AnswerIn, request: Request,
                principal: CurrentPrincipal) -> HitOut:  # fmt: skip
    """The list owner's answer to a confirmed hit, as received."""
    services = _services(request)
    now = services.clock()
    try:
        case = record_answer(services.engine, principal, hit_id, body.answer, now=now)
    except HitError as error:
        raise _problem(error) from None
    return HitOut.of(case, now)
