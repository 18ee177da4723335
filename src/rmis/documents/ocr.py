"""Readings an OCR engine commonly confuses, offered as suggestions and never applied.

A suggestion is only made when the other reading makes the check digit agree, so it is
evidence, not a guess; the officer (or the scanner) decides.
"""

from __future__ import annotations

from collections.abc import Iterator

from rmis.documents.checkdigit import DIGITS, check_digit

# Letters read where a digit was printed (numeric fields: dates, check digits).
TO_DIGIT: dict[str, str] = {
    "O": "0", "Q": "0", "D": "0",
    "I": "1", "L": "1",
    "Z": "2",
    "S": "5",
    "G": "6",
    "B": "8",
}  # fmt: skip
_TO_DIGIT_TABLE = str.maketrans(TO_DIGIT)


def fold_ocr(text: str) -> str:
    """`text` (upper case) with every confusable letter written as its digit: two readings of
    one printed number fold alike (what linking and screening compare document numbers on)."""
    return text.translate(_TO_DIGIT_TABLE)


# Digits read where a letter was printed (alphanumeric fields only).
TO_LETTER: dict[str, str] = {"0": "O", "1": "I", "2": "Z", "5": "S", "6": "G", "8": "B"}


def numeric_reading(text: str) -> str | None:
    """`text` with every confusable letter read as its digit; None if that is not all digits."""
    if text.isdigit():
        return None
    out = "".join(TO_DIGIT.get(c, c) for c in text)
    return out if out.isascii() and out.isdigit() else None


def digit_reading(char: str) -> str | None:
    """The digit a misread check-digit character probably was."""
    return TO_DIGIT.get(char)


def alphanumeric_readings(text: str, check: str) -> Iterator[tuple[str, str]]:
    """Single-character swaps (O/0, I/1, B/8, S/5, Z/2, G/6) that give `text` check digit `check`.

    Yields (reading, reason).
    """
    if check not in DIGITS:
        return
    for i, c in enumerate(text):
        for alt in (TO_DIGIT.get(c), TO_LETTER.get(c)):
            if alt is None:
                continue
            candidate = text[:i] + alt + text[i + 1 :]
            if check_digit(candidate) == check:
                yield (
                    candidate,
                    f"position {i + 1}: {c!r} read as {alt!r} makes the check digit agree",
                )
