"""Requests and answers of the protection routes (web/api/protection.py)."""

from __future__ import annotations

from datetime import date
from typing import Annotated, Literal
from uuid import UUID

from pydantic import BaseModel, Field

from rmis.protection import Referral, ReferralSummary
from rmis.web.api.schemas import Strict, UtcTime

Need = Literal["asylum", "child_protection", "trafficking", "medical", "statelessness", "violence"]
Text = Annotated[str, Field(max_length=2000)]


class ReferralIn(Strict):
    need: Need
    agency: Annotated[str, Field(max_length=64, examples=["asylum_authority"])]
    consent: bool = Field(description="the person agreed to be referred")
    basis: Text | None = Field(
        None, description="for a child referred without consent: the best-interests basis"
    )
    bcp: Annotated[str | None, Field(max_length=64)] = None


class ReferralStateIn(Strict):
    state: Literal["accepted", "rejected", "done", "revoked"]
    reason: Text | None = Field(None, description="needed when rejected or revoked")


class IndicatorsIn(Strict):
    indicators: Annotated[
        list[Annotated[str, Field(max_length=32)]], Field(min_length=1, max_length=20)
    ]
    note: Text | None = None
    bcp: Annotated[str | None, Field(max_length=64)] = None
    check_id: UUID | None = None


class CreatedReferralOut(BaseModel):
    id: UUID
    state: str


class ReferralStateOut(BaseModel):
    """What a border officer or supervisor sees: that a referral exists, and its state."""

    id: UUID
    state: str
    created_at: UtcTime

    @classmethod
    def of(cls, r: ReferralSummary) -> ReferralStateOut:
        return cls(id=r.id, state=r.state, created_at=r.created_at)


class EventOut(BaseModel):
    state: str
    reason: str | None
    at: UtcTime
    by: str
    role: str


class ReferralOut(BaseModel):
    id: UUID
    traveller_id: UUID
    host_state: str
    bcp: str | None
    nationality: str | None
    need: str
    agency: str
    consent: bool
    basis: str | None
    state: str
    reason: str | None
    created_at: UtcTime
    created_by: str
    updated_at: UtcTime
    follow_up_on: date | None
    events: list[EventOut]

    @classmethod
    def of(cls, r: Referral) -> ReferralOut:
        return cls(
            id=r.id, traveller_id=r.traveller_id, host_state=r.host_state, bcp=r.bcp_code,
            nationality=r.nationality, need=r.need, agency=r.agency, consent=r.consent,
            basis=r.basis, state=r.state, reason=r.reason, created_at=r.created_at,
            created_by=r.created_by, updated_at=r.updated_at, follow_up_on=r.follow_up_on,
            events=[EventOut(state=e.state, reason=e.reason, at=e.at, by=e.by, role=e.role)
                    for e in r.events],
        )  # fmt: skip


class RecordedIndicatorsOut(BaseModel):
    ids: list[UUID]
    needs: list[str] = Field(description="the needs the indicators suggest")
    agencies: dict[str, list[str]] = Field(description="need -> agencies that meet it")
    asylum_referral: CreatedReferralOut | None = Field(
        None, description="the asylum referral made at once when the person asked for asylum"
    )


class IndicatorOut(BaseModel):
    code: str
    description: str
    needs: list[str]


class AgencyOut(BaseModel):
    code: str
    name: str
    needs: list[str]


class IndicatorListOut(BaseModel):
    indicators: list[IndicatorOut]
    agencies: list[AgencyOut]


class RecordedIndicatorOut(BaseModel):
    id: UUID
    indicator: str
    note: str | None
    bcp: str | None
    check_id: UUID | None
    recorded_at: UtcTime
    recorded_by: str


class ProtectionRecordOut(BaseModel):
    traveller_id: UUID
    name: str = Field(description="as on the person's newest document")
    nationality: str | None
    birth_date: date | None
    indicators: list[RecordedIndicatorOut]
    suggested_needs: list[str]
    referrals: list[ReferralOut]


class CountsOut(BaseModel):
    host_state: str
    k: int
    by: list[str]
    cells: list[dict[str, str | int | bool | None]] = Field(
        description="one per cell; referrals null where suppressed (confidential true)"
    )
    totals_withheld: bool
