"""Routes of /api/v1: thin edges that parse, call one service, and render."""

from __future__ import annotations

import asyncio

from fastapi import Depends, Request, Response
from fastapi.security import HTTPAuthorizationCredentials
from starlette.concurrency import run_in_threadpool

from rmis.registry import record_crossings
from rmis.security import LoginBusy, log_in, log_out, refuse_busy
from rmis.web.api.auth import CurrentPrincipal, bearer
from rmis.web.api.problems import client_address
from rmis.web.api.retry import api_router
from rmis.web.api.schemas import CrossingBatchIn, CrossingIn, LoginIn, RecordedOut, SessionOut

router = api_router()


# How long an attempt the login gate has no room for is held before its 503: a client that
# sends the next attempt as soon as it has an answer is then slowed to one a second a connection.
BUSY_ANSWER_DELAY_S = 1.0


@router.post("/login", response_model=SessionOut, tags=["accounts"])
async def login(body: LoginIn, request: Request) -> SessionOut:
    """An officer's session token for one shift. Failed logins are throttled per name and per
    address: a throttled or locked login is answered 429 with Retry-After. When the server is
    given more logins a second than its login gate admits, an attempt waits for its turn (up to
    a few seconds) or is answered 503 `login_busy` with Retry-After."""
    services = request.app.state.services
    client = client_address(request)
    gate = services.login_gate
    if gate is not None:
        # The turn is waited for here, on the event loop, not in a thread of the pool that
        # the recordings need.
        try:
            wait = gate.reserve()
        except LoginBusy as busy:
            await asyncio.sleep(BUSY_ANSWER_DELAY_S)
            raise await run_in_threadpool(
                refuse_busy, services.engine, body.name, client, services.clock(), busy
            ) from None
        if wait:
            await asyncio.sleep(wait)
    token, expires_at = await run_in_threadpool(
        log_in, services.engine, body.name, body.password, services.clock(), client
    )
    return SessionOut(token=token, expires_at=expires_at)


@router.post("/logout", status_code=204, tags=["accounts"])
def logout(
    request: Request,
    principal: CurrentPrincipal,
    credentials: HTTPAuthorizationCredentials = Depends(bearer),  # noqa: B008
) -> Response:
    """End this session: its token stops working at once."""
    services = request.app.state.services
    log_out(services.engine, credentials.credentials, services.clock())
    return Response(status_code=204)


@router.post("/crossings", response_model=RecordedOut, status_code=201, tags=["crossings"])
def record_one(
    body: CrossingIn, request: Request, response: Response, principal: CurrentPrincipal
) -> RecordedOut:
    """Record one crossing. Sending the same id again records nothing and answers 200."""
    services = request.app.state.services
    [recorded] = record_crossings(
        services.engine,
        principal,
        [body.to_new_crossing()],
        now=services.clock(),
        reference=services.reference,
        check_ids={body.id: body.check_id} if body.check_id else None,
    )
    if recorded.duplicate:
        response.status_code = 200
    return RecordedOut.of(recorded)


@router.post("/crossings/batch", response_model=list[RecordedOut], tags=["crossings"])
def record_batch(
    body: CrossingBatchIn, request: Request, principal: CurrentPrincipal
) -> list[RecordedOut]:
    """Record many crossings at once, all or nothing, in the order given."""
    services = request.app.state.services
    batch = [c.to_new_crossing() for c in body.crossings]
    check_ids = {c.id: c.check_id for c in body.crossings if c.check_id}
    results = record_crossings(
        services.engine, principal, batch, now=services.clock(), reference=services.reference,
        check_ids=check_ids or None,
    )  # fmt: skip
    return [RecordedOut.of(r) for r in results]
