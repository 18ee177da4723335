"""Hypothesis strategies for list entries, for the round-trip tests of the list formats."""

from __future__ import annotations

from datetime import date

from hypothesis import strategies as st

from rmis.reference.countries import recordable_codes
from rmis.screening.entries import BirthDate, EntryDocument, EntryName, ListEntry

COUNTRIES = sorted(recordable_codes())
_LETTERS = st.characters(categories=("L", "Nd"), exclude_characters="\x00")
_WORD = st.text(_LETTERS, min_size=1, max_size=12)
_TEXT = st.lists(_WORD, min_size=1, max_size=4).map(" ".join)
_DAYS = st.dates(min_value=date(1990, 1, 1), max_value=date(2030, 12, 31))


@st.composite
def birth_dates(draw) -> BirthDate:
    year = draw(st.integers(1900, 2025))
    approximate = draw(st.booleans())
    match draw(st.sampled_from(("year", "month", "day", "range"))):
        case "year":
            return BirthDate(year, approximate=approximate)
        case "month":
            return BirthDate(year, draw(st.integers(1, 12)), approximate=approximate)
        case "day":
            day = draw(st.dates(min_value=date(year, 1, 1), max_value=date(year, 12, 31)))
            return BirthDate(year, day.month, day.day, approximate=approximate)
    return BirthDate(year, to_year=year + draw(st.integers(1, 5)), approximate=approximate)


names = st.builds(
    EntryName,
    full=_TEXT,
    kind=st.sampled_from(("primary", "alias", "original_script")),
    weak=st.booleans(),
    surname=st.none() | _WORD,
    given_names=st.none() | _TEXT,
)

documents = st.builds(
    EntryDocument,
    number=st.text("ABCDEFGHJKLMNPRSTUVWXYZ0123456789", min_size=1, max_size=12),
    issuing_state=st.none() | st.sampled_from(COUNTRIES),
    document_type=st.sampled_from((None, "P", "I", "A", "C", "V")),
    note=st.none() | _TEXT,
)

_EXTRA = st.dictionaries(
    st.text("abcdefghij_", min_size=1, max_size=8),
    st.none() | st.booleans() | st.integers(-1000, 1000) | _TEXT | st.lists(_TEXT, max_size=3),
    max_size=3,
)


@st.composite
def entries(draw, entry_id: str) -> ListEntry:
    """Any entry the model allows: a listed person, or a listed document."""
    subject = draw(st.sampled_from(("person", "document")))
    return ListEntry(
        entry_id=entry_id,
        subject=subject,
        names=tuple(draw(st.lists(names, min_size=subject == "person", max_size=5))),
        birth_dates=tuple(draw(st.lists(birth_dates(), max_size=3, unique=True))),
        sex=draw(st.sampled_from((None, "M", "F"))),
        nationalities=tuple(draw(st.lists(st.sampled_from(COUNTRIES), max_size=3, unique=True))),
        documents=tuple(
            draw(st.lists(documents, min_size=subject == "document", max_size=3, unique=True))
        ),
        listed_on=draw(st.none() | _DAYS),
        status=draw(st.none() | st.sampled_from(("lost", "stolen", "revoked"))),
        child=draw(st.booleans()),
        legal_basis=draw(st.none() | _TEXT),
        valid_from=draw(st.none() | _DAYS),
        valid_until=draw(st.none() | _DAYS),
        review_on=draw(st.none() | _DAYS),
        remarks=draw(st.none() | _TEXT),
        extra=draw(_EXTRA),
    )


@st.composite
def entry_lists(draw, max_size: int = 6) -> list[ListEntry]:
    ids = draw(st.lists(_WORD, min_size=1, max_size=max_size, unique=True))
    return [draw(entries(entry_id)) for entry_id in ids]


@st.composite
def document_entries(draw, max_size: int = 8) -> list[ListEntry]:
    """Entries the documents CSV can hold: one document each, with an ICAO code or none."""
    ids = draw(st.lists(_WORD, min_size=1, max_size=max_size, unique=True))
    return [
        ListEntry(
            entry_id=entry_id,
            subject="document",
            documents=(
                draw(
                    documents.map(
                        lambda d: EntryDocument(d.number, d.issuing_state, d.document_type)
                    )
                ),
            ),
            listed_on=draw(st.none() | _DAYS),
            status=draw(st.none() | st.sampled_from(("lost", "stolen", "revoked", "invalidated"))),
        )
        for entry_id in ids
    ]
