"""The plausible Latin spellings of a name, each with the systems that give it."""

import re
import unicodedata
from dataclasses import dataclass
from typing import Any

from rmis.names.normalise import normalise
from rmis.names.scripts import Script, detect_script
from rmis.names.systems import SYSTEMS

INPUT = "input"  # the "system" of a Latin name returned as it was given (normalised)


@dataclass(frozen=True)
class Spelling:
    text: str
    systems: tuple[str, ...]

    def to_dict(self) -> dict[str, Any]:
        return {"spelling": self.text, "systems": list(self.systems)}


def latin_spellings(name: str) -> list[Spelling]:
    """Every distinct Latin spelling of `name` over SYSTEMS, in capitals as on documents.

    Spellings are listed once with every system that yields them, in SYSTEMS order of their
    first system. A name with no Cyrillic letters is returned normalised, as its own spelling.
    """
    text = re.sub(r"\s+", " ", unicodedata.normalize("NFC", name)).strip().upper()
    if detect_script(text) not in (Script.CYRILLIC, Script.MIXED):
        plain = normalise(name)
        return [Spelling(plain, (INPUT,))] if plain else []
    found: dict[str, list[str]] = {}
    for system_id, system in SYSTEMS.items():
        spelling = system.transliterate(text)
        found.setdefault(spelling, []).append(system_id)
    return [Spelling(text, tuple(ids)) for text, ids in found.items()]
