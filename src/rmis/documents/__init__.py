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
from rmis.documents.ocr import TO_DIGIT as OCR_TO_DIGIT
from rmis.documents.ocr import fold_ocr
from rmis.documents.parse import detect_format, parse, repaired
from rmis.documents.personal_numbers import (
    STATES_WITH_PERSONAL_NUMBERS,
    PersonalNumber,
    iin_check_digit,
    personal_number,
    pinfl_check_digit,
)

__all__ = [
    "FIELD_LABELS",
    "MRZ",
    "OCR_TO_DIGIT",
    "STATES_WITH_PERSONAL_NUMBERS",
    "Issue",
    "MRZFormat",
    "MRZFormatError",
    "PersonalNumber",
    "Suggestion",
    "check_digit",
    "compose",
    "compose_mrva",
    "compose_mrvb",
    "compose_td1",
    "compose_td2",
    "compose_td3",
    "detect_format",
    "fold_ocr",
    "iin_check_digit",
    "name_field",
    "parse",
    "personal_number",
    "pinfl_check_digit",
    "repaired",
]
