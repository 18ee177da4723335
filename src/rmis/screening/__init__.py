"""Alert lists and screening: lists read from their publishers' formats, a traveller screened
against every active list across scripts, and every hit decided by a person.

The door: what other rooms may use.
"""

from rmis.screening.entries import (
    BirthDate,
    EntryDocument,
    EntryName,
    ListEntry,
    ListKind,
    MalformedEntry,
)
from rmis.screening.subjects import Hit, ScreenedTraveller, TravellerDocument, TravellerError

__all__ = [
    "BirthDate",
    "EntryDocument",
    "EntryName",
    "Hit",
    "ListEntry",
    "ListKind",
    "MalformedEntry",
    "ScreenedTraveller",
    "TravellerDocument",
    "TravellerError",
]
