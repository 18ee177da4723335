"""The erasure run: what is due by the retention rules, and not held, leaves the record.

Per host state and traveller: the stay's end is the last exit (or the last crossing, when the
person is not present); a person overstaying now counts from the end of their lawful stay, and
anyone who overstayed (open or left late) gets the longer term. A person lawfully present is
never due. Erased: the traveller's crossings in the state (with their flags and corrections),
permits, registrations, border checks at its BCPs and alert-list hits of the state. When
nothing of the person is left in any state, their documents, links and person row go too,
unless protection data (its own rule) still names them. Each run leaves only counts (erasures)
and one audit row per state; the crossings and documents erased are listed for the warehouse
(warehouse_erasures) until it has removed them.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable
from dataclasses import dataclass
from datetime import date, datetime
from uuid import UUID

from sqlalchemy import ColumnElement, Connection, Engine, Table, delete, func, insert, select
from uuid6 import uuid7

from rmis.registry import load_timelines
from rmis.retention.holds import held_travellers
from rmis.retention.rules import RetentionRules
from rmis.security import append_audit
from rmis.stay import TravellerTimeline, find_overstays
from rmis.store import metadata
from rmis.store.schema import (
    bcps,
    checks,
    crossings,
    documents,
    erasures,
    hits,
    link_proposals,
    permits,
    person_links,
    registrations,
    travellers,
    warehouse_erasures,
)

# Tables that keep a person's documents and person row when they still name them.
_KEEPS_PERSON = ("crossings", "permits", "registrations", "checks", "hits", "referrals",
                 "protection_indicators")  # fmt: skip


@dataclass(frozen=True, slots=True)
class StateErasure:
    state: str
    travellers: int  # whose data in the state was erased
    crossings: int
    other_rows: int  # permits, registrations, checks, hits, flags, corrections, documents...
    held: int  # due, but kept by a legal hold


def add_years(day: date, years: int) -> date:
    try:
        return day.replace(year=day.year + years)
    except ValueError:  # 29 February in a year without one
        return day.replace(year=day.year + years, day=28)


def due_travellers(
    connection: Connection,
    state: str,
    rules: RetentionRules,
    schedule_for: Callable[[str], object],
    on: date,
) -> list[UUID]:
    """The travellers whose data in `state` is due for erasure on `on` (holds not applied)."""
    term = rules.of(state)
    timelines = load_timelines(connection, state)
    report = find_overstays(
        [TravellerTimeline(str(t), nat, tl) for t, (nat, tl) in timelines.items()],
        schedule_for, on,
    )  # fmt: skip
    open_until = {o.traveller: o.lawful_until for o in report.open}
    left_late = {x.traveller for x in report.late_exits}
    last_day = dict(
        connection.execute(
            select(crossings.c.traveller_id, func.max(crossings.c.local_date))
            .where(crossings.c.host_state == state)
            .group_by(crossings.c.traveller_id)
        ).all()
    )
    due = []
    for traveller, last in last_day.items():
        key = str(traveller)
        stays = timelines[traveller][1].stays if traveller in timelines else ()
        if key in open_until:
            end, years = open_until[key], term.overstay_years
        elif stays and (stays[-1].exit is None or stays[-1].exit > on):
            continue  # present, lawfully: their stay has not ended
        else:
            years = term.overstay_years if key in left_late else term.crossings_years
            end = last
        if add_years(end, years) <= on:
            due.append(traveller)
    return sorted(due)


def _dependents(table: Table) -> Iterable[tuple[Table, ColumnElement, ColumnElement]]:
    for other in metadata.sorted_tables:
        for fk in other.foreign_keys:
            if fk.column.table is table and other is not table:
                yield other, fk.parent, fk.column


def _delete(connection: Connection, table: Table, where: ColumnElement) -> int:
    """Delete rows and, first, every row that refers to them (flags, corrections, decisions)."""
    count = 0
    for other, column, referred in _dependents(table):
        count += _delete(connection, other, column.in_(select(referred).where(where)))
    return count + connection.execute(delete(table).where(where)).rowcount


def _names_anyone(connection: Connection, people: list[UUID]) -> bool:
    for name in _KEEPS_PERSON:
        table = metadata.tables.get(name)
        if (
            table is not None
            and connection.execute(
                select(func.count()).select_from(table).where(table.c.traveller_id.in_(people))
            ).scalar()
        ):
            return True
    return False


def _erase_traveller(
    connection: Connection, traveller: UUID, state: str, now: datetime
) -> tuple[int, int]:
    """Erase one traveller's data in one state; (crossings, other rows) erased."""
    mine = (crossings.c.traveller_id == traveller) & (crossings.c.host_state == state)
    ids = connection.execute(select(crossings.c.id).where(mine)).scalars().all()
    other = _delete(connection, crossings, mine) - len(ids)
    for table in (permits, registrations):
        other += _delete(
            connection, table, (table.c.traveller_id == traveller) & (table.c.host_state == state)
        )
    at_state = select(bcps.c.code).where(bcps.c.state == state)
    other += _delete(
        connection, checks, (checks.c.traveller_id == traveller) & checks.c.bcp_code.in_(at_state)
    )
    other += _delete(
        connection, hits, (hits.c.traveller_id == traveller) & (hits.c.host_state == state)
    )
    erased_documents: list[UUID] = []
    people = [traveller, *connection.execute(
        select(travellers.c.id).where(travellers.c.merged_into == traveller)
    ).scalars()]  # fmt: skip
    if not _names_anyone(connection, people):
        docs = select(documents.c.id).where(documents.c.traveller_id.in_(people))
        erased_documents = connection.execute(docs).scalars().all()
        other += _delete(
            connection, link_proposals,
            link_proposals.c.document_id.in_(docs) | link_proposals.c.candidate_id.in_(docs),
        )  # fmt: skip
        other += _delete(
            connection, person_links,
            person_links.c.traveller_id.in_(people)
            | person_links.c.previous_traveller_id.in_(people)
            | person_links.c.document_id.in_(docs),
        )  # fmt: skip
        other += _delete(connection, documents, documents.c.traveller_id.in_(people))
        merged = [p for p in people if p != traveller]
        if merged:
            other += _delete(connection, travellers, travellers.c.id.in_(merged))
        other += _delete(connection, travellers, travellers.c.id == traveller)
    pending = [{"kind": "crossing", "erased_id": i, "erased_at": now} for i in ids] + [
        {"kind": "document", "erased_id": d, "erased_at": now} for d in erased_documents
    ]
    if pending:
        connection.execute(insert(warehouse_erasures), pending)
    return len(ids), other


