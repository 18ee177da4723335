"""POST /api/v1/checks: the border check, one call, recording nothing but the check itself
(and, for each alert-list hit, the case the officer decides)."""

from __future__ import annotations

from typing import Annotated, Any

from fastapi import Header, Request

from rmis.protection import at_check
from rmis.registry import Check, Direction, DocumentSeen, run_check
from rmis.screening import ScreenedTraveller
from rmis.security import Principal
from rmis.web.api.auth import CurrentPrincipal
from rmis.web.api.check_schemas import CheckIn, CheckOut
from rmis.web.api.retry import api_router
from rmis.web.api.screening_schemas import screened_hits_out

router = api_router()
Purpose = Annotated[str | None, Header(alias="RMIS-Purpose", max_length=200)]


@router.post("/checks", response_model=CheckOut, tags=["checks"])
def post_check(
    body: CheckIn, request: Request, principal: CurrentPrincipal, purpose: Purpose = None
) -> CheckOut:
    """Check a traveller at a BCP from their MRZ (or their document's fields): the document
    read and judged, the person and how they were linked, their stay on the BCP's local date,
    their last crossings, the flags the crossing would get, and the alert-list hits on every
    name the person is known by and on the document, each a case for the officer to decide.
    Records no crossing: send the answer's check_id with the crossing (POST /crossings) to tie
    the two in the audit log."""
    answer, _ = border_check(
        request.app.state.services, principal, bcp_code=body.bcp, direction=body.direction,
        mrz=body.mrz,
        document=DocumentSeen(**body.document.model_dump()) if body.document else None,
        purpose=purpose or "border check",
    )  # fmt: skip
    return answer


def border_check(
    services: Any,
    principal: Principal,
    *,
    bcp_code: str,
    direction: Direction,
    mrz: str | None = None,
    document: DocumentSeen | None = None,
    purpose: str,
) -> tuple[CheckOut, Check]:
    """The check, the screen of every known name and the document, and what protection knows:
    the one path of the API's check and the border desk's page."""
    now = services.clock()
    check = run_check(
        services.engine, principal, bcp_code=bcp_code, direction=direction,
        now=now, reference=services.reference, rules=services.stay_rules,
        mrz=mrz, document=document, purpose=purpose,
    )  # fmt: skip
    screening = services.screener.screen_and_record(
        ScreenedTraveller.of_document(str(check.id), check.known_names, check.document.document),
        principal, now=now, traveller_id=check.traveller_id,
        bcp_code=check.bcp_code, check_id=check.id, purpose=purpose,
    )  # fmt: skip
    found = at_check(
        services.engine, principal, traveller_id=check.traveller_id,
        nationality=check.document.document.nationality,
        birth_date=check.document.document.birth_date, on=check.on, now=now,
        purpose=purpose,
    )  # fmt: skip
    answer = CheckOut.of(check, screened_hits_out(screening.hits))
    return answer.model_copy(update={"protection": found.to_dict()}), check
