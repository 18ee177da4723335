"""Compose MRZs from fields, for all five Doc 9303 formats.

Names must already be transliterated to A-Z (that is rmis.names' job); here they are only
upper-cased, spaces and hyphens become ``<`` and apostrophes are dropped (Doc 9303 Part 3,
4.6: punctuation is not represented in the MRZ), and names that do not fit are truncated.
Any other field with a character outside A-Z, 0-9 raises ValueError: composing never
guesses. Fast enough to make synthetic documents by the million (no regex, no strptime).
"""

from __future__ import annotations

from datetime import date
from functools import lru_cache
from operator import mul
from typing import Any

from rmis.documents.checkdigit import DIGITS, VALUE_TABLE, WEIGHTS
from rmis.documents.model import MRZFormat
from rmis.reference.countries import is_icao_code

_NAME_TABLE = str.maketrans({" ": "<", "-": "<", "'": None, "\u2019": None})
_ALNUM = frozenset("0123456789ABCDEFGHIJKLMNOPQRSTUVWXYZ")
_ALNUM_FILL = _ALNUM | {"<"}
_SEXES = frozenset("MFX<")


def _cd(text: str) -> str:
    # Inputs are validated before this is called, so every character has a value.
    return DIGITS[sum(map(mul, text.encode("ascii").translate(VALUE_TABLE), WEIGHTS)) % 10]


def _yymmdd(d: date) -> str:
    return f"{d.year % 100:02d}{d.month:02d}{d.day:02d}"


@lru_cache(maxsize=1 << 16)
def _dated(d: date) -> str:
    """YYMMDD and its check digit. Cached: a synthetic population reuses few dates."""
    text = _yymmdd(d)
    return text + _cd(text)


def _identifier(text: str, what: str) -> str:
    """One identifier as MRZ text: components separated by single fillers."""
    mrz = "<".join(part for part in text.upper().translate(_NAME_TABLE).split("<") if part)
    letters = mrz.replace("<", "")
    if letters and not (letters.isascii() and letters.isalpha()):
        raise ValueError(
            f"{what} {text!r} must be transliterated to A-Z first (rmis.names); "
            "only spaces, hyphens and apostrophes are converted here"
        )
    return mrz


def _end_on_letter(full: str, width: int) -> str:
    """Cut `full` to `width`, ending on a letter so a reader can see it was truncated.

    If the cut falls just after a name component, the component is shortened by one letter
    to make room for the initial of the next one (Doc 9303 Part 3, 4.6: a truncated name
    field ends with an alphabetic character).
    """
    cut = full[:width]
    if cut[-1] == "<" and width >= 3 and cut[-3] != "<" and full[width] != "<":
        cut = cut[:-2] + "<" + full[width]
    return cut


def name_field(surname: str, given_names: str, width: int) -> str:
    """The name field: primary identifier, ``<<``, secondary identifier, padded or truncated.

    Truncation (Doc 9303 Part 3, 4.6): the secondary identifier is cut first; only when the
    primary identifier alone leaves no room for ``<<`` and one letter of the secondary is the
    primary cut too, keeping the initial of the secondary identifier.

    A person with one name may have it as the surname (``NAME<<``) or, as some states write
    it, with no surname (``<<NAME``): an empty `surname` composes the latter.
    """
    primary = _identifier(surname, "surname")
    secondary = _identifier(given_names, "given names")
    if not primary and not secondary:
        raise ValueError("a name needs a surname or given names; both are empty")
    full = f"{primary}<<{secondary}" if secondary else primary
    if len(full) <= width:
        return full.ljust(width, "<")
    if secondary and len(primary) + 3 <= width:
        return _end_on_letter(full, width)
    if secondary:
        head = _end_on_letter(primary, width - 3).rstrip("<")
        return (head + "<<" + secondary[0]).ljust(width, "<")
    return _end_on_letter(primary, width).ljust(width, "<")


