"""Personal numbers that the region's passports carry in the MRZ's optional data field.

A personal number is given once for life, so every passport of one person carries the same one
(Doc 9303 Part 4 calls the TD3 field "personal number or other optional data", 14 characters).

- Kazakhstan, IIN (ЖСН/ИИН), 12 digits: birth date YYMMDD, a digit for century and sex (3 man,
  4 woman born in the 1900s; 5 and 6 in the 2000s), four serial digits, a check digit: the sum of
  the first eleven digits weighted 1..11, modulo 11; if that is 10, weighted 3..11, 1, 2; if that
  is 10 again the number is not issued. Rules of forming the identification number, Government
  decree No. 406 of 22 May 2007 (adilet.zan.kz P070000406_), as the public validators implement
  them (kz-iin-validator, py-kz-validators, Faker's kk_KZ provider).
- Kyrgyzstan, PIN (ПИН), 14 digits: a sex digit (1 woman, 2 man), the birth date DDMMYYYY and
  five digits of sequence; no check digit is published. Assigned by the civil registry (State
  Registration Service, grs.gov.kg "ПИН – персональный идентификационный номер").
- Uzbekistan, PINFL (JShShIR), 14 digits: a digit for century and sex (odd man, even woman; 3/4
  born in the 1900s, 5/6 in the 2000s), the birth date DDMMYY, a three-digit area code, a
  three-digit serial and a check digit: the first thirteen digits weighted 7, 3, 1 repeating,
  modulo 10 (Cabinet of Ministers resolution No. 177 of 12.04.2022, lex.uz/docs/-5955665, as the
  uz-types and PINFL parsers implement it).

Reading and checking them is rmis.documents.personal_numbers' job; this module draws them.
Other issuing states of the region leave the field empty in the generator (docs/synthetic-region.md
says why).
"""

from __future__ import annotations

from datetime import date

import numpy as np

from rmis.documents.personal_numbers import IIN_WEIGHTS, PINFL_WEIGHTS

PERSONAL_NUMBER_STATES = ("KAZ", "KGZ", "UZB")
_EPOCH_DAY = date(1970, 1, 1).toordinal()


def _ymd(ordinals: np.ndarray) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    days = (np.asarray(ordinals, np.int64) - _EPOCH_DAY).astype("datetime64[D]")
    months = days.astype("datetime64[M]")
    year = months.astype("datetime64[Y]").astype(np.int64) + 1970
    month = months.astype(np.int64) % 12 + 1
    day = (days - months).astype(np.int64) + 1
    return year, month, day


def _digits(value: np.ndarray, width: int) -> np.ndarray:
    """Each value's `width` decimal digits, most significant first: shape (n, width)."""
    powers = 10 ** np.arange(width - 1, -1, -1, dtype=np.int64)
    return (np.asarray(value, np.int64)[:, None] // powers) % 10


def _text(digits: np.ndarray) -> np.ndarray:
    """Rows of digits as Python strings (an object array)."""
    n, width = digits.shape
    raw = np.ascontiguousarray((digits + ord("0")).astype(np.uint8))
    return raw.view(f"S{width}").reshape(n).astype(f"U{width}").astype(object)


def _century_sex(year: np.ndarray, male: np.ndarray) -> np.ndarray:
    """1-6: (century - 1800) // 100 * 2 + 1 for a man, + 2 for a woman."""
    return (year - 1800) // 100 * 2 + np.where(male, 1, 2)


def _iin_body(year, month, day, male, serial) -> np.ndarray:
    """The first eleven digits of IINs: YYMMDD, century-and-sex digit, four serial digits."""
    head = ((year % 100) * 10000 + month * 100 + day) * 10 + _century_sex(year, male)
    return _digits(head * 10000 + serial, 11)


def _iin_checks(body: np.ndarray) -> np.ndarray:
    """Check digit per row, -1 where neither weighting gives one (the number is not issued)."""
    first = (body * np.array(IIN_WEIGHTS[0])).sum(axis=1) % 11
    second = (body * np.array(IIN_WEIGHTS[1])).sum(axis=1) % 11
    return np.where(first != 10, first, np.where(second != 10, second, -1))


def _pinfl_body(year, month, day, male, area, serial) -> np.ndarray:
    head = ((_century_sex(year, male) * 100 + day) * 100 + month) * 100 + year % 100
    return _digits((head * 1000 + area) * 1000 + serial, 13)


def _draw(rng: np.random.Generator, state: str, birth: np.ndarray, male: np.ndarray) -> np.ndarray:
    """Personal numbers of one state's citizens, all different (redrawn until they are)."""
    year, month, day = _ymd(birth)
    n = len(birth)
    numbers = np.empty(n, object)
    pending = np.arange(n)
    value = np.zeros(n, np.int64)  # the number as an integer, to find repeats
    while len(pending):
        p = pending
        if state == "KAZ":
            body = _iin_body(year[p], month[p], day[p], male[p], rng.integers(0, 10_000, len(p)))
            check = _iin_checks(body)
            digits = np.concatenate([body, np.maximum(check, 0)[:, None]], axis=1)
            usable = check >= 0
        elif state == "UZB":
            area = rng.integers(1, 1000, len(p))
            body = _pinfl_body(year[p], month[p], day[p], male[p], area,
                               rng.integers(1, 1000, len(p)))  # fmt: skip
            check = (body * np.array(PINFL_WEIGHTS)).sum(axis=1) % 10
            digits = np.concatenate([body, check[:, None]], axis=1)
            usable = np.ones(len(p), bool)
        elif state == "KGZ":
            head = ((np.where(male[p], 2, 1) * 100 + day[p]) * 100 + month[p]) * 10000 + year[p]
            digits = _digits(head * 100_000 + rng.integers(0, 100_000, len(p)), 14)
            usable = np.ones(len(p), bool)
        else:
            raise ValueError(f"no personal number is generated for {state}")
        powers = 10 ** np.arange(digits.shape[1] - 1, -1, -1, dtype=np.int64)
        value[p] = np.where(usable, (digits * powers).sum(axis=1), -1)
        numbers[p] = _text(digits)
        # Keep the first holder of each number; redraw the rest and the unusable ones.
        order = np.lexsort((np.arange(n), value))
        repeat = np.zeros(n, bool)
        repeat[order[1:]] = value[order[1:]] == value[order[:-1]]
        pending = np.flatnonzero(repeat | (value < 0))
    return numbers


def personal_numbers(
    rng: np.random.Generator, nationality: np.ndarray, states: tuple[str, ...],
    birth: np.ndarray, sex: np.ndarray,
) -> np.ndarray:  # fmt: skip
    """Per person: the personal number their state gives (None where it gives none).

    `nationality` indexes `states`; `birth` holds date ordinals; `sex` M or F.
    """
    out = np.full(len(nationality), None, object)
    for code in PERSONAL_NUMBER_STATES:
        if code not in states:
            continue
        rows = np.flatnonzero(nationality == states.index(code))
        if len(rows):
            out[rows] = _draw(rng, code, birth[rows], sex[rows] == "M")
    return out
