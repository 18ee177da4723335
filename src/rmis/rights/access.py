"""Subject access: everything a state holds about a person, in their language, as JSON and as
a printable document; asked for through a supervisor, the request audited with its purpose.

What is held in the supervisor's state: the person's documents, crossings (as corrected, with
their flags), permits, registrations, border checks, alert-list matches, the stay today, legal
holds and redress cases, and who read the record (when, which action, for what purpose; not
the officers' names). Protection data is not in it: it goes to the person through the
protection officer, who judges what is safe to give.
"""

from __future__ import annotations

import html
import json
from datetime import datetime
from typing import Any
from uuid import UUID

from sqlalchemy import Engine, select

from rmis.persons import resolve
from rmis.registry import NotFound, person_history, stay_status
from rmis.rights.labels import LABELS, REVIEWED, labels_for
from rmis.security import AccessDenied, Principal, Role, append_audit
from rmis.store.schema import (
    audit_log,
    bcps,
    checks,
    documents,
    hits,
    legal_holds,
    permits,
    redress_cases,
    registrations,
)

ACCESS_ROLES = frozenset({Role.SUPERVISOR})
LANGUAGES = tuple(LABELS)
_DOCUMENT_FIELDS = (
    "issuing_state",
    "number",
    "document_type",
    "surname",
    "given_names",
    "national_surname",
    "national_given_names",
    "nationality",
    "birth_date",
    "sex",
    "expiry_date",
    "optional_data",
    "first_seen_at",
)


def _plain(value: Any) -> Any:
    return json.loads(json.dumps(value, default=str))


def subject_access(
    engine: Engine,
    principal: Principal,
    traveller_id: UUID,
    *,
    language: str,
    purpose: str,
    now: datetime,
    stay_rules,
) -> dict[str, Any]:
    """Everything the principal's state holds about the person, as plain JSON values."""
    principal.require_role(ACCESS_ROLES, "answer subject access requests")
    if not purpose.strip():
        raise AccessDenied("purpose_required", "say on whose request and why")
    if language not in LABELS:
        raise ValueError(f"no language {language!r}; one of {', '.join(LANGUAGES)}")
    state = principal.state
    person, history = person_history(
        engine, principal, traveller_id, purpose=f"subject access: {purpose}", now=now
    )
    stay = stay_status(
        engine,
        principal,
        person,
        now.date(),
        stay_rules,
        purpose=f"subject access: {purpose}",
        now=now,
    )
    with engine.begin() as connection:
        if resolve(connection, person) is None:
            raise NotFound(f"traveller {traveller_id}")
        docs = (
            connection.execute(
                select(*(documents.c[f] for f in _DOCUMENT_FIELDS)).where(
                    documents.c.traveller_id == person
                )
            )
            .mappings()
            .all()
        )
        mine = {"traveller_id": person, "state": state}

        def rows(table, *columns, where=None):
            if where is None:  # the person's rows of the state
                where = (table.c.traveller_id == person) & (table.c.host_state == state)
            statement = select(*columns).where(where)
            return [dict(r) for r in connection.execute(statement).mappings()]

        at_state = select(bcps.c.code).where(bcps.c.state == state)
        subjects = [str(person), str(traveller_id)]
        answer = {
            "traveller_id": str(person),
            "host_state": state,
            "language": language,
            "translation_reviewed": language in REVIEWED,
            "made_at": now,
            "documents": [dict(d) for d in docs],
            "crossings": [
                {
                    k: c[k]
                    for k in (
                        "id",
                        "direction",
                        "bcp_code",
                        "occurred_at",
                        "local_date",
                        "purpose",
                        "outcome",
                        "refusal_reason",
                        "flags",
                        "voided",
                    )
                }
                for c in history
            ],
            "permits": rows(
                permits, permits.c.kind, permits.c.number, permits.c.valid_from, permits.c.valid_to
            ),
            "registrations": rows(
                registrations, registrations.c.registered_on, registrations.c.valid_to
            ),
            "checks": rows(
                checks,
                checks.c.at,
                checks.c.bcp_code,
                checks.c.direction,
                where=(checks.c.traveller_id == person) & checks.c.bcp_code.in_(at_state),
            ),
            "hits": rows(
                hits,
                hits.c.raised_at,
                hits.c.list_name,
                hits.c.status,
                hits.c.decided_at,
                hits.c.reason,
            ),
            "stay": {
                "on": stay.evaluation.on,
                "status": str(stay.evaluation.status),
                "days_used": stay.evaluation.days_used,
                "overstay_days": stay.evaluation.overstay_days,
                "latest_legal_exit": stay.evaluation.latest_legal_exit,
            },
            "reads": [
                dict(r)
                for r in connection.execute(
                    select(audit_log.c.at, audit_log.c.action, audit_log.c.purpose)
                    .where(audit_log.c.subject.in_(subjects))
                    .order_by(audit_log.c.seq)
                ).mappings()
            ],
            "legal_holds": rows(
                legal_holds,
                legal_holds.c.placed_at,
                legal_holds.c.reason,
                legal_holds.c.lifted_at,
                where=(legal_holds.c.traveller_id == person) & (legal_holds.c.state == state),
            ),
            "redress_cases": rows(
                redress_cases,
                redress_cases.c.id,
                redress_cases.c.flag,
                redress_cases.c.status,
                redress_cases.c.raised_at,
                redress_cases.c.decision,
            ),
        }
        append_audit(
            connection,
            at=now,
            principal=principal.name,
            action="rights.subject_access",
            subject=str(person),
            purpose=purpose,
            detail=mine | {"language": language, "crossings": len(history)},
        )
    return _plain(answer)


