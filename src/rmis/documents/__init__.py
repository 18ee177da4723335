"""ICAO 9303 machine readable zones: parse, validate, compose.

Pure: no clock, no I/O. ``parse(lines, today=...)`` returns an `MRZ` with every error,
warning, note and OCR suggestion named by field and stable code; ``repaired`` shows what a
suggestion would make of the MRZ; ``compose_*`` build MRZs.
"""

from rmis.documents.checkdigit import check_digit
from rmis.documents.compose import (
    compose,
    compose_mrva,
    compose_mrvb,
    compose_td1,
    compose_td2,
    compose_td3,
    name_field,
)
from rmis.documents.fields import LABELS as FIELD_LABELS
from rmis.documents.model import MRZ, Issue, MRZFormat, MRZFormatError, Suggestion
from rmis.documents.parse import detect_format, parse, repaired

__all__ = [
    "FIELD_LABELS",
    "MRZ",
    "Issue",
    "MRZFormat",
    "MRZFormatError",
    "Suggestion",
    "check_digit",
    "compose",
    "compose_mrva",
    "compose_mrvb",
    "compose_td1",
    "compose_td2",
    "compose_td3",
    "detect_format",
    "name_field",
    "parse",
    "repaired",
]
