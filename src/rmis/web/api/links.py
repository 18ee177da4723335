"""OpenAPI links (OpenAPI 3.1, the Link Object): which answer's ids feed which operation.

A client reading the schema learns that a recorded crossing's id is what its correction takes,
that a document's history names the traveller whose stay, permits and rights are asked for, that
a referral made is the one moved on. Stateful tests (schemathesis) follow the same links, so
that what they write reaches the record instead of a 404 on a random id.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

PREFIX = "/api/v1"
TRAVELLER = "$response.body#/traveller_id"


@dataclass(frozen=True, slots=True)
class Link:
    source: str  # "POST /crossings"
    status: str
    name: str
    target: str
    parameters: dict[str, str] = field(default_factory=dict)
    body: dict[str, Any] | None = None  # merged into the target's body


def _to_traveller(source: str, status: str, pointer: str = TRAVELLER) -> list[Link]:
    """A traveller named in an answer, to every operation about that traveller."""
    by_id = {"traveller_id": pointer}
    targets = {
        "TravellerCrossings": "GET /travellers/{traveller_id}/crossings",
        "TravellerStay": "GET /travellers/{traveller_id}/stay",
        "TravellerDocuments": "GET /travellers/{traveller_id}/documents",
        "SubjectAccess": "GET /travellers/{traveller_id}/subject-access",
        "ProtectionRecord": "GET /travellers/{traveller_id}/protection",
        "TravellerReferrals": "GET /travellers/{traveller_id}/referrals",
        "RecordPermit": "POST /travellers/{traveller_id}/permits",
        "RecordRegistration": "POST /travellers/{traveller_id}/registrations",
        "RecordIndicators": "POST /travellers/{traveller_id}/indicators",
        "MakeReferral": "POST /travellers/{traveller_id}/referrals",
    }
    links = [Link(source, status, name, target, by_id) for name, target in targets.items()]
    links.append(
        Link(source, status, "RaiseRedress", "POST /redress", body={"traveller_id": pointer})
    )
    links.append(
        Link(source, status, "ScreenTraveller", "POST /screenings", body={"traveller_id": pointer})
    )
    return [link for link in links if link.target != source]


def _to_crossing(source: str, status: str, pointer: str) -> Link:
    return Link(source, status, "CorrectCrossing", "POST /crossings/{crossing_id}/corrections",
                {"crossing_id": pointer})  # fmt: skip


def _to_referral(source: str, status: str, pointer: str) -> list[Link]:
    by_id = {"referral_id": pointer}
    return [
        Link(source, status, "ReadReferral", "GET /referrals/{referral_id}", by_id),
        Link(source, status, "MoveReferral", "POST /referrals/{referral_id}/state", by_id),
    ]


def _to_hit(source: str, status: str, pointer: str) -> list[Link]:
    by_id = {"hit_id": pointer}
    return [
        Link(source, status, "ReadHit", "GET /hits/{hit_id}", by_id),
        Link(source, status, "DecideHit", "POST /hits/{hit_id}/decision", by_id),
        Link(source, status, "AnswerHit", "POST /hits/{hit_id}/answer", by_id),
    ]


def _to_proposal(source: str, status: str, pointer: str) -> list[Link]:
    by_id, target = {"proposal_id": pointer}, "POST /persons/proposals/{proposal_id}"
    return [
        Link(source, status, "ConfirmProposal", f"{target}/confirm", by_id),
        Link(source, status, "RejectProposal", f"{target}/reject", by_id),
    ]


def _to_document(source: str, status: str, pointer: str) -> list[Link]:
    by_id, target = {"document_id": pointer}, "POST /documents/{document_id}"
    return [
        Link(source, status, "RectifyDocument", f"{target}/rectification", by_id),
        Link(source, status, "SplitDocument", f"{target}/split", by_id),
    ]


LINKS: tuple[Link, ...] = (
    _to_crossing("POST /crossings", "201", "$response.body#/id"),
    Link("POST /crossings", "201", "DocumentHistory", "POST /documents/crossings",
         body={"issuing_state": "$request.body#/document/issuing_state",
               "number": "$request.body#/document/number"}),
    _to_crossing("POST /crossings/batch", "200", "$response.body#/0/id"),
    *_to_traveller("POST /documents/crossings", "200"),
    _to_crossing("POST /documents/crossings", "200", "$response.body#/crossings/0/id"),
    *_to_traveller("GET /travellers/{traveller_id}/crossings", "200"),
    _to_crossing("GET /travellers/{traveller_id}/crossings", "200",
                 "$response.body#/crossings/0/id"),
    *_to_traveller("POST /checks", "200"),
    *_to_document("GET /travellers/{traveller_id}/documents", "200",
                  "$response.body#/documents/0/document_id"),
    Link("POST /documents/{document_id}/split", "201", "NewPersonDocuments",
         "GET /travellers/{traveller_id}/documents", {"traveller_id": TRAVELLER}),
    *_to_referral("POST /travellers/{traveller_id}/referrals", "201", "$response.body#/id"),
    *_to_referral("GET /travellers/{traveller_id}/referrals", "200", "$response.body#/0/id"),
    *_to_referral("GET /referrals", "200", "$response.body#/0/id"),
    Link("POST /redress", "201", "DecideRedress", "POST /redress/{case_id}/decision",
         {"case_id": "$response.body#/id"}),
    *_to_hit("POST /screenings", "200", "$response.body#/hits/0/hit_id"),
    *_to_hit("GET /hits", "200", "$response.body#/0/id"),
    *_to_proposal("GET /persons/proposals", "200", "$response.body#/proposals/0/id"),
    # The session a login opens is the one its logout ends.
    Link("POST /login", "200", "LogOut", "POST /logout",
         {"header.Authorization": "Bearer {$response.body#/token}"}),
)  # fmt: skip


def add_links(schema: dict[str, Any]) -> dict[str, Any]:
    """`schema` (FastAPI's OpenAPI document) with LINKS under their responses, by operationId.
    A link whose source or target the schema lacks is an error: the table is out of date."""
    paths = schema["paths"]

    def operation(label: str) -> dict[str, Any]:
        method, path = label.split(" ", 1)
        return paths[PREFIX + path][method.lower()]

    for link in LINKS:
        definition: dict[str, Any] = {"operationId": operation(link.target)["operationId"]}
        if link.parameters:
            definition["parameters"] = dict(link.parameters)
        if link.body is not None:
            definition["requestBody"] = dict(link.body)
        response = operation(link.source)["responses"][link.status]
        response.setdefault("links", {})[link.name] = definition
    return schema


def install_links(app: Any) -> None:
    """Serve the app's OpenAPI document with LINKS, and its error answers as the problems they
    are (problem_schema.py); built once, as FastAPI caches it."""
    from rmis.web.api.problem_schema import document_problems

    build = app.openapi

    def openapi() -> dict[str, Any]:
        if app.openapi_schema is None:
            app.openapi_schema = add_links(document_problems(build()))
        return app.openapi_schema

    app.openapi = openapi