def run_retention(
    engine: Engine,
    rules: RetentionRules,
    schedule_for_state: Callable[[str], Callable[[str], object]],
    on: date,
    now: datetime,
    *,
    states: Iterable[str] | None = None,
    by: str = "rmis retention run",
) -> list[StateErasure]:
    """Erase what is due on `on` in every state (or those named), one transaction a state."""
    with engine.connect() as connection:
        every = connection.execute(select(bcps.c.state).distinct()).scalars().all()
    results = []
    for state in sorted(states or every):
        with engine.begin() as connection:
            due = due_travellers(connection, state, rules, schedule_for_state(state), on)
            held = held_travellers(connection, state)
            erased = [t for t in due if t not in held]
            counts = [_erase_traveller(connection, t, state, now) for t in erased]
            result = StateErasure(
                state, len(erased), sum(c for c, _ in counts), sum(o for _, o in counts),
                len(due) - len(erased),
            )  # fmt: skip
            connection.execute(
                insert(erasures).values(
                    id=uuid7(), run_at=now, on_day=on, state=state, travellers=result.travellers,
                    crossings=result.crossings, other_rows=result.other_rows, held=result.held,
                )
            )  # fmt: skip
            append_audit(
                connection, at=now, principal=by, action="retention.erase", subject=state,
                purpose="retention by law",
                detail={"on": on, "travellers": result.travellers, "crossings": result.crossings,
                        "other_rows": result.other_rows, "held": result.held,
                        "terms": [rules.of(state).crossings_years,
                                  rules.of(state).overstay_years]},
            )  # fmt: skip
        results.append(result)
    return results
