"""Parse and validate an MRZ of any of the five Doc 9303 formats.

Pure: the date that decides "expired" and the century of two-digit years is handed in.
Nothing is repaired: lowercase, misread letters and wrong check digits are reported as
errors (with suggestions where an OCR confusion would explain them), never corrected.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import replace
from datetime import date

from rmis.documents import fields as f
from rmis.documents.checkdigit import INVALID, VALUE_TABLE
from rmis.documents.model import MRZ, Issue, MRZFormat, MRZFormatError, Suggestion

TD1, TD2, TD3, MRVA, MRVB = (
    MRZFormat.TD1,
    MRZFormat.TD2,
    MRZFormat.TD3,
    MRZFormat.MRVA,
    MRZFormat.MRVB,
)

# First character of the document code, per format (Doc 9303 Parts 4-7, section 4.2.2).
_FIRST = {TD1: "ACI", TD2: "ACI", TD3: "P", MRVA: "V", MRVB: "V"}
# End of the optional data on line 2 of the two-line formats.
_OPT_END = {TD2: 35, TD3: 42, MRVA: 44, MRVB: 36}


def _values(line: str) -> bytes:
    return line.encode("ascii", "replace").translate(VALUE_TABLE)


def detect_format(lines: Sequence[str]) -> MRZFormat:
    """The format of stripped MRZ lines, from line count and length (and V for visas).

    Raises MRZFormatError when the lines cannot be an MRZ.
    """
    lengths = [len(line) for line in lines]
    if len(lines) == 3:
        if lengths == [30, 30, 30]:
            return TD1
        raise MRZFormatError(
            f"a 3-line MRZ (TD1) has three lines of 30 characters; got lengths {lengths}"
        )
    if len(lines) == 2:
        visa = lines[0][:1] == "V"
        if lengths == [44, 44]:
            return MRVA if visa else TD3
        if lengths == [36, 36]:
            return MRVB if visa else TD2
        raise MRZFormatError(
            "a 2-line MRZ has two lines of 44 (TD3 passport, MRV-A visa) or of 36 characters "
            f"(TD2, MRV-B visa); got lengths {lengths}"
        )
    raise MRZFormatError(f"an MRZ has 2 or 3 lines; got {len(lines)}")


def parse(lines: Sequence[str] | str, *, today: date) -> MRZ:
    """Parse and validate an MRZ.

    `lines` are the 2 or 3 lines (or one string holding them, separated by newlines);
    whitespace around each line is ignored. `today` decides the century of two-digit years
    and whether the document has expired.

    Raises MRZFormatError (a ValueError) if the input is not an MRZ at all. Everything else
    (bad characters, check digits, unknown countries, impossible dates) is returned in
    `MRZ.errors`; an expired document or a specimen only gets a warning.
    """
    if isinstance(lines, str):
        lines = lines.splitlines()
    stripped = tuple(map(str.strip, lines))
    fmt = detect_format(stripped)
    mrz = _parse_td1(stripped, today) if fmt is TD1 else _parse_two_lines(stripped, fmt, today)
    if mrz.suggestions:
        return _verified(mrz, today)
    return mrz


# Where the fields that may get a suggestion sit: (line, start, end), per format.
_TWO_LINE_SPOTS = {
    "document_number": (1, 0, 9),
    "document_number_check_digit": (1, 9, 10),
    "birth_date": (1, 13, 19),
    "birth_date_check_digit": (1, 19, 20),
    "expiry_date": (1, 21, 27),
    "expiry_date_check_digit": (1, 27, 28),
}
_SPOTS = {
    TD1: {
        "document_number": (0, 5, 14),
        "document_number_check_digit": (0, 14, 15),
        "birth_date": (1, 0, 6),
        "birth_date_check_digit": (1, 6, 7),
        "expiry_date": (1, 8, 14),
        "expiry_date_check_digit": (1, 14, 15),
        "composite_check_digit": (1, 29, 30),
    },
    TD2: {**_TWO_LINE_SPOTS, "composite_check_digit": (1, 35, 36)},
    TD3: {
        **_TWO_LINE_SPOTS,
        "optional_data": (1, 28, 42),
        "optional_data_check_digit": (1, 42, 43),
        "composite_check_digit": (1, 43, 44),
    },
    MRVA: _TWO_LINE_SPOTS,
    MRVB: _TWO_LINE_SPOTS,
}
_PROTECTED = frozenset(
    f"{name}{suffix}"
    for name in ("document_number", "birth_date", "expiry_date", "optional_data")
    for suffix in ("", "_check_digit")
)


def _verified(mrz: MRZ, today: date) -> MRZ:
    """Keep only the suggestions that every check digit covering the field agrees with.

    A single check digit is met by one reading in ten, so a swap that fixes it may be a
    coincidence; where a composite check digit also covers the field it must agree too (unless
    another protected field still fails, so the composite cannot judge). The composite weighs
    the document number exactly as its own check digit does, so several readings of a
    document number can survive: all are offered, none is chosen.
    """
    kept = []
    for s in mrz.suggestions:
        again = _applied(mrz, s, today)
        if again is None:
            kept.append(s)
            continue
        base = s.field.removesuffix("_check_digit")
        own = {base, f"{base}_check_digit"}
        failing = {e.field for e in again.errors}
        if failing & own:
            continue
        composite_fails = bool(failing & {"composite", "composite_check_digit"})
        if composite_fails and not (failing & (_PROTECTED - own)):
            continue
        kept.append(s)
    return replace(mrz, suggestions=tuple(kept))


def _applied(mrz: MRZ, suggestion: Suggestion, today: date) -> MRZ | None:
    """The MRZ parsed again with the suggested reading in place (None where it has no spot)."""
    spot = _SPOTS[mrz.format].get(suggestion.field)
    if spot is None or len(suggestion.suggested) != spot[2] - spot[1]:
        return None
    row, start, end = spot
    lines = list(mrz.lines)
    lines[row] = lines[row][:start] + suggestion.suggested + lines[row][end:]
    fmt = mrz.format
    changed = tuple(lines)
    return _parse_td1(changed, today) if fmt is TD1 else _parse_two_lines(changed, fmt, today)


def repaired(mrz: MRZ, suggestion: Suggestion, *, today: date) -> MRZ | None:
    """`mrz` as it would read with one of its suggestions applied, for showing what the field
    would then say; None when the suggestion cannot be placed (a number continued in the
    optional data). The MRZ itself is never changed: this is a what-if for the officer."""
    again = _applied(mrz, suggestion, today)
    return None if again is None else _verified(again, today) if again.suggestions else again


def _long_number(
    head: str,
    region: str,
    errors: list[Issue],
    suggestions: list[Suggestion],
) -> tuple[str, str, tuple[Issue, ...]]:
    """A document number longer than 9 characters (Doc 9303 Part 5 4.2.2 note j; Part 6 note i).

    The check digit position holds '<'; the rest of the number and then its check digit open
    the optional data, ended by a filler. Returns (number, the rest of the optional data, the
    note that says so: empty when the number could not be read).

    Doc 9303 has the check digit cover the whole number. Its own example (Part 11, Appendix D)
    gives the same digit whether or not the '<' at the check digit position is counted, and
    issuers differ: Belgian and Portuguese cards in other readers' test suites count it. So
    both readings are accepted, and the note says which one held.
    """
    extension, _, rest = region.partition("<")
    if len(extension) < 2 or "<" in head:
        errors.append(
            Issue(
                "document_number",
                "invalid_document_number",
                "the document number check digit is '<', which announces a number longer than 9 "
                "characters, but the optional data does not continue it",
            )
        )
        return head.rstrip("<"), region, ()
    number = head + extension[:-1]
    cd = extension[-1]
    vals = _values(number)
    f.alphanumeric("document_number", number, vals, errors)
    if INVALID in vals:
        return number, rest, ()
    if f.agrees(vals, cd):
        counted = "its check digit covers the whole number"
    elif f.agrees(_values(f"{head}<{extension[:-1]}"), cd):
        counted = (
            "its check digit covers the whole number counting the filler after the ninth "
            "character, as some issuers (Belgium, Portugal) compute it"
        )
    else:
        f.check("document_number", number, vals, cd, errors, suggestions, numeric=False)
        return number, rest, ()
    note = Issue(
        "document_number",
        "long_document_number",
        f"the document number {number!r} has {len(number)} characters: the MRZ continues it "
        f"in the optional data, as Doc 9303 allows; {counted}",
    )
    return number, rest, (note,)


def _finish(
    fmt: MRZFormat,
    lines: tuple[str, ...],
    *,
    doc_code: str,
    issuing: tuple[str, bool],
    names: tuple[str, str, bool],
    number: str,
    nationality: tuple[str, bool],
    birth: date | None,
    sex: str,
    expiry: date | None,
    optional: str,
    optional_2: str | None,
    today: date,
    errors: list[Issue],
    warnings: list[Issue],
    suggestions: list[Suggestion],
) -> MRZ:
    if not number:
        errors.append(Issue("document_number", "missing_field", "the document number is empty"))
    if birth is not None and expiry is not None and expiry <= birth:
        errors.append(
            Issue(
                "expiry_date",
                "expiry_before_birth",
                f"date of expiry {expiry.isoformat()} is not after "
                f"date of birth {birth.isoformat()}",
            )
        )
    elif expiry is not None and expiry < today:
        warnings.append(
            Issue(
                "expiry_date", "document_expired", f"the document expired on {expiry.isoformat()}"
            )
        )
    specimen = issuing[1] or nationality[1]
    if specimen:
        warnings.append(
            Issue(
                "issuing_state" if issuing[1] else "nationality",
                "specimen",
                "UTO (Utopia) is the specimen state of ICAO Doc 9303: "
                "this is a specimen, not a real document",
            )
        )
    # Positional: this runs once per document, and keyword passing costs measurably here.
    return MRZ(
        fmt,
        doc_code,
        issuing[0],
        names[0],
        names[1],
        names[2],
        number,
        nationality[0],
        birth,
        sex,
        expiry,
        optional,
        optional_2,
        specimen,
        lines,
        tuple(errors),
        tuple(warnings),
        tuple(suggestions),
    )


def _parse_two_lines(lines: tuple[str, ...], fmt: MRZFormat, today: date) -> MRZ:
    """TD2, TD3, MRV-A, MRV-B: line 2 shares its first 28 positions across all four."""
    l1, l2 = lines
    v2 = _values(l2)
    errors: list[Issue] = []
    warnings: list[Issue] = []
    suggestions: list[Suggestion] = []
    notes: tuple[Issue, ...] = ()

    doc_code = f.document_code(l1[0:2], _FIRST[fmt], errors)
    issuing = f.country("issuing_state", l1[2:5], errors)
    names = f.names(l1[5:], errors, warnings)

    opt_end = _OPT_END[fmt]
    optional_raw = l2[28:opt_end]
    head, head_cd = l2[0:9], l2[9]
    if head_cd == "<" and fmt is TD2:
        number, optional_raw, notes = _long_number(head, optional_raw, errors, suggestions)
        f.alphanumeric("optional_data", l2[28:opt_end], v2[28:opt_end], errors)
        optional = optional_raw.rstrip("<")
    else:
        number = f.alphanumeric("document_number", head, v2[0:9], errors)
        f.check("document_number", head, v2[0:9], head_cd, errors, suggestions, numeric=False)
        optional = f.alphanumeric("optional_data", optional_raw, v2[28:opt_end], errors)

    nationality = f.country("nationality", l2[10:13], errors)
    birth = f.birth_date(l2[13:19], l2[19], today, errors, warnings, suggestions)
    f.check("birth_date", l2[13:19], v2[13:19], l2[19], errors, suggestions, numeric=True)
    sex = f.sex(l2[20], errors)
    expiry = f.expiry_date(l2[21:27], l2[27], today, errors, suggestions)
    f.check("expiry_date", l2[21:27], v2[21:27], l2[27], errors, suggestions, numeric=True)

    if fmt is TD3:
        # Personal number check digit: '<' or 0 when the field is unused (Part 4, 4.2.2).
        if optional or l2[42] not in "<0":
            f.check(
                "optional_data", l2[28:42], v2[28:42], l2[42], errors, suggestions, numeric=False
            )
        composite = v2[0:10] + v2[13:20] + v2[21:43]
        if not f.agrees(composite, l2[43]):  # the text is only built for the message
            text = l2[0:10] + l2[13:20] + l2[21:43]
            f.check("composite", text, composite, l2[43], errors, suggestions, numeric=True)
    elif fmt is TD2:
        composite = v2[0:10] + v2[13:20] + v2[21:35]
        if not f.agrees(composite, l2[35]):  # the text is only built for the message
            text = l2[0:10] + l2[13:20] + l2[21:35]
            f.check("composite", text, composite, l2[35], errors, suggestions, numeric=True)
    # MRV-A and MRV-B have no composite check digit (Doc 9303 Part 7).

    mrz = _finish(
        fmt,
        lines,
        doc_code=doc_code,
        issuing=issuing,
        names=names,
        number=number,
        nationality=nationality,
        birth=birth,
        sex=sex,
        expiry=expiry,
        optional=optional,
        optional_2=None,
        today=today,
        errors=errors,
        warnings=warnings,
        suggestions=suggestions,
    )
    # Rare (a long document number): the common MRZ is built without it, at no cost.
    return replace(mrz, notes=notes) if notes else mrz


def _parse_td1(lines: tuple[str, ...], today: date) -> MRZ:
    """TD1 (Doc 9303 Part 5): number and optional data on line 1, dates on line 2, name on 3."""
    l1, l2, l3 = lines
    v1 = _values(l1)
    v2 = _values(l2)
    errors: list[Issue] = []
    warnings: list[Issue] = []
    suggestions: list[Suggestion] = []
    notes: tuple[Issue, ...] = ()

    doc_code = f.document_code(l1[0:2], _FIRST[TD1], errors)
    issuing = f.country("issuing_state", l1[2:5], errors)
    head, head_cd = l1[5:14], l1[14]
    if head_cd == "<":
        number, rest, notes = _long_number(head, l1[15:30], errors, suggestions)
        f.alphanumeric("optional_data", l1[15:30], v1[15:30], errors)
        optional = rest.rstrip("<")
    else:
        number = f.alphanumeric("document_number", head, v1[5:14], errors)
        f.check("document_number", head, v1[5:14], head_cd, errors, suggestions, numeric=False)
        optional = f.alphanumeric("optional_data", l1[15:30], v1[15:30], errors)

    birth = f.birth_date(l2[0:6], l2[6], today, errors, warnings, suggestions)
    f.check("birth_date", l2[0:6], v2[0:6], l2[6], errors, suggestions, numeric=True)
    sex = f.sex(l2[7], errors)
    expiry = f.expiry_date(l2[8:14], l2[14], today, errors, suggestions)
    f.check("expiry_date", l2[8:14], v2[8:14], l2[14], errors, suggestions, numeric=True)
    nationality = f.country("nationality", l2[15:18], errors)
    optional_2 = f.alphanumeric("optional_data_2", l2[18:29], v2[18:29], errors)
    composite = v1[5:30] + v2[0:7] + v2[8:15] + v2[18:29]
    if not f.agrees(composite, l2[29]):  # the text is only built for the message
        text = l1[5:30] + l2[0:7] + l2[8:15] + l2[18:29]
        f.check("composite", text, composite, l2[29], errors, suggestions, numeric=True)
    names = f.names(l3, errors, warnings)

    mrz = _finish(
        TD1,
        lines,
        doc_code=doc_code,
        issuing=issuing,
        names=names,
        number=number,
        nationality=nationality,
        birth=birth,
        sex=sex,
        expiry=expiry,
        optional=optional,
        optional_2=optional_2,
        today=today,
        errors=errors,
        warnings=warnings,
        suggestions=suggestions,
    )
    # Rare (a long document number): the common MRZ is built without it, at no cost.
    return replace(mrz, notes=notes) if notes else mrz


__all__ = ["detect_format", "parse", "repaired"]
