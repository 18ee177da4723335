"""The desk's check: MRZ in, result card out; then the record, one keystroke each.

Every action goes through the services the API uses (`run_check`, the Screener,
`record_crossings`, `correct_crossing`), with the officer's own principal: the page can do
nothing the API would refuse. Reads of personal data are audited with the desk's purpose.
"""

from __future__ import annotations

from contextlib import suppress
from datetime import datetime, timedelta
from typing import Annotated
from uuid import UUID
from zoneinfo import ZoneInfo

from fastapi import APIRouter, Form, Request
from fastapi.responses import HTMLResponse
from uuid6 import uuid7

from rmis.registry import (
    ConflictingResend,
    CorrectionConflict,
    Direction,
    DocumentUnreadable,
    InvalidRecord,
    NewCrossing,
    NotFound,
    Outcome,
    Purpose,
    correct_crossing,
    read_document,
    record_crossings,
)
from rmis.screening import HitError, hit_case
from rmis.security import AccessDenied
from rmis.web.api.checks import border_check
from rmis.web.ui.desk import card, labels
from rmis.web.ui.desk.session import (
    RECORDED_COOKIE,
    DeskUser,
    OnShift,
    OnShiftForm,
    encode_recorded,
    recorded_this_shift,
)
from rmis.web.ui.templating import render, translator

router = APIRouter(include_in_schema=False)
MAX_MRZ = 200  # three lines of 30, two of 44, and what a reader adds
# The crossing takes the card's time (the check's): a card left open longer is checked again.
CARD_LIFETIME = timedelta(minutes=30)


def _purpose(user: DeskUser, what: str) -> str:
    shift = user.shift
    lane = f", lane {shift.lane_number}" if shift and shift.lane_number else ""
    return f"{what} at the desk{lane}"


def desk_page(request: Request, user: DeskUser, status_code: int = 200, **context) -> HTMLResponse:
    context.setdefault("mrz", "")
    context.setdefault("answer", None)
    context.setdefault("notices", [])
    recorded = context.pop("recorded_override", None)
    if recorded is None:
        recorded = recorded_this_shift(request)
    return render(
        request, "desk/check.html", status_code=status_code, user=user,
        recorded=recorded, labels=labels, **context,
    )  # fmt: skip


@router.get("/desk", response_class=HTMLResponse)
def check_form(request: Request, user: OnShift, protection: str | None = None) -> HTMLResponse:
    """The MRZ form; after the protection prompt, what became of what the officer saw."""
    t = translator(request)
    notices = []
    if protection == "recorded":
        notices.append(card.Line("ok", t.text("Recorded for protection.")))
    elif protection == "referred":
        notices.append(card.Line("ok", t.text(
            "Recorded for protection, and referred to the asylum authority."
        )))  # fmt: skip
    elif protection:
        notices.append(card.Line("bad", card.error_text(t, protection[:40])))
    return desk_page(request, user, notices=notices)


@router.post("/desk/check", response_class=HTMLResponse)
def check(request: Request, user: OnShiftForm, mrz: Annotated[str, Form()] = "") -> HTMLResponse:
    """Run the border check on the MRZ and show the result card."""
    t = translator(request)
    services = request.app.state.services
    mrz = mrz.strip()[: MAX_MRZ * 2]
    if not mrz:
        notice = card.Line("warn", t.text("Scan the document or type its MRZ lines."))
        return desk_page(request, user, 422, notices=[notice])
    shift = user.shift
    now = services.clock()
    try:
        answer, checked = border_check(
            services, user.principal, bcp_code=shift.bcp, direction=Direction(shift.lane),
            mrz=mrz, purpose=_purpose(user, "border check"),
        )  # fmt: skip
    except (InvalidRecord, DocumentUnreadable) as error:
        why = card.error_text(t, error)
        notice = card.Line("bad", t.text("The MRZ cannot be read: %(why)s", why=why))
        return desk_page(request, user, 422, mrz=mrz, notices=[notice])
    except AccessDenied as denied:
        notice = card.Line("bad", card.error_text(t, denied))
        return desk_page(request, user, 403, mrz=mrz, notices=[notice])
    cases = {}
    for hit in answer.hits:  # the listed entry beside the traveller, to compare
        with suppress(HitError, AccessDenied):
            cases[str(hit.hit_id)] = hit_case(
                services.engine, user.principal, hit.hit_id, now=now,
                purpose=_purpose(user, "hit shown with the check"),
            )  # fmt: skip
    return desk_page(
        request, user, mrz=mrz, answer=answer, crossing_id=str(uuid7()),
        document_lines=card.document_lines(t, answer), flag_lines=card.flag_lines(t, answer),
        hits=card.hit_views(answer, cases), known_names=checked.known_names,
    )  # fmt: skip


