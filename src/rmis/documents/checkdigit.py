"""The Doc 9303 check digit: weights 7-3-1, values 0-9, A-Z = 10-35, filler = 0.

Doc 9303 Part 3, section 4.9. Works on byte tables (``bytes.translate``) so the parser can
turn a whole line into values once and sum slices of it, with no per-character Python code.

The scheme cannot see a substitution whose value differs by a multiple of 10 (e.g. ``0`` for
``A``, ``K``, ``U`` or ``<``): numeric fields reject letters anyway, but in alphanumeric fields
such changes are undetectable by design.
"""

from __future__ import annotations

from operator import mul

ALPHABET = "0123456789ABCDEFGHIJKLMNOPQRSTUVWXYZ"
FILLER = "<"
# Every character an MRZ may contain (Doc 9303 Part 3, section 4.3).
MRZ_CHARS = ALPHABET + FILLER
INVALID = 255

# bytes -> character value; anything outside the MRZ alphabet maps to INVALID.
_table = bytearray([INVALID]) * 256
for _i, _c in enumerate(ALPHABET):
    _table[ord(_c)] = _i
_table[ord(FILLER)] = 0
VALUE_TABLE = bytes(_table)
MRZ_BYTES = MRZ_CHARS.encode("ascii")

# map(mul, ...) stops at the shorter input: 90 weights cover any MRZ line and the longest
# protected string (the TD1 composite, 50 characters).
WEIGHTS = bytes((7, 3, 1) * 30)
DIGITS = "0123456789"


def values(text: str) -> bytes:
    """The 7-3-1 value of every character (INVALID where the character is not allowed)."""
    return text.encode("ascii", "replace").translate(VALUE_TABLE)


def digit_of_values(vals: bytes) -> str:
    """Check digit of a string already turned into values (all valid)."""
    return DIGITS[sum(map(mul, vals, WEIGHTS)) % 10]


def check_digit(text: str) -> str:
    """Check digit of `text`, e.g. ``check_digit("L898902C3") == "6"``.

    Raises ValueError if `text` holds a character outside A-Z, 0-9 and ``<``.
    """
    if len(text) > len(WEIGHTS):
        raise ValueError("text is longer than any MRZ field")
    vals = values(text)
    if INVALID in vals:
        bad = next(c for c in text if c not in MRZ_CHARS)
        raise ValueError(f"{bad!r} is not an MRZ character (A-Z, 0-9, <)")
    return DIGITS[sum(map(mul, vals, WEIGHTS)) % 10]
