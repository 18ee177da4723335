"""What linking knows of one document: the facts every part of persons/ reads."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date
from uuid import UUID


@dataclass(frozen=True, slots=True)
class DocumentFacts:
    """One travel document as the record holds it (or is about to), with its person."""

    id: UUID
    traveller_id: UUID
    issuing_state: str
    number: str
    document_type: str
    surname: str
    given_names: str
    nationality: str
    birth_date: date | None
    sex: str
    expiry_date: date | None
    optional_data: str | None = None
    national_surname: str | None = None
    national_given_names: str | None = None
    previous_document_number: str | None = None


@dataclass(frozen=True, slots=True)
class PairScore:
    """The linkage model's verdict on a pair of documents being one person's."""

    probability: float  # the Fellegi-Sunter match probability
    match_weight: float  # log2 of the Bayes factor, prior included
    # comparison name -> the level the pair fell in (e.g. "surname": "transliteration match"),
    # the evidence shown to a supervisor and kept with the link.
    levels: dict[str, str]
