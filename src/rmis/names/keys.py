"""Transliteration-invariant keys: one token, however it was spelt, to one comparable string.

A Cyrillic token is first written with a canonical table (close to ICAO, with the national
letters); then Latin tokens and transliterated ones go through the same folds, which collapse
what the systems disagree on: KH/H/X, ZH/J/DZH/DJ, Y/I/J (as Й), SH/SHH/Ş, CH/TCH/Ç, GH/G/Ğ, Q/K,
TS/CZ/C, X/KS, Uzbek Oʻ/Ўzbek U, doubled letters, iotated E/Ё (YE/IE/E, YO/IO/E), final -IY/-II/-IJ.
The rules are about spelling only. Placeholders in lower case (s = SH, c = CH, j = J/ZH, h =
KH/H, t = TS) keep a digraph one character wide so an edit costs the same as for one letter.
"""

import re
import unicodedata
from functools import lru_cache

from rmis.names.normalise import APOSTROPHES, normalise

# The canonical Cyrillic table (upper case). Close to ICAO 9303 for Russian letters, plus the
# national letters by their sound: Ҷ J (as Tajik and Uzbek write it), Ғ GH, Қ Q, Ң NG, Ҳ/Һ H.
_CYRILLIC = {
    "А": "A",
    "Б": "B",
    "В": "V",
    "Г": "G",
    "Д": "D",
    "Е": "E",
    "Ё": "IO",
    "Ж": "ZH",
    "З": "Z",
    "И": "I",
    "Й": "Y",
    "К": "K",
    "Л": "L",
    "М": "M",
    "Н": "N",
    "О": "O",
    "П": "P",
    "Р": "R",
    "С": "S",
    "Т": "T",
    "У": "U",
    "Ф": "F",
    "Х": "KH",
    "Ц": "TS",
    "Ч": "CH",
    "Ш": "SH",
    "Щ": "SHCH",
    "Ъ": "",
    "Ы": "Y",
    "Ь": "",
    "Э": "E",
    "Ю": "YU",
    "Я": "YA",
    "Ә": "A",
    "Ғ": "GH",
    "Қ": "Q",
    "Ң": "NG",
    "Ө": "O",
    "Ұ": "U",
    "Ү": "U",
    "Һ": "H",
    "І": "I",
    "Ҳ": "H",
    "Ҷ": "J",
    "Ӣ": "I",
    "Ӯ": "U",
    "Ў": "U",
    "Ґ": "G",
    "Є": "YE",
    "Ї": "YI",
    "Ѓ": "G",
    "Ќ": "K",
    "Ѕ": "DZ",
    "Ј": "Y",
    "Љ": "L",
    "Њ": "N",
    "Џ": "J",
    "Ђ": "J",
    "Ћ": "CH",
}

# Latin letters whose mark stands for a digraph elsewhere (Kazakh 2021, ISO 9 / GOST A,
# Turkish-style Kazakh): rewritten before marks are dropped.
_LATIN_MARKED = {
    "Ş": "SH",
    "Š": "SH",
    "Ŝ": "SH",
    "Ç": "CH",
    "Č": "CH",
    "Ž": "ZH",
    "Ğ": "GH",
    "Ñ": "NG",
    "Â": "YA",
    "Û": "YU",
    "Ё": "IO",
}

_VOWELS = "AEIOU"

# Applied left to right, longest first at each position.
_DIGRAPHS = {
    "SHCH": "s",
    "SHH": "s",
    "SCH": "s",
    "SH": "s",
    "TCH": "c",
    "TSCH": "c",
    "CH": "c",
    "DZH": "j",
    "DJ": "j",
    "ZH": "j",
    "J": "j",
    "KH": "h",
    "X": "h",
    "H": "h",
    # X is KH in Uzbek and GOST B but KS in the French-style MVD 310 (MAXIM, ALEXEI): KS
    # joins the class too (KSH is K + SH).
    "KS": "h",
    "KSH": "Ks",
    "GH": "G",
    "Q": "K",
    "CK": "K",
    "TS": "t",
    "TZ": "t",
    "CZ": "t",
    "C": "t",
    "W": "V",
    "PH": "F",
    "OU": "U",
    "NG": "N",
}
_DOUBLE_RE = re.compile(r"(.)\1+")
_IOTATED_RE = re.compile("I[EO]")
_DIGRAPH_RE = re.compile("|".join(sorted(_DIGRAPHS, key=len, reverse=True)))


def _to_latin(token: str) -> str:
    out: list[str] = []
    i = 0
    while i < len(token):
        ch = token[i]
        nxt = token[i + 1] if i + 1 < len(token) else ""
        if ch in "OGoг" and nxt in APOSTROPHES:
            # Uzbek Oʻ is the Cyrillic Ў (U in Russian documents); Gʻ is Ғ.
            out.append("U" if ch in "Oo" else "G")
            i += 2
            continue
        if ch in _CYRILLIC:
            out.append(_CYRILLIC[ch])
        elif ch in _LATIN_MARKED:
            out.append(_LATIN_MARKED[ch])
        else:
            out.append(ch)
        i += 1
    return "".join(out)


@lru_cache(maxsize=65536)
def plain_key(token: str) -> str:
    """The token in plain Latin capitals (Cyrillic by the canonical table), none of the folds
    of token_key applied. A typo that breaks a digraph (ZHAMSHID typed ZAHMSHID) or makes one
    (ALIMOV typed ALIOV, whose key is ALEV) is one edit here but two in the key, so the
    similarity compares tokens on both and keeps the better."""
    raw = unicodedata.normalize("NFC", unicodedata.normalize("NFKC", token).upper())
    latin = normalise(_to_latin(raw)).replace(" ", "")
    return _NON_LATIN_RE.sub("", latin)


_NON_LATIN_RE = re.compile(r"[^A-Z]")


@lru_cache(maxsize=65536)
def token_key(token: str) -> str:
    """The key of one token (a word of a name, in any script and system)."""
    latin = plain_key(token)
    if not latin:
        return ""
    # Y is a vowel or the glide of Й/Я/Ю/Е: I in both cases.
    latin = latin.replace("Y", "I").replace("Q", "K")  # Q first so that Қ+С is KS as well
    # Й written J (GOST B, German style) after a vowel and not before one: NIKOLAJ, AJGUL.
    latin = re.sub(r"(?<=[AEIOU])J(?![AEIOU])", "I", latin)
    key = _DIGRAPH_RE.sub(lambda m: _DIGRAPHS[m.group(0)], latin)
    # Iotated E and Ё: YE/IE/E and YO/IO/E (ICAO writes Ё as E) all become E.
    # Doubled letters (ABDULLAEV/ABDULAEV, DMITRII/DMITRI, KASSYM/KASYM, ALIYEV/ALIIEV).
    key = _DOUBLE_RE.sub(r"\1", key)
    # Iotated E and Ё: YE/IE/E and YO/IO/E (ICAO writes Ё as E) all become E.
    key = _IOTATED_RE.sub("E", key)
    return _DOUBLE_RE.sub(r"\1", key)
