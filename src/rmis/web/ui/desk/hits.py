"""Hits at the desk: an officer decides a hit shown with the check; the open hits of the
state, with their age and the list owner's deadline, for supervisors (and officers)."""

from __future__ import annotations

from typing import Annotated
from uuid import UUID

from fastapi import APIRouter, Form, Request
from fastapi.responses import HTMLResponse

from rmis.screening import MAX_REASON_LENGTH, HitError, decide_hit, open_hits
from rmis.security import AccessDenied
from rmis.web.ui.desk import labels
from rmis.web.ui.desk.card import error_text
from rmis.web.ui.desk.session import LoggedIn, PostedForm
from rmis.web.ui.templating import Translator, render, translator

router = APIRouter(include_in_schema=False)
DECISIONS = ("confirm", "dismiss", "escalate")


def _hours(t: Translator, seconds: float) -> str:
    """An age or a time left as the desk shows it: 3 h 05 min, -0 h 40 min when overdue."""
    sign = "-" if seconds < 0 else ""
    hours, minutes = divmod(int(abs(seconds)) // 60, 60)
    return sign + t.text("%(hours)s h %(minutes)s min", hours=hours, minutes=str(minutes).zfill(2))


@router.post("/desk/hits/{hit_id}/decision", response_class=HTMLResponse)
def decide(
    request: Request,
    user: PostedForm,
    hit_id: UUID,
    decision: Annotated[str, Form()],
    reason: Annotated[str, Form(max_length=MAX_REASON_LENGTH)] = "",
) -> HTMLResponse:
    """Confirm, dismiss (with a reason) or escalate a hit. Answered with the decided hit: the
    desk's script puts it in place of the hit on the card; without script, a page."""
    t = translator(request)
    services = request.app.state.services
    # The desk's script asks for the decided hit alone, to put in place on the card.
    fragment = request.headers.get("x-rmis-fragment") == "1"
    template = "desk/hit_fragment.html" if fragment else "desk/hit_decided.html"
    if decision not in DECISIONS:
        error, status = t.text("Choose confirm, dismiss or escalate."), 422
    elif not reason.strip():
        error, status = t.text("Say why: a decision needs its reason."), 422
    else:
        try:
            case = decide_hit(
                services.engine, user.principal, hit_id, decision, reason.strip(),
                now=services.clock(),
            )  # fmt: skip
        except HitError as refused:
            error = error_text(t, refused)
            status = 409 if refused.code == "already_decided" else 422
        except AccessDenied as denied:
            error, status = error_text(t, denied), 403
        else:
            return render(
                request, template, user=user, case=case, error=None,
                status_label=t.text(labels.HIT_STATUS.get(case.status, case.status)),
            )  # fmt: skip
    return render(request, template, status_code=status, user=user, case=None, error=error)


@router.get("/desk/hits", response_class=HTMLResponse)
def waiting(request: Request, user: LoggedIn) -> HTMLResponse:
    """The state's hits still waiting for someone, oldest first, with age and deadline."""
    services = request.app.state.services
    t = translator(request)
    now = services.clock()
    try:
        cases = open_hits(services.engine, user.principal, now, purpose="open hits at the desk")
    except AccessDenied as denied:
        return render(request, "desk/hits.html", status_code=403, user=user, rows=[],
                      error=error_text(t, denied))  # fmt: skip
    rows = []
    for case in cases:
        left = case.time_left(now)
        rows.append({
            "case": case,
            "age": _hours(t, case.age(now).total_seconds()),
            "left": None if left is None else _hours(t, left.total_seconds()),
            "overdue": left is not None and left.total_seconds() < 0,
            "names": ", ".join(case.traveller.get("names", [])[:2]),
        })  # fmt: skip
    return render(request, "desk/hits.html", user=user, rows=rows, labels=labels, error=None)
