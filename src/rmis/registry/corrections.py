"""Correcting a recorded crossing: a new event that amends or voids it, checked and audited.

What an amendment may change is what the officer saw and keyed at the BCP: `direction`,
`occurred_at`, `bcp`, `purpose`, `outcome` and `refusal_reason`. The crossing as amended is
checked as a new crossing would be (`check_crossing`), and its `local_date` and `mode`, which
follow from the time and the BCP, are stored with the amendment. So an amendment cannot move a
crossing later than now (beyond the clock skew recording allows: `future_crossing`), and a
crossing whose document carries a state code the record does not take (recorded before codes
were checked) cannot be amended, only voided and recorded again on its right document.

Not amendable, on purpose:
- the document (and with it the traveller and nationality): a crossing recorded on the wrong
  document is voided and recorded again on the right one, so links between documents and
  travellers are only ever made by recording;
- the host state: an amended BCP must be in the same state, because a state corrects only its
  own record.

After a correction the data-problem flags of the traveller's crossings in that state are judged
again on the record as corrected (reflag.py).

Who may correct: a supervisor of the crossing's host state, or a border officer posted at its
BCP (and at the new BCP, when the amendment moves it). Analysts and auditors may not.
"""

from __future__ import annotations

from collections.abc import Iterator, Mapping
from contextlib import contextmanager
from datetime import UTC, datetime
from enum import StrEnum
from typing import Any, TypeVar
from uuid import UUID
from zoneinfo import ZoneInfo

from sqlalchemy import Connection, Engine, insert, select
from uuid6 import uuid7

from rmis.protection import guard_return
from rmis.registry.corrected import (
    Correction,
    CorrectionKind,
    apply_corrections,
    correction_of_row,
    load_corrections,
)
from rmis.registry.model import (
    Direction,
    DocumentSeen,
    InvalidRecord,
    NewCrossing,
    Outcome,
    Purpose,
)
from rmis.registry.reads import NotFound
from rmis.registry.recording import ReferenceFacts, check_crossing, load_reference_facts
from rmis.registry.reflag import rejudge_flags
from rmis.security import RECORDING_ROLES, Principal, append_audit
from rmis.store import as_utc
from rmis.store.schema import corrections, crossings, documents

AMENDABLE = ("direction", "occurred_at", "bcp", "purpose", "outcome", "refusal_reason")
MAX_REASON_LENGTH = 2_000
E = TypeVar("E", bound=StrEnum)


class CorrectionConflict(Exception):
    """The correction cannot apply to the crossing as it now stands (voided, id reused)."""

    def __init__(self, code: str, message: str) -> None:
        super().__init__(message)
        self.code = code


_CROSSING_WITH_DOCUMENT = select(
    crossings.c.id,
    crossings.c.seq,
    crossings.c.direction,
    crossings.c.bcp_code,
    crossings.c.host_state,
    crossings.c.traveller_id,
    crossings.c.occurred_at,
    crossings.c.local_date,
    crossings.c.purpose,
    crossings.c.mode,
    crossings.c.outcome,
    crossings.c.refusal_reason,
    crossings.c.mrz_valid,
    documents.c.issuing_state,
    documents.c.number,
    documents.c.document_type,
    documents.c.surname,
    documents.c.given_names,
    documents.c.nationality,
    documents.c.birth_date,
    documents.c.sex,
    documents.c.expiry_date,
).join(documents, documents.c.id == crossings.c.document_id)
_CORRECTION_BY_ID = select(corrections)
_INSERT_CORRECTION = insert(corrections)


@contextmanager
def _transaction(db: Engine | Connection) -> Iterator[Connection]:
    """A connection in a transaction: the caller's own, or a new one committed on success."""
    if isinstance(db, Connection):
        yield db
        return
    with db.begin() as connection:
        yield connection


def _enum_value(enum: type[E], field_name: str, value: object) -> E:
    try:
        return enum(value)
    except ValueError:
        allowed = ", ".join(member.value for member in enum)
        raise InvalidRecord(
            field_name, "invalid_value", f"{field_name} must be one of {allowed}, not {value!r}"
        ) from None


