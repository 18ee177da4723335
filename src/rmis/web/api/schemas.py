"""The API's request and response bodies (Pydantic), mapped onto the registry's own types."""

from __future__ import annotations

from datetime import date, datetime
from typing import Annotated, Any
from uuid import UUID

from pydantic import AfterValidator, AwareDatetime, BaseModel, ConfigDict, Field, ValidationInfo
from pydantic_core import PydanticCustomError

from rmis.reference.countries import code_problem
from rmis.registry import (
    MAX_REASON_LENGTH,
    Correction,
    CorrectionKind,
    Direction,
    DocumentSeen,
    Flag,
    NewCrossing,
    Outcome,
    Purpose,
    Recorded,
)
from rmis.stay import PermitKind


def _recordable_state(code: str, info: ValidationInfo) -> str:
    """The record's rule for a state code (reference.countries.code_problem), as a validation
    error whose type is the rule's stable code (`unknown_country`, `specimen_country`)."""
    problem = code_problem(info.field_name or "state", code)
    if problem is not None:
        kind, reason = problem
        raise PydanticCustomError(kind, "{reason}", {"reason": reason})
    return code


StateCode = Annotated[
    str,
    Field(
        min_length=1,
        max_length=3,
        description="ICAO 9303 code as written in Doc 9303 (KAZ, D, XXA...); not the specimen UTO",
    ),
    AfterValidator(_recordable_state),
]


class Strict(BaseModel):
    model_config = ConfigDict(extra="forbid", frozen=True)


class DocumentIn(Strict):
    issuing_state: StateCode
    number: Annotated[str, Field(min_length=1, max_length=32)]
    document_type: Annotated[str, Field(min_length=1, max_length=2)] = "P"
    surname: Annotated[str, Field(max_length=200)]
    given_names: Annotated[str, Field(max_length=200)] = ""
    nationality: StateCode
    birth_date: date | None = None
    sex: Annotated[str, Field(pattern=r"^[MFX<]$")] = "<"
    expiry_date: date | None = None
    mrz_valid: bool = True
    optional_data: Annotated[
        str | None, Field(max_length=32, description="the MRZ's optional data: a personal number")
    ] = None
    national_surname: Annotated[
        str | None, Field(max_length=200, description="the surname in the national script")
    ] = None
    national_given_names: Annotated[str | None, Field(max_length=200)] = None
    previous_document_number: Annotated[
        str | None, Field(max_length=32, description="the number of the document this replaced")
    ] = None


class DocumentFieldsOut(BaseModel):
    """A document's fields as the record holds them (or as read from its MRZ)."""

    issuing_state: str
    number: str
    document_type: str
    surname: str
    given_names: str
    nationality: str
    birth_date: date | None
    sex: str
    expiry_date: date | None
    optional_data: str | None

    @classmethod
    def fields_of(cls, document: object) -> dict[str, Any]:
        """The fields of any object that has them (DocumentSeen, DocumentFacts...)."""
        return {name: getattr(document, name) for name in DocumentFieldsOut.model_fields}


class CrossingIn(Strict):
    id: UUID = Field(description="UUIDv7 made where the crossing is captured")
    direction: Direction
    bcp: Annotated[str, Field(max_length=64)]
    occurred_at: AwareDatetime
    document: DocumentIn
    purpose: Purpose
    outcome: Outcome = Outcome.ADMITTED
    refusal_reason: Annotated[str, Field(max_length=8)] | None = None
    check_id: UUID | None = Field(
        None, description="the border check this crossing followed (POST /checks), if any"
    )

    def to_new_crossing(self) -> NewCrossing:
        return NewCrossing(
            id=self.id,
            direction=self.direction,
            bcp_code=self.bcp,
            occurred_at=self.occurred_at,
            document=DocumentSeen(**self.document.model_dump()),
            purpose=self.purpose,
            outcome=self.outcome,
            refusal_reason=self.refusal_reason,
        )


class CrossingBatchIn(Strict):
    crossings: Annotated[list[CrossingIn], Field(min_length=1, max_length=10_000)]


