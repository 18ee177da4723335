"""Corrections of recorded crossings: POST /crossings/{crossing_id}/corrections.

A correction is a new event pointing at the crossing (which is never changed in place); reads
apply it. The caller's purpose comes from the `RMIS-Purpose` header, as for reads.
"""

from __future__ import annotations

from typing import Annotated
from uuid import UUID

from fastapi import Header, Request, Response

from rmis.registry import CorrectionConflict, correct_crossing
from rmis.web.api.auth import CurrentPrincipal
from rmis.web.api.problems import Problem
from rmis.web.api.retry import api_router
from rmis.web.api.schemas import CorrectionIn, CorrectionOut

router = api_router()
Purpose = Annotated[str | None, Header(alias="RMIS-Purpose", max_length=200)]


@router.post(
    "/crossings/{crossing_id}/corrections",
    response_model=CorrectionOut,
    status_code=201,
    tags=["crossings"],
)
def post_correction(
    crossing_id: UUID,
    body: CorrectionIn,
    request: Request,
    response: Response,
    principal: CurrentPrincipal,
    purpose: Purpose = None,
) -> CorrectionOut:
    """Amend or void a crossing of the caller's state. Sending the same correction id again
    records nothing and answers 200 with the stored correction; a voided crossing or a reused
    id answers 409."""
    services = request.app.state.services
    try:
        correction = correct_crossing(
            services.engine,
            principal,
            crossing_id,
            body.kind,
            body.changes.model_dump(exclude_unset=True),
            body.reason,
            now=services.clock(),
            correction_id=body.id,
            purpose=purpose or "correct crossing",
            reference=services.reference,
        )
    except CorrectionConflict as conflict:
        raise Problem(409, conflict.code, str(conflict)) from None
    if correction.duplicate:
        response.status_code = 200
    return CorrectionOut.of(correction)