@router.post("/desk/record", response_class=HTMLResponse)
def record(
    request: Request,
    user: OnShiftForm,
    crossing_id: Annotated[UUID, Form()],
    check_id: Annotated[UUID, Form()],
    mrz: Annotated[str, Form(max_length=MAX_MRZ * 2)],
    decision: Annotated[str, Form()],
    checked_at: Annotated[datetime, Form()],
    purpose: Annotated[str, Form()] = "other",
    refusal_reason: Annotated[str, Form(max_length=8)] = "",
) -> HTMLResponse:
    """Record the crossing the officer decided: admitted in the lane's direction (or the other
    one), or refused with a reason. The crossing's id and time are the card's (the time of the
    check), so a form sent twice records once."""
    t = translator(request)
    services = request.app.state.services
    now = services.clock()
    if checked_at.tzinfo is None or not now - CARD_LIFETIME <= checked_at <= now:
        notice = card.Line("bad", t.text("The card is too old: check the document again."))
        return desk_page(request, user, 422, notices=[notice])
    shift = user.shift
    refused = decision == "refusal"
    direction = shift.lane if refused else decision
    if direction not in ("entry", "exit"):
        notice = card.Line("bad", t.text("Choose entry, exit or refusal."))
        return desk_page(request, user, 422, notices=[notice])
    if refused and refusal_reason not in labels.REFUSAL_REASONS:
        notice = card.Line("bad", t.text("A refusal needs its reason."))
        return desk_page(request, user, 422, notices=[notice])
    try:
        document = read_document(mrz, today=now.date()).document
        [recorded] = record_crossings(
            services.engine, user.principal,
            [NewCrossing(
                id=crossing_id, direction=Direction(direction), bcp_code=shift.bcp,
                occurred_at=checked_at, document=document, purpose=Purpose(purpose),
                outcome=Outcome.REFUSED if refused else Outcome.ADMITTED,
                refusal_reason=refusal_reason if refused else None,
            )],
            now=now, reference=services.reference, check_ids={crossing_id: check_id},
        )  # fmt: skip
    except ConflictingResend:
        notice = card.Line("bad", t.text(
            "This card was already recorded with other details: undo it, then check again."
        ))  # fmt: skip
        return desk_page(request, user, 409, notices=[notice])
    except (InvalidRecord, DocumentUnreadable, ValueError) as error:
        notice = card.Line("bad", t.text("Not recorded: %(why)s", why=card.error_text(t, error)))
        return desk_page(request, user, 422, notices=[notice])
    except AccessDenied as denied:
        return desk_page(request, user, 403, notices=[card.Line("bad", card.error_text(t, denied))])
    what = {
        ("entry", False): t.text("Entry recorded"),
        ("exit", False): t.text("Exit recorded"),
    }.get((direction, refused), t.text("Refusal recorded"))
    local_zone = ZoneInfo(services.reference.bcps[shift.bcp].time_zone)
    item = {
        "id": str(crossing_id), "what": what,
        "who": f"{document.surname} {document.given_names}".strip(),
        "document": f"{document.issuing_state} {document.number}",
        "at": now.astimezone(local_zone).strftime("%H:%M"),
    }  # fmt: skip
    items = [item, *[i for i in recorded_this_shift(request) if i.get("id") != item["id"]]]
    notices = [card.Line("ok", f"{what}: {item['who']}, {item['document']}")]
    if recorded.duplicate:
        notices = [card.Line("info", t.text("Already recorded: nothing was recorded twice."))]
    response = desk_page(request, user, notices=notices, recorded_override=items)
    response.set_cookie(RECORDED_COOKIE, encode_recorded(items), httponly=True, samesite="strict",
                        secure=request.url.scheme == "https")  # fmt: skip
    return response


@router.post("/desk/undo", response_class=HTMLResponse)
def undo(request: Request, user: OnShiftForm, crossing_id: Annotated[UUID, Form()]) -> HTMLResponse:
    """Undo a crossing recorded by mistake this shift: a void correction, never an edit."""
    t = translator(request)
    services = request.app.state.services
    mine = recorded_this_shift(request)
    if str(crossing_id) not in {i.get("id") for i in mine}:
        notice = card.Line("bad", t.text("Only crossings recorded at this desk this shift can be "
                                         "undone here."))  # fmt: skip
        return desk_page(request, user, 403, notices=[notice])
    try:
        correct_crossing(
            services.engine, user.principal, crossing_id, "void", {},
            "recorded by mistake: undone at the desk within the shift",
            now=services.clock(), correction_id=uuid7(), purpose=_purpose(user, "undo"),
            reference=services.reference,
        )  # fmt: skip
    except (CorrectionConflict, NotFound, InvalidRecord, AccessDenied) as error:
        notice = card.Line("bad", t.text("Not undone: %(why)s", why=card.error_text(t, error)))
        return desk_page(request, user, 409, notices=[notice])
    items = [i for i in mine if i.get("id") != str(crossing_id)]
    notice = card.Line("ok", t.text("Undone: the crossing is void in the record."))
    response = desk_page(request, user, notices=[notice], recorded_override=items)
    response.set_cookie(RECORDED_COOKIE, encode_recorded(items), httponly=True, samesite="strict",
                        secure=request.url.scheme == "https")  # fmt: skip
    return response
