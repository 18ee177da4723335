"""Normalisation and tokenising of names: case, diacritics, punctuation, spacing.

`normalise` gives the form a name is stored and compared in: upper case, Latin diacritics
dropped the way ICAO 9303 drops them for the MRZ (Ş -> S, Ä -> A), apostrophes removed
(O'ZBEK, Oʻ -> O), every other non-letter a single space. Cyrillic letters keep their marks
(Й, Ё, Ӣ, Ӯ are distinct letters, not decorated ones).
"""

import re
import unicodedata
from functools import lru_cache

from rmis.names.scripts import Script, char_script

# Apostrophe-like characters join the letters around them (D'ARTAGNAN, Oʻ, Gʻ, Маъруф); so
# does BGN/PCGN's middle dot, which only marks two letters that are not a digraph (BAU·YR),
# and the double quotes MVD 310 and BGN/PCGN write for Ъ (A"ZAMOVICH, A”ZAMOVICH).
APOSTROPHES = frozenset("'`´ʹʺʻʼʽʾʿˈ‘’‛′″ˊ·\"“”„")

# Latin letters that do not decompose into base + mark under NFD.
_LATIN_SPECIAL = {
    "ß": "SS",
    "ẞ": "SS",
    "Æ": "AE",
    "Œ": "OE",
    "Ø": "O",
    "Ł": "L",
    "Đ": "D",
    "Ð": "D",
    "Þ": "TH",
    "Ħ": "H",
    "Ŀ": "L",
    "Ŋ": "NG",
    "Ɨ": "I",
    "Ƶ": "Z",
    "Ə": "A",
    "Ɵ": "O",
    "ı": "I",
    "ĸ": "K",
    "Ŧ": "T",
    "Ɖ": "D",
}


@lru_cache(maxsize=8192)
def _fold_char(ch: str) -> str:
    """One upper-cased character to its normalised form ('' drops it, ' ' separates)."""
    if ch in APOSTROPHES:
        return ""
    if unicodedata.combining(ch):
        # A mark with no precomposed letter left after NFC (ALA-LC's tie-bar in T͡S, I͡U, I͡A;
        # a stray accent) belongs to the letters around it: it does not split the word.
        return ""
    if ch in _LATIN_SPECIAL:
        return _LATIN_SPECIAL[ch]
    script = char_script(ch)
    if script is None:
        return " "
    if script is Script.LATIN:
        base = "".join(c for c in unicodedata.normalize("NFD", ch) if not unicodedata.combining(c))
        base = base.upper()
        # A compatibility letter (e.g. fullwidth) may still be outside A-Z: NFKC settles it.
        return unicodedata.normalize("NFKC", base).upper() or " "
    return ch


def normalise(text: str) -> str:
    """Upper case, Latin diacritics dropped, punctuation to single spaces, trimmed."""
    text = unicodedata.normalize("NFKC", text).upper()
    text = unicodedata.normalize("NFC", text)
    out = "".join(_fold_char(ch) for ch in text)
    # Folding can expose new compatibility forms or lowercase (e.g. ǰ -> J̌): settle once more.
    out = unicodedata.normalize("NFC", unicodedata.normalize("NFKC", out).upper())
    out = "".join(_fold_char(ch) for ch in out)
    return re.sub(r"\s+", " ", out).strip()


def tokenise(text: str) -> list[str]:
    """The name's tokens in order, after normalisation (hyphens split: MUHAMMAD-ALI -> 2)."""
    return normalise(text).split()


def raw_tokens(text: str) -> list[str]:
    """The name's tokens split as `tokenise` splits them, but with their letters untouched
    (upper case, marks kept): the input for keys, where Ş must still say SH."""
    text = unicodedata.normalize("NFC", unicodedata.normalize("NFKC", text).upper())
    spaced = "".join(
        " " if _fold_char(ch) == " " else "" if unicodedata.combining(ch) else ch for ch in text
    )
    return [t for t in spaced.split() if normalise(t)]
