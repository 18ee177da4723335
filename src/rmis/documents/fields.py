"""Decoders for single MRZ fields. Each reports its own problems into the lists it is given.

Every decoder checks the characters of its own field, so each error names the field that
holds the bad character, and nothing is reported twice.
"""

from __future__ import annotations

from datetime import date
from operator import mul

from rmis.documents import ocr
from rmis.documents.checkdigit import DIGITS, INVALID, MRZ_CHARS, WEIGHTS, check_digit
from rmis.documents.model import Issue, Suggestion
from rmis.reference.countries import lookup

LABELS = {
    "document_code": "document code",
    "issuing_state": "issuing state",
    "names": "name field",
    "document_number": "document number",
    "nationality": "nationality",
    "birth_date": "date of birth",
    "sex": "sex",
    "expiry_date": "date of expiry",
    "optional_data": "optional data",
    "optional_data_2": "optional data (line 2)",
    "composite": "composite check (document number, dates and optional data)",
}

# Doc 9303 Parts 4-7, field "sex": F, M or < (unspecified). X is the VIZ spelling of unspecified,
# and several states print it in the MRZ too, so it is accepted as well.
SEXES = frozenset("MFX<")


def _describe_bad(text: str, allowed: str) -> str:
    bad = sorted({c for c in text if c not in allowed})
    shown = ", ".join(repr(c) for c in bad)
    hint = " (lowercase is not upper-cased for you)" if any(c.islower() for c in bad) else ""
    return f"{shown}{hint}"


def invalid_characters(field: str, text: str, allowed: str, what: str) -> Issue:
    return Issue(
        field,
        "invalid_character",
        f"{LABELS.get(field, field)} {text!r} may only contain {what}; "
        f"found {_describe_bad(text, allowed)}",
    )


def agrees(vals: bytes, cd: str) -> bool:
    """True if `cd` is the check digit of `vals`, or if a bad character makes that moot."""
    return INVALID in vals or DIGITS[sum(map(mul, vals, WEIGHTS)) % 10] == cd


def check(
    field: str,
    text: str,
    vals: bytes,
    cd: str,
    errors: list[Issue],
    suggestions: list[Suggestion],
    *,
    numeric: bool,
) -> None:
    """Compare a check digit (Doc 9303 Part 3, 4.9). `vals` are the 7-3-1 values of `text`."""
    if INVALID in vals:
        return  # the field's own decoder has reported the character
    expected = DIGITS[sum(map(mul, vals, WEIGHTS)) % 10]
    if cd == expected:
        return
    label = LABELS.get(field, field)
    if cd not in DIGITS:
        errors.append(
            Issue(
                f"{field}_check_digit",
                "invalid_character",
                f"the check digit of the {label} must be a digit; found {cd!r}",
            )
        )
        if ocr.digit_reading(cd) == expected:
            suggestions.append(
                Suggestion(
                    f"{field}_check_digit",
                    cd,
                    expected,
                    f"{cd!r} is often misread for {expected!r}",
                )
            )
        return
    errors.append(
        Issue(
            field,
            "check_digit_mismatch",
            f"the {label} {text!r} gives check digit {expected}, but the MRZ says {cd}",
        )
    )
    if not numeric:
        for reading, reason in ocr.alphanumeric_readings(text, cd):
            suggestions.append(Suggestion(field, text, reading, reason))


def document_code(raw: str, first_allowed: str, errors: list[Issue]) -> str:
    """Two characters; the first fixed by the format (Doc 9303 Parts 4-7, 4.2.2)."""
    code = raw.rstrip("<")
    if not (raw.isascii() and raw[0] in first_allowed and (raw[1] == "<" or raw[1].isupper())):
        errors.append(
            Issue(
                "document_code",
                "invalid_document_code",
                f"document code {raw!r} is not valid here: it must start with "
                f"{' or '.join(first_allowed)}, followed by a letter or <",
            )
        )
    return code


def country(field: str, raw: str, errors: list[Issue]) -> tuple[str, bool]:
    """An ICAO code (reference.countries). Returns (code without filler, is specimen)."""
    code = raw.rstrip("<")
    found = lookup(code)
    if found is not None:
        return code, found.kind == "specimen"
    label = LABELS[field]
    if not code:
        errors.append(Issue(field, "missing_field", f"the {label} is empty"))
    elif not (code.isascii() and code.isalpha() and code.isupper()):
        errors.append(
            invalid_characters(field, raw, "ABCDEFGHIJKLMNOPQRSTUVWXYZ<", "letters A-Z and <")
        )
    else:
        errors.append(
            Issue(field, "unknown_country", f"{label} {code!r} is not an ICAO 9303 country code")
        )
    return code, False


def names(raw: str, errors: list[Issue], warnings: list[Issue]) -> tuple[str, str, bool]:
    """Primary and secondary identifiers (Doc 9303 Part 3, 4.6), separated by ``<<``.

    A name field whose last position holds a letter was (possibly) truncated: Doc 9303
    ends a truncated name on an alphabetic character, never on filler.

    A field that opens with ``<<`` has no primary identifier: a person with one name, as
    India, Switzerland and others issue them (``<<NAME``). That is read, with a warning.
    """
    letters = raw.replace("<", "")
    if letters and not (letters.isascii() and letters.isalpha() and letters.isupper()):
        errors.append(
            invalid_characters("names", raw, "ABCDEFGHIJKLMNOPQRSTUVWXYZ<", "letters A-Z and <")
        )
    primary, _, secondary = raw.partition("<<")
    surname = " ".join(primary.replace("<", " ").split())
    given = " ".join(secondary.replace("<", " ").split())
    if primary:
        if primary[0] == "<":
            errors.append(_leading_filler(raw))
        body = raw.rstrip("<")
        if "<<<" in body or body.count("<<") > 1:
            errors.append(_filler_runs(raw))
    else:
        _without_primary(raw, letters, secondary, given, errors, warnings)
    truncated = raw[-1] != "<"
    if truncated:
        warnings.append(
            Issue(
                "names",
                "names_truncated",
                "the name fills the whole field and may have been truncated: "
                "compare with the printed name",
            )
        )
    return surname, given, truncated


