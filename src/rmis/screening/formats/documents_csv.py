"""A list of lost, stolen and revoked travel documents, as CSV with the header

    entry_id,issuing_state,document_number,document_type,reported_on,status

issuing_state is an ICAO 9303 code ("KAZ", "D"), or a country's name, which is mapped;
document_type is an ICAO type letter (P, I, A, C, V) or empty; reported_on is an ISO date (it
becomes the entry's listed_on); status is one of STATUSES or empty. A row that breaks these is
a MalformedEntry with its line; a file without the header is not this format (ValueError).
"""

from __future__ import annotations

import csv
from collections.abc import Iterable, Iterator
from datetime import date
from pathlib import Path
from typing import TextIO

from rmis.reference.countries import recordable_codes
from rmis.screening.entries import EntryDocument, ListEntry, MalformedEntry
from rmis.screening.formats.country_names import country_code
from rmis.screening.formats.stats import ReadStats

HEADER = ("entry_id", "issuing_state", "document_number", "document_type", "reported_on", "status")
DOCUMENT_TYPES = frozenset("PIACV")
STATUSES = frozenset({"lost", "stolen", "revoked", "invalidated"})


def read_documents_csv(path: Path, stats: ReadStats) -> Iterator[ListEntry | MalformedEntry]:
    """Every row as a ListEntry of subject "document"."""
    with path.open(encoding="utf-8-sig", newline="") as file:
        reader = csv.reader(file)
        header = next(reader, None)
        if header is None or tuple(h.strip().casefold() for h in header) != HEADER:
            raise ValueError(
                f"{path}: not a documents list (the first line must be the header "
                f"{','.join(HEADER)}; found {','.join(header or [])!r})"
            )
        seen: set[str] = set()
        line = 2
        for row in reader:
            start, line = line, reader.line_num + 1
            if not any(cell.strip() for cell in row):
                continue
            try:
                entry = _entry(row)
                if entry.entry_id in seen:
                    raise ValueError(f"entry_id {entry.entry_id!r} given twice")
                seen.add(entry.entry_id)
                yield entry
            except ValueError as error:
                yield MalformedEntry(f"line {start}", str(error))


def write_documents_csv(entries: Iterable[ListEntry], out: TextIO) -> int:
    """Write document entries in this format (the header, then a row each); returns the rows.

    Raises ValueError for an entry this format cannot hold (a person, or several documents).
    """
    writer = csv.writer(out, lineterminator="\n")
    writer.writerow(HEADER)
    rows = 0
    for entry in entries:
        if entry.subject != "document" or len(entry.documents) != 1:
            raise ValueError(f"entry {entry.entry_id}: the documents CSV holds one document a row")
        document = entry.documents[0]
        writer.writerow(
            (
                entry.entry_id,
                document.issuing_state or "",
                document.number,
                document.document_type or "",
                entry.listed_on.isoformat() if entry.listed_on else "",
                entry.status or "",
            )
        )
        rows += 1
    return rows


def _entry(row: list[str]) -> ListEntry:
    if len(row) != len(HEADER):
        raise ValueError(f"{len(row)} columns, expected {len(HEADER)}")
    entry_id, state, number, kind, reported_on, status = (cell.strip() for cell in row)
    if not entry_id:
        raise ValueError("no entry_id")
    if not number:
        raise ValueError(f"entry {entry_id}: no document_number")
    return ListEntry(
        entry_id=entry_id,
        subject="document",
        documents=(EntryDocument(number, _issuing_state(state, entry_id), _type(kind, entry_id)),),
        listed_on=_date(reported_on, entry_id),
        status=_status(status, entry_id),
    )


def _issuing_state(text: str, entry_id: str) -> str | None:
    if not text:
        return None
    if text in recordable_codes():
        return text
    code = country_code(text)
    if code is None:
        raise ValueError(
            f"entry {entry_id}: issuing_state {text!r} is neither an ICAO 9303 code nor a "
            "country name that maps to one"
        )
    return code


def _type(text: str, entry_id: str) -> str | None:
    if not text:
        return None
    if text.upper() not in DOCUMENT_TYPES:
        raise ValueError(
            f"entry {entry_id}: document_type {text!r} is not an ICAO type letter "
            f"({', '.join(sorted(DOCUMENT_TYPES))})"
        )
    return text.upper()


def _date(text: str, entry_id: str) -> date | None:
    if not text:
        return None
    try:
        return date.fromisoformat(text)
    except ValueError:
        raise ValueError(f"entry {entry_id}: reported_on {text!r} is not a date") from None


def _status(text: str, entry_id: str) -> str | None:
    if not text:
        return None
    if text.casefold() not in STATUSES:
        raise ValueError(
            f"entry {entry_id}: status {text!r} is none of {', '.join(sorted(STATUSES))}"
        )
    return text.casefold()
