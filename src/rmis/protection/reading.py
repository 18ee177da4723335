"""The crossings group patterns read, from the record (admitted crossings with the names and
birth date of their document), and the patterns about one person for the check."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime, timedelta
from uuid import UUID

from sqlalchemy import Connection, Engine, and_, delete, insert, or_, select

from rmis.protection.patterns import MAX_PARTY, PARTY_GAP, GroupPattern, Seen, find_patterns
from rmis.security import append_audit
from rmis.store import as_utc
from rmis.store.schema import crossings, documents, group_patterns

_SEEN = select(
    crossings.c.traveller_id, crossings.c.bcp_code, crossings.c.direction,
    crossings.c.occurred_at, crossings.c.officer, documents.c.surname, documents.c.birth_date,
).join(documents, documents.c.id == crossings.c.document_id).where(
    crossings.c.outcome == "admitted"
)  # fmt: skip
# How far around a person's entry their party can reach.
_REACH = PARTY_GAP * MAX_PARTY


def _seen(rows) -> list[Seen]:
    return [
        Seen(r.traveller_id, r.bcp_code, r.direction, as_utc(r.occurred_at), r.officer,
             r.surname, r.birth_date)
        for r in rows
    ]  # fmt: skip


def seen_crossings(
    connection: Connection, host_state: str, since: datetime, until: datetime
) -> list[Seen]:
    """Every admitted crossing of the host state in [since, until)."""
    query = _SEEN.where(
        (crossings.c.host_state == host_state)
        & (crossings.c.occurred_at >= since)
        & (crossings.c.occurred_at < until)
    )
    return _seen(connection.execute(query))


def patterns_about(
    connection: Connection, traveller_id: UUID, host_state: str, now: datetime,
    years: float = 1.0,
) -> list[GroupPattern]:  # fmt: skip
    """The patterns about this person in the last `years`: their entries' parties, and the
    exits of everyone in them, are all the patterns need."""
    since = now - timedelta(days=round(365 * years))
    own = _seen(connection.execute(_SEEN.where(
        (crossings.c.traveller_id == traveller_id) & (crossings.c.host_state == host_state)
        & (crossings.c.occurred_at >= since)
    )))  # fmt: skip
    entries = [c for c in own if c.direction == "entry"]
    if not entries:
        return []
    near = or_(*(
        and_(crossings.c.bcp_code == c.bcp, crossings.c.officer == c.officer,
             crossings.c.direction == "entry",
             crossings.c.occurred_at.between(c.at - _REACH, c.at + _REACH))
        for c in entries[-50:]
    ))  # fmt: skip
    around = _seen(connection.execute(_SEEN.where(near)))
    people = list({c.traveller for c in around} - {traveller_id})
    exits: list[Seen] = []
    for start in range(0, len(people), 500):
        exits += _seen(connection.execute(_SEEN.where(
            crossings.c.traveller_id.in_(people[start:start + 500])
            & (crossings.c.direction == "exit") & (crossings.c.occurred_at >= since)
        )))  # fmt: skip
    seen = {(c.traveller, c.at, c.direction): c for c in [*own, *around, *exits]}
    found = find_patterns(list(seen.values()))
    return [p for p in found if p.traveller == traveller_id]


@dataclass(frozen=True, slots=True)
class PatternRun:
    crossings: int
    found: dict[str, int]  # kind -> people


def find_group_patterns(
    engine: Engine, host_state: str, *, now: datetime, years: float = 1.0,
    by: str = "rmis protection patterns",
) -> PatternRun:  # fmt: skip
    """Find the state's group patterns in the last `years` of crossings and keep them for the
    check (group_patterns, replaced whole), audited. The crossings are held in memory: a
    year of one state's admitted crossings."""
    since = now - timedelta(days=round(365 * years))
    with engine.begin() as connection:
        seen = seen_crossings(connection, host_state, since, now)
        found = find_patterns(seen)
        connection.execute(delete(group_patterns).where(group_patterns.c.host_state == host_state))
        rows = [
            {"traveller_id": p.traveller, "host_state": host_state, "kind": p.kind,
             "parties": [{"bcp": party.bcp, "at": party.at.isoformat(),
                          "people": len(party.members) - 1} for party in p.parties],
             "found_at": now}
            for p in found
        ]  # fmt: skip
        if rows:
            connection.execute(insert(group_patterns), rows)
        kinds: dict[str, int] = {}
        for p in found:
            kinds[p.kind] = kinds.get(p.kind, 0) + 1
        append_audit(connection, at=now, principal=by, action="protection.patterns",
                     subject=host_state, purpose="group patterns for the border check",
                     detail={"crossings": len(seen), "found": kinds})  # fmt: skip
    return PatternRun(len(seen), kinds)


def stored_patterns(connection: Connection, traveller_ids, host_state: str) -> list[dict]:
    """The patterns the last run found about these ids (a list, or a SELECT of them: a person
    and the ids merged into it)."""
    query = (
        select(group_patterns.c.kind, group_patterns.c.parties, group_patterns.c.found_at)
        .where(group_patterns.c.traveller_id.in_(traveller_ids))
        .where(group_patterns.c.host_state == host_state)
    )
    return [
        {"kind": r.kind, "parties": len(r.parties),
         "dates": [p["at"][:10] for p in r.parties],
         "found_at": as_utc(r.found_at).isoformat()}
        for r in connection.execute(query)
    ]  # fmt: skip
