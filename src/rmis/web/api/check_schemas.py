"""The border check's request and answer (POST /api/v1/checks), mapped onto registry.Check."""

from __future__ import annotations

from datetime import date
from typing import Annotated, Any
from uuid import UUID

from pydantic import BaseModel, Field

from rmis.registry import Check, CheckedDocument, Direction, StayAnswer
from rmis.web.api.schemas import (
    CrossingOut,
    DocumentFieldsOut,
    DocumentIn,
    StayOut,
    Strict,
    UtcTime,
)
from rmis.web.api.screening_schemas import ScreenedHitOut


class TypedDocumentIn(DocumentIn):
    """A document's fields as typed at the desk. Unlike a crossing's, a state code the record
    would refuse (unknown, or the specimen UTO) is not an error of the request: the check
    answers with it as a flag, as it does for an MRZ read with such a code."""

    issuing_state: Annotated[str, Field(min_length=1, max_length=3)]
    nationality: Annotated[str, Field(min_length=1, max_length=3)]


class CheckIn(Strict):
    mrz: Annotated[
        str | None,
        Field(
            max_length=1024,
            description="the MRZ as the reader types it: 2 or 3 lines separated by newlines",
            examples=[
                "P<UTOERIKSSON<<ANNA<MARIA<<<<<<<<<<<<<<<<<<<\n"
                "L898902C36UTO7408122F1204159ZE184226B<<<<<10"
            ],
        ),
    ] = None
    document: Annotated[
        TypedDocumentIn | None,
        Field(description="the document's fields, when there is no MRZ text to send"),
    ] = None
    bcp: Annotated[str, Field(max_length=64, examples=["KAZ-ALA"])]
    direction: Direction


class FindingOut(BaseModel):
    code: str = Field(description="stable: what client code acts on")
    field: str
    severity: str = Field(description="error (the document is not valid), warning, info")
    message: str


class RepairOut(BaseModel):
    """A reading the scanner may have got wrong: offered, never applied."""

    field: str
    original: str
    suggested: str
    value: str = Field(description="what the field reads with the suggestion")
    reason: str
    valid_after: bool | None = Field(description="whether the whole MRZ would then be valid")


class CheckedDocumentOut(BaseModel):
    source: str = Field(description="mrz: read from the MRZ text; typed: the fields as sent")
    format: str | None = Field(description="the MRZ layout (TD1, TD2, TD3, MRV-A, MRV-B)")
    fields: DocumentFieldsOut
    valid: bool = Field(description="every check digit holds and the format is right")
    findings: list[FindingOut] = Field(
        description="every finding: check digits, expiry, specimen, the suggested repairs"
    )
    repairs: list[RepairOut]

    @classmethod
    def of(cls, read: CheckedDocument) -> CheckedDocumentOut:
        return cls(
            source=read.source,
            format=read.format,
            fields=DocumentFieldsOut(**DocumentFieldsOut.fields_of(read.document)),
            valid=read.valid,
            findings=[FindingOut(**f.to_dict()) for f in read.findings],
            repairs=[RepairOut(**r.to_dict()) for r in read.repairs],
        )


class CheckFlagOut(BaseModel):
    code: str = Field(
        description="stable: a document error's code, a flag the crossing would be recorded "
        "with (exit_without_entry, entry_while_inside, document_invalid, document_expired...), "
        "or why recording it would be refused (specimen_country, unknown_country)"
    )
    source: str = Field(description="document: an error of the document; crossing: what "
                        "recording the crossing now would flag or refuse")  # fmt: skip
    field: str | None
    message: str


def stay_out(answer: StayAnswer) -> StayOut:
    """The stay as GET /travellers/{id}/stay answers it."""
    e = answer.evaluation
    return StayOut(
        traveller_id=answer.traveller_id, host_state=answer.host_state,
        nationality=answer.nationality, on=e.on, present=e.present, status=str(e.status),
        status_code=e.status.kind.value, days_used=e.days_used, days_remaining=e.days_remaining,
        overstay_days=e.overstay_days, latest_legal_exit=e.latest_legal_exit,
        registration_due=e.registration_due, rule=e.rule.describe() if e.rule else None,
        trail=list(e.trail),
    )  # fmt: skip


class CheckOut(BaseModel):
    check_id: UUID = Field(description="send it with the crossing (POST /crossings, check_id)")
    checked_at: UtcTime
    bcp: str
    host_state: str
    direction: Direction
    on: date = Field(description="the BCP's local date the check judged")
    document: CheckedDocumentOut
    traveller_id: UUID | None = Field(
        description="the person in this state's record (after a merge, the survivor); for a "
        "document not on record, the person recording it would link it to; null for someone "
        "never seen in this state"
    )
    link: str | None = Field(
        description="how the document joined its person (first, certain, automatic, "
        "confirmed, pending: waiting in the review queue), or would join them (certain, "
        "automatic; pending when the record would queue it for review, with no person named)"
    )
    stay: StayOut | None = Field(
        description="as GET /travellers/{id}/stay answers, on the BCP's local date; null for "
        "someone never seen in this state"
    )
    recent_crossings: list[CrossingOut] = Field(
        description="the person's last crossings in this state as corrected, oldest first"
    )
    flags: list[CheckFlagOut] = Field(description="what the officer should see before deciding")
    hits: list[ScreenedHitOut] = Field(
        default_factory=list,
        description="alert-list hits on the person's every known name and the document, each a "
        "case for the officer to decide (POST /hits/{hit_id}/decision); none refuses anyone",
    )
    protection: dict[str, Any] | None = Field(
        None,
        description="what protection adds (rmis.protection.at_check): `suggested` indicators "
        "the record suggests ({indicator, why}: questions for the officer, never findings), "
        "group `patterns`, the person's `referrals` ({id, state, created_at}: that they exist "
        "and their state, for officers and protection officers) and `pending_claim` (an asylum "
        "claim is pending: a refusal would be refused, 409 non_refoulement)",
    )

    @classmethod
    def of(cls, check: Check, hits: list[ScreenedHitOut] | None = None) -> CheckOut:
        return cls(
            hits=hits or [],
            check_id=check.id,
            checked_at=check.at,
            bcp=check.bcp_code,
            host_state=check.host_state,
            direction=check.direction,
            on=check.on,
            document=CheckedDocumentOut.of(check.document),
            traveller_id=check.traveller_id,
            link=check.link,
            stay=stay_out(check.stay) if check.stay else None,
            recent_crossings=[CrossingOut.of(row) for row in check.recent_crossings],
            flags=[
                CheckFlagOut(code=f.code, source=f.source, field=f.field, message=f.message)
                for f in check.flags
            ],
        )
