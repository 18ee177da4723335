"""The migrant's page at /stay: Plan, Check my record, What I may do. Public, no login.

Every answer is a plain form post, so it works without script on a cheap phone. The dates a
person types into Plan are posted (never in a URL, so no access log holds them), answered and
forgotten: nothing here stores or logs them. Answers are sent with `Cache-Control: no-store`.
"""

from __future__ import annotations

import asyncio
import gzip
import os
import time

from fastapi import APIRouter, Request
from fastapi.concurrency import run_in_threadpool
from fastapi.responses import HTMLResponse
from markupsafe import Markup

from rmis.locales import N_
from rmis.reference.legal_options import builtin_legal_options
from rmis.web.ui.stay import throttle, words
from rmis.web.ui.stay.plan import CODE, PlanForm, answer, parse_date, read_plan
from rmis.web.ui.stay.record import RecordQuestion, own_stay
from rmis.web.ui.templating import render, translator

router = APIRouter(include_in_schema=False)

# "No record" and "details differ" take different paths through the record: every answer of
# /stay/check is held back to at least this long, so the time does not tell them apart.
CHECK_FLOOR_SECONDS = 0.35
NUMBER_LENGTH = 32


def _services(request: Request):
    return request.app.state.services


def node_state(request: Request) -> str | None:
    """The state whose record this node holds: `app.state.stay_node_state`, else the
    RMIS_NODE_STATE environment variable read once; None: the node answers no record checks."""
    state = request.app.state
    if not hasattr(state, "stay_node_state"):
        value = os.environ.get("RMIS_NODE_STATE", "").strip().upper()
        state.stay_node_state = value if CODE.match(value) else None
    return state.stay_node_state


def _context(request: Request, **extra):
    language = translator(request).language
    services = _services(request)
    context = {
        "nationalities": words.nationalities(language),
        "hosts": words.hosts(services.stay_rules, language),
        "country": lambda code: words.country(code, language),
        "words": words,
        "nowrap": _nowrap,
        "plan_form": PlanForm(),
        "plan": None,
        "plan_errors": {},
        "check_form": {},
        "check_errors": {},
        "check": None,
        "checked": False,
        "throttled": 0,
        "node_state": node_state(request),
        "options": None,
        "today": services.clock().date(),
    }
    context.update(extra)
    if context["options"] is None:
        form = context["plan_form"]
        if form.nationality and form.host_state:
            context["options"] = _options(form.host_state, form.nationality)
    return context


def _nowrap(text: str) -> Markup:
    """A date or a name kept on one line inside a translated sentence."""
    return Markup('<span class="nowrap">{}</span>').format(text)


def _options(host: str, nationality: str) -> dict:
    legal = builtin_legal_options()
    return {
        "host": host,
        "nationality": nationality,
        "options": legal.for_person(host, nationality),
        "help": legal.help_for(host, nationality),
    }


def _page(request: Request, status_code: int = 200, **extra) -> HTMLResponse:
    response = render(request, "stay/page.html", status_code=status_code,
                      **_context(request, **extra))  # fmt: skip
    response.headers["Cache-Control"] = "no-store"
    response.headers["Referrer-Policy"] = "no-referrer"
    return _compressed(request, response)


def _compressed(request: Request, response: HTMLResponse) -> HTMLResponse:
    """Gzip for a slow network: the page is mostly country lists, which shrink tenfold."""
    response.headers["Vary"] = "Accept-Encoding, Accept-Language, Cookie"
    if "gzip" not in request.headers.get("accept-encoding", ""):
        return response
    response.body = gzip.compress(response.body, compresslevel=6)
    response.headers["Content-Encoding"] = "gzip"
    response.headers["Content-Length"] = str(len(response.body))
    return response


@router.get("/stay", response_class=HTMLResponse)
@router.get("/stay/plan", response_class=HTMLResponse)  # the language links of an answer page
@router.get("/stay/check", response_class=HTMLResponse)
def stay_page(request: Request) -> HTMLResponse:
    return _page(request)


