"""What the record accepts at all: one definition for every way in (the API's schemas, the bulk
import), so a value refused at one edge is refused at the other with the same code.

A day the record holds lies within 1900..2100, and a crossing's or correction's moment within
1991..2100 (the region's states date from 1991). A document's own dates get a wider range: the
record takes and flags an implausible one (document_dates.py: an MRZ reader that guessed the
century wrong), but years like 0001 and 9999 are no reading of any document. Integers fit a
32-bit column. Text holds no control or unprintable character (a NUL breaks PostgreSQL's text
columns; the others hide what a person reads); free text may hold line breaks and tabs. A
value is stored as given, never trimmed: one with a space at either end is refused (" FA123"
would be another document than "FA123").
"""

from __future__ import annotations

from datetime import UTC, date, datetime

FIRST_DAY, LAST_DAY = date(1900, 1, 1), date(2100, 12, 31)
FIRST_DOCUMENT_DAY, LAST_DOCUMENT_DAY = date(1800, 1, 1), date(2199, 12, 31)
FIRST_CROSSING = datetime(1991, 1, 1, tzinfo=UTC)
LAST_CROSSING = datetime(2100, 12, 31, tzinfo=UTC)
INT32_MAX = 2**31 - 1
MAX_NAME_LENGTH = 200  # a surname, given names, or either in the national script

IMPLAUSIBLE_DATE = "implausible_date"
CONTROL_CHARACTER = "control_character"
NUL_CHARACTER = "nul_character"
SURROUNDING_SPACE = "surrounding_space"


def has_control(text: str, allowed: str = " ") -> bool:
    """Whether `text` holds a control or unprintable character other than those `allowed`
    (a space always; free text also allows line breaks and tabs)."""
    return any(not c.isprintable() and c not in allowed for c in text)


def text_problem(text: str, allowed: str = " ") -> str | None:
    """The code `text` is refused with, if any: a NUL apart, as the API's edge names it."""
    if "\x00" in text:
        return NUL_CHARACTER
    return CONTROL_CHARACTER if has_control(text, allowed) else None


def has_surrounding_space(text: str) -> bool:
    """Whether `text` begins or ends with whitespace (a control character there is refused as
    one before this is asked)."""
    return text != text.strip()
