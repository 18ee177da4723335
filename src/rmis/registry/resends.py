"""A crossing sent again with its id but different content is refused, not dropped.

A resend (a BCP that lost its connection) carries the same content and is recorded once; the
same id with another BCP, time, direction, document or outcome is a client's mistake or a
forgery, and silently keeping the first version would hide it. Compared with what the crossing
row holds as recorded: a correction is a separate event and does not change it.
"""

from __future__ import annotations

from collections.abc import Sequence
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


_STORED = (
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


def refuse_conflicting_resends(
    connection: Connection, batch: Sequence[NewCrossing], results: Sequence[Recorded]
) -> None:
    """Raise ConflictingResend for the first crossing answered as a duplicate whose content
    differs from the recorded one (in the same batch too)."""
    duplicates = [r.id for r in results if r.duplicate]
    if not duplicates:
        return
    stored = {row.id: row for row in connection.execute(_STORED, {"ids": duplicates})}
    for crossing in batch:
        row = stored.get(crossing.id)
        if row is None:
            continue
        document = crossing.document
        pairs = {
            "direction": (row.direction, _value(crossing.direction)),
            "bcp": (row.bcp_code, crossing.bcp_code),
            "occurred_at": (as_utc(row.occurred_at), as_utc(crossing.occurred_at)),
            "purpose": (row.purpose, _value(crossing.purpose)),
            "outcome": (row.outcome, _value(crossing.outcome)),
            "refusal_reason": (row.refusal_reason, crossing.refusal_reason),
            "document": (
                (row.issuing_state, row.number, row.document_type),
                (document.issuing_state, document.number, document.document_type),
            ),
        }
        differ = [name for name, (old, new) in pairs.items() if old != new]
        if differ:
            raise ConflictingResend(crossing.id, differ)
