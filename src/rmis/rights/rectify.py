"""Rectification: a document's details corrected on the person's evidence, by a supervisor of
a state that knows the person; the old and new values kept in the audit log.

What can change is what a reader or an officer can get wrong about the holder: names (Latin
and national script), birth date, sex, expiry. The issuing state, number and type are the
document's identity: a wrong one is a different document (void the crossing and record it
again). The warehouse keeps the holder's pseudonym as first recorded by design, so it does not
move.
"""

from __future__ import annotations

from datetime import date, datetime
from typing import Any
from uuid import UUID

from sqlalchemy import Engine, select, update

from rmis.registry import NotFound
from rmis.rights.redress import REDRESS_ROLES, RedressError
from rmis.security import Principal, append_audit
from rmis.store.schema import crossings, documents

RECTIFIABLE = ("surname", "given_names", "national_surname", "national_given_names",
               "birth_date", "sex", "expiry_date")  # fmt: skip


def rectify_document(
    engine: Engine,
    principal: Principal,
    document_id: UUID,
    changes: dict[str, Any],
    evidence: str,
    now: datetime,
) -> dict[str, Any]:
    """Apply the changes; the document's fields before them."""
    principal.require_role(REDRESS_ROLES, "rectify documents")
    unknown = sorted(set(changes) - set(RECTIFIABLE))
    if unknown or not changes:
        raise RedressError(
            "not_rectifiable", f"only {', '.join(RECTIFIABLE)} can be rectified, not {unknown}"
        )
    if not evidence.strip():
        raise RedressError("evidence_required", "a rectification names its evidence")
    if "sex" in changes and changes["sex"] not in ("M", "F", "X", "<"):
        raise RedressError("bad_value", "sex is M, F, X or <")
    for name in ("birth_date", "expiry_date"):
        if name in changes and changes[name] is not None:
            changes[name] = date.fromisoformat(str(changes[name]))
    with engine.begin() as connection:
        known = connection.execute(
            select(documents.c.id)
            .join(crossings, crossings.c.document_id == documents.c.id)
            .where((documents.c.id == document_id) & (crossings.c.host_state == principal.state))
            .limit(1)
        ).first()
        if known is None:
            raise NotFound(f"document {document_id}")
        before = dict(
            connection.execute(
                select(*(documents.c[f] for f in changes)).where(documents.c.id == document_id)
            )
            .mappings()
            .one()
        )
        connection.execute(update(documents).where(documents.c.id == document_id).values(changes))
        append_audit(connection, at=now, principal=principal.name, action="rights.rectify",
                     subject=str(document_id), purpose=evidence[:200],
                     detail={"before": before, "after": changes})  # fmt: skip
    return before
