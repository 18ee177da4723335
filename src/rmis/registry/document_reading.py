"""Reading a travel document from its MRZ: the step the border check and the import share.

``read_document(mrz_text, today=...)`` takes the lines as a keyboard-wedge reader types them
and gives back the document as the record holds it (`DocumentSeen`), the parsed MRZ, whether
it is valid, and every finding in words an officer can act on at 3 a.m. Text that is not an
MRZ at all raises `DocumentUnreadable` with a stable code (the API answers 422 with it).

What is tolerated in the text, and why (each is what a reader or a person typing does):
- lines separated by ``\\n``, ``\\r\\n`` or ``\\r``, spaces around a line, blank lines before,
  between or after the lines (a reader that sends both CR and LF as Enter);
- the lines run together on one line of 72, 88 or 90 characters (a reader set to send no line
  ends): each of those lengths is exactly one layout, so it is split, with an info finding;
- lower-case letters (Caps Lock on at the desk): an MRZ has no lower case, so reading them as
  capitals is lossless, and every check digit still judges the result; an info finding says so.
Anything else (a space inside a line, a character outside A-Z, 0-9 and ``<``) is read as it is
and reported by the field that holds it.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date
from enum import StrEnum
from typing import Any

from rmis.documents import (
    FIELD_LABELS,
    MRZ,
    Issue,
    MRZFormatError,
    Suggestion,
    parse,
    repaired,
)
from rmis.registry.model import DocumentSeen

# Longer than any MRZ with generous whitespace: anything beyond is not worth splitting.
MAX_TEXT = 1024
# One line with no line ends: its length names the layout (TD2 and MRV-B share 36, TD3 and
# MRV-A share 44, and the parser tells those apart by the document code).
_ONE_LINE = {72: 36, 88: 44, 90: 30}
_LOWER_TO_UPPER = str.maketrans("abcdefghijklmnopqrstuvwxyz", "ABCDEFGHIJKLMNOPQRSTUVWXYZ")


class Severity(StrEnum):
    ERROR = "error"  # the document is not valid: a check digit, a character, a date, a code
    WARNING = "warning"  # valid, but look at it: expired, specimen, no surname, name cut short
    INFO = "info"  # worth knowing: a long document number, how the text was read, a repair


@dataclass(frozen=True, slots=True)
class Finding:
    """One thing the officer should know about the document. `code` is stable."""

    code: str
    field: str
    severity: Severity
    message: str

    def to_dict(self) -> dict[str, str]:
        return {
            "code": self.code,
            "field": self.field,
            "severity": str(self.severity),
            "message": self.message,
        }


@dataclass(frozen=True, slots=True)
class Repair:
    """A reading the scanner may have got wrong, offered and never applied.

    `suggested` is the MRZ text of the field with the look-alike characters swapped; `value`
    is what the field then reads (an ISO date for a date, the text otherwise); `valid_after`
    says whether the whole MRZ would then be valid (None when it cannot be tried: a number
    continued in the optional data).
    """

    field: str
    original: str
    suggested: str
    value: str
    reason: str
    valid_after: bool | None

    def to_dict(self) -> dict[str, Any]:
        return {
            "field": self.field,
            "original": self.original,
            "suggested": self.suggested,
            "value": self.value,
            "reason": self.reason,
            "valid_after": self.valid_after,
        }


@dataclass(frozen=True, slots=True)
class DocumentRead:
    """What the MRZ says, as the record holds it, and everything the officer should know.

    `valid` means every check digit holds and the format is right; warnings and infos do not
    make a document invalid.
    """

    document: DocumentSeen
    mrz: MRZ
    valid: bool
    findings: tuple[Finding, ...]
    repairs: tuple[Repair, ...]

    def to_dict(self) -> dict[str, Any]:
        """JSON-ready: dates as ISO YYYY-MM-DD strings."""
        d = self.document
        return {
            "valid": self.valid,
            "format": str(self.mrz.format),
            "document": {
                "issuing_state": d.issuing_state,
                "number": d.number,
                "document_type": d.document_type,
                "surname": d.surname,
                "given_names": d.given_names,
                "nationality": d.nationality,
                "birth_date": d.birth_date.isoformat() if d.birth_date else None,
                "sex": d.sex,
                "expiry_date": d.expiry_date.isoformat() if d.expiry_date else None,
                "optional_data": d.optional_data,
                "mrz_valid": d.mrz_valid,
            },
            "findings": [f.to_dict() for f in self.findings],
            "repairs": [r.to_dict() for r in self.repairs],
        }


class DocumentUnreadable(ValueError):
    """The text is not an MRZ at all. `code`: mrz_empty, mrz_too_long, mrz_line_count or
    mrz_line_length; the message says what was expected and what came."""

    def __init__(self, code: str, message: str) -> None:
        super().__init__(message)
        self.code = code
        self.message = message


def _label(field: str) -> str:
    base = field.removesuffix("_check_digit")
    return FIELD_LABELS.get(base, base.replace("_", " "))


def _headline(issue: Issue) -> str | None:
    """What is wrong, in words, where the parser's message opens with the detail instead."""
    label = _label(issue.field)
    match issue.code:
        case "check_digit_mismatch" if issue.field == "composite":
            return "The overall check digit does not match"
        case "check_digit_mismatch":
            return f"The check digit of the {label} does not match"
        case "invalid_character" if issue.field.endswith("_check_digit"):
            return f"The check digit of the {label} is not a digit"
        case "invalid_character":
            return f"The {label} holds characters an MRZ does not use"
        case "invalid_document_code":
            return "The document code does not fit this kind of document"
        case "invalid_name_format":
            return "The name field is not laid out as ICAO 9303 asks"
    return None


