"""Who is screened and what a screen finds: the traveller as the batch contract writes them
(`rmis screen`, one JSON object a line) and a hit with its reasons.

Input line:  {"id": "...", "names": ["..."], "birth_date": "YYYY-MM-DD" | "YYYY" | null,
              "sex": "M" | "F" | null, "nationality": "KAZ",
              "document": {"issuing_state": "KAZ", "number": "...", "type": "P"} | null}
Output line: {"id": "...", "hits": [{"list": "...", "entry_id": "...", "score": 0.0-1.0,
              "reasons": ["..."]}]}
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date
from typing import Any, Protocol

from rmis.screening.entries import BirthDate


class TravellerError(ValueError):
    """A traveller to screen that says something impossible (the message says what)."""


@dataclass(frozen=True)
class TravellerDocument:
    issuing_state: str
    number: str
    document_type: str | None = None


class ReadDocument(Protocol):
    """What a document read at the desk says (registry.DocumentSeen has these fields)."""

    issuing_state: str
    number: str
    document_type: str
    nationality: str
    birth_date: date | None
    sex: str


@dataclass(frozen=True)
class ScreenedTraveller:
    """Everything known of one traveller: every name (MRZ, the visual zone in national script,
    the person's earlier documents), a birth date as precise as known, sex, nationality, and
    the document shown. Nationality and sex are agreement evidence only: neither makes a hit."""

    id: str
    names: tuple[str, ...]
    birth_date: BirthDate | None = None
    sex: str | None = None
    nationality: str | None = None
    document: TravellerDocument | None = None

    @classmethod
    def of_document(
        cls, ident: str, names: tuple[str, ...], document: ReadDocument
    ) -> ScreenedTraveller:
        """A traveller checked at the desk: every name known of them, and what the document
        read says of birth date, sex (M or F; X says nothing) and nationality, and itself."""
        born = document.birth_date
        return cls(
            id=ident,
            names=names,
            birth_date=None if born is None else BirthDate(born.year, born.month, born.day),
            sex=document.sex if document.sex in ("M", "F") else None,
            nationality=document.nationality,
            document=TravellerDocument(
                document.issuing_state, document.number, document.document_type
            ),
        )

    @classmethod
    def from_json(cls, data: Any) -> ScreenedTraveller:
        if not isinstance(data, dict):
            raise TravellerError("a traveller is a JSON object")
        ident = data.get("id")
        if not isinstance(ident, str) or not ident:
            raise TravellerError("'id' must be a non-empty string")
        names = data.get("names") or []
        if not isinstance(names, list) or not all(isinstance(n, str) for n in names):
            raise TravellerError(f"{ident}: 'names' must be a list of strings")
        names = tuple(n for n in names if n.strip())
        born = data.get("birth_date")
        try:
            birth = None if born in (None, "") else BirthDate.parse(str(born))
        except ValueError as error:
            raise TravellerError(f"{ident}: {error}") from None
        sex = data.get("sex")
        if sex not in (None, "M", "F"):
            raise TravellerError(f"{ident}: 'sex' must be M, F or null, not {sex!r}")
        nationality = data.get("nationality") or None
        if nationality is not None and not isinstance(nationality, str):
            raise TravellerError(f"{ident}: 'nationality' must be a country code")
        document = data.get("document")
        doc = None
        if document is not None:
            if not isinstance(document, dict) or not document.get("number"):
                raise TravellerError(f"{ident}: 'document' needs at least a 'number'")
            doc = TravellerDocument(
                issuing_state=str(document.get("issuing_state") or ""),
                number=str(document["number"]),
                document_type=document.get("type") or None,
            )
        if not names and doc is None:
            raise TravellerError(f"{ident}: nothing to screen (no name and no document)")
        return cls(ident, names, birth, sex, nationality, doc)


@dataclass(frozen=True)
class Hit:
    """A traveller found on a list: the entry, a score in [0, 1], and the reasons in words an
    officer can read aloud (which name matched which, how; what agrees and what disagrees)."""

    list: str
    entry_id: str
    score: float
    reasons: tuple[str, ...]

    def to_json(self) -> dict[str, Any]:
        return {
            "list": self.list,
            "entry_id": self.entry_id,
            "score": round(self.score, 4),
            "reasons": list(self.reasons),
        }
