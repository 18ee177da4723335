"""Recording crossings through the API: once each, with their data problems, audited.

A crossing's id is made where it is captured, so a batch that is sent again (a BCP that lost its
connection) records nothing twice, even when the copies arrive at the same moment: the one that
loses the race on the unique id (or on a new document's key) is rolled back and run again, and
then finds the crossing recorded, as a copy sent later would. Data problems are flagged, not
rejected; only a crossing that cannot be understood (unknown BCP, naive time...) is refused, and
with it its batch.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from datetime import datetime
from uuid import UUID

from sqlalchemy import Connection, Engine, bindparam, select
from sqlalchemy.exc import IntegrityError

from rmis.persons import Linker
from rmis.protection import guard_return
from rmis.registry.checks import tie_checks
from rmis.registry.model import NewCrossing, Outcome, Recorded
from rmis.registry.record_one import write_one
from rmis.registry.recording import (
    ReferenceFacts,
    ToRecord,
    already_recorded,
    check_crossing,
    load_reference_facts,
    write_crossings,
)
from rmis.registry.resends import refuse_conflicting_resends
from rmis.security import Principal, append_audit
from rmis.store import run_on_fresh_connection
from rmis.store.schema import crossings


def _write_batch(
    connection: Connection,
    principal: Principal,
    batch: Sequence[NewCrossing],
    reference: ReferenceFacts,
    now: datetime,
    linker: Linker | None,
) -> list[Recorded]:
    seen = already_recorded(connection, [c.id for c in batch])
    fresh: list[ToRecord] = []
    for crossing in batch:
        if crossing.id not in seen:
            seen.add(crossing.id)
            fresh.append(ToRecord(crossing, principal.name))
    written = {r.id: r for r in write_crossings(connection, fresh, reference.bcps, now, linker)}
    return [
        written.pop(c.id) if c.id in written else Recorded(id=c.id, seq=None, duplicate=True)
        for c in batch
    ]


# The unique keys a concurrent copy of the same submission can collide on. Any other integrity
# error is a defect and is raised.
_RACE_CONSTRAINTS = frozenset(
    {"uq_crossings_id", "uq_documents_issuing_state_number_document_type"}
)
_RACE_MESSAGES = (
    "UNIQUE constraint failed: crossings.id",
    "UNIQUE constraint failed: documents.issuing_state, documents.number, documents.document_type",
)
# Each attempt sees everything committed before it, so one retry is what a pair of copies
# needs; a few allow for more copies (or new documents) arriving together.
_ATTEMPTS = 4


def _lost_a_race(error: IntegrityError) -> bool:
    """Whether a concurrent transaction recorded the same crossing or document first."""
    diag = getattr(error.orig, "diag", None)  # psycopg names the constraint
    if diag is not None:
        return diag.constraint_name in _RACE_CONSTRAINTS
    return str(error.orig) in _RACE_MESSAGES  # sqlite3 names the columns


def record_crossings(
    engine: Engine,
    principal: Principal,
    batch: Sequence[NewCrossing],
    *,
    now: datetime,
    purpose: str = "record crossing",
    reference: ReferenceFacts | None = None,
    linker: Linker | None = None,
    check_ids: Mapping[UUID, UUID] | None = None,
) -> list[Recorded]:
    """Record a batch in one transaction, in the order given; all or nothing.

    Raises InvalidRecord (nothing written) when any crossing cannot be understood, and
    AccessDenied when the principal may not record at one of the BCPs. A long-running caller
    passes `reference` loaded once, to spare two queries per call. Documents not seen before
    are linked to their person in the same transaction, by `linker` (default: the model in
    force, persons.current_linker). `check_ids` names, by crossing id, the border check each
    followed (POST /checks): it must be the principal's own, at the crossing's BCP, and the
    audit row of the recording names it.
    """

    def record() -> list[Recorded]:
        for _ in range(_ATTEMPTS - 1):
            try:
                return _record(engine, principal, batch, now, purpose, reference, linker, check_ids)
            except IntegrityError as error:
                if not _lost_a_race(error):
                    raise
        return _record(engine, principal, batch, now, purpose, reference, linker, check_ids)

    # Replayable: run again after a lost connection, it records nothing twice, and had the commit
    # gone through before the connection was lost, it finds the crossings recorded.
    return run_on_fresh_connection(record, replayable=True)


_TRAVELLERS_OF = select(crossings.c.traveller_id).where(
    crossings.c.id.in_(bindparam("ids", expanding=True))
)


def _guard_refusals(
    connection: Connection, batch: Sequence[NewCrossing], results: list[Recorded]
) -> None:
    """Non-refoulement: a refusal of entry of a person whose asylum claim is pending is not
    recorded (NonRefoulement rolls the whole batch back). Judged once the crossings are linked
    to their people, so a new passport of someone with a pending claim is caught too."""
    new = {r.id for r in results if not r.duplicate}
    refused = [c.id for c in batch if c.outcome is Outcome.REFUSED and c.id in new]
    if refused:
        people = connection.execute(_TRAVELLERS_OF, {"ids": refused}).scalars().all()
        guard_return(connection, people, "refusal of entry")


def _record(
    engine: Engine,
    principal: Principal,
    batch: Sequence[NewCrossing],
    now: datetime,
    purpose: str,
    reference: ReferenceFacts | None,
    linker: Linker | None,
    check_ids: Mapping[UUID, UUID] | None,
) -> list[Recorded]:
    with engine.begin() as connection:
        if reference is None:
            reference = load_reference_facts(connection)
        for crossing in batch:
            bcp = check_crossing(crossing, reference, now)
            principal.require_recording_at(bcp.code, bcp.state)
        checks = tie_checks(connection, principal, batch, check_ids) if check_ids else {}
        if len(batch) == 1:
            [crossing] = batch
            bcp = reference.bcps[crossing.bcp_code]
            item = ToRecord(crossing, principal.name)
            results = [write_one(connection, item, bcp, now, linker)]
        else:
            results = _write_batch(connection, principal, batch, reference, now, linker)
        refuse_conflicting_resends(connection, batch, results)
        _guard_refusals(connection, batch, results)
        append_audit(
            connection,
            at=now,
            principal=principal.name,
            action="crossings.record",
            subject=",".join(str(r.id) for r in results if not r.duplicate) or "-",
            purpose=purpose,
            detail={
                "recorded": sum(not r.duplicate for r in results),
                "duplicates": sum(r.duplicate for r in results),
                **({"check_ids": checks} if checks else {}),
            },
        )
    return results
