"""Dates on a document that no traveller's document can carry, judged against the crossing.

They are flagged (`implausible_birth_date`, `implausible_expiry_date`), never a reason to refuse
the crossing: the person crossed whatever the document's dates say, and an MRZ writes years
with two digits, so a reader that guesses the century wrong, or a keying slip, makes such dates
out of real documents. The flag tells the analyst the date is not to be trusted; the crossing
counts.

- A birth date after the crossing's local date (a person crossed before they were born), or
  before 1900-01-01 (older than anyone alive: the oldest verified human lived 122 years).
- An expiry date more than MAX_VALIDITY_YEARS calendar years after the year of the crossing.
  Doc 9303 sets no longest validity; passports of the region run ten years, and the longest
  found on a travel document is thirty (Belgian identity cards issued to people over 75).

The same rules in Python (recording one crossing, judging flags again after a correction) and
in SQL (the bulk import), side by side so that they cannot drift apart.
"""

from __future__ import annotations

from datetime import date
from typing import Any

from sqlalchemy import ColumnElement, Date, extract, literal

EARLIEST_BIRTH_DATE = date(1900, 1, 1)
MAX_VALIDITY_YEARS = 30


def implausible_birth(birth_date: date | None, local_date: date) -> bool:
    return birth_date is not None and (birth_date > local_date or birth_date < EARLIEST_BIRTH_DATE)


def implausible_expiry(expiry_date: date | None, local_date: date) -> bool:
    return expiry_date is not None and expiry_date.year - local_date.year > MAX_VALIDITY_YEARS


def implausible_birth_sql(
    birth_date: ColumnElement[Any], local_date: ColumnElement[Any]
) -> ColumnElement[bool]:
    return (birth_date > local_date) | (birth_date < literal(EARLIEST_BIRTH_DATE, Date))


def implausible_expiry_sql(
    expiry_date: ColumnElement[Any], local_date: ColumnElement[Any]
) -> ColumnElement[bool]:
    return extract("year", expiry_date) - extract("year", local_date) > MAX_VALIDITY_YEARS
