"""Recording crossings: once each, with the data problems they show, audited.

A crossing's id is made where it is captured, so a batch that is sent again (a BCP that lost its
connection, an import that was killed) records nothing twice. Data problems are flagged, not
rejected; only a crossing that cannot be understood (unknown BCP, naive time...) is refused.
"""

from __future__ import annotations

from collections.abc import Sequence
from datetime import datetime
from uuid import UUID
from zoneinfo import ZoneInfo

from sqlalchemy import Connection, Engine, insert, select
from uuid6 import uuid7

from rmis.registry.model import (
    DocumentSeen,
    Flag,
    InvalidCrossing,
    NewCrossing,
    Outcome,
    Recorded,
)
from rmis.registry.schema import (
    bcps,
    crossing_flags,
    crossings,
    documents,
    refusal_reasons,
    travellers,
)
from rmis.security.audit import append_audit
from rmis.security.principals import Principal


def _validate(crossing: NewCrossing, known_reasons: set[str]) -> None:
    if crossing.occurred_at.tzinfo is None:
        raise InvalidCrossing("occurred_at", "naive_time", "occurred_at must carry a UTC offset")
    if crossing.outcome is Outcome.REFUSED and crossing.refusal_reason not in known_reasons:
        raise InvalidCrossing(
            "refusal_reason",
            "unknown_refusal_reason",
            f"a refusal needs one of the reason codes {sorted(known_reasons)}, "
            f"not {crossing.refusal_reason!r}",
        )
    if crossing.outcome is Outcome.ADMITTED and crossing.refusal_reason is not None:
        raise InvalidCrossing(
            "refusal_reason", "reason_without_refusal", "an admitted crossing has no refusal reason"
        )


def _document_ids(connection: Connection, seen: DocumentSeen, now: datetime) -> tuple[UUID, UUID]:
    """(document id, traveller id): the known document, or a new one with a new traveller."""
    key = (
        (documents.c.issuing_state == seen.issuing_state)
        & (documents.c.number == seen.number)
        & (documents.c.document_type == seen.document_type)
    )
    row = connection.execute(select(documents.c.id, documents.c.traveller_id).where(key)).first()
    if row is not None:
        return row.id, row.traveller_id
    traveller_id, document_id = uuid7(), uuid7()
    connection.execute(insert(travellers).values(id=traveller_id, created_at=now))
    connection.execute(
        insert(documents).values(
            id=document_id,
            issuing_state=seen.issuing_state,
            number=seen.number,
            document_type=seen.document_type,
            traveller_id=traveller_id,
            surname=seen.surname,
            given_names=seen.given_names,
            nationality=seen.nationality,
            birth_date=seen.birth_date,
            sex=seen.sex,
            expiry_date=seen.expiry_date,
            first_seen_at=now,
        )
    )
    return document_id, traveller_id


def _presence_flags(
    connection: Connection, crossing: NewCrossing, traveller_id: UUID, host_state: str
) -> list[Flag]:
    if crossing.outcome is not Outcome.ADMITTED:
        return []
    last_direction = connection.execute(
        select(crossings.c.direction)
        .where(
            (crossings.c.traveller_id == traveller_id)
            & (crossings.c.host_state == host_state)
            & (crossings.c.outcome == Outcome.ADMITTED.value)
            & (crossings.c.occurred_at < crossing.occurred_at)
        )
        .order_by(crossings.c.occurred_at.desc())
        .limit(1)
    ).scalar()
    if crossing.direction == "entry" and last_direction == "entry":
        return [Flag.ENTRY_WHILE_INSIDE]
    if crossing.direction == "exit" and last_direction != "entry":
        return [Flag.EXIT_WITHOUT_ENTRY]
    return []


def record_crossings(
    engine: Engine,
    principal: Principal,
    batch: Sequence[NewCrossing],
    *,
    now: datetime,
    purpose: str = "record crossing",
) -> list[Recorded]:
    """Record a batch in one transaction, in the order given; all or nothing.

    Raises InvalidCrossing (nothing written) when any crossing cannot be understood, and
    AccessDenied when the principal may not record at one of the BCPs.
    """
    with engine.begin() as connection:
        codes = {c.bcp_code for c in batch}
        bcp_rows = {
            row.code: row
            for row in connection.execute(
                select(bcps.c.code, bcps.c.state, bcps.c.mode, bcps.c.time_zone).where(
                    bcps.c.code.in_(codes)
                )
            )
        }
        known_reasons = set(connection.execute(select(refusal_reasons.c.code)).scalars())
        for crossing in batch:
            if crossing.bcp_code not in bcp_rows:
                raise InvalidCrossing(
                    "bcp", "unknown_bcp", f"no BCP with code {crossing.bcp_code!r}"
                )
            _validate(crossing, known_reasons)
            bcp = bcp_rows[crossing.bcp_code]
            principal.require_recording_at(bcp.code, bcp.state)

        already = set(
            connection.execute(
                select(crossings.c.id).where(crossings.c.id.in_([c.id for c in batch]))
            ).scalars()
        )
        results: list[Recorded] = []
        for crossing in batch:
            if crossing.id in already:
                results.append(Recorded(id=crossing.id, seq=None, duplicate=True))
                continue
            already.add(crossing.id)
            results.append(
                _record_one(connection, principal, crossing, bcp_rows[crossing.bcp_code], now)
            )
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
            },
        )
    return results


def _record_one(
    connection: Connection, principal: Principal, crossing: NewCrossing, bcp, now: datetime
) -> Recorded:
    local_date = crossing.occurred_at.astimezone(ZoneInfo(bcp.time_zone)).date()
    document_id, traveller_id = _document_ids(connection, crossing.document, now)
    flags = _presence_flags(connection, crossing, traveller_id, bcp.state)
    if not crossing.document.mrz_valid:
        flags.append(Flag.DOCUMENT_INVALID)
    expiry = crossing.document.expiry_date
    if expiry is not None and expiry < local_date:
        flags.append(Flag.DOCUMENT_EXPIRED)
    seq = connection.execute(
        insert(crossings)
        .values(
            id=crossing.id,
            direction=crossing.direction.value,
            bcp_code=bcp.code,
            host_state=bcp.state,
            occurred_at=crossing.occurred_at,
            local_date=local_date,
            document_id=document_id,
            traveller_id=traveller_id,
            nationality=crossing.document.nationality,
            purpose=crossing.purpose.value,
            mode=bcp.mode,
            outcome=crossing.outcome.value,
            refusal_reason=crossing.refusal_reason,
            officer=principal.name,
            mrz_valid=crossing.document.mrz_valid,
            recorded_at=now,
        )
        .returning(crossings.c.seq)
    ).scalar_one()
    if flags:
        connection.execute(
            insert(crossing_flags), [{"crossing_seq": seq, "flag": f.value} for f in flags]
        )
    return Recorded(
        id=crossing.id, seq=seq, duplicate=False, local_date=local_date, flags=tuple(flags)
    )
