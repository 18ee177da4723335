"""Names: scripts, normalisation, transliteration (Cyrillic -> Latin in the systems of the
region) and a similarity for people's names across scripts and systems.

Pure core: no I/O, no clock, no globals beyond caches of pure functions.
"""

from rmis.names.normalise import normalise, tokenise
from rmis.names.prepared import PreparedName, Role, prepare
from rmis.names.scripts import Script, detect_script
from rmis.names.similarity import (
    MATCH_THRESHOLD,
    Explanation,
    LoneToken,
    NameMatch,
    TokenPair,
    similarity,
)
from rmis.names.spellings import Spelling, latin_spellings
from rmis.names.systems import SYSTEMS, System, mrz_fold, transliterate

__all__ = [
    "MATCH_THRESHOLD",
    "SYSTEMS",
    "Explanation",
    "LoneToken",
    "NameMatch",
    "PreparedName",
    "Role",
    "Script",
    "Spelling",
    "System",
    "TokenPair",
    "detect_script",
    "latin_spellings",
    "mrz_fold",
    "normalise",
    "prepare",
    "score_batch",
    "similarity",
    "tokenise",
    "transliterate",
]


def __getattr__(name: str) -> object:
    # The batch scorer needs NumPy; `rmis names latin` and the MRZ reader should not load it.
    if name == "score_batch":
        from rmis.names.batch import score_batch

        return score_batch
    raise AttributeError(f"module 'rmis.names' has no attribute {name!r}")
