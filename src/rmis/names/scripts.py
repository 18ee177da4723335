"""Which script a piece of text is written in."""

from enum import StrEnum
from functools import lru_cache


class Script(StrEnum):
    CYRILLIC = "cyrillic"
    LATIN = "latin"
    MIXED = "mixed"
    OTHER = "other"  # no letters at all, or letters of another script (Arabic, Han...)


@lru_cache(maxsize=4096)
def char_script(ch: str) -> Script | None:
    """Script of one character; None for non-letters (digits, punctuation, marks)."""
    cp = ord(ch)
    # Spacing modifier letters (ʻ ʼ ʹ) are apostrophes in names, not letters of any script.
    if not ch.isalpha() or 0x02B0 <= cp <= 0x02FF:
        return None
    if (
        0x0400 <= cp <= 0x052F
        or 0x1C80 <= cp <= 0x1C8F
        or 0x2DE0 <= cp <= 0x2DFF
        or 0xA640 <= cp <= 0xA69F
    ):
        return Script.CYRILLIC
    if (
        cp < 0x0250
        or 0x1E00 <= cp <= 0x1EFF
        or 0x2C60 <= cp <= 0x2C7F
        or 0xA720 <= cp <= 0xA7FF
        or 0xFF21 <= cp <= 0xFF5A
    ):
        return Script.LATIN
    return Script.OTHER


def detect_script(text: str) -> Script:
    """CYRILLIC or LATIN if every letter is of that script, MIXED if both occur, else OTHER."""
    seen: set[Script] = set()
    for ch in text:
        s = char_script(ch)
        if s is not None:
            seen.add(s)
    if seen == {Script.CYRILLIC}:
        return Script.CYRILLIC
    if seen == {Script.LATIN}:
        return Script.LATIN
    if Script.CYRILLIC in seen and Script.LATIN in seen:
        return Script.MIXED
    return Script.OTHER
