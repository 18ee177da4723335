"""MRZ-safe folding: what a system's spelling becomes in a machine readable zone (A-Z only).

Letters standing for a sound written with a digraph elsewhere keep the digraph (Kazakh Ş is
Ш, which Kazakh documents have always written SH); other marks are dropped as ICAO 9303 Part 3
drops them. The result is normalised: upper case A-Z words separated by single spaces.
"""

import re

from rmis.names.normalise import normalise

_DIGRAPH_LETTERS = str.maketrans(
    {"Ş": "SH", "ş": "sh", "Ç": "CH", "ç": "ch", "Ñ": "N", "ñ": "n", "·": ""}
)  # BGN/PCGN's separating dot joins


def mrz_fold(text: str) -> str:
    folded = normalise(text.translate(_DIGRAPH_LETTERS))
    return re.sub(r"[^A-Z ]+", "", folded).strip()