@router.get("/stay/options", response_class=HTMLResponse)
def stay_options(request: Request, nationality: str = "", host_state: str = "") -> HTMLResponse:
    nationality, host = nationality.strip().upper(), host_state.strip().upper()
    form = PlanForm(nationality=nationality, host_state=host)
    known = CODE.match(nationality) and host in _services(request).stay_rules.hosts()
    return _page(request, 200 if known else 422, plan_form=form,
                 options=_options(host, nationality) if known else None)  # fmt: skip


@router.post("/stay/options", response_class=HTMLResponse)
async def stay_options_from_plan(request: Request) -> HTMLResponse:
    """The options for the citizenship and country chosen in Plan's form; its dates are
    ignored (posted, not put in a URL, so no log sees them)."""
    posted = await request.form()
    form = PlanForm.of({k: str(v) for k, v in posted.items()})
    known = (
        CODE.match(form.nationality) and form.host_state in _services(request).stay_rules.hosts()
    )
    options = _options(form.host_state, form.nationality) if known else None
    return _page(request, 200 if known else 422, plan_form=form, options=options)


@router.post("/stay/plan", response_class=HTMLResponse)
async def stay_plan(request: Request) -> HTMLResponse:
    posted = await request.form()
    services = _services(request)
    form = PlanForm.of({k: str(v) for k, v in posted.items()}, more="more" in posted)
    if "more" in posted:
        return _page(request, plan_form=form)
    question, errors = read_plan(form, services.stay_rules, services.clock().date())
    if question is None:
        return _page(request, 422, plan_form=form,
                     plan_errors={e.field: e for e in errors})  # fmt: skip
    return _page(request, plan_form=form, plan=answer(question, services.stay_rules))


CHECK_FIELDS = ("host_state", "issuing_state", "document_number", "birth_date", "expiry_date")


def _read_check(posted: dict[str, str]) -> tuple[RecordQuestion | None, dict[str, str]]:
    errors: dict[str, str] = {}
    host = posted.get("host_state", "").strip().upper()
    issuing = posted.get("issuing_state", "").strip().upper()
    number = "".join(posted.get("document_number", "").split()).upper()
    if not CODE.match(host):
        errors["host_state"] = N_("Choose the country you stay in.")
    if not CODE.match(issuing):
        errors["issuing_state"] = N_("Choose the country that issued your passport.")
    if not number or len(number) > NUMBER_LENGTH or not number.isalnum():
        errors["document_number"] = N_("Write the document number as it is in the passport.")
    dates = {}
    for name in ("birth_date", "expiry_date"):
        dates[name] = parse_date(posted.get(name, ""))
        if dates[name] is None:
            errors[name] = N_("This is not a date. Write it like 2025-03-31.")
    if errors:
        return None, errors
    return RecordQuestion(host, issuing, number, dates["birth_date"], dates["expiry_date"]), {}


@router.post("/stay/check", response_class=HTMLResponse)
async def stay_check(request: Request) -> HTMLResponse:
    started = time.monotonic()
    posted = {k: str(v) for k, v in (await request.form()).items() if k in CHECK_FIELDS}
    shown = {k: v for k, v in posted.items() if k != "document_number"}
    services = _services(request)
    state = node_state(request)
    question, errors = _read_check(posted)
    if question is None:
        return _page(request, 422, check_form=shown, check_errors=errors)
    now = services.clock()
    address = request.client.host if request.client else "unknown"
    keys = [
        throttle.key_of("address", address),
        throttle.key_of("document", question.issuing_state, question.document_number),
    ]
    verdict = await run_in_threadpool(throttle.count_try, services.engine, keys, now)
    if not verdict.allowed:
        response = _page(request, 429, check_form=shown, throttled=verdict.retry_after)
        response.headers["Retry-After"] = str(verdict.retry_after)
        return response
    found = None
    if state is not None:
        found = await run_in_threadpool(
            own_stay, services.engine, services.stay_rules, state, question, now.date(), now
        )
    floor = getattr(request.app.state, "stay_check_floor", CHECK_FLOOR_SECONDS)
    await asyncio.sleep(max(0.0, floor - (time.monotonic() - started)))
    return _page(request, check_form=shown, check=found, checked=True)
