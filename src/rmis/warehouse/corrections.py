"""Crossings as corrected: the `corrections` table's amendments and voids, applied in order.

A correction is a new event pointing at the crossing it corrects (kind `amend` with the
changed fields in `changes`, or `void`); the crossing itself is never updated. Fields that
follow from others are derived again: a new BCP gives a new host state and mode, a new BCP or
time a new local date.
"""

from __future__ import annotations

from collections import defaultdict
from dataclasses import dataclass
from datetime import UTC, date, datetime
from typing import Any
from zoneinfo import ZoneInfo

from sqlalchemy import Connection, select

from rmis.registry.schema import corrections

# Fields of a crossing an amendment may change, under the names the warehouse uses.
AMENDABLE = {
    "direction": "direction",
    "bcp": "bcp_code",
    "bcp_code": "bcp_code",
    "occurred_at": "occurred_at",
    "local_date": "local_date",
    "nationality": "nationality",
    "purpose": "purpose",
    "outcome": "outcome",
    "refusal_reason": "refusal_reason",
}


@dataclass(frozen=True, slots=True)
class Correction:
    seq: int
    kind: str  # amend | void
    changes: dict[str, Any]


@dataclass(frozen=True, slots=True)
class BcpPlace:
    state: str
    mode: str
    neighbour: str | None
    time_zone: str


def load_corrections(connection: Connection) -> dict[str, list[Correction]]:
    """Every correction by the id (text) of the crossing it corrects, oldest first."""
    by_crossing: dict[str, list[Correction]] = defaultdict(list)
    query = select(
        corrections.c.seq, corrections.c.crossing_id, corrections.c.kind, corrections.c.changes
    ).order_by(corrections.c.seq)
    for seq, crossing_id, kind, changes in connection.execute(query):
        by_crossing[str(crossing_id)].append(Correction(seq, kind, dict(changes or {})))
    return dict(by_crossing)


def apply_corrections(
    row: dict[str, Any], history: list[Correction], bcps: dict[str, BcpPlace]
) -> dict[str, Any] | None:
    """The warehouse row as corrected by `history`, or None when the crossing was voided."""
    row = dict(row)
    for correction in history:
        if correction.kind == "void":
            return None
        changed = {AMENDABLE[k]: v for k, v in correction.changes.items() if k in AMENDABLE}
        if "occurred_at" in changed:
            changed["occurred_at"] = _utc(changed["occurred_at"])
        if "local_date" in changed:
            changed["local_date"] = date.fromisoformat(str(changed["local_date"]))
        row.update(changed)
        if "bcp_code" in changed:
            place = bcps[row["bcp_code"]]
            row.update(host_state=place.state, mode=place.mode, neighbour=place.neighbour)
        if ("bcp_code" in changed or "occurred_at" in changed) and "local_date" not in changed:
            zone = ZoneInfo(bcps[row["bcp_code"]].time_zone)
            row["local_date"] = row["occurred_at"].astimezone(zone).date()
        row["corrected"] = True
    return row


def _utc(value: Any) -> datetime:
    moment = value if isinstance(value, datetime) else datetime.fromisoformat(str(value))
    return moment.replace(tzinfo=UTC) if moment.tzinfo is None else moment.astimezone(UTC)
