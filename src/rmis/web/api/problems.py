"""Errors as RFC 9457 problem details, each with a stable code a client can act on.

Every error is one, an unexpected one (500) too. Every refusal (401, 403, 404, 409, 410, 429)
is also written to the audit log in a transaction of its own, with who asked (when known),
what, from where and why it was refused: the request's own work was rolled back, its refusal
is not.
"""

from __future__ import annotations

import logging
from typing import get_args

from fastapi import FastAPI, Request
from fastapi.exceptions import RequestValidationError
from fastapi.responses import JSONResponse
from pydantic_core.core_schema import ErrorType
from starlette.concurrency import run_in_threadpool
from starlette.exceptions import HTTPException as StarletteHTTPException

from rmis.registry import ConflictingResend, InvalidRecord, NotFound
from rmis.security import AccessDenied, AccountError, append_audit_now

PROBLEM_TYPE_BASE = "https://rmis.invalid/problems/"
# Pydantic's own error types; any other comes from a rule of the record (schemas.py).
_PYDANTIC_ERROR_TYPES = frozenset(get_args(ErrorType))
MEDIA_TYPE = "application/problem+json"
AUDITED_STATUSES = frozenset({401, 403, 404, 409, 410, 429})
_ACCOUNT_STATUS = {
    "login_failed": 401, "login_throttled": 429, "login_locked": 429, "unknown_principal": 404,
    "login_busy": 503,
}  # fmt: skip
_log = logging.getLogger("rmis.api")


class Problem(Exception):
    """Raise from a route to answer with a problem document."""

    def __init__(self, status: int, code: str, detail: str, **extra: object) -> None:
        super().__init__(detail)
        self.status, self.code, self.detail, self.extra = status, code, detail, extra


def problem_response(
    status: int, code: str, detail: str, *, headers: dict[str, str] | None = None, **extra: object
) -> JSONResponse:
    body = {
        "type": PROBLEM_TYPE_BASE + code,
        "title": code.replace("_", " "),
        "status": status,
        "detail": detail,
        "code": code,
        **extra,
    }
    headers = dict(headers or {})
    if status == 401:
        headers["WWW-Authenticate"] = "Bearer"
    return JSONResponse(body, status_code=status, media_type=MEDIA_TYPE, headers=headers)


def client_address(request: Request) -> str | None:
    return request.client.host if request.client else None


def audit_refusal(request: Request, status: int, code: str, detail: str) -> None:
    """The refusal in the audit log. Failed logins are audited by the accounts service."""
    services = getattr(request.app.state, "services", None)
    if services is None or status not in AUDITED_STATUSES:
        return
    principal = getattr(request.state, "principal", None)
    route = request.scope.get("route")
    try:
        append_audit_now(
            services.engine,
            at=services.clock(),
            principal=principal.name if principal else "anonymous",
            action="access.refused",
            subject=request.url.path[:500],
            purpose=request.headers.get("RMIS-Purpose", "")[:200] or f"{request.method} request",
            detail={
                "status": status, "code": code, "reason": detail[:300],
                "method": request.method, "route": getattr(route, "path", None),
                "client": client_address(request),
            },
        )  # fmt: skip
    except Exception:  # the answer goes out even when the log cannot be written
        _log.exception("could not audit a refused request")


async def _refused(request: Request, status: int, code: str, detail: str, **extra) -> JSONResponse:
    # The audit row is a database transaction: written in a thread, never on the event loop
    # that every other request's answer goes through.
    await run_in_threadpool(audit_refusal, request, status, code, detail)
    return problem_response(status, code, detail, **extra)


def install_problem_handlers(app: FastAPI) -> None:
    @app.exception_handler(Problem)
    async def _problem(request: Request, exc: Problem) -> JSONResponse:
        return await _refused(request, exc.status, exc.code, exc.detail, **exc.extra)

    @app.exception_handler(InvalidRecord)
    async def _invalid(_: Request, exc: InvalidRecord) -> JSONResponse:
        return problem_response(422, exc.code, str(exc), field=exc.field)

    @app.exception_handler(ConflictingResend)
    async def _conflict(request: Request, exc: ConflictingResend) -> JSONResponse:
        return await _refused(
            request, 409, exc.code, str(exc), crossing_id=str(exc.crossing_id),
            fields=list(exc.fields),
        )  # fmt: skip

    @app.exception_handler(NotFound)
    async def _not_found(request: Request, exc: NotFound) -> JSONResponse:
        return await _refused(request, 404, "not_found", str(exc))

    @app.exception_handler(AccessDenied)
    async def _denied(request: Request, exc: AccessDenied) -> JSONResponse:
        return await _refused(request, 403, exc.code, str(exc))

    @app.exception_handler(AccountError)
    async def _account(_: Request, exc: AccountError) -> JSONResponse:
        status = _ACCOUNT_STATUS.get(exc.code, 422)
        headers = {"Retry-After": str(exc.retry_after)} if exc.retry_after else None
        return problem_response(status, exc.code, str(exc), headers=headers)

    @app.exception_handler(RequestValidationError)
    async def _validation(_: Request, exc: RequestValidationError) -> JSONResponse:
        errors = [
            {"field": ".".join(str(p) for p in e["loc"]), "code": e["type"], "message": e["msg"]}
            for e in exc.errors()
        ]
        # When only rules of the record's own are broken (unknown_country...), the first is the
        # problem's code and field, as the import reports a row for the first rule it breaks.
        if errors and all(e["code"] not in _PYDANTIC_ERROR_TYPES for e in errors):
            first = errors[0]
            return problem_response(
                422, first["code"], first["message"], field=first["field"], errors=errors
            )
        return problem_response(
            422, "invalid_request", "the request does not match the API's schema", errors=errors
        )

    @app.exception_handler(StarletteHTTPException)
    async def _http(request: Request, exc: StarletteHTTPException) -> JSONResponse:
        code = {404: "not_found", 405: "method_not_allowed"}.get(exc.status_code, "http_error")
        return await _refused(request, exc.status_code, code, str(exc.detail))

    @app.exception_handler(Exception)
    async def _unexpected(request: Request, exc: Exception) -> JSONResponse:
        # Logged in full for the operator; the client learns only that it was not its fault.
        _log.error("unexpected error on %s %s", request.method, request.url.path, exc_info=exc)
        return problem_response(500, "internal_error", "the server failed on this request")
