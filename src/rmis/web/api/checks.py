"""POST /api/v1/checks: the border check, one call, recording nothing but the check itself."""

from __future__ import annotations

from typing import Annotated

from fastapi import Header, Request

from rmis.registry import DocumentSeen, run_check
from rmis.web.api.auth import CurrentPrincipal
from rmis.web.api.check_schemas import CheckIn, CheckOut
from rmis.web.api.retry import api_router

router = api_router()
Purpose = Annotated[str | None, Header(alias="RMIS-Purpose", max_length=200)]


@router.post("/checks", response_model=CheckOut, tags=["checks"])
def post_check(
    body: CheckIn, request: Request, principal: CurrentPrincipal, purpose: Purpose = None
) -> CheckOut:
    """Check a traveller at a BCP from their MRZ (or their document's fields): the document
    read and judged, the person and how they were linked, their stay on the BCP's local date,
    their last crossings and the flags the crossing would get. Records no crossing: send the
    answer's check_id with the crossing (POST /crossings) to tie the two in the audit log."""
    services = request.app.state.services
    check = run_check(
        services.engine, principal, bcp_code=body.bcp, direction=body.direction,
        now=services.clock(), reference=services.reference, rules=services.stay_rules,
        mrz=body.mrz,
        document=DocumentSeen(**body.document.model_dump()) if body.document else None,
        purpose=purpose or "border check",
    )  # fmt: skip
    return CheckOut.of(check)