def _parse_kind(kind: CorrectionKind | str) -> CorrectionKind:
    return _enum_value(CorrectionKind, "kind", kind)


def _check_reason(reason: str) -> str:
    reason = reason.strip() if isinstance(reason, str) else ""
    if not reason:
        raise InvalidRecord("reason", "reason_required", "a correction says why it is made")
    if len(reason) > MAX_REASON_LENGTH:
        raise InvalidRecord(
            "reason", "reason_too_long", f"a reason has at most {MAX_REASON_LENGTH} characters"
        )
    return reason


def _proposed_crossing(current: Mapping[str, Any], changes: Mapping[str, Any]) -> NewCrossing:
    """The crossing as it would be recorded with `changes`, for the checks of a new one."""
    unknown = sorted(set(changes) - set(AMENDABLE))
    if unknown:
        raise InvalidRecord(
            unknown[0],
            "not_amendable",
            f"{unknown[0]!r} cannot be amended; amendable: {', '.join(AMENDABLE)}. "
            "A crossing on the wrong document is voided and recorded again.",
        )
    occurred_at = changes.get("occurred_at", as_utc(current["occurred_at"]))
    if not isinstance(occurred_at, datetime):
        raise InvalidRecord("occurred_at", "invalid_value", "occurred_at must be a date and time")
    bcp_code = changes.get("bcp", current["bcp_code"])
    if not isinstance(bcp_code, str):
        raise InvalidRecord("bcp", "unknown_bcp", f"no BCP with code {bcp_code!r}")
    refusal_reason = changes.get("refusal_reason", current["refusal_reason"])
    if refusal_reason is not None and not isinstance(refusal_reason, str):
        raise InvalidRecord("refusal_reason", "invalid_value", "refusal_reason must be a code")
    return NewCrossing(
        id=current["id"],
        direction=_enum_value(
            Direction, "direction", changes.get("direction", current["direction"])
        ),
        bcp_code=bcp_code,
        occurred_at=occurred_at,
        document=DocumentSeen(
            issuing_state=current["issuing_state"],
            number=current["number"],
            document_type=current["document_type"],
            surname=current["surname"],
            given_names=current["given_names"],
            nationality=current["nationality"],
            birth_date=current["birth_date"],
            sex=current["sex"],
            expiry_date=current["expiry_date"],
            mrz_valid=current["mrz_valid"],
        ),
        purpose=_enum_value(Purpose, "purpose", changes.get("purpose", current["purpose"])),
        outcome=_enum_value(Outcome, "outcome", changes.get("outcome", current["outcome"])),
        refusal_reason=refusal_reason,
    )


def _amendment(
    current: Mapping[str, Any],
    changes: Mapping[str, Any],
    principal: Principal,
    reference: ReferenceFacts,
    now: datetime,
) -> dict[str, Any]:
    """Crossing column -> new value (JSON) for the values `changes` really change."""
    if not changes:
        raise InvalidRecord("changes", "no_changes", "an amendment changes at least one field")
    proposed = _proposed_crossing(current, changes)
    bcp = check_crossing(proposed, reference, now)
    principal.require_recording_at(bcp.code, bcp.state)
    occurred_at = proposed.occurred_at.astimezone(UTC)
    new_values = {
        "direction": proposed.direction.value,
        "bcp_code": bcp.code,
        "mode": bcp.mode,
        "occurred_at": occurred_at,
        "local_date": occurred_at.astimezone(ZoneInfo(bcp.time_zone)).date(),
        "purpose": proposed.purpose.value,
        "outcome": proposed.outcome.value,
        "refusal_reason": proposed.refusal_reason,
    }
    old_values = dict(current) | {"occurred_at": as_utc(current["occurred_at"])}
    changed = {
        column: value.isoformat() if column in ("occurred_at", "local_date") else value
        for column, value in new_values.items()
        if value != old_values[column]
    }
    if not changed:
        raise InvalidRecord("changes", "no_changes", "the changes leave the crossing as it is")
    return changed


