"""The desk's prompt for protection needs: the officer ticks what they saw or heard at the
check; the indicators are recorded for the person (and a person who asks for asylum is referred
at once), and the desk comes back to where it was."""

from __future__ import annotations

from typing import Annotated
from urllib.parse import urlencode, urlsplit, urlunsplit
from uuid import UUID

from fastapi import APIRouter, Form, Request
from fastapi.responses import RedirectResponse

from rmis.protection import ProtectionError, first_contact
from rmis.security import AccessDenied
from rmis.web.ui.desk.session import PostedForm

router = APIRouter(include_in_schema=False)


def back_to(next_url: str, outcome: str) -> str:
    """`next` (a path of this site only: never an open redirect) with `protection=<outcome>`
    added, so the page there can say what happened."""
    if not next_url.startswith("/") or next_url.startswith("//"):
        next_url = "/desk"
    parts = urlsplit(next_url)
    query = "&".join(q for q in (parts.query, urlencode({"protection": outcome})) if q)
    return urlunsplit(("", "", parts.path, query, parts.fragment))


@router.post("/desk/protection/indicators")
def post_indicators(
    request: Request,
    user: PostedForm,
    traveller_id: Annotated[UUID, Form()],
    check_id: Annotated[UUID | None, Form()] = None,
    indicators: Annotated[list[str] | None, Form(max_length=20)] = None,
    note: Annotated[str, Form(max_length=2000)] = "",
    next: Annotated[str, Form(max_length=500)] = "/desk",  # the form's field
) -> RedirectResponse:
    services = request.app.state.services
    try:
        done = first_contact(
            services.engine, user.principal, traveller_id, indicators or [],
            now=services.clock(), note=note or None, check_id=check_id,
            bcp_code=None if check_id else (user.shift.bcp if user.shift else None),
        )  # fmt: skip
    except (ProtectionError, AccessDenied) as error:
        return RedirectResponse(back_to(next, error.code), status_code=303)
    outcome = "referred" if done.asylum_referral else "recorded"
    return RedirectResponse(back_to(next, outcome), status_code=303)
