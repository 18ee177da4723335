"""Errors as RFC 9457 problem details, each with a stable code a client can act on."""

from __future__ import annotations

from typing import get_args

from fastapi import FastAPI, Request
from fastapi.exceptions import RequestValidationError
from fastapi.responses import JSONResponse
from pydantic_core.core_schema import ErrorType
from starlette.exceptions import HTTPException as StarletteHTTPException

from rmis.registry import InvalidRecord, NotFound
from rmis.security import AccessDenied, AccountError

PROBLEM_TYPE_BASE = "https://rmis.invalid/problems/"
# Pydantic's own error types; any other comes from a rule of the record (schemas.py).
_PYDANTIC_ERROR_TYPES = frozenset(get_args(ErrorType))
MEDIA_TYPE = "application/problem+json"


class Problem(Exception):
    """Raise from a route to answer with a problem document."""

    def __init__(self, status: int, code: str, detail: str, **extra: object) -> None:
        super().__init__(detail)
        self.status, self.code, self.detail, self.extra = status, code, detail, extra


def problem_response(status: int, code: str, detail: str, **extra: object) -> JSONResponse:
    body = {
        "type": PROBLEM_TYPE_BASE + code,
        "title": code.replace("_", " "),
        "status": status,
        "detail": detail,
        "code": code,
        **extra,
    }
    headers = {"WWW-Authenticate": "Bearer"} if status == 401 else None
    return JSONResponse(body, status_code=status, media_type=MEDIA_TYPE, headers=headers)


def install_problem_handlers(app: FastAPI) -> None:
    @app.exception_handler(Problem)
    async def _problem(_: Request, exc: Problem) -> JSONResponse:
        return problem_response(exc.status, exc.code, exc.detail, **exc.extra)

    @app.exception_handler(InvalidRecord)
    async def _invalid(_: Request, exc: InvalidRecord) -> JSONResponse:
        return problem_response(422, exc.code, str(exc), field=exc.field)

    @app.exception_handler(NotFound)
    async def _not_found(_: Request, exc: NotFound) -> JSONResponse:
        return problem_response(404, "not_found", str(exc))

    @app.exception_handler(AccessDenied)
    async def _denied(_: Request, exc: AccessDenied) -> JSONResponse:
        return problem_response(403, exc.code, str(exc))

    @app.exception_handler(AccountError)
    async def _account(_: Request, exc: AccountError) -> JSONResponse:
        status = 401 if exc.code == "login_failed" else 422
        return problem_response(status, exc.code, str(exc))

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
    async def _http(_: Request, exc: StarletteHTTPException) -> JSONResponse:
        code = {404: "not_found", 405: "method_not_allowed"}.get(exc.status_code, "http_error")
        return problem_response(exc.status_code, code, str(exc.detail))