def _code(value: str, first: str) -> str:
    if not (
        1 <= len(value) <= 2
        and value[0] in first
        and all(c in _ALNUM_FILL and not c.isdigit() for c in value)
    ):
        raise ValueError(f"document code {value!r} must start with {' or '.join(first)}")
    return value.ljust(2, "<")


def _country(value: str, what: str) -> str:
    if not is_icao_code(value) or "<" in value:
        raise ValueError(f"{what} {value!r} is not an ICAO 9303 country code")
    return value.ljust(3, "<")


def _alnum(value: str, width: int, what: str) -> str:
    if len(value) > width or not _ALNUM_FILL.issuperset(value):
        raise ValueError(f"{what} {value!r} must be at most {width} characters of A-Z, 0-9")
    return value.ljust(width, "<")


def _sex(value: str) -> str:
    if value not in _SEXES or len(value) != 1:
        raise ValueError(f"sex {value!r} must be M, F, X or <")
    return value


def _number(value: str) -> str:
    if not value or not _ALNUM.issuperset(value):
        raise ValueError(f"document number {value!r} must be 1 or more characters of A-Z, 0-9")
    return value


def _number_and_optional(number: str, optional: str, width: int) -> tuple[str, str]:
    """Document number field + check digit, and the optional data that follows it.

    A number longer than 9 characters continues in the optional data (TD1 and TD2 only,
    Doc 9303 Part 5 4.2.4 note j, Part 6 4.2.2 note i): '<' in the check digit position,
    then the rest of the number, its check digit and a filler.
    """
    if len(number) <= 9:
        return number.ljust(9, "<") + _cd(number), _alnum(optional, width, "optional data")
    extension = number[9:] + _cd(number)
    region = f"{extension}<{optional}" if optional else extension
    if len(region) > width:
        raise ValueError(
            f"document number {number!r} and optional data {optional!r} do not fit together"
        )
    _alnum(optional, width, "optional data")
    return number[:9] + "<", region.ljust(width, "<")


def compose_td3(
    *,
    issuing_state: str,
    surname: str,
    given_names: str,
    document_number: str,
    nationality: str,
    birth_date: date,
    sex: str,
    expiry_date: date,
    optional_data: str = "",
    document_code: str = "P",
) -> tuple[str, str]:
    """A passport MRZ, 2 lines of 44 (Doc 9303 Part 4). `optional_data` is the personal number."""
    number = _number(document_number)
    if len(number) > 9:
        raise ValueError("a TD3 document number has at most 9 characters (Doc 9303 Part 4)")
    line1 = (
        _code(document_code, "P")
        + _country(issuing_state, "issuing state")
        + name_field(surname, given_names, 39)
    )
    optional = _alnum(optional_data, 14, "optional data")
    number_part = number.ljust(9, "<") + _cd(number)
    birth_part = _dated(birth_date)
    expiry_part = _dated(expiry_date)
    optional_part = optional + (_cd(optional) if optional_data.strip("<") else "<")
    composite = _cd(number_part + birth_part + expiry_part + optional_part)
    line2 = (
        number_part
        + _country(nationality, "nationality")
        + birth_part
        + _sex(sex)
        + expiry_part
        + optional_part
        + composite
    )
    return line1, line2


def compose_td2(
    *,
    issuing_state: str,
    surname: str,
    given_names: str,
    document_number: str,
    nationality: str,
    birth_date: date,
    sex: str,
    expiry_date: date,
    optional_data: str = "",
    document_code: str = "I",
) -> tuple[str, str]:
    """An ID card MRZ, 2 lines of 36 (Doc 9303 Part 6)."""
    number_part, optional = _number_and_optional(_number(document_number), optional_data, 7)
    line1 = (
        _code(document_code, "ACI")
        + _country(issuing_state, "issuing state")
        + name_field(surname, given_names, 31)
    )
    birth_part = _dated(birth_date)
    expiry_part = _dated(expiry_date)
    composite = _cd(number_part + birth_part + expiry_part + optional)
    line2 = (
        number_part
        + _country(nationality, "nationality")
        + birth_part
        + _sex(sex)
        + expiry_part
        + optional
        + composite
    )
    return line1, line2


