"""Transliteration systems, Cyrillic to Latin: the registry and `transliterate`.

`SYSTEMS` maps an identifier to a `System` (name, description, source). Systems whose output
has letters beyond A-Z also come as `<id>_mrz`, their MRZ-safe folding.
"""

from collections.abc import Mapping
from dataclasses import replace
from types import MappingProxyType

from rmis.names.systems import national, russian
from rmis.names.systems.base import SUPPORTED_CYRILLIC, System
from rmis.names.systems.mrz import mrz_fold

__all__ = ["SUPPORTED_CYRILLIC", "SYSTEMS", "System", "mrz_fold", "transliterate"]


def _with_mrz(systems: list[System]) -> dict[str, System]:
    out: dict[str, System] = {}
    for system in systems:
        out[system.id] = system
        if system.extra_alphabet:
            word = system.word
            out[f"{system.id}_mrz"] = replace(
                system,
                id=f"{system.id}_mrz",
                name=f"{system.name} (MRZ)",
                description=f"MRZ-safe folding (A-Z) of {system.id}",
                extra_alphabet=frozenset(),
                mrz_of=system.id,
                upper=str.upper,
                word=lambda w, word=word: mrz_fold(word(w)).lower(),
            )
    return out


SYSTEMS: Mapping[str, System] = MappingProxyType(_with_mrz(russian.systems() + national.systems()))


def transliterate(text: str, system: str) -> str:
    """`text` with its Cyrillic words written in `system`; other characters kept as they are."""
    try:
        chosen = SYSTEMS[system]
    except KeyError:
        known = ", ".join(SYSTEMS)
        raise ValueError(f"unknown transliteration system {system!r}; known: {known}") from None
    return chosen.transliterate(text)