def _finding(issue: Issue, severity: Severity) -> Finding:
    headline = _headline(issue)
    if headline is None:  # the parser's message says it in words already
        message = f"{issue.message[:1].upper()}{issue.message[1:]}."
    else:
        message = f"{headline}: {issue.message}."
    return Finding(issue.code, issue.field, severity, message)


def _value_of(mrz: MRZ, field: str, suggested: str) -> str:
    value = getattr(mrz, field, None) if not field.endswith("_check_digit") else None
    if isinstance(value, date):
        return value.isoformat()
    return suggested if value is None else str(value)


def _repair(mrz: MRZ, suggestion: Suggestion, today: date) -> Repair:
    what_if = repaired(mrz, suggestion, today=today)
    value = (
        suggestion.suggested
        if what_if is None
        else _value_of(what_if, suggestion.field, suggestion.suggested)
    )
    return Repair(
        suggestion.field,
        suggestion.original,
        suggestion.suggested,
        value,
        suggestion.reason,
        None if what_if is None else what_if.valid,
    )


def _repair_finding(repair: Repair) -> Finding:
    label = _label(repair.field)
    what = f"check digit of the {label}" if repair.field.endswith("_check_digit") else label
    then = {True: " and makes the whole MRZ valid", False: "", None: ""}[repair.valid_after]
    reads = f" ({repair.value})" if repair.value != repair.suggested else ""
    return Finding(
        "suggested_repair",
        repair.field,
        Severity.INFO,
        f"The scanner may have misread the {what}: reading {repair.original!r} as "
        f"{repair.suggested!r}{reads} agrees with its check digit{then}. Compare with the "
        "printed page; nothing was changed.",
    )


def _lines(mrz_text: str) -> tuple[list[str], list[Finding]]:
    """The MRZ lines in the text, and how they had to be read."""
    if len(mrz_text) > MAX_TEXT:
        raise DocumentUnreadable(
            "mrz_too_long",
            f"not an MRZ: {len(mrz_text)} characters, and an MRZ has at most 90",
        )
    notes: list[Finding] = []
    lines = [line.strip() for line in mrz_text.splitlines()]
    lines = [line for line in lines if line]
    if not lines:
        raise DocumentUnreadable("mrz_empty", "not an MRZ: the text is empty")
    if len(lines) == 1 and len(lines[0]) in _ONE_LINE:
        width = _ONE_LINE[len(lines[0])]
        text = lines[0]
        lines = [text[i : i + width] for i in range(0, len(text), width)]
        notes.append(
            Finding(
                "read_as_one_line",
                "mrz",
                Severity.INFO,
                f"The MRZ came as one line of {len(text)} characters; it was read as "
                f"{len(lines)} lines of {width}.",
            )
        )
    capitals = [line.translate(_LOWER_TO_UPPER) for line in lines]
    if capitals != lines:
        lines = capitals
        notes.append(
            Finding(
                "read_lower_case",
                "mrz",
                Severity.INFO,
                "The reader typed lower-case letters (is Caps Lock on?); they were read as "
                "capitals, and the check digits judged the result.",
            )
        )
    return lines, notes


def _unreadable(lines: list[str], error: MRZFormatError) -> DocumentUnreadable:
    code = "mrz_line_count" if len(lines) not in (2, 3) else "mrz_line_length"
    return DocumentUnreadable(code, f"not an MRZ: {error}")


def _personal_number(mrz: MRZ) -> str | None:
    """The optional data as the record keeps it: optional data 1 (TD1: else optional data 2),
    without the filler around it; None when the MRZ has none."""
    value = (mrz.optional_data or mrz.optional_data_2 or "").strip("<")
    return value or None


def document_seen(mrz: MRZ) -> DocumentSeen:
    """The document as the record holds it, from a parsed MRZ."""
    return DocumentSeen(
        issuing_state=mrz.issuing_state,
        number=mrz.document_number,
        document_type=mrz.document_code,
        surname=mrz.surname,
        given_names=mrz.given_names,
        nationality=mrz.nationality,
        birth_date=mrz.birth_date,
        sex=mrz.sex,
        expiry_date=mrz.expiry_date,
        mrz_valid=mrz.valid,
        optional_data=_personal_number(mrz),
    )


def read_document(mrz_text: str, *, today: date) -> DocumentRead:
    """Read the MRZ in `mrz_text` (lines separated by newlines, as a reader types them).

    `today` decides whether the document has expired and the century of two-digit years.
    Raises DocumentUnreadable when the text is not an MRZ at all.
    """
    lines, notes = _lines(mrz_text)
    try:
        mrz = parse(lines, today=today)
    except MRZFormatError as error:
        raise _unreadable(lines, error) from None
    repairs = tuple(_repair(mrz, s, today) for s in mrz.suggestions)
    findings = (
        *(_finding(e, Severity.ERROR) for e in mrz.errors),
        *(_finding(w, Severity.WARNING) for w in mrz.warnings),
        *(_finding(n, Severity.INFO) for n in mrz.notes),
        *(_repair_finding(r) for r in repairs),
        *notes,
    )
    return DocumentRead(document_seen(mrz), mrz, mrz.valid, findings, repairs)


__all__ = [
    "DocumentRead",
    "DocumentUnreadable",
    "Finding",
    "Repair",
    "Severity",
    "document_seen",
    "read_document",
]