class RecordedOut(BaseModel):
    id: UUID
    seq: int | None
    duplicate: bool
    local_date: date | None
    flags: list[Flag]

    @classmethod
    def of(cls, recorded: Recorded) -> RecordedOut:
        return cls(
            id=recorded.id,
            seq=recorded.seq,
            duplicate=recorded.duplicate,
            local_date=recorded.local_date,
            flags=list(recorded.flags),
        )


class LoginIn(Strict):
    name: str
    password: str


class SessionOut(BaseModel):
    token: str
    expires_at: datetime


class CrossingChangesIn(Strict):
    """The fields an amendment may change; only those sent are changed. The document cannot
    be amended: a crossing on the wrong document is voided and recorded again."""

    direction: Direction | None = None
    occurred_at: AwareDatetime | None = None
    bcp: Annotated[str, Field(max_length=64)] | None = None
    purpose: Purpose | None = None
    outcome: Outcome | None = None
    refusal_reason: Annotated[str, Field(max_length=8)] | None = Field(
        None, description="null clears the reason when the outcome becomes admitted"
    )


class CorrectionIn(Strict):
    id: UUID | None = Field(
        None, description="UUIDv7 made by the client: a resend is recorded once"
    )
    kind: CorrectionKind
    changes: CrossingChangesIn = Field(default_factory=CrossingChangesIn)
    reason: Annotated[str, Field(min_length=1, max_length=MAX_REASON_LENGTH)]


class CorrectionOut(BaseModel):
    id: UUID
    crossing_id: UUID
    kind: CorrectionKind
    changes: dict[str, Any] = Field(
        description="crossing field -> corrected value, with the values that follow from them "
        "(local_date from occurred_at, mode from bcp)"
    )
    reason: str
    officer: str
    recorded_at: datetime
    duplicate: bool

    @classmethod
    def of(cls, correction: Correction) -> CorrectionOut:
        changes = dict(correction.changes)
        if "bcp_code" in changes:
            changes["bcp"] = changes.pop("bcp_code")  # the API's name for it, as in CrossingOut
        return cls(
            id=correction.id,
            crossing_id=correction.crossing_id,
            kind=correction.kind,
            changes=changes,
            reason=correction.reason,
            officer=correction.officer,
            recorded_at=correction.recorded_at,
            duplicate=correction.duplicate,
        )


class CrossingOut(BaseModel):
    id: UUID
    seq: int
    direction: Direction
    bcp: str
    occurred_at: datetime
    local_date: date
    purpose: Purpose
    mode: str
    outcome: Outcome
    refusal_reason: str | None
    officer: str
    issuing_state: str
    document_number: str
    flags: list[Flag]
    voided: bool = Field(description="voided by a correction: shown, never counted")
    corrections: list[CorrectionOut] = Field(description="corrections applied, oldest first")

    @classmethod
    def of(cls, row: dict) -> CrossingOut:
        corrections = [CorrectionOut.of(c) for c in row["corrections"]]
        return cls(**(row | {"bcp": row["bcp_code"], "corrections": corrections}))


class HistoryOut(BaseModel):
    traveller_id: UUID
    host_state: str
    crossings: list[CrossingOut]


class StayOut(BaseModel):
    traveller_id: UUID
    host_state: str
    nationality: str
    on: date
    present: bool
    status: str
    status_code: str
    days_used: int | None
    days_remaining: int | None
    overstay_days: int
    latest_legal_exit: date | None
    registration_due: date | None
    rule: str | None
    trail: list[str]


class PermitIn(Strict):
    kind: PermitKind
    valid_from: date
    valid_to: date
    number: Annotated[str, Field(max_length=64)] | None = None
    entries_allowed: Annotated[int, Field(ge=1)] | None = None
    duration_days: Annotated[int, Field(ge=1)] | None = None


class RegistrationIn(Strict):
    registered_on: date
    valid_to: date | None = None


class CreatedOut(BaseModel):
    id: UUID


class OpenOverstayOut(BaseModel):
    traveller_id: str
    nationality: str
    entry: date
    lawful_until: date
    days: int


class LateExitOut(BaseModel):
    traveller_id: str
    nationality: str
    entry: date
    exit: date
    lawful_until: date
    days_late: int


class OverstaysOut(BaseModel):
    host_state: str
    on: date
    open: list[OpenOverstayOut]
    late_exits: list[LateExitOut]
