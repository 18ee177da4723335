"""Reading a traveller's stays from CSV text with the header `entry,exit`."""

from __future__ import annotations

import csv
import io
import itertools
from datetime import date

from rmis.stay.model import Stay


class StaysFileError(ValueError):
    """Input the officer can fix: the message says which line and what was wrong."""


def parse_stays_csv(text: str) -> tuple[Stay, ...]:
    """Stays from CSV text: header `entry,exit`, ISO dates, empty exit while still present.

    Line numbers in errors are the file's own (the header is line 1). Blank lines are skipped.
    Stays may come in any order but may not overlap, and only the latest may be open.
    """
    rows = list(csv.reader(io.StringIO(text.removeprefix("\ufeff"))))  # spreadsheets add a BOM
    numbered = [(n, row) for n, row in enumerate(rows, start=1) if any(c.strip() for c in row)]
    if not numbered:
        raise StaysFileError("the stays file is empty; expected a header line `entry,exit`")
    n, header = numbered[0]
    if [c.strip().lower() for c in header] != ["entry", "exit"]:
        raise StaysFileError(f"line {n}: header must be `entry,exit`, found `{','.join(header)}`")
    stays: list[tuple[int, Stay]] = []
    for n, row in numbered[1:]:
        if len(row) != 2:
            raise StaysFileError(f"line {n}: expected 2 fields (entry,exit), found {len(row)}")
        entry = _date(row[0], n, "entry")
        if entry is None:
            raise StaysFileError(f"line {n}: entry date is empty")
        exit_ = _date(row[1], n, "exit")
        if exit_ is not None and exit_ < entry:
            raise StaysFileError(f"line {n}: exit {exit_} is before entry {entry}")
        stays.append((n, Stay(entry, exit_)))
    stays.sort(key=lambda ns: ns[1].entry)
    for (n1, s1), (n2, s2) in itertools.pairwise(stays):
        if s1.exit is None:
            raise StaysFileError(
                f"line {n1}: stay entered {s1.entry} has no exit, but the stay on line {n2} "
                f"enters later, on {s2.entry}"
            )
        if s2.entry == s1.exit:
            raise StaysFileError(
                f"lines {n1} and {n2}: stays overlap: re-entry on the day of exit ({s1.exit}) "
                "would count that day twice; record the two as one stay"
            )
        if s2.entry < s1.exit:
            raise StaysFileError(
                f"lines {n1} and {n2}: stays overlap ({s1.entry}..{s1.exit} and "
                f"{s2.entry}..{s2.exit or 'present'})"
            )
    return tuple(s for _, s in stays)


def _date(text: str, line: int, column: str) -> date | None:
    text = text.strip()
    if not text:
        return None
    try:
        return date.fromisoformat(text)
    except ValueError:
        raise StaysFileError(
            f"line {line}: cannot read {column} date `{text}` (expected YYYY-MM-DD)"
        ) from None
