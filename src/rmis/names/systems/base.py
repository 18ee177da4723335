"""The machinery every transliteration system shares: word splitting, context rules, case.

A system works on one lower-case word at a time and the result is put back into the case
pattern of the source word (ЮЛИЯ -> IULIIA, Юлия -> Iuliia), because the published tables and
iuliia's schemas are written for lower case and names on documents come in capitals.
"""

import re
import unicodedata
from collections.abc import Callable, Mapping
from dataclasses import dataclass, field

VOWELS = frozenset("аәеёиоөуұүыіэюяӣӯў")
_WORD = re.compile(r"[^\W\d_]+", re.UNICODE)

# Russian-orthography stand-ins for letters a system's own table lacks: what a Russian
# registry clerk writes for them (Ҷ -> ДЖ as in Джураев, Ғ -> Г, Ә -> А...). Used so that
# no system leaves a Cyrillic letter in its Latin output.
RUSSIAN_STAND_INS: Mapping[str, str] = {
    "ә": "а",
    "ғ": "г",
    "қ": "к",
    "ң": "н",
    "ө": "о",
    "ұ": "у",
    "ү": "у",
    "һ": "х",
    "і": "и",
    "ҳ": "х",
    "ҷ": "дж",
    "ӣ": "и",
    "ӯ": "у",
    "ў": "у",
    "ґ": "г",
    "є": "е",
    "ї": "и",
    "ѓ": "г",
    "ќ": "к",
    "ѕ": "дз",
    "ј": "й",
    "љ": "ль",
    "њ": "нь",
    "џ": "дж",
    "ђ": "дж",
    "ћ": "ч",
    "ҙ": "з",
    "ҫ": "с",
    "ҡ": "к",
    "ҥ": "н",
    "ӧ": "о",
    "ӱ": "у",
    "ӓ": "а",
    "ӹ": "ы",
    "ӏ": "",
    "ҕ": "г",
    "ҝ": "к",
    "ӈ": "н",
    "ӌ": "ч",
    "ҹ": "ч",
}

_RUSSIAN = frozenset("абвгдеёжзийклмнопрстуфхцчшщъыьэюя")

# The Cyrillic letters every system is guaranteed to handle: Russian, Kazakh, Kyrgyz,
# Tajik, Uzbek, and the other Cyrillic letters of ICAO 9303 Part 3 / the stand-in table.
SUPPORTED_CYRILLIC = _RUSSIAN | frozenset(RUSSIAN_STAND_INS)


def to_russian(letter: str) -> str:
    """A non-Russian Cyrillic letter (lower case) as a Russian writer would render it."""
    if letter in RUSSIAN_STAND_INS:
        return RUSSIAN_STAND_INS[letter]
    if letter in _RUSSIAN or not "\u0400" <= letter <= "\u052f":
        return letter
    # Other decorated Cyrillic letters (Ӓ, Ӧ...): the base letter.
    return "".join(c for c in unicodedata.normalize("NFD", letter) if not unicodedata.combining(c))


def recase(source_word: str, latin: str, upper: Callable[[str], str] = str.upper) -> str:
    """Give `latin` the case pattern of `source_word`: ALL CAPS, Title or as lower case."""
    if not latin:
        return latin
    letters = [c for c in source_word if c.isalpha()]
    if len(letters) > 1 and all(c.isupper() for c in letters):
        return upper(latin)
    if letters and letters[0].isupper():
        # A leading non-letter (apostrophe) stays; the first letter gets the capital.
        for i, c in enumerate(latin):
            if c.isalpha():
                return latin[:i] + upper(c) + latin[i + 1 :]
        return latin
    return latin


@dataclass(frozen=True)
class System:
    """One transliteration system: identifier, where it comes from, what it emits."""

    id: str
    name: str
    description: str
    source: str
    languages: tuple[str, ...]
    # Output letters beyond ASCII that the system may emit (Ä, Oʻ's ʻ, ...); empty = ASCII only.
    extra_alphabet: frozenset[str] = field(default=frozenset())
    mrz_of: str | None = None  # for an MRZ-safe folding: the system it folds
    word: Callable[[str], str] = field(default=lambda w: w, repr=False, compare=False)
    upper: Callable[[str], str] = field(default=str.upper, repr=False, compare=False)

    def transliterate(self, text: str) -> str:
        text = unicodedata.normalize("NFC", text)
        return _WORD.sub(lambda m: self._word(m.group(0)), text)

    def _word(self, word: str) -> str:
        if not any("\u0400" <= c <= "\u052f" for c in word):
            return word
        return recase(word, self.word(word.lower()), self.upper)


@dataclass(frozen=True)
class Table:
    """A letter table with the context rules the national standards use.

    `letters` maps a lower-case Cyrillic letter to Latin. `initial` applies at the start of a
    word, `after_vowel` after a vowel (and after ъ, ь) — the places where Е and similar letters
    are iotated (Ерлан -> Yerlan, Тоқаев -> Tokayev).
    """

    letters: Mapping[str, str]
    initial: Mapping[str, str] = field(default_factory=dict)
    after_vowel: Mapping[str, str] = field(default_factory=dict)

    def __call__(self, word: str) -> str:
        out: list[str] = []
        prev = ""
        for ch in word:
            out.append(self._letter(ch, prev))
            prev = ch
        return "".join(out)

    def _letter(self, ch: str, prev: str) -> str:
        if not prev and ch in self.initial:
            return self.initial[ch]
        if prev and (prev in VOWELS or prev in "ъь") and ch in self.after_vowel:
            return self.after_vowel[ch]
        if ch in self.letters:
            return self.letters[ch]
        stand_in = to_russian(ch)
        if stand_in != ch:
            return "".join(self._letter(c, prev) for c in stand_in)
        return ch
