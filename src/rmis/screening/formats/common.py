"""Small pieces every list reader needs: month names, document type letters, keeping order."""

from __future__ import annotations

from typing import TypeVar

_T = TypeVar("_T")

MONTHS: dict[str, int] = {
    name: number
    for number, names in enumerate(
        (
            ("jan", "january"),
            ("feb", "february"),
            ("mar", "march"),
            ("apr", "april"),
            ("may",),
            ("jun", "june"),
            ("jul", "july"),
            ("aug", "august"),
            ("sep", "sept", "september"),
            ("oct", "october"),
            ("nov", "november"),
            ("dec", "december"),
        ),
        start=1,
    )
    for name in names
}

_PASSPORT_WORDS = ("passport", "pasaporte", "passeport")
_CARD_WORDS = ("id card", "identity card", "identification card", "national id card")


def month_number(text: str) -> int | None:
    """1-12 for an English month name or its abbreviation ("Nov.", "September"), else None."""
    return MONTHS.get(text.strip().rstrip(".").casefold())


def document_type(label: str) -> str | None:
    """ICAO 9303 type letter for what a list calls a document: P for a passport, I for an
    identity card; None for anything else (a national ID number, a driving licence...)."""
    text = " ".join(label.casefold().split())
    if "laissez-passer" in text:
        return None
    if any(word in text for word in _PASSPORT_WORDS):
        return "P"
    if any(word in text for word in _CARD_WORDS):
        return "I"
    return None


def add_once(items: list[_T], item: _T) -> None:
    """Append unless already there: lists repeat a name or a date, the model needs it once."""
    if item not in items:
        items.append(item)


def clean(text: str | None) -> str | None:
    """Whitespace collapsed; None for nothing."""
    text = " ".join((text or "").split())
    return text or None
