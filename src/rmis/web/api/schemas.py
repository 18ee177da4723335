"""The API's request and response bodies (Pydantic), mapped onto the registry's own types.

Nothing that breaks the record gets past the edge: every text is bounded and free of control
characters, every day and moment lies within a plausible range, every integer fits its column,
and types are strict: a date is written as text (YYYY-MM-DD), never given as a number, and a
boolean is true or false, never "yes".
"""

from __future__ import annotations

from datetime import date, datetime
from typing import Annotated, Any
from uuid import UUID

from pydantic import (
    AfterValidator,
    AwareDatetime,
    BaseModel,
    BeforeValidator,
    ConfigDict,
    Field,
    StrictBool,
    StrictInt,
    ValidationInfo,
)
from pydantic_core import PydanticCustomError

from rmis.reference.countries import code_problem
from rmis.registry import (
    FIRST_CROSSING,
    FIRST_DAY,
    FIRST_DOCUMENT_DAY,
    INT32_MAX,
    LAST_CROSSING,
    LAST_DAY,
    LAST_DOCUMENT_DAY,
    MAX_NAME_LENGTH,
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
    has_control,
)
from rmis.registry.bounds import has_surrounding_space
from rmis.stay import PermitKind
from rmis.store import as_utc


def _recordable_state(code: str, info: ValidationInfo) -> str:
    """The record's rule for a state code (reference.countries.code_problem), as a validation
    error whose type is the rule's stable code (`unknown_country`, `specimen_country`)."""
    problem = code_problem(info.field_name or "state", code)
    if problem is not None:
        kind, reason = problem
        raise PydanticCustomError(kind, "{reason}", {"reason": reason})
    return code


# The plausible ranges of days and moments, the control characters: registry/bounds.py, the
# one definition the bulk import applies too.


def _as_text(kind: str, example: str):
    def check(value: Any) -> Any:
        # JSON gives text; a date or time object comes only from Python callers (tests).
        if not isinstance(value, str | date):
            raise PydanticCustomError(
                f"{kind}_as_text", "a {kind} is written as text, e.g. {example}",
                {"kind": kind, "example": example},
            )  # fmt: skip
        return value

    return check


def _within(first: date, last: date):
    def check(value: date) -> date:
        if not first <= value <= last:
            raise PydanticCustomError(
                "implausible_date", "{value} is outside {first}..{last}",
                {"value": value.isoformat(), "first": first.isoformat(),
                 "last": last.isoformat()},
            )  # fmt: skip
        return value

    return check


def _plausible_moment(value: datetime) -> datetime:
    if not FIRST_CROSSING <= value <= LAST_CROSSING:
        raise PydanticCustomError(
            "implausible_date", "{value} is outside {first}..{last}",
            {"value": value.isoformat(), "first": FIRST_CROSSING.date().isoformat(),
             "last": LAST_CROSSING.date().isoformat()},
        )  # fmt: skip
    return value


def _no_control(value: str) -> str:
    if has_control(value):
        raise PydanticCustomError(
            "control_character", "the text holds a control or unprintable character"
        )
    if has_surrounding_space(value):  # stored as given: " FA1" would be another document
        raise PydanticCustomError("surrounding_space", "the text begins or ends with a space")
    return value


Day = Annotated[date, BeforeValidator(_as_text("date", "2026-11-23")),
                AfterValidator(_within(FIRST_DAY, LAST_DAY))]  # fmt: skip
DocumentDay = Annotated[date, BeforeValidator(_as_text("date", "1990-05-17")),
                        AfterValidator(_within(FIRST_DOCUMENT_DAY, LAST_DOCUMENT_DAY))]  # fmt: skip
Moment = Annotated[
    AwareDatetime,
    BeforeValidator(_as_text("time", "2026-11-23T08:30:00+05:00")),
    AfterValidator(_plausible_moment),
]
Count = Annotated[StrictInt, Field(ge=1, le=INT32_MAX)]
# A time in an answer: always with its offset (SQLite hands the record's times back naive,
# and a date-time without an offset is no RFC 3339 date-time).
UtcTime = Annotated[datetime, AfterValidator(as_utc)]


def Text(max_length: int, min_length: int = 0, **field: Any) -> Any:
    """Bounded text without control characters."""
    return Annotated[
        str, Field(min_length=min_length, max_length=max_length, **field),
        AfterValidator(_no_control),
    ]  # fmt: skip


def _no_control_but_lines(value: str) -> str:
    if has_control(value, " \n\t"):
        raise PydanticCustomError(
            "control_character", "the text holds a control character other than a line break"
        )
    return value


def Prose(max_length: int) -> Any:
    """Free text (a reason): lines and tabs allowed, other control characters not."""
    return Annotated[str, Field(min_length=1, max_length=max_length),
                     AfterValidator(_no_control_but_lines)]  # fmt: skip


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
    number: Text(32, 1)
    document_type: Text(2, 1) = "P"
    surname: Text(MAX_NAME_LENGTH)
    given_names: Text(MAX_NAME_LENGTH) = ""
    nationality: StateCode
    birth_date: DocumentDay | None = None
    sex: Annotated[str, Field(pattern=r"^[MFX<]$")] = "<"
    expiry_date: DocumentDay | None = None
    mrz_valid: StrictBool = True
    optional_data: Text(32, description="the MRZ's optional data: a personal number") | None = None
    national_surname: (
        Text(MAX_NAME_LENGTH, description="the surname in the national script") | None
    ) = None
    national_given_names: Text(MAX_NAME_LENGTH) | None = None
    previous_document_number: (
        Text(32, description="the number of the document this replaced") | None
    ) = None


class DocumentKeyIn(Strict):
    """A document by its issuing state and number: in a body, never in a URL."""

    issuing_state: StateCode
    number: Text(32, 1)


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
    bcp: Text(64, 1)
    occurred_at: Moment
    document: DocumentIn
    purpose: Purpose
    outcome: Outcome = Outcome.ADMITTED
    refusal_reason: Text(8) | None = None
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
    name: Text(128, 1)
    password: Annotated[str, Field(min_length=1, max_length=256)]


class SessionOut(BaseModel):
    token: str
    expires_at: UtcTime


class CrossingChangesIn(Strict):
    """The fields an amendment may change; only those sent are changed. The document cannot
    be amended: a crossing on the wrong document is voided and recorded again."""

    direction: Direction | None = None
    occurred_at: Moment | None = None
    bcp: Text(64, 1) | None = None
    purpose: Purpose | None = None
    outcome: Outcome | None = None
    refusal_reason: Text(8) | None = Field(
        None, description="null clears the reason when the outcome becomes admitted"
    )


class CorrectionIn(Strict):
    id: UUID | None = Field(
        None, description="UUIDv7 made by the client: a resend is recorded once"
    )
    kind: CorrectionKind
    changes: CrossingChangesIn = Field(default_factory=CrossingChangesIn)
    reason: Prose(MAX_REASON_LENGTH)


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
    recorded_at: UtcTime
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
    occurred_at: UtcTime
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
    valid_from: Day
    valid_to: Day
    number: Text(64) | None = None
    entries_allowed: Count | None = None
    duration_days: Count | None = None


class RegistrationIn(Strict):
    registered_on: Day
    valid_to: Day | None = None


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
