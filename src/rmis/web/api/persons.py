"""Routes about who is one person: the review queue of proposed links, splitting a wrongly
linked document off, and a person's documents with how each was linked.

Deciding links is a supervisor's work within their own state; every decision is audited with
its reason, and reading the queue or a person's documents is audited with its purpose (the
`RMIS-Purpose` header, as for other reads).
"""

from __future__ import annotations

from datetime import date
from typing import Annotated, Any
from uuid import UUID

from fastapi import Header, Query, Request
from pydantic import BaseModel, ConfigDict, Field

from rmis.persons import Decided, DocumentFacts, PersonChangeError, ProposalView
from rmis.registry import (
    MAX_REASON_LENGTH,
    confirm_proposal,
    list_proposals,
    person_documents,
    reject_proposal,
    split_document,
)
from rmis.web.api.auth import CurrentPrincipal
from rmis.web.api.problems import Problem
from rmis.web.api.retry import api_router
from rmis.web.api.schemas import DocumentFieldsOut, UtcTime

router = api_router()
Purpose = Annotated[str | None, Header(alias="RMIS-Purpose", max_length=200)]
# A decision that cannot be made on the proposal or document as it stands now.
_CONFLICTS = frozenset({"already_decided", "only_document"})


class ReasonIn(BaseModel):
    model_config = ConfigDict(extra="forbid", frozen=True)
    reason: Annotated[
        str, Field(min_length=1, max_length=MAX_REASON_LENGTH, description="why, for the record")
    ]


class DocumentFactsOut(DocumentFieldsOut):
    """A document in the record with its person and what linking reads beyond the MRZ."""

    document_id: UUID
    traveller_id: UUID
    national_surname: str | None
    national_given_names: str | None
    previous_document_number: str | None

    @classmethod
    def of(cls, doc: DocumentFacts) -> DocumentFactsOut:
        return cls(
            **cls.fields_of(doc),
            document_id=doc.id,
            traveller_id=doc.traveller_id,
            national_surname=doc.national_surname,
            national_given_names=doc.national_given_names,
            previous_document_number=doc.previous_document_number,
        )


class ProposalOut(BaseModel):
    id: UUID
    status: str
    probability: float = Field(description="the model's match probability of the pair")
    evidence: dict[str, Any] = Field(
        description="the comparison levels the pair fell in, its match weight, the model version"
    )
    proposed_at: UtcTime
    document: DocumentFactsOut = Field(description="the document waiting for its person")
    document_link: str = Field(description="how that document is linked now (pending...)")
    candidate: DocumentFactsOut = Field(description="a document of the proposed person")

    @classmethod
    def of(cls, view: ProposalView) -> ProposalOut:
        return cls(
            id=view.id, status=view.status, probability=view.probability, evidence=view.detail,
            proposed_at=view.proposed_at, document=DocumentFactsOut.of(view.document),
            document_link=view.document_link, candidate=DocumentFactsOut.of(view.candidate),
        )  # fmt: skip


class ProposalsOut(BaseModel):
    proposals: list[ProposalOut]
    next_after: UUID | None = Field(
        description="pass as `after` for the next page; null on the last page"
    )


class DecisionOut(BaseModel):
    proposal_id: UUID
    status: str = Field(description="confirmed or rejected")
    document_id: UUID
    traveller_id: UUID = Field(description="the document's person after the decision")
    merged_traveller_id: UUID | None = Field(
        description="the id merged into traveller_id by a confirmation; it now answers with it"
    )

    @classmethod
    def of(cls, decided: Decided) -> DecisionOut:
        merged = decided.merged.absorbed if decided.merged is not None else None
        return cls(proposal_id=decided.proposal_id, status=decided.status,
                   document_id=decided.document_id, traveller_id=decided.traveller_id,
                   merged_traveller_id=merged)  # fmt: skip


class SplitOut(BaseModel):
    document_id: UUID
    previous_traveller_id: UUID = Field(description="the person the document was taken from")
    traveller_id: UUID = Field(description="the document's new person")


class LinkedDocumentOut(BaseModel):
    document_id: UUID
    issuing_state: str
    number: str
    document_type: str
    surname: str
    given_names: str
    nationality: str
    birth_date: date | None
    sex: str
    link: str = Field(description="first, certain, automatic, confirmed or pending")
    rule: str | None = Field(description="the rule or model (or review) that made the link")
    probability: float | None
    evidence: dict[str, Any] | None = Field(description="what the rule matched, or the levels")
    decided_by: str | None
    linked_at: UtcTime | None