def _load_current(connection: Connection, crossing_id: UUID, host_state: str) -> dict[str, Any]:
    """The crossing as corrected so far, if it is in `host_state`'s record."""
    row = (
        connection.execute(
            _CROSSING_WITH_DOCUMENT.where(
                (crossings.c.id == crossing_id) & (crossings.c.host_state == host_state)
            )
        )
        .mappings()
        .first()
    )
    if row is None:
        raise NotFound(f"crossing {crossing_id}")
    fixes = load_corrections(connection, crossings.c.id == crossing_id).get(crossing_id, [])
    return apply_corrections(row, fixes)


def _stored_correction(connection: Connection, correction_id: UUID) -> Correction | None:
    row = (
        connection.execute(_CORRECTION_BY_ID.where(corrections.c.id == correction_id))
        .mappings()
        .first()
    )
    return None if row is None else correction_of_row(row, duplicate=True)


def _write(
    connection: Connection,
    correction_id: UUID,
    crossing_id: UUID,
    kind: CorrectionKind,
    changes: dict[str, Any],
    reason: str,
    officer: str,
    now: datetime,
) -> Correction:
    row = {
        "id": correction_id,
        "crossing_id": crossing_id,
        "kind": kind.value,
        "changes": changes,
        "reason": reason,
        "officer": officer,
        "recorded_at": now,
    }
    connection.execute(_INSERT_CORRECTION, row)
    seq = connection.execute(
        select(corrections.c.seq).where(corrections.c.id == correction_id)
    ).scalar_one()
    return correction_of_row(row | {"seq": seq})


def correct_crossing(
    db: Engine | Connection,
    principal: Principal,
    crossing_id: UUID,
    kind: CorrectionKind | str,
    changes: Mapping[str, Any],
    reason: str,
    *,
    now: datetime,
    correction_id: UUID | None = None,
    purpose: str = "correct crossing",
    reference: ReferenceFacts | None = None,
) -> Correction:
    """Record a correction of a crossing in the principal's state, audited; once per id.

    `changes` (amendments only; empty for a void) maps fields of AMENDABLE to their right
    values: `direction`, `purpose`, `outcome` as their enum or text, `occurred_at` an aware
    datetime, `bcp` and `refusal_reason` codes (None clears the reason of an admitted crossing).

    Sending a correction id again records nothing and returns the stored correction with
    `duplicate=True`. Raises InvalidRecord (nothing written) for changes that cannot apply,
    NotFound for a crossing not in the principal's state, AccessDenied for a role or BCP
    outside the principal's scope, and CorrectionConflict for a voided crossing or an id
    already used for another correction. Given a Connection, works in the caller's transaction.
    """
    principal.require_role(RECORDING_ROLES, "correct crossings")
    kind = _parse_kind(kind)
    reason = _check_reason(reason)
    if kind is CorrectionKind.VOID and changes:
        raise InvalidRecord("changes", "changes_with_void", "a void takes no changes")
    correction_id = correction_id or uuid7()
    with _transaction(db) as connection:
        current = _load_current(connection, crossing_id, principal.state)
        principal.require_recording_at(current["bcp_code"], current["host_state"])
        stored = _stored_correction(connection, correction_id)
        if stored is None:
            if current["voided"]:
                raise CorrectionConflict("crossing_voided", f"crossing {crossing_id} is void")
            if reference is None:
                reference = load_reference_facts(connection)
            stored_changes = (
                {}
                if kind is CorrectionKind.VOID
                else _amendment(current, changes, principal, reference, now)
            )
            if stored_changes.get("outcome") == Outcome.REFUSED.value:
                guard_return(connection, [current["traveller_id"]], "refusal of entry")
            stored = _write(
                connection, correction_id, crossing_id, kind, stored_changes, reason,
                principal.name, now,
            )  # fmt: skip
            rejudge_flags(connection, current["traveller_id"], current["host_state"])
        elif (stored.crossing_id, stored.kind) != (crossing_id, kind):
            raise CorrectionConflict(
                "correction_id_reused",
                f"correction {correction_id} was recorded for another crossing or kind",
            )
        append_audit(
            connection,
            at=now,
            principal=principal.name,
            action="crossings.correct",
            subject=str(crossing_id),
            purpose=purpose,
            detail={
                "correction": str(correction_id),
                "kind": kind.value,
                "fields": sorted(stored.changes),
                "duplicate": stored.duplicate,
            },
        )
    return stored