def compose_td1(
    *,
    issuing_state: str,
    surname: str,
    given_names: str,
    document_number: str,
    nationality: str,
    birth_date: date,
    sex: str,
    expiry_date: date,
    optional_data: str = "",
    optional_data_2: str = "",
    document_code: str = "I",
) -> tuple[str, str, str]:
    """An ID card MRZ, 3 lines of 30 (Doc 9303 Part 5)."""
    number_part, optional = _number_and_optional(_number(document_number), optional_data, 15)
    line1 = (
        _code(document_code, "ACI")
        + _country(issuing_state, "issuing state")
        + number_part
        + optional
    )
    birth_part = _dated(birth_date)
    expiry_part = _dated(expiry_date)
    optional_2 = _alnum(optional_data_2, 11, "optional data 2")
    composite = _cd(line1[5:30] + birth_part + expiry_part + optional_2)
    line2 = (
        birth_part
        + _sex(sex)
        + expiry_part
        + _country(nationality, "nationality")
        + optional_2
        + composite
    )
    return line1, line2, name_field(surname, given_names, 30)


def _visa(
    width: int,
    *,
    issuing_state: str,
    surname: str,
    given_names: str,
    document_number: str,
    nationality: str,
    birth_date: date,
    sex: str,
    expiry_date: date,
    optional_data: str,
    document_code: str,
) -> tuple[str, str]:
    number = _number(document_number)
    if len(number) > 9:
        raise ValueError("a visa number has at most 9 characters (Doc 9303 Part 7)")
    line1 = (
        _code(document_code, "V")
        + _country(issuing_state, "issuing state")
        + name_field(surname, given_names, width - 5)
    )
    line2 = (
        number.ljust(9, "<")
        + _cd(number)
        + _country(nationality, "nationality")
        + _dated(birth_date)
        + _sex(sex)
        + _dated(expiry_date)
        + _alnum(optional_data, width - 28, "optional data")
    )
    return line1, line2


def compose_mrva(
    *,
    issuing_state: str,
    surname: str,
    given_names: str,
    document_number: str,
    nationality: str,
    birth_date: date,
    sex: str,
    expiry_date: date,
    optional_data: str = "",
    document_code: str = "V",
) -> tuple[str, str]:
    """A full-size visa MRZ, 2 lines of 44 (Doc 9303 Part 7); no composite check digit."""
    return _visa(
        44,
        issuing_state=issuing_state,
        surname=surname,
        given_names=given_names,
        document_number=document_number,
        nationality=nationality,
        birth_date=birth_date,
        sex=sex,
        expiry_date=expiry_date,
        optional_data=optional_data,
        document_code=document_code,
    )


def compose_mrvb(
    *,
    issuing_state: str,
    surname: str,
    given_names: str,
    document_number: str,
    nationality: str,
    birth_date: date,
    sex: str,
    expiry_date: date,
    optional_data: str = "",
    document_code: str = "V",
) -> tuple[str, str]:
    """A smaller visa MRZ, 2 lines of 36 (Doc 9303 Part 7); no composite check digit."""
    return _visa(
        36,
        issuing_state=issuing_state,
        surname=surname,
        given_names=given_names,
        document_number=document_number,
        nationality=nationality,
        birth_date=birth_date,
        sex=sex,
        expiry_date=expiry_date,
        optional_data=optional_data,
        document_code=document_code,
    )


_COMPOSERS = {
    MRZFormat.TD1: compose_td1,
    MRZFormat.TD2: compose_td2,
    MRZFormat.TD3: compose_td3,
    MRZFormat.MRVA: compose_mrva,
    MRZFormat.MRVB: compose_mrvb,
}


def compose(format: MRZFormat | str, **fields: Any) -> tuple[str, ...]:
    """Compose an MRZ of the given format ("TD1", "TD2", "TD3", "MRV-A", "MRV-B")."""
    return _COMPOSERS[MRZFormat(format)](**fields)
