"""The protection officer's pages: the queue of new referrals and the follow-ups due, a
person's protection record with their referrals, and the forms that refer and move referrals
on. Every read goes through the protection room with the officer's principal (need-to-know,
audited); the pages can do nothing the API would refuse."""

from __future__ import annotations

from typing import Annotated
from uuid import UUID

from fastapi import APIRouter, Form, Request
from fastapi.responses import HTMLResponse, RedirectResponse, Response

from rmis.protection import (
    AGENCIES,
    INDICATORS,
    NEEDS,
    PATTERN_NAMES,
    ProtectionError,
    follow_ups_due,
    move_referral,
    patterns_about,
    protection_record,
    refer,
    referral,
    referral_queue,
)
from rmis.security import AccessDenied
from rmis.web.ui.desk.session import LoggedIn, PostedForm
from rmis.web.ui.protection import labels
from rmis.web.ui.templating import render, translator

router = APIRouter(include_in_schema=False)
PURPOSE = "protection officer's page"


def _error(request: Request, error: Exception) -> str:
    t = translator(request)
    words = labels.ERRORS.get(getattr(error, "code", ""))
    return t.text(words) if words else str(error)


def _page(request: Request, template: str, user, status_code: int = 200, **context) -> Response:
    return render(request, template, status_code=status_code, user=user, labels=labels,
                  **context)  # fmt: skip


def _denied(request: Request, user, error: Exception) -> Response:
    return _page(request, "protection/denied.html", user, 403, why=_error(request, error))


@router.get("/protection", response_class=HTMLResponse)
def queue(request: Request, user: LoggedIn) -> Response:
    """New referrals, oldest first, and the follow-ups due today or earlier."""
    services = request.app.state.services
    now = services.clock()
    try:
        new = referral_queue(services.engine, user.principal, now=now, purpose=PURPOSE)
        due = follow_ups_due(services.engine, user.principal, on=now.date(), now=now,
                             purpose=PURPOSE)  # fmt: skip
    except AccessDenied as denied:
        return _denied(request, user, denied)
    return _page(request, "protection/queue.html", user, new=new, due=due, today=now.date())


def _person_page(request: Request, user, traveller_id: UUID, status_code: int = 200,
                 error: str | None = None, form: dict | None = None) -> Response:  # fmt: skip
    services = request.app.state.services
    now = services.clock()
    try:
        record = protection_record(services.engine, user.principal, traveller_id, now=now,
                                   purpose=PURPOSE)  # fmt: skip
    except AccessDenied as denied:
        return _denied(request, user, denied)
    except ProtectionError as missing:
        return _page(request, "protection/denied.html", user, 404, why=_error(request, missing))
    with services.engine.connect() as connection:
        patterns = patterns_about(connection, record.person.id, user.principal.state, now)
    return _page(
        request, "protection/person.html", user, status_code, record=record,
        age=record.person.age_on(now.date()), patterns=patterns, pattern_names=PATTERN_NAMES,
        needs=NEEDS, agencies=AGENCIES, indicators=INDICATORS, error=error,
        form=form or {}, today=now.date(),
    )  # fmt: skip


@router.get("/protection/travellers/{traveller_id}", response_class=HTMLResponse)
def person(request: Request, traveller_id: UUID, user: LoggedIn) -> Response:
    return _person_page(request, user, traveller_id)


@router.post("/protection/travellers/{traveller_id}/referrals", response_class=HTMLResponse)
def post_referral(
    request: Request,
    traveller_id: UUID,
    user: PostedForm,
    need: Annotated[str, Form(max_length=32)] = "",
    agency: Annotated[str, Form(max_length=64)] = "",
    consent: Annotated[str, Form(max_length=8)] = "",
    basis: Annotated[str, Form(max_length=2000)] = "",
) -> Response:
    services = request.app.state.services
    try:
        refer(services.engine, user.principal, traveller_id, need=need, agency=agency,
              consent=consent == "yes", basis=basis or None, now=services.clock())  # fmt: skip
    except AccessDenied as denied:
        return _denied(request, user, denied)
    except ProtectionError as error:
        form = {"need": need, "agency": agency, "consent": consent, "basis": basis}
        return _person_page(request, user, traveller_id, 422, _error(request, error), form)
    return RedirectResponse(f"/protection/travellers/{traveller_id}#referrals", status_code=303)


@router.post("/protection/referrals/{referral_id}/state", response_class=HTMLResponse)
def post_state(
    request: Request,
    referral_id: UUID,
    user: PostedForm,
    state: Annotated[str, Form(max_length=16)] = "",
    reason: Annotated[str, Form(max_length=2000)] = "",
) -> Response:
    services = request.app.state.services
    now = services.clock()
    try:
        moved = move_referral(services.engine, user.principal, referral_id, state=state,
                              reason=reason or None, now=now)  # fmt: skip
    except AccessDenied as denied:
        return _denied(request, user, denied)
    except ProtectionError as error:
        try:
            found = referral(services.engine, user.principal, referral_id, now=now,
                             purpose=PURPOSE)  # fmt: skip
        except ProtectionError:
            return _page(request, "protection/denied.html", user, 404,
                         why=_error(request, error))  # fmt: skip
        return _person_page(request, user, found.traveller_id, 422, _error(request, error))
    return RedirectResponse(
        f"/protection/travellers/{moved.traveller_id}#referral-{moved.id}", status_code=303
    )