def _cell(value: Any) -> str:
    if isinstance(value, list):
        return html.escape(", ".join(str(v) for v in value))
    return html.escape("" if value is None else str(value))


def _table(rows: list[dict[str, Any]], none: str) -> str:
    if not rows:
        return f"<p>{html.escape(none)}</p>"
    head = "".join(f"<th>{html.escape(k)}</th>" for k in rows[0])
    body = "".join(
        "<tr>" + "".join(f"<td>{_cell(v)}</td>" for v in r.values()) + "</tr>" for r in rows
    )
    return f"<table><thead><tr>{head}</tr></thead><tbody>{body}</tbody></table>"


def access_document(answer: dict[str, Any]) -> str:
    """The answer as one printable, self-contained HTML page in the person's language."""
    words = labels_for(answer["language"])
    sections = [
        (words["documents"], answer["documents"]),
        (words["crossings"], answer["crossings"]),
        (words["permits"], answer["permits"]),
        (words["registrations"], answer["registrations"]),
        (words["checks"], answer["checks"]),
        (words["hits"], answer["hits"]),
        (words["stay"], [answer["stay"]]),
        (words["holds"], answer["legal_holds"]),
        (words["redress"], answer["redress_cases"]),
        (words["reads"], answer["reads"]),
    ]
    parts = "".join(f"<h2>{html.escape(t)}</h2>{_table(r, words['none'])}" for t, r in sections)
    note = f"<p><em>{html.escape(words['unreviewed'])}</em></p>" if words["unreviewed"] else ""
    return (
        f'<!doctype html><html lang="{html.escape(answer["language"])}"><head>'
        '<meta charset="utf-8"><title>' + html.escape(words["title"]) + "</title><style>"
        "body{font-family:sans-serif;margin:2em}table{border-collapse:collapse;margin:.5em 0}"
        "td,th{border:1px solid #999;padding:.2em .4em;font-size:90%}</style></head><body>"
        f"<h1>{html.escape(words['title'])}</h1>{note}"
        f"<p>{html.escape(words['state'])}: {html.escape(answer['host_state'])}. "
        f"{html.escape(words['made'])}: {html.escape(str(answer['made_at'])[:10])}.</p>"
        f"{parts}<p>{html.escape(words['contest'])}</p>"
        f"<p>{html.escape(words['protection'])}</p></body></html>"
    )
