"""Logging in at the desk, choosing the shift's BCP and lane, logging out."""

from __future__ import annotations

from typing import Annotated

from fastapi import APIRouter, Form, Request
from fastapi.responses import HTMLResponse, RedirectResponse, Response

from rmis.reference.bcps import load_bcps
from rmis.security import AccountError, log_in, log_out
from rmis.web.ui.desk.session import (
    LANES,
    RECORDED_COOKIE,
    SESSION_COOKIE,
    SHIFT_COOKIE,
    LoggedIn,
    PostedForm,
    Shift,
    bcps_of,
    desk_user_or_none,
    shift_cookie,
)
from rmis.web.ui.templating import render, translator

router = APIRouter(include_in_schema=False)


def _safe_next(value: str | None) -> str:
    # Only a path of this site: never an open redirect.
    if value and value.startswith("/") and not value.startswith("//"):
        return value
    return "/desk"


@router.get("/", response_class=HTMLResponse)
def home(request: Request) -> Response:
    if desk_user_or_none(request) is not None:
        return RedirectResponse("/desk", status_code=303)
    return render(request, "desk/login.html", error=None, name="",
                  next=_safe_next(request.query_params.get("next")))  # fmt: skip


@router.post("/login", response_class=HTMLResponse)
def login(
    request: Request,
    name: Annotated[str, Form(max_length=200)] = "",
    password: Annotated[str, Form(max_length=1024)] = "",
    next: Annotated[str, Form(max_length=500)] = "/desk",  # the form's field
) -> Response:
    t = translator(request)
    services = request.app.state.services
    client = request.client.host if request.client else None
    try:
        token, expires_at = log_in(services.engine, name.strip(), password, services.clock(),
                                   client=client, gate=services.login_gate)  # fmt: skip
    except AccountError as refused:
        message = {
            "login_failed": t.text("Unknown name or wrong password."),
            "login_throttled": t.text(
                "Too many failed logins: try again in %(seconds)s s.",
                seconds=refused.retry_after or 1,
            ),
            "login_locked": t.text(
                "Too many failed logins for this name: an administrator must unlock it."
            ),
        }.get(refused.code, str(refused))
        throttled = refused.retry_after is not None
        page = render(request, "desk/login.html", status_code=429 if throttled else 401,
                      error=message, name=name, next=_safe_next(next))  # fmt: skip
        if throttled:
            page.headers["Retry-After"] = str(refused.retry_after)
        return page
    response = RedirectResponse(_safe_next(next), status_code=303)
    secure = request.url.scheme == "https"
    # The cookie lives as long as the session token: the shift ends by itself.
    max_age = max(0, int((expires_at - services.clock()).total_seconds()))
    response.set_cookie(SESSION_COOKIE, token, max_age=max_age, httponly=True,
                        samesite="strict", secure=secure)  # fmt: skip
    response.delete_cookie(RECORDED_COOKIE)
    return response


@router.post("/logout")
def logout(request: Request, user: PostedForm) -> Response:
    """The session's token is revoked (audited), then the cookies go."""
    services = request.app.state.services
    log_out(services.engine, user.token, services.clock())
    response = RedirectResponse("/", status_code=303)
    for cookie in (SESSION_COOKIE, SHIFT_COOKIE, RECORDED_COOKIE):
        response.delete_cookie(cookie)
    return response


def shift_page(request: Request, user, status_code: int = 200, error: str | None = None):
    """The shift's form: the principal's own BCPs, each with its name."""
    facts = request.app.state.services.reference.bcps
    names = {code: bcp.name for code, bcp in load_bcps().items()}
    return render(request, "desk/shift.html", status_code=status_code, user=user, error=error,
                  bcps=[facts[c] for c in bcps_of(user.principal, facts)], names=names)  # fmt: skip


@router.get("/shift", response_class=HTMLResponse)
def shift_form(request: Request, user: LoggedIn) -> HTMLResponse:
    return shift_page(request, user)


@router.post("/shift", response_class=HTMLResponse)
def choose_shift(
    request: Request,
    user: PostedForm,
    bcp: Annotated[str, Form(max_length=64)],
    lane: Annotated[str, Form()],
    lane_number: Annotated[str, Form(max_length=16)] = "",
) -> Response:
    t = translator(request)
    services = request.app.state.services
    allowed = bcps_of(user.principal, services.reference.bcps)
    if bcp not in allowed or lane not in LANES:
        return shift_page(request, user, 422, t.text("Choose one of your BCPs and a lane."))
    number = "".join(ch for ch in lane_number if ch.isalnum() or ch in "-")[:16]
    response = RedirectResponse("/desk", status_code=303)
    response.set_cookie(SHIFT_COOKIE, shift_cookie(Shift(bcp, lane, number)), httponly=True,
                        samesite="strict", secure=request.url.scheme == "https")  # fmt: skip
    return response
