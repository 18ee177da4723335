"""Who is asking: every API request carries a bearer token (a machine's or a session's)."""

from __future__ import annotations

from typing import Annotated

from fastapi import Depends, Request
from fastapi.security import HTTPAuthorizationCredentials, HTTPBearer

from rmis.security import Principal, principal_for_token
from rmis.web.api.problems import Problem

bearer = HTTPBearer(auto_error=False)


def current_principal(
    request: Request,
    credentials: Annotated[HTTPAuthorizationCredentials | None, Depends(bearer)],
) -> Principal:
    if credentials is None:
        raise Problem(401, "not_authenticated", "send 'Authorization: Bearer <token>'")
    services = request.app.state.services
    # One read needs no transaction: autocommit spares a BEGIN and a ROLLBACK round trip.
    with services.engine.connect().execution_options(isolation_level="AUTOCOMMIT") as connection:
        principal = principal_for_token(connection, credentials.credentials, services.clock())
    if principal is None:
        raise Problem(401, "invalid_token", "the token is unknown, expired or revoked")
    request.state.principal = principal  # who a refusal further on is audited under
    return principal


CurrentPrincipal = Annotated[Principal, Depends(current_principal)]
