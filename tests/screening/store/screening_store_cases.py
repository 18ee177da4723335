"""Entries built by hand for the screening room's store tests."""

from __future__ import annotations

from datetime import UTC, datetime

from rmis.screening import BirthDate, EntryDocument, EntryName, ListEntry

NOW = datetime(2026, 12, 7, 8, 0, tzinfo=UTC)
BCP = "KAZ-ALA"


def person(entry_id: str, name: str, born: str | None = "1970-03-15", **more) -> ListEntry:
    births = () if born is None else (BirthDate.parse(born),)
    return ListEntry(entry_id, "person", names=(EntryName(name),), birth_dates=births, **more)


def document(entry_id: str, state: str, number: str) -> ListEntry:
    return ListEntry(
        entry_id, "document", documents=(EntryDocument(number, state, "P"),), status="stolen"
    )
