"""The result card: what the check found, put in the words and order an officer reads.

Built from the same answer the API gives (`CheckOut`), so the page shows nothing the API would
not, plus, for each hit, the listed entry beside the traveller so the officer can compare.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

from rmis.web.api.check_schemas import CheckOut
from rmis.web.ui.desk import labels
from rmis.web.ui.protection.labels import ERRORS as PROTECTION_ERRORS
from rmis.web.ui.templating import Translator


@dataclass(frozen=True, slots=True)
class Line:
    tone: str  # ok, warn, bad, info: the colour and the icon
    text: str


@dataclass(slots=True)
class HitView:
    hit_id: str
    list_name: str
    score: float
    reasons: list[str]
    standing: str
    status: str
    note: str | None
    listed_names: list[str] = field(default_factory=list)
    listed_birth_dates: list[str] = field(default_factory=list)
    listed_nationalities: list[str] = field(default_factory=list)
    listed_documents: list[str] = field(default_factory=list)
    listed_basis: str | None = None  # an entry ban's law, a document's status
    list_kind: str | None = None

    @property
    def needs_decision(self) -> bool:
        return self.status == "open" and self.standing != "dismissed"


def error_text(t: Translator, error: Exception | str) -> str:
    """A service's refusal (or its code) in the officer's language when the code is known."""
    code = error if isinstance(error, str) else getattr(error, "code", None)
    words = labels.ERRORS.get(code) or PROTECTION_ERRORS.get(code)
    return t.text(words) if words else str(error)


def finding_text(t: Translator, code: str, field_name: str, english: str) -> str:
    template = labels.FINDINGS.get(code)
    if template is None:
        return english
    return t.text(template, field=t.text(labels.FIELDS.get(field_name, field_name)))


def document_lines(t: Translator, answer: CheckOut) -> list[Line]:
    """The document's findings, most serious first, each in words."""
    tone = {"error": "bad", "warning": "warn", "info": "info"}
    order = {"bad": 0, "warn": 1, "info": 2}
    lines = [
        Line(tone.get(f.severity, "info"), finding_text(t, f.code, f.field, f.message))
        for f in answer.document.findings
    ]
    return sorted(lines, key=lambda line: order[line.tone])


def flag_lines(t: Translator, answer: CheckOut) -> list[Line]:
    """What recording now would flag or refuse, without repeating the document's findings."""
    seen = {f.code for f in answer.document.findings}
    lines = []
    for flag in answer.flags:
        if flag.source == "document" or flag.code in seen:
            continue
        words = labels.FLAGS.get(flag.code)
        lines.append(Line("warn", t.text(words) if words else flag.message))
    return lines


def hit_views(answer: CheckOut, cases: dict[str, Any]) -> list[HitView]:
    views = []
    for hit in answer.hits:
        view = HitView(
            hit_id=str(hit.hit_id), list_name=hit.list, score=hit.score, reasons=hit.reasons,
            standing=hit.standing, status=hit.status, note=hit.note,
        )  # fmt: skip
        case = cases.get(str(hit.hit_id))
        entry = getattr(case, "entry", None)
        if case is not None:
            view.list_kind = case.list_kind.value
        if entry is not None:
            view.listed_names = [n.full for n in entry.names][:6]
            view.listed_birth_dates = [str(b) for b in entry.birth_dates][:3]
            view.listed_nationalities = list(entry.nationalities)[:3]
            view.listed_documents = [
                f"{d.issuing_state or '?'} {d.number}" for d in entry.documents
            ][:3]
            view.listed_basis = entry.legal_basis or entry.status or entry.remarks
        views.append(view)
    return views
