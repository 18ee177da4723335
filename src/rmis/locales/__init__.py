"""The languages of rmis: gettext catalogues read with Babel, one domain per family of pages.

Catalogues live here as `<language>/LC_MESSAGES/<domain>.po` (desk, stay, protection, ...): the
.po files are the source, compiled in memory when first asked for, so there is no build step and
no binary in the tree. A message a translator wrote without a native speaker's review carries the
flag `unreviewed` (`#, unreviewed` above it); pages can show which strings those are.
"""

from __future__ import annotations

from dataclasses import dataclass
from functools import cache
from io import BytesIO
from pathlib import Path

from babel.messages.mofile import write_mo
from babel.messages.pofile import read_po
from babel.support import Translations

CATALOGUES = Path(__file__).parent
DEFAULT_LANGUAGE = "en"
UNREVIEWED_FLAG = "unreviewed"

# The languages of the region and English, each named in itself (the language picker shows
# these). Uzbek is written in Latin (the state's alphabet) and, by many, still in Cyrillic.
LANGUAGES: dict[str, str] = {
    "en": "English",
    "ru": "Русский",
    "kk": "Қазақша",
    "ky": "Кыргызча",
    "tg": "Тоҷикӣ",
    "uz": "Oʻzbekcha",
    "uz_Cyrl": "Ўзбекча",
    "tk": "Türkmençe",
}
# What an Accept-Language tag means here: uz-Cyrl is its own catalogue, other scripts and
# regions (ru-KZ, kk-Cyrl) fall back to the language.
_TAGS = {tag.lower().replace("_", "-"): tag for tag in LANGUAGES}


@dataclass(frozen=True, slots=True)
class Catalogue:
    """One language's messages from every domain, and which of them are unreviewed."""

    language: str
    translations: Translations
    unreviewed: frozenset[str]

    def gettext(self, message: str) -> str:
        return self.translations.gettext(message)

    def ngettext(self, singular: str, plural: str, n: int) -> str:
        return self.translations.ngettext(singular, plural, n)


def language_of(tag: str | None) -> str | None:
    """The supported language a tag names (`ru`, `ru-KZ`, `uz-Cyrl`, `uz_Cyrl`), or None."""
    if not tag:
        return None
    tag = tag.strip().lower().replace("_", "-")
    while tag:
        if tag in _TAGS:
            return _TAGS[tag]
        tag = tag.rpartition("-")[0]
    return None


def negotiate(accept_language: str | None) -> str:
    """The language to answer in for an Accept-Language header: the first supported one in
    the browser's order of preference (q-values), else English."""
    wanted: list[tuple[float, int, str]] = []
    for position, part in enumerate((accept_language or "").split(",")):
        tag, _, params = part.partition(";")
        quality = 1.0
        for param in params.split(";"):
            name, _, value = param.strip().partition("=")
            if name == "q":
                try:
                    quality = float(value)
                except ValueError:
                    quality = 0.0
        if quality > 0:
            wanted.append((-quality, position, tag))
    for _, _, tag in sorted(wanted):
        language = language_of(tag)
        if language:
            return language
    return DEFAULT_LANGUAGE


@cache
def catalogue(language: str) -> Catalogue:
    """Every domain's messages for a language (English: the messages themselves)."""
    if language not in LANGUAGES:
        raise ValueError(f"unknown language {language!r}: one of {', '.join(LANGUAGES)}")
    translations: Translations | None = None
    unreviewed: set[str] = set()
    for path in sorted((CATALOGUES / language / "LC_MESSAGES").glob("*.po")):
        with path.open("rb") as file:
            po = read_po(file, locale=language)
        for message in po:
            if message.id and UNREVIEWED_FLAG in message.flags:
                unreviewed.add(message.id if isinstance(message.id, str) else message.id[0])
        compiled = BytesIO()
        write_mo(compiled, po)
        compiled.seek(0)
        # The first domain is the base: it carries the language's plural rule.
        domain = Translations(compiled)
        translations = domain if translations is None else translations.merge(domain)
    return Catalogue(language, translations or Translations(), frozenset(unreviewed))


def N_(message: str) -> str:
    """Marks a message for the catalogues where it is defined (a table of labels); it is
    translated where it is shown."""
    return message


__all__ = [
    "DEFAULT_LANGUAGE",
    "LANGUAGES",
    "N_",
    "Catalogue",
    "catalogue",
    "language_of",
    "negotiate",
]
