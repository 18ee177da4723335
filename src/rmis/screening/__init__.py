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
from rmis.screening.formats import read as read_list
from rmis.screening.hits import (
    MAX_REASON_LENGTH,
    HitCase,
    HitCounts,
    HitDecision,
    HitError,
    ScreenedHit,
    decide_hit,
    hit_case,
    hit_counts,
    open_hits,
    record_answer,
    record_hits,
    screening_place,
    subject_key,
)
from rmis.screening.lists import (
    ImportSummary,
    ListImportError,
    ListSummary,
    VersionSummary,
    active_entries,
    import_list,
    list_history,
    list_summaries,
    lists_in_force,
)
from rmis.screening.service import Screener, Screening, audit_batch_screening
from rmis.screening.subjects import Hit, ScreenedTraveller, TravellerDocument, TravellerError

__all__ = [
    "MAX_REASON_LENGTH",
    "BirthDate",
    "EntryDocument",
    "EntryName",
    "Hit",
    "HitCase",
    "HitCounts",
    "HitDecision",
    "HitError",
    "ImportSummary",
    "ListEntry",
    "ListImportError",
    "ListKind",
    "ListSummary",
    "MalformedEntry",
    "ScreenedHit",
    "ScreenedTraveller",
    "Screener",
    "Screening",
    "TravellerDocument",
    "TravellerError",
    "VersionSummary",
    "active_entries",
    "audit_batch_screening",
    "decide_hit",
    "hit_case",
    "hit_counts",
    "import_list",
    "list_history",
    "list_summaries",
    "lists_in_force",
    "open_hits",
    "read_list",
    "record_answer",
    "record_hits",
    "screening_place",
    "subject_key",
]
