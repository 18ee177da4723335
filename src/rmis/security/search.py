"""Who read this person's record, and why: the audit log searched by person, principal,
purpose and period, for auditors. A search is itself audited."""

from __future__ import annotations

from dataclasses import dataclass, replace
from datetime import datetime
from typing import Any

from sqlalchemy import Connection, Text, cast, or_, select

from rmis.security.audit import append_audit
from rmis.security.principals import AccessDenied, Principal, Role
from rmis.store.schema import audit_log, principals

# Who may search the log: auditors, and admins (whose own searches are audited too).
AUDIT_SEARCH_ROLES = frozenset({Role.AUDITOR, Role.ADMIN})
MAX_ROWS = 10_000


@dataclass(frozen=True, slots=True)
class AuditQuery:
    person: str | None = None  # a traveller id: rows about them, and lists that named them
    principal: str | None = None
    purpose: str | None = None  # words the stated purpose contains
    action: str | None = None  # an action, or its family ("travellers." for every read)
    since: datetime | None = None
    until: datetime | None = None  # exclusive
    limit: int = 1000
    # The state whose principals' rows are searched: an auditor audits their own state's
    # officers (None: every state's, for a command run by the operator).
    state: str | None = None


def search_audit(connection: Connection, query: AuditQuery) -> list[dict[str, Any]]:
    """The matching audit rows, oldest first."""
    where = []
    if query.person:
        where.append(
            or_(audit_log.c.subject == query.person,
                cast(audit_log.c.detail, Text).contains(query.person, autoescape=True))
        )  # fmt: skip
    if query.principal:
        where.append(audit_log.c.principal == query.principal)
    if query.purpose:
        where.append(audit_log.c.purpose.icontains(query.purpose, autoescape=True))
    if query.action:
        if query.action.endswith("."):
            where.append(audit_log.c.action.startswith(query.action, autoescape=True))
        else:
            where.append(audit_log.c.action == query.action)
    if query.state:
        # Rows of the state's principals, and of no state's (commands, anonymous refusals);
        # never rows of another state's officers.
        elsewhere = select(principals.c.name).where(principals.c.state != query.state)
        where.append(audit_log.c.principal.not_in(elsewhere))
    if query.since:
        where.append(audit_log.c.at >= query.since)
    if query.until:
        where.append(audit_log.c.at < query.until)
    statement = (
        select(audit_log.c.seq, audit_log.c.at, audit_log.c.principal, audit_log.c.action,
               audit_log.c.subject, audit_log.c.purpose, audit_log.c.detail)
        .where(*where)
        .order_by(audit_log.c.seq)
        .limit(min(max(query.limit, 1), MAX_ROWS))
    )  # fmt: skip
    return [dict(row) for row in connection.execute(statement).mappings()]


def audited_search(
    engine, principal: Principal, query: AuditQuery, reason: str, now: datetime
) -> list[dict[str, Any]]:
    """search_audit for a principal allowed to, with the search in the log."""
    principal.require_role(AUDIT_SEARCH_ROLES, "search the audit log")
    query = replace(query, state=principal.state)  # their own state's, whatever they asked
    if not reason.strip():
        raise AccessDenied("purpose_required", "say why the audit log is searched")
    with engine.begin() as connection:
        rows = search_audit(connection, query)
        append_audit(
            connection, at=now, principal=principal.name, action="audit.search",
            subject=query.person or query.principal or "*", purpose=reason,
            detail={k: v for k, v in vars_of(query).items() if v is not None} | {"rows": len(rows)},
        )  # fmt: skip
    return rows


def vars_of(query: AuditQuery) -> dict[str, Any]:
    return {name: getattr(query, name) for name in AuditQuery.__slots__}
