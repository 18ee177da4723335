"""Country names as alert lists write them, mapped to ICAO 9303 codes.

Lists name countries in words: the UN in its own style ("Iran (Islamic Republic of)",
"Democratic Republic of the Congo"), OFAC in the US government's ("Korea, North", "Burma",
"Russia"). A name maps only when it is one of ISO 3166-1's names for a country (as pycountry
has them, in either word order) or one of the list spellings written out below. Anything else
("former Soviet Union", "Palestinian", "na") maps to None and the reader keeps the words in the
entry's remarks: a code is never guessed.
"""

from __future__ import annotations

import unicodedata
from functools import cache

import pycountry

from rmis.reference.countries import icao_from_alpha2

# List spellings that are none of ISO 3166-1's names (ISO alpha-2 of the state they name).
_LIST_SPELLINGS: dict[str, str] = {
    "Russia": "RU",
    "Korea, North": "KP",
    "North Korea": "KP",
    "Korea, South": "KR",
    "South Korea": "KR",
    "Burma": "MM",
    "Macau": "MO",
    "Turkey": "TR",
    "Kosovo": "XK",
    "Cape Verde": "CV",
    "Swaziland": "SZ",
    "Macedonia, The Former Yugoslav Republic of": "MK",
    "The former Yugoslav Republic of Macedonia": "MK",
    "Congo, Democratic Republic of the": "CD",
    "Congo, Republic of the": "CG",
    "Republic of the Congo": "CG",
    "Great Britain": "GB",
    "Vatican City": "VA",
}


def _key(name: str) -> str:
    """Case, accents, spacing and a leading "the" do not change which country a name means."""
    text = unicodedata.normalize("NFKD", name)
    text = "".join(c for c in text if not unicodedata.combining(c))
    text = " ".join(text.replace("’", "'").casefold().split())
    return text.removeprefix("the ")


def _spellings(name: str) -> list[str]:
    """ISO writes "Iran, Islamic Republic of"; lists also write "Islamic Republic of Iran" and
    "Iran (Islamic Republic of)"."""
    found = [name]
    if ", " in name:
        head, tail = name.split(", ", 1)
        found += [f"{tail} {head}", f"{head} ({tail})"]
    return found


@cache
def _table() -> dict[str, str]:
    table: dict[str, str] = {}
    for country in pycountry.countries:
        for attribute in ("name", "common_name", "official_name"):
            name = getattr(country, attribute, None)
            if name:
                for spelling in _spellings(name):
                    table.setdefault(_key(spelling), icao_from_alpha2(country.alpha_2))
    for name, alpha2 in _LIST_SPELLINGS.items():
        table[_key(name)] = icao_from_alpha2(alpha2)
    return table


def country_code(name: str | None) -> str | None:
    """The ICAO 9303 code of the country a list names in words, or None if it cannot be told.

    >>> country_code("Iran (Islamic Republic of)"), country_code("Germany")
    ('IRN', 'D')
    """
    if not name or not name.strip():
        return None
    return _table().get(_key(name))
