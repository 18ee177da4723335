"""Document numbers as a screen compares them: exact on issuing state and number, and the
letters and digits an MRZ reader (OCR) takes for one another.

A number is first *cleaned* (upper case, spaces, hyphens, dots and the MRZ filler `<` gone):
that is the form "exact" means. It is then *folded*: every character of a confusable class is
written as the class's digit (O, Q, D -> 0; I, L -> 1; Z -> 2; S -> 5; G -> 6; B -> 8), so a
number read with any of these confusions folds to the same string as the number on the list.
Two numbers with the same fold are compared character by character to say which confusions
were made ("O read as 0"). Pure: no I/O.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

from rmis.documents import OCR_TO_DIGIT, fold_ocr

# The characters OCR of the MRZ's OCR-B font confuses, each class written as its digit: the
# MRZ reader's own table (documents/ocr.py: O, Q, D -> 0; I, L -> 1; Z -> 2; S -> 5; G -> 6;
# B -> 8), which also makes its repair suggestions and linking's folded numbers.
OCR_CLASSES: dict[str, str] = OCR_TO_DIGIT
_NOT_KEPT = re.compile(r"[\s\-./<]+")
_VALID = re.compile(r"[0-9A-Z]+")

# Scores of a document match: the number as listed, and with OCR confusions (each confusion
# makes it a little less certain that it is the listed document, never below a hit).
EXACT_SCORE = 1.0
CONFUSION_COST = 0.03
MAX_CONFUSIONS = 3  # more than this and a "confusion" is a different number


def clean(number: str) -> str:
    """The number as compared exactly: upper case, separators and MRZ fillers removed.
    ValueError if anything but Latin letters and digits is left (a clear error, not a guess)."""
    text = _NOT_KEPT.sub("", number.upper())
    if not text:
        raise ValueError(f"not a document number: {number!r}")
    if not _VALID.fullmatch(text):
        raise ValueError(f"a document number has Latin letters and digits only: {number!r}")
    return text


def fold(cleaned: str) -> str:
    """The OCR fold of a cleaned number: numbers an MRZ reader may confuse fold alike."""
    return fold_ocr(cleaned)


def fold_key(issuing_state: str | None, number: str) -> str:
    """The key a document is indexed under: issuing state and folded number ('' state when
    the list does not say which state issued it)."""
    return f"{(issuing_state or '').upper()}:{fold(clean(number))}"


@dataclass(frozen=True)
class NumberMatch:
    """How a presented number compares with a listed one that folds the same."""

    confusions: tuple[tuple[str, str], ...]  # (listed character, presented character)
    score: float

    @property
    def exact(self) -> bool:
        return not self.confusions

    def describe(self) -> str:
        if self.exact:
            return "same document number"
        said = ", ".join(f"{listed} read as {presented}" for listed, presented in self.confusions)
        count = len(self.confusions)
        return f"document number matches with {count} OCR confusion{'s' * (count > 1)} ({said})"


def compare_numbers(listed: str, presented: str) -> NumberMatch | None:
    """The match of two numbers, or None if they are not the same number up to OCR
    confusions (different fold, or more than MAX_CONFUSIONS confusions)."""
    a, b = clean(listed), clean(presented)
    if a == b:
        return NumberMatch((), EXACT_SCORE)
    if len(a) != len(b) or fold(a) != fold(b):
        return None
    confusions = tuple((x, y) for x, y in zip(a, b, strict=True) if x != y)
    if len(confusions) > MAX_CONFUSIONS:
        return None
    return NumberMatch(confusions, EXACT_SCORE - CONFUSION_COST * len(confusions))


def confusable_variants(number: str) -> list[str]:
    """Every number one OCR confusion away from `number` (cleaned): for tests and for
    explaining what a reader could have made of it."""
    cleaned = clean(number)
    members: dict[str, list[str]] = {}
    for char, digit in OCR_CLASSES.items():
        members.setdefault(digit, [digit]).append(char)
    out = []
    for i, ch in enumerate(cleaned):
        digit = OCR_CLASSES.get(ch, ch)
        for other in members.get(digit, ()):
            if other != ch:
                out.append(cleaned[:i] + other + cleaned[i + 1 :])
    return out
