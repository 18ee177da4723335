"""The personal number some states write into a document's optional data, read and checked.

A personal number is given once and for life, so two documents of one issuing state that carry
the same one belong to one person. Only states whose number has a known form are read here:

- Kazakhstan: the IIN, 12 digits `YYMMDD C NNNN K`: the birth date, then a digit giving the
  century and sex (1/2: 1800s, 3/4: 1900s, 5/6: 2000s; odd male, even female), a serial and a
  check digit (weights 1..11, and 3..11,1,2 when the first sum leaves 10; mod 11). Government
  decree No. 406 of 22 May 2007.
- Kyrgyzstan: the PIN, 14 digits `S DDMMYYYY NNNNN`: sex (1 female, 2 male), the birth date,
  a serial; no check digit is published. State Registration Service (grs.gov.kg).
- Uzbekistan: the PINFL, 14 digits `C DDMMYY AAA NNN K`: century and sex as the IIN's, the
  birth date, an area code, a serial and a check digit (weights 7, 3, 1 repeating; mod 10).
  Cabinet of Ministers resolution No. 177 of 12 April 2022.

The optional data is read with its fillers (`<`) and spaces taken out; anything else in it
means the field holds something other than the number, and nothing is read. A number whose
check digit fails, or whose date is no calendar day, is a misreading, not proof: not read.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date


@dataclass(frozen=True, slots=True)
class PersonalNumber:
    """A personal number read from a document's optional data, with what it says of its holder."""

    number: str
    birth_date: date
    sex: str  # "M" or "F"

    def consistent_with(self, birth_date: date | None, sex: str) -> bool:
        """Whether a document's birth date and sex agree with what the number encodes (a
        document's unknown birth date or sex contradicts nothing)."""
        if birth_date is not None and birth_date != self.birth_date:
            return False
        return not (sex in ("M", "F") and sex != self.sex)


def _digits(optional_data: str | None) -> str | None:
    if optional_data is None:
        return None
    stripped = optional_data.replace("<", "").replace(" ", "")
    return stripped if stripped.isdigit() else None


def _date(year: int, month: int, day: int) -> date | None:
    try:
        return date(year, month, day)
    except ValueError:
        return None


IIN_WEIGHTS = (tuple(range(1, 12)), (3, 4, 5, 6, 7, 8, 9, 10, 11, 1, 2))
PINFL_WEIGHTS = (7, 3, 1) * 4 + (7,)


def iin_check_digit(first11: str) -> int | None:
    """The IIN's check digit of its first eleven digits; None when neither weighting gives one
    (no IIN is issued with those digits)."""
    values = [int(d) for d in first11[:11]]
    for weights in IIN_WEIGHTS:
        remainder = sum(v * w for v, w in zip(values, weights, strict=True)) % 11
        if remainder != 10:
            return remainder
    return None


def pinfl_check_digit(first13: str) -> int:
    """The PINFL's check digit of its first thirteen digits (weights 7, 3, 1 are prime to 10:
    any one wrong digit changes it)."""
    return sum(int(d) * w for d, w in zip(first13[:13], PINFL_WEIGHTS, strict=True)) % 10


def _century_sex(marker: str) -> tuple[int, str] | None:
    """The century and sex of the IIN's and PINFL's digit (1-6), or None."""
    if marker not in "123456":
        return None
    value = int(marker)
    return 1800 + 100 * ((value - 1) // 2), "M" if value % 2 else "F"


def _kazakh_iin(digits: str) -> PersonalNumber | None:
    if len(digits) != 12 or (century_sex := _century_sex(digits[6])) is None:
        return None
    century, sex = century_sex
    born = _date(century + int(digits[:2]), int(digits[2:4]), int(digits[4:6]))
    if born is None or iin_check_digit(digits) != int(digits[11]):
        return None
    return PersonalNumber(digits, born, sex)


def _kyrgyz_pin(digits: str) -> PersonalNumber | None:
    if len(digits) != 14 or digits[0] not in "12":
        return None
    born = _date(int(digits[5:9]), int(digits[3:5]), int(digits[1:3]))
    return None if born is None else PersonalNumber(digits, born, "F" if digits[0] == "1" else "M")


def _uzbek_pinfl(digits: str) -> PersonalNumber | None:
    if len(digits) != 14 or (century_sex := _century_sex(digits[0])) is None:
        return None
    century, sex = century_sex
    born = _date(century + int(digits[5:7]), int(digits[3:5]), int(digits[1:3]))
    if born is None or pinfl_check_digit(digits) != int(digits[13]):
        return None
    return PersonalNumber(digits, born, sex)


_READERS = {"KAZ": _kazakh_iin, "KGZ": _kyrgyz_pin, "UZB": _uzbek_pinfl}
STATES_WITH_PERSONAL_NUMBERS = frozenset(_READERS)


def personal_number(issuing_state: str, optional_data: str | None) -> PersonalNumber | None:
    """The personal number in a document's optional data, or None when the issuing state
    writes none that rmis knows or the field holds something else."""
    read = _READERS.get(issuing_state)
    digits = _digits(optional_data)
    if read is None or digits is None:
        return None
    return read(digits)
