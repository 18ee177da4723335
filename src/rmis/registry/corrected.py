"""Crossings as corrected: the recorded rows with their corrections applied, for every reader.

A crossing is never updated in place; corrections point at it (registry/corrections.py records
them). Whoever reads crossings (histories, stay timelines, the warehouse export) passes the rows
it read through `crossings_as_corrected`, or, holding the corrections already,
`apply_corrections`, so that every reader sees the same corrected record.
"""

from __future__ import annotations

from collections.abc import Collection, Iterable, Mapping, Sequence
from dataclasses import dataclass
from datetime import UTC, date, datetime
from enum import StrEnum
from typing import Any
from uuid import UUID

from sqlalchemy import ColumnElement, Connection, select

from rmis.store.schema import corrections, crossings, documents


class CorrectionKind(StrEnum):
    AMEND = "amend"  # some recorded values were wrong: `changes` holds the right ones
    VOID = "void"  # the crossing did not happen (recorded twice, wrong person...)


@dataclass(frozen=True, slots=True)
class Correction:
    id: UUID
    seq: int
    crossing_id: UUID
    kind: CorrectionKind
    # Crossing column -> its corrected value, as JSON: times and dates as ISO 8601 text (UTC).
    changes: dict[str, Any]
    reason: str
    officer: str
    recorded_at: datetime
    duplicate: bool = False  # set by correct_crossing when this id had been recorded before


# Ids per query when loading corrections by crossing id: well under every driver's limit.
_IDS_PER_QUERY = 5_000
_DECODERS = {"occurred_at": datetime.fromisoformat, "local_date": date.fromisoformat}


def correction_of_row(row: Mapping[str, Any], *, duplicate: bool = False) -> Correction:
    recorded_at = row["recorded_at"]
    return Correction(
        id=row["id"],
        seq=row["seq"],
        crossing_id=row["crossing_id"],
        kind=CorrectionKind(row["kind"]),
        changes=row["changes"],
        reason=row["reason"],
        officer=row["officer"],
        # SQLite hands back naive UTC times, PostgreSQL aware ones: give both the same.
        recorded_at=recorded_at.replace(tzinfo=UTC) if recorded_at.tzinfo is None else recorded_at,
        duplicate=duplicate,
    )


def load_corrections(
    connection: Connection, crossings_where: ColumnElement[bool]
) -> dict[UUID, list[Correction]]:
    """Crossing id -> its corrections in the order they were recorded, for the crossings
    matching `crossings_where` (a condition on the crossings table)."""
    query = (
        select(corrections)
        .join(crossings, crossings.c.id == corrections.c.crossing_id)
        .where(crossings_where)
        .order_by(corrections.c.seq)
    )
    found: dict[UUID, list[Correction]] = {}
    for row in connection.execute(query).mappings():
        found.setdefault(row["crossing_id"], []).append(correction_of_row(row))
    return found


def corrections_of(connection: Connection, ids: Collection[UUID]) -> dict[UUID, list[Correction]]:
    """Crossing id -> its corrections, oldest first, for the given crossing ids."""
    unique = list(set(ids))
    found: dict[UUID, list[Correction]] = {}
    for start in range(0, len(unique), _IDS_PER_QUERY):
        chunk = unique[start : start + _IDS_PER_QUERY]
        found.update(load_corrections(connection, crossings.c.id.in_(chunk)))
    return found


def _decode(column: str, value: Any, naive: bool) -> Any:
    decode = _DECODERS.get(column)
    if decode is None or value is None:
        return value
    decoded = decode(value)
    if naive and isinstance(decoded, datetime):
        # SQLite hands back naive UTC times: keep the row comparable with its neighbours.
        return decoded.astimezone(UTC).replace(tzinfo=None)
    return decoded


def apply_corrections(row: Mapping[str, Any], fixes: Sequence[Correction]) -> dict[str, Any]:
    """The row as corrected by `fixes` (oldest first), plus `voided` and `corrections`.

    Only columns the row carries are amended: a caller selects the columns it needs
    (`local_date` with `occurred_at`, `mode` with `bcp_code`).
    """
    corrected = dict(row)
    naive = isinstance(row.get("occurred_at"), datetime) and row["occurred_at"].tzinfo is None
    voided = False
    for fix in fixes:
        if fix.kind is CorrectionKind.VOID:
            voided = True
            continue
        for column, value in fix.changes.items():
            if column in corrected:
                corrected[column] = _decode(column, value, naive)
    corrected["voided"] = voided
    corrected["corrections"] = list(fixes)
    return corrected


def crossings_as_corrected(
    connection: Connection, rows: Iterable[Mapping[str, Any]]
) -> list[dict[str, Any]]:
    """Each crossing row (a mapping with at least `id`) as corrected, in the order given.

    Every result carries `voided` (True: the crossing is void and must not count) and
    `corrections` (the Correction objects applied, oldest first). Voided rows are kept so a
    history can show them; counters drop them. An amended `occurred_at` can change the
    order: callers that need time order sort again.
    """
    rows = list(rows)
    found = corrections_of(connection, [row["id"] for row in rows])
    return [apply_corrections(row, found.get(row["id"], ())) for row in rows]


def corrected_history(
    connection: Connection, traveller_id: UUID, host_state: str, *columns: ColumnElement[Any]
) -> list[dict[str, Any]]:
    """The traveller's crossings in `host_state` as corrected, in time order (occurred_at,
    seq), voided ones kept and marked. `columns` come from crossings or the crossing's
    document and include at least crossings' id, seq and occurred_at."""
    rows = connection.execute(
        select(*columns)
        .join(documents, documents.c.id == crossings.c.document_id)
        .where((crossings.c.traveller_id == traveller_id) & (crossings.c.host_state == host_state))
    ).mappings()
    return sorted(
        crossings_as_corrected(connection, rows), key=lambda c: (c["occurred_at"], c["seq"])
    )
