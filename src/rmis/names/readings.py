"""Other readings of a Latin-written name: the spelling as German, French or Polish writers
render Russian and Central Asian names, read back into the English-style letters keys.py
works in.

keys.token_key already folds what the systems of the region and ISO 9 / ALA-LC disagree on
(KH/H/X, ZH/J, Š/SH, tie-bars, doubled letters...). What it cannot fold without breaking other
names is a letter that means something else in another language's spelling: German SCH is Ш
(or Ж), TSCH is Ч, Z is Ц, S between vowels is З, W is В, J is Й, CH is Х; French CH is Ш,
TCH is Ч, J is Ж, OU is У; Polish SZ is Ш, CZ is Ч, RZ is Ж, CH is Х. So a Latin token gets
up to a few *readings*: the token rewritten as if it were German-, French- or Polish-style,
each keyed like any token. Comparing on the best of the readings finds Schewtschenko,
Chevtchenko and Szewczenko for Шевченко. The rules are about spelling only.
"""

from __future__ import annotations

import re
from functools import lru_cache

from rmis.names.keys import plain_key, token_key
from rmis.names.scripts import Script, detect_script

_VOWELS = "AEIOUY"


@lru_cache(maxsize=16)
def _compiled(rules: tuple[tuple[str, str], ...]) -> tuple[re.Pattern[str], dict[str, str]]:
    return re.compile("|".join(re.escape(a) for a, _ in rules)), dict(rules)


def _rewrite(rules: list[tuple[str, str]], text: str) -> str:
    pattern, table = _compiled(tuple(rules))
    return pattern.sub(lambda m: table[m.group(0)], text)


# Longest first at each position (the regex alternation is ordered so).
_GERMAN = [
    ("SCHTSCH", "SHCH"),
    ("TSCH", "CH"),
    ("SCH", "SH"),
    ("CH", "KH"),
    ("TZ", "TS"),
    ("Z", "TS"),
    ("W", "V"),
    ("SS", "S"),
    ("J", "Y"),
]
_GERMAN_ZH = [(a, "ZH" if a == "SCH" else b) for a, b in _GERMAN]  # Schukow: Ж, not Ш
_FRENCH = [
    ("CHTCH", "SHCH"),
    ("TCH", "CH"),
    ("DJ", "J"),  # Djamila: Ж/ДЖ stays in the J class of the key
    ("CH", "SH"),
    ("OU", "U"),
    ("GUE", "GE"),
    ("GUI", "GI"),
    ("SS", "S"),
]
_POLISH = [
    ("SZCZ", "SHCH"),
    ("CZ", "CH"),
    ("SZ", "SH"),
    ("RZ", "ZH"),
    ("CH", "KH"),
    ("W", "V"),
    ("J", "Y"),
]
_S_BETWEEN_VOWELS = re.compile(f"(?<=[{_VOWELS}])S(?=[{_VOWELS}])")
_FINAL_SILENT_E = re.compile(r"(?<=[^AEIOUY])E$")  # French Eltsine, Poutine (-ин)


def _german(plain: str, table: list[tuple[str, str]]) -> str:
    # A single S between vowels is З in German spelling (Kusnezow); SS is С (Bassajew).
    marked = _S_BETWEEN_VOWELS.sub("z", plain.replace("SS", "s"))
    return _rewrite(table, marked).replace("z", "Z").replace("s", "S")


def _french(plain: str) -> str:
    text = _rewrite(_FRENCH, plain)
    return text if not text.endswith("INE") else _FINAL_SILENT_E.sub("", text)


@lru_cache(maxsize=65536)
def readings(token: str) -> tuple[tuple[str, str], ...]:
    """The token's other readings as (language, key), keys differing from the token's own
    key, each once, in a fixed order (German, French, Polish). A token in another script has
    none."""
    if detect_script(token) is not Script.LATIN:
        return ()
    plain = plain_key(token)
    if not plain:
        return ()
    own = token_key(token)
    found: dict[str, str] = {}
    for language, reading in (
        ("German", _german(plain, _GERMAN)),
        ("German", _german(plain, _GERMAN_ZH)),
        ("French", _french(plain)),
        ("Polish", _rewrite(_POLISH, plain)),
    ):
        key = token_key(reading)
        if key and key != own and key not in found:
            found[key] = language
    return tuple((language, key) for key, language in found.items())


def reading_keys(token: str) -> tuple[str, ...]:
    """The keys of the token's other readings (see `readings`)."""
    return tuple(key for _, key in readings(token))