class PersonDocumentsOut(BaseModel):
    traveller_id: UUID = Field(description="the person (a merged id answers with the survivor)")
    documents: list[LinkedDocumentOut]


def _services(request: Request):
    return request.app.state.services


def _problem(error: PersonChangeError) -> Problem:
    if error.code == "not_found":
        return Problem(404, "not_found", str(error))
    return Problem(409 if error.code in _CONFLICTS else 422, error.code, str(error))


@router.get("/persons/proposals", response_model=ProposalsOut, tags=["persons"])
def get_proposals(
    request: Request,
    principal: CurrentPrincipal,
    after: Annotated[UUID | None, Query(description="the last proposal id of the page before")]
    = None,
    limit: Annotated[int, Query(ge=1, le=200)] = 50,
    purpose: Purpose = None,
) -> ProposalsOut:  # fmt: skip
    """Open proposals of the caller's state (supervisors), oldest first: pairs of documents the
    model could not decide, with both documents' facts and the evidence."""
    services = _services(request)
    why = purpose or "review proposed links"
    found = list_proposals(
        services.engine, principal, after=after, limit=limit, purpose=why, now=services.clock()
    )
    return ProposalsOut(
        proposals=[ProposalOut.of(p) for p in found],
        next_after=found[-1].id if len(found) == limit else None,
    )


@router.post(
    "/persons/proposals/{proposal_id}/confirm", response_model=DecisionOut, tags=["persons"]
)
def post_confirm(
    proposal_id: UUID, body: ReasonIn, request: Request, principal: CurrentPrincipal
) -> DecisionOut:
    """The two documents are one person's: their travellers are merged (the older id stays,
    the other answers with it) and the flags of the person's crossings are judged again. A
    proposal decided already answers 409."""
    services = _services(request)
    try:
        decided = confirm_proposal(services.engine, principal, proposal_id, body.reason,
                                   now=services.clock())  # fmt: skip
    except PersonChangeError as error:
        raise _problem(error) from None
    return DecisionOut.of(decided)


@router.post(
    "/persons/proposals/{proposal_id}/reject", response_model=DecisionOut, tags=["persons"]
)
def post_reject(
    proposal_id: UUID, body: ReasonIn, request: Request, principal: CurrentPrincipal
) -> DecisionOut:
    """The two documents are two people's: the pair is never proposed again unless either
    side's data changes; a pending document left with no proposal becomes a person's first."""
    services = _services(request)
    try:
        decided = reject_proposal(services.engine, principal, proposal_id, body.reason,
                                  now=services.clock())  # fmt: skip
    except PersonChangeError as error:
        raise _problem(error) from None
    return DecisionOut.of(decided)


@router.post(
    "/documents/{document_id}/split", response_model=SplitOut, status_code=201, tags=["persons"]
)
def post_split(
    document_id: UUID, body: ReasonIn, request: Request, principal: CurrentPrincipal
) -> SplitOut:
    """Take a wrongly linked document (the id from GET /travellers/{id}/documents) and its
    crossings to a new person of their own (supervisors); flags of both people are judged
    again. A person's only document answers 409."""
    services = _services(request)
    try:
        previous, new = split_document(services.engine, principal, document_id, body.reason,
                                       now=services.clock())  # fmt: skip
    except PersonChangeError as error:
        raise _problem(error) from None
    return SplitOut(document_id=document_id, previous_traveller_id=previous, traveller_id=new)


@router.get(
    "/travellers/{traveller_id}/documents", response_model=PersonDocumentsOut, tags=["travellers"]
)
def get_documents(
    traveller_id: UUID, request: Request, principal: CurrentPrincipal, purpose: Purpose = None
) -> PersonDocumentsOut:
    """The person's documents and how each joined them: first, certain (and by which rule),
    automatic (with the model's evidence), confirmed (by whom, why) or pending."""
    services = _services(request)
    why = purpose or "traveller documents"
    person, held = person_documents(
        services.engine, principal, traveller_id, purpose=why, now=services.clock()
    )
    return PersonDocumentsOut(
        traveller_id=person,
        documents=[
            LinkedDocumentOut(
                document_id=d.document_id, issuing_state=d.issuing_state, number=d.number,
                document_type=d.document_type, surname=d.surname, given_names=d.given_names,
                nationality=d.nationality, birth_date=d.birth_date, sex=d.sex, link=d.link,
                rule=d.rule, probability=d.probability, evidence=d.detail,
                decided_by=d.decided_by, linked_at=d.linked_at,
            )
            for d in held
        ],
    )  # fmt: skip
