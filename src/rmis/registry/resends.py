"""A crossing sent again with its id but different content is refused, not dropped.

A resend (a BCP that lost its connection) carries the same content and is recorded once; the
same id with another BCP, time, direction, document or outcome is a client's mistake or a
forgery, and silently keeping the first version would hide it. Compared with what the crossing
row holds as recorded: a correction is a separate event and does not change it.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from typing import Any
from uuid import UUID

from sqlalchemy import Connection, bindparam, select

from rmis.registry.model import NewCrossing, Recorded
from rmis.store import as_utc
from rmis.store.schema import crossings, documents


class ConflictingResend(ValueError):
    """A crossing id already recorded, sent again with other content."""

    code = "conflicting_resend"

    def __init__(self, crossing_id: UUID, fields: Sequence[str]) -> None:
        super().__init__(
            f"crossing {crossing_id} is already recorded with other "
            + ", ".join(fields) + ": a crossing's id is never reused; correct it instead"
        )  # fmt: skip
        self.crossing_id = crossing_id
        self.fields = tuple(fields)


STORED_RESENDS = (
    select(
        crossings.c.id,
        crossings.c.direction,
        crossings.c.bcp_code,
        crossings.c.occurred_at,
        crossings.c.purpose,
        crossings.c.outcome,
        crossings.c.refusal_reason,
        documents.c.issuing_state,
        documents.c.number,
        documents.c.document_type,
    )
    .join(documents, documents.c.id == crossings.c.document_id)
    .where(crossings.c.id.in_(bindparam("ids", expanding=True)))
)


def _value(x: object) -> object:
    return getattr(x, "value", x)


def resend_differences(row: Any, new: Mapping[str, object]) -> list[str]:
    """The fields in which a crossing sent again (`new`: direction, bcp, occurred_at, purpose,
    outcome, refusal_reason, document as (issuing_state, number, document_type)) differs from
    its recorded `row` (of STORED_RESENDS); one rule for the API and the bulk import."""
    recorded = {
        "direction": row.direction,
        "bcp": row.bcp_code,
        "occurred_at": as_utc(row.occurred_at),
        "purpose": row.purpose,
        "outcome": row.outcome,
        "refusal_reason": row.refusal_reason,
        "document": (row.issuing_state, row.number, row.document_type),
    }
    return [name for name, old in recorded.items() if old != new[name]]


def refuse_conflicting_resends(
    connection: Connection, batch: Sequence[NewCrossing], results: Sequence[Recorded]
) -> None:
    """Raise ConflictingResend for the first crossing answered as a duplicate whose content
    differs from the recorded one (in the same batch too)."""
    duplicates = [r.id for r in results if r.duplicate]
    if not duplicates:
        return
    stored = {row.id: row for row in connection.execute(STORED_RESENDS, {"ids": duplicates})}
    for crossing in batch:
        row = stored.get(crossing.id)
        if row is None:
            continue
        document = crossing.document
        differ = resend_differences(
            row,
            {
                "direction": _value(crossing.direction),
                "bcp": crossing.bcp_code,
                "occurred_at": as_utc(crossing.occurred_at),
                "purpose": _value(crossing.purpose),
                "outcome": _value(crossing.outcome),
                "refusal_reason": crossing.refusal_reason,
                "document": (document.issuing_state, document.number, document.document_type),
            },
        )
        if differ:
            raise ConflictingResend(crossing.id, differ)
