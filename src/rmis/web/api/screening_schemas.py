"""The screening API's bodies: a traveller to screen, hits as found and as cases, decisions."""

from __future__ import annotations

from datetime import datetime
from typing import Annotated, Any, Literal
from uuid import UUID

from pydantic import BaseModel, ConfigDict, Field

from rmis.screening import (
    MAX_REASON_LENGTH,
    HitCase,
    ScreenedHit,
    ScreenedTraveller,
    TravellerError,
)
from rmis.web.api.problems import Problem
from rmis.web.api.schemas import UtcTime


class ScreenedDocumentIn(BaseModel):
    model_config = ConfigDict(extra="forbid", frozen=True)
    issuing_state: str = Field(max_length=3, description="ICAO code of the issuing state")
    number: str = Field(min_length=1, max_length=40)
    type: str | None = Field(default=None, max_length=2, description="P, I, A, C, V...")


class ScreeningIn(BaseModel):
    """One traveller, as `rmis screen` reads them, and where they are screened."""

    model_config = ConfigDict(extra="forbid", frozen=True)
    id: str | None = Field(default=None, max_length=200, description="the caller's own id")
    names: list[Annotated[str, Field(max_length=200)]] = Field(
        default=[], max_length=20, description="every name known: MRZ, national script, earlier"
    )
    birth_date: str | None = Field(default=None, description="YYYY-MM-DD, YYYY-MM or YYYY")
    sex: Literal["M", "F"] | None = None
    nationality: str | None = Field(default=None, max_length=3)
    document: ScreenedDocumentIn | None = None
    bcp: str | None = Field(default=None, description="where: the hits are that BCP's state's")
    traveller_id: UUID | None = Field(default=None, description="the record's traveller, if known")

    def traveller(self) -> ScreenedTraveller:
        data = self.model_dump(exclude={"bcp", "traveller_id"})
        data["id"] = self.id or "screening"
        try:
            return ScreenedTraveller.from_json(data)
        except TravellerError as error:
            raise Problem(422, "bad_traveller", str(error)) from None


class DecisionIn(BaseModel):
    model_config = ConfigDict(extra="forbid", frozen=True)
    decision: Literal["confirm", "dismiss", "escalate"]
    reason: str = Field(min_length=1, max_length=MAX_REASON_LENGTH, description="why")


class AnswerIn(BaseModel):
    model_config = ConfigDict(extra="forbid", frozen=True)
    answer: str = Field(min_length=1, max_length=MAX_REASON_LENGTH,
                        description="what the list's owner answered")  # fmt: skip


class DecisionOut(BaseModel):
    decision: str
    reason: str
    decided_by: str
    role: str
    at: UtcTime


class HitOut(BaseModel):
    """A hit as a case: what was found, why, where, and what people said of it."""

    id: UUID
    status: str = Field(description="open, escalated, confirmed or dismissed")
    list: str
    list_kind: str
    list_owner: str
    entry_id: str
    score: float
    reasons: list[str]
    raised_at: UtcTime
    raised_by: str
    bcp: str | None
    check_id: UUID | None
    traveller_id: UUID | None
    traveller: dict[str, Any] = Field(description="what was screened")
    age_seconds: int
    decided_at: datetime | None
    decided_by: str | None
    reason: str | None
    answer_due: datetime | None = Field(description="when the list owner's answer is due")
    answer_seconds_left: int | None = Field(description="negative when overdue")
    answer: str | None
    answered_at: datetime | None
    decisions: list[DecisionOut]

    @classmethod
    def of(cls, case: HitCase, now: datetime) -> HitOut:
        left = case.time_left(now)
        return cls(
            id=case.id, status=case.status, list=case.list_name, list_kind=case.list_kind.value,
            list_owner=case.list_owner, entry_id=case.entry_id, score=round(case.score, 4),
            reasons=list(case.reasons), raised_at=case.raised_at, raised_by=case.raised_by,
            bcp=case.bcp_code, check_id=case.check_id, traveller_id=case.traveller_id,
            traveller=case.traveller, age_seconds=int(case.age(now).total_seconds()),
            decided_at=case.decided_at, decided_by=case.decided_by, reason=case.reason,
            answer_due=case.answer_due,
            answer_seconds_left=None if left is None else int(left.total_seconds()),
            answer=case.answer, answered_at=case.answered_at,
            decisions=[DecisionOut(decision=d.decision, reason=d.reason, decided_by=d.decided_by,
                                   role=d.role, at=d.at) for d in case.decisions],
        )  # fmt: skip


class ScreenedHitOut(BaseModel):
    """A hit found now: `new` (a case raised now), `open` (the same hit is a case still
    waiting: not raised twice) or `dismissed` (dismissed before on the same data: `note` says
    when, by whom and why)."""

    hit_id: UUID
    list: str
    entry_id: str
    score: float
    reasons: list[str]
    standing: Literal["new", "open", "dismissed"]
    status: str
    note: str | None

    @classmethod
    def of(cls, shown: ScreenedHit) -> ScreenedHitOut:
        return cls(
            hit_id=shown.case.id, list=shown.hit.list, entry_id=shown.hit.entry_id,
            score=round(shown.hit.score, 4), reasons=list(shown.hit.reasons),
            standing=shown.standing, status=shown.case.status, note=shown.note,
        )  # fmt: skip


class ScreeningOut(BaseModel):
    host_state: str
    threshold: float
    lists: list[dict[str, Any]] = Field(description="the lists and versions screened against")
    hits: list[ScreenedHitOut]


class HitCountsOut(BaseModel):
    host_state: str
    by_status: dict[str, int]
    by_list: dict[str, dict[str, int]]
    awaiting_answer: int
    overdue_answers: int


def screened_hits_out(hits: tuple[ScreenedHit, ...] | list[ScreenedHit]) -> list[ScreenedHitOut]:
    return [ScreenedHitOut.of(h) for h in hits]
