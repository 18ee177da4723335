"""Who is at the desk: the officer's shift session, kept in cookies.

Logging in (`rmis.security.log_in`) gives the same session token the API gives; the page keeps
it in an HttpOnly, SameSite=Strict cookie, so every page request is judged by the same
`principal_for_token` as an API call, and the shift ends by itself when the token expires.
The BCP and lane chosen for the shift are a second cookie, checked against the officer's scope
on every request. Forms carry a token derived from the session (CSRF), checked on every post.
"""

from __future__ import annotations

import base64
import hashlib
import hmac
import json
from dataclasses import dataclass
from typing import Annotated, Any

from fastapi import Depends, Form, Request

from rmis.security import Principal, Role, principal_for_token

SESSION_COOKIE = "rmis_desk"
SHIFT_COOKIE = "rmis_shift"
RECORDED_COOKIE = "rmis_recorded"  # this shift's crossings, newest first, for undo
RECORDED_KEPT = 8
LANES = ("entry", "exit")


class LoginRequired(Exception):
    """No live session: the page answers with the login (and comes back after it)."""


class ShiftRequired(Exception):
    """Logged in, but no BCP and lane chosen (or no longer in scope)."""


class FormExpired(Exception):
    """A form's CSRF token does not belong to this session."""


@dataclass(frozen=True, slots=True)
class Shift:
    bcp: str
    lane: str  # entry or exit: the direction the lane checks
    lane_number: str  # the lane's own number or name at the BCP, as the officer gave it


@dataclass(frozen=True, slots=True)
class DeskUser:
    principal: Principal
    token: str
    shift: Shift | None

    @property
    def csrf(self) -> str:
        return csrf_token(self.token)

    @property
    def is_supervisor(self) -> bool:
        return self.principal.role in (Role.SUPERVISOR, Role.ADMIN)


def csrf_token(session_token: str) -> str:
    return hmac.new(session_token.encode(), b"rmis desk form", hashlib.sha256).hexdigest()[:32]


def bcps_of(principal: Principal, bcps: dict[str, Any]) -> list[str]:
    """The BCPs the principal may work at: an officer's own; a supervisor's whole state."""
    in_state = sorted(code for code, facts in bcps.items() if facts.state == principal.state)
    if principal.role is Role.BORDER_OFFICER:
        return [code for code in in_state if code in principal.bcps]
    return in_state


def parse_shift(value: str | None) -> Shift | None:
    if not value:
        return None
    bcp, _, rest = value.partition("|")
    lane, _, number = rest.partition("|")
    if not bcp or lane not in LANES:
        return None
    return Shift(bcp, lane, number[:16])


def shift_cookie(shift: Shift) -> str:
    return f"{shift.bcp}|{shift.lane}|{shift.lane_number}"


def desk_user_or_none(request: Request) -> DeskUser | None:
    token = request.cookies.get(SESSION_COOKIE)
    if not token:
        return None
    services = request.app.state.services
    with services.engine.connect().execution_options(isolation_level="AUTOCOMMIT") as connection:
        principal = principal_for_token(connection, token, services.clock())
    if principal is None:
        return None
    shift = parse_shift(request.cookies.get(SHIFT_COOKIE))
    if shift and shift.bcp not in bcps_of(principal, services.reference.bcps):
        shift = None
    return DeskUser(principal, token, shift)


def logged_in(request: Request) -> DeskUser:
    user = desk_user_or_none(request)
    if user is None:
        raise LoginRequired()
    return user


def on_shift(user: Annotated[DeskUser, Depends(logged_in)]) -> DeskUser:
    if user.shift is None:
        raise ShiftRequired()
    return user


def checked_form(
    user: Annotated[DeskUser, Depends(logged_in)], csrf: Annotated[str, Form()] = ""
) -> DeskUser:
    """A posted form of this session's (the token every desk form carries)."""
    if not hmac.compare_digest(csrf, user.csrf):
        raise FormExpired()
    return user


def on_shift_form(user: Annotated[DeskUser, Depends(checked_form)]) -> DeskUser:
    if user.shift is None:
        raise ShiftRequired()
    return user


LoggedIn = Annotated[DeskUser, Depends(logged_in)]
OnShift = Annotated[DeskUser, Depends(on_shift)]
PostedForm = Annotated[DeskUser, Depends(checked_form)]
OnShiftForm = Annotated[DeskUser, Depends(on_shift_form)]


def recorded_this_shift(request: Request) -> list[dict[str, str]]:
    """The crossings recorded at this desk this shift (newest first), for the undo list."""
    raw = request.cookies.get(RECORDED_COOKIE)
    if not raw:
        return []
    try:
        items = json.loads(base64.urlsafe_b64decode(raw.encode()))
    except (ValueError, json.JSONDecodeError):
        return []
    if not isinstance(items, list):
        return []
    return [i for i in items if isinstance(i, dict)][:RECORDED_KEPT]


def encode_recorded(items: list[dict[str, str]]) -> str:
    data = json.dumps(items[:RECORDED_KEPT], ensure_ascii=False, separators=(",", ":"))
    return base64.urlsafe_b64encode(data.encode()).decode()
