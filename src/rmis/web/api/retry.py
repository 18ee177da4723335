"""Every /api/v1 route runs its request once more on a fresh connection when the database
connection was found dead before anything was committed (a server restart, a failover): the
whole request, so authentication is run again too. See registry.database.fresh_connection_attempts.
"""

from __future__ import annotations

from collections.abc import Callable, Coroutine
from typing import Any

from fastapi import APIRouter, Request, Response
from fastapi.routing import APIRoute

from rmis.store import fresh_connection_attempts
from rmis.web.api.problems import Problem


class FreshConnectionRoute(APIRoute):
    def get_route_handler(self) -> Callable[[Request], Coroutine[Any, Any, Response]]:
        handle = super().get_route_handler()

        async def handle_on_fresh_connection(request: Request) -> Response:
            # The body is read once: Starlette keeps it on the request for the second attempt.
            if _holds_nul(request.url.query, await request.body()):
                raise Problem(422, "nul_character", "the request holds a NUL character")
            for attempt in fresh_connection_attempts():
                with attempt:
                    return await handle(request)
            raise AssertionError("unreachable: the last attempt returns or raises")

        return handle_on_fresh_connection


def _holds_nul(query: str, body: bytes) -> bool:
    """A NUL anywhere (escaped in JSON, or %00 in the query): no database stores it as text,
    PostgreSQL refuses it, and no field of the record has a use for it."""
    return "%00" in query or b"\\u0000" in body.lower() or b"\x00" in body


def api_router() -> APIRouter:
    return APIRouter(prefix="/api/v1", route_class=FreshConnectionRoute)
