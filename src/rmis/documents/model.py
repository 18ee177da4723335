"""What parsing an MRZ gives back: the fields, and every problem found, each named."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date
from enum import StrEnum
from typing import Any


class MRZFormat(StrEnum):
    """The five MRZ layouts of Doc 9303 (Parts 4 to 7)."""

    TD1 = "TD1"  # ID cards: 3 lines of 30 (Part 5)
    TD2 = "TD2"  # ID cards: 2 lines of 36 (Part 6)
    TD3 = "TD3"  # passports: 2 lines of 44 (Part 4)
    MRVA = "MRV-A"  # visas: 2 lines of 44 (Part 7)
    MRVB = "MRV-B"  # visas: 2 lines of 36 (Part 7)


class MRZFormatError(ValueError):
    """The input is not an MRZ at all: wrong number of lines, or lines of the wrong length."""


@dataclass(frozen=True, slots=True)
class Issue:
    """An error or warning about one field. `code` is stable; `message` is for people."""

    field: str
    code: str
    message: str

    def to_dict(self) -> dict[str, str]:
        return {"field": self.field, "code": self.code, "message": self.message}


@dataclass(frozen=True, slots=True)
class Suggestion:
    """A possible OCR misreading that would make the check digits agree. Never applied."""

    field: str
    original: str
    suggested: str
    reason: str

    def to_dict(self) -> dict[str, str]:
        return {
            "field": self.field,
            "original": self.original,
            "suggested": self.suggested,
            "reason": self.reason,
        }


@dataclass(frozen=True, slots=True)
class MRZ:
    """A parsed MRZ. Fields hold what the MRZ says, fillers removed; nothing is repaired.

    A field that could not be read (e.g. an impossible date) is None and has an error.
    `sex` is the MRZ character itself: ``M``, ``F``, ``X`` or ``<`` (unspecified).
    `valid` means no errors; warnings (expired, specimen, names truncated, no surname) do not
    count, nor do notes: what is unusual but as Doc 9303 allows (a document number longer than
    nine characters).
    """

    format: MRZFormat
    document_code: str
    issuing_state: str
    surname: str
    given_names: str
    names_truncated: bool
    document_number: str
    nationality: str
    birth_date: date | None
    sex: str
    expiry_date: date | None
    optional_data: str
    optional_data_2: str | None  # TD1 only
    specimen: bool
    lines: tuple[str, ...]
    errors: tuple[Issue, ...] = ()
    warnings: tuple[Issue, ...] = ()
    suggestions: tuple[Suggestion, ...] = ()
    notes: tuple[Issue, ...] = ()

    @property
    def valid(self) -> bool:
        return not self.errors

    def to_dict(self) -> dict[str, Any]:
        """JSON-ready: dates as ISO YYYY-MM-DD strings, issues as lists of dicts."""
        return {
            "valid": not self.errors,
            "format": str(self.format),
            "document_code": self.document_code,
            "issuing_state": self.issuing_state,
            "surname": self.surname,
            "given_names": self.given_names,
            "names_truncated": self.names_truncated,
            "document_number": self.document_number,
            "nationality": self.nationality,
            "birth_date": self.birth_date.isoformat() if self.birth_date else None,
            "sex": self.sex,
            "expiry_date": self.expiry_date.isoformat() if self.expiry_date else None,
            "optional_data": self.optional_data,
            "optional_data_2": self.optional_data_2,
            "specimen": self.specimen,
            "lines": list(self.lines),
            "errors": [e.to_dict() for e in self.errors],
            "warnings": [w.to_dict() for w in self.warnings],
            "suggestions": [s.to_dict() for s in self.suggestions],
            "notes": [n.to_dict() for n in self.notes],
        }
