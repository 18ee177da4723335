"""What a BCP hands the registry when it records a crossing, and what it gets back."""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date, datetime
from enum import StrEnum
from uuid import UUID


class Direction(StrEnum):
    ENTRY = "entry"
    EXIT = "exit"


class Outcome(StrEnum):
    ADMITTED = "admitted"
    REFUSED = "refused"


class Purpose(StrEnum):
    # The purposes border services in the region report (FSB: business, work, tourism,
    # private, study, permanent residence, transport crew), plus transit and official.
    TOURISM = "tourism"
    BUSINESS = "business"
    WORK = "work"
    STUDY = "study"
    PRIVATE = "private"
    TRANSIT = "transit"
    RESIDENCE = "residence"
    CREW = "crew"
    OFFICIAL = "official"
    OTHER = "other"


class Flag(StrEnum):
    """Data problems recorded with a crossing, never a reason to reject it."""

    EXIT_WITHOUT_ENTRY = "exit_without_entry"
    ENTRY_WHILE_INSIDE = "entry_while_inside"
    DOCUMENT_INVALID = "document_invalid"
    DOCUMENT_EXPIRED = "document_expired"
    # Dates no document can carry, judged against the crossing (document_dates.py).
    IMPLAUSIBLE_BIRTH_DATE = "implausible_birth_date"
    IMPLAUSIBLE_EXPIRY_DATE = "implausible_expiry_date"


@dataclass(frozen=True, slots=True)
class DocumentSeen:
    """The travel document as read at the BCP (usually from its MRZ)."""

    issuing_state: str
    number: str
    document_type: str
    surname: str
    given_names: str
    nationality: str
    birth_date: date | None
    sex: str
    expiry_date: date | None
    mrz_valid: bool = True
    # What linking a person's documents reads beyond the MRZ's names (persons/): the personal
    # number of the optional data (Kazakh and Kyrgyz passports carry one), the names in the
    # national script, and the number of the document this one replaced.
    optional_data: str | None = None
    national_surname: str | None = None
    national_given_names: str | None = None
    previous_document_number: str | None = None


@dataclass(frozen=True, slots=True)
class NewCrossing:
    id: UUID  # UUIDv7 made where the crossing is captured: a resend is recorded once
    direction: Direction
    bcp_code: str
    occurred_at: datetime  # timezone-aware
    document: DocumentSeen
    purpose: Purpose
    outcome: Outcome = Outcome.ADMITTED
    refusal_reason: str | None = None


@dataclass(frozen=True, slots=True)
class Recorded:
    id: UUID
    seq: int | None  # None when the crossing was already recorded earlier
    duplicate: bool
    local_date: date | None = None
    flags: tuple[Flag, ...] = field(default_factory=tuple)


class InvalidRecord(ValueError):
    """A record (crossing, permit...) that cannot be stored as sent: names the field and a code."""

    def __init__(self, field_name: str, code: str, message: str) -> None:
        super().__init__(message)
        self.field = field_name
        self.code = code