def _leading_filler(raw: str) -> Issue:
    return Issue("names", "invalid_name_format", f"the name field {raw!r} starts with a filler")


def _filler_runs(raw: str) -> Issue:
    # Doc 9303 Part 3, 4.6: one "<<" between the identifiers, single fillers inside them.
    return Issue(
        "names",
        "invalid_name_format",
        f"the name field {raw!r} has filler runs inside the name: only one '<<' "
        "(between surname and given names) is allowed",
    )


def _without_primary(
    raw: str,
    letters: str,
    secondary: str,
    given: str,
    errors: list[Issue],
    warnings: list[Issue],
) -> None:
    """A name field that opens with a filler: empty, badly laid out, or (``<<NAME``) a person
    with one name written with no surname, as some states do."""
    if not letters:
        errors.append(Issue("names", "missing_field", "the name field is empty"))
        return
    if secondary[:1] == "<":
        errors.append(_leading_filler(raw))
    else:
        warnings.append(
            Issue(
                "names",
                "no_surname",
                f"the document gives no surname, only the given name(s) {given!r}: some states "
                "write a person with one name this way; compare with the printed name",
            )
        )
    if "<<" in secondary.rstrip("<"):
        errors.append(_filler_runs(raw))


def sex(raw: str, errors: list[Issue]) -> str:
    if raw not in SEXES:
        errors.append(
            Issue("sex", "invalid_sex", f"sex {raw!r} must be M, F, X or < (unspecified)")
        )
    return raw


def alphanumeric(field: str, raw: str, vals: bytes, errors: list[Issue]) -> str:
    """Document number or optional data: A-Z, 0-9 and filler. Returns the value without
    trailing filler (leading or inner filler is kept: positions there can mean something)."""
    if INVALID in vals:
        errors.append(invalid_characters(field, raw, MRZ_CHARS, "A-Z, 0-9 and <"))
    return raw.rstrip("<")


def _split_date(
    field: str,
    raw: str,
    cd: str,
    errors: list[Issue],
    suggestions: list[Suggestion],
) -> tuple[int, int, int] | None:
    if raw.isascii() and raw.isdigit():
        return int(raw[0:2]), int(raw[2:4]), int(raw[4:6])
    errors.append(invalid_characters(field, raw, DIGITS, "digits (YYMMDD)"))
    reading = ocr.numeric_reading(raw)
    if reading is not None and cd in DIGITS and check_digit(reading) == cd:
        suggestions.append(
            Suggestion(
                field,
                raw,
                reading,
                "letters read for look-alike digits; this reading matches the check digit",
            )
        )
    return None


def birth_date(
    raw: str,
    cd: str,
    today: date,
    errors: list[Issue],
    warnings: list[Issue],
    suggestions: list[Suggestion],
) -> date | None:
    """YYMMDD, in the past: the latest century that does not put the birth after `today`.

    Doc 9303 Part 3 lets an unknown day or month be written as ``<<``; that is a warning and
    the date is None.
    """
    if "<" in raw and all(
        p == "<<" or (p.isascii() and p.isdigit()) for p in (raw[0:2], raw[2:4], raw[4:6])
    ):
        warnings.append(
            Issue(
                "birth_date", "birth_date_incomplete", f"date of birth {raw!r} is only partly known"
            )
        )
        return None
    parts = _split_date("birth_date", raw, cd, errors, suggestions)
    if parts is None:
        return None
    yy, mm, dd = parts
    year = today.year - today.year % 100 + yy
    if (year, mm, dd) > (today.year, today.month, today.day):
        year -= 100
    try:
        return date(year, mm, dd)
    except ValueError:
        errors.append(
            Issue(
                "birth_date",
                "invalid_date",
                f"date of birth {raw!r} is not a calendar date (YYMMDD)",
            )
        )
        return None


# An expiry date is read in the 100-year window that runs from 49 years ago to 50 years ahead:
# documents valid for decades exist, and an expired document is still read as what it is.
EXPIRY_YEARS_BACK = 49


def expiry_date(
    raw: str,
    cd: str,
    today: date,
    errors: list[Issue],
    suggestions: list[Suggestion],
) -> date | None:
    parts = _split_date("expiry_date", raw, cd, errors, suggestions)
    if parts is None:
        return None
    yy, mm, dd = parts
    year = today.year - today.year % 100 + yy
    if year < today.year - EXPIRY_YEARS_BACK:
        year += 100
    elif year > today.year + (99 - EXPIRY_YEARS_BACK):
        year -= 100
    try:
        return date(year, mm, dd)
    except ValueError:
        errors.append(
            Issue(
                "expiry_date",
                "invalid_date",
                f"date of expiry {raw!r} is not a calendar date (YYMMDD)",
            )
        )
        return None
