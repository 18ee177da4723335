"""Properties the issue asks of the screen (Hypothesis): a listed name re-spelled by any of
rmis's transliteration systems still hits its entry; a document number read with one OCR
confusion still hits."""

from functools import cache

from hypothesis import given, settings
from hypothesis import strategies as st

from rmis.names import SYSTEMS, transliterate
from rmis.screening.document_numbers import confusable_variants
from rmis.screening.entries import BirthDate, EntryDocument, EntryName, ListEntry
from rmis.screening.index import ScreeningIndex
from rmis.screening.subjects import ScreenedTraveller, TravellerDocument
from rmis.synth.name_pools import pool_for

PEOPLES = ("KAZ", "KGZ", "TJK", "UZB", "RUS")
SPELLINGS = (None, *SYSTEMS)  # None: as listed in Cyrillic


@cache
def names_of(people: str) -> tuple[tuple[str, ...], tuple[str, ...], tuple[str, ...]]:
    pool = pool_for(people)
    return pool.surnames.names[:300], pool.male.names, pool.female.names


@st.composite
def cyrillic_names(draw):
    people = draw(st.sampled_from(PEOPLES))
    surnames, male, female = names_of(people)
    surname = draw(st.sampled_from(surnames))
    given_name = draw(st.sampled_from(male + female))
    parts = [surname, given_name]
    if draw(st.booleans()):
        father = draw(st.sampled_from(male))
        parts.append((father[:-1] if father.endswith(("й", "ь")) else father) + "ович")
    return " ".join(parts)


def spelt(name: str, system: str | None) -> str:
    return name if system is None else transliterate(name, system).upper()


@settings(max_examples=300, deadline=None)
@given(
    cyrillic_names(),
    st.sampled_from(SPELLINGS),
    st.sampled_from(SPELLINGS),
    st.booleans(),
)
def test_a_listed_name_respelt_by_any_system_hits_its_entry(name, listed_in, travels_in, dated):
    born = BirthDate(1984, 6, 30)
    entry = ListEntry("E1", "person", names=(EntryName(spelt(name, listed_in)),),
                      birth_dates=(born,))  # fmt: skip
    other = ListEntry("E2", "person", names=(EntryName("IVANOVA MARIYA PETROVNA"),))
    index = ScreeningIndex.build([("wanted", entry), ("wanted", other)])
    traveller = ScreenedTraveller("t", (spelt(name, travels_in),), born if dated else None)
    hits = index.screen(traveller)
    assert "E1" in [h.entry_id for h in hits], (spelt(name, listed_in), traveller.names)
    assert all(h.reasons for h in hits)


states = st.sampled_from(("KAZ", "UZB", "KGZ", "TJK", "RUS", "TUR"))
numbers = st.text(alphabet="ABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789", min_size=7, max_size=10)


@settings(max_examples=200, deadline=None)
@given(states, numbers, st.data())
def test_a_document_number_with_one_ocr_confusion_still_hits(state, number, data):
    variants = confusable_variants(number)
    if not variants:
        return
    presented = data.draw(st.sampled_from(variants))
    listed = ListEntry("D1", "document", documents=(EntryDocument(number, state, "P"),),
                       status="stolen")  # fmt: skip
    decoy = ListEntry("D2", "document", documents=(EntryDocument(number, "AFG", "P"),))
    index = ScreeningIndex.build([("sltd", listed), ("sltd", decoy)])
    traveller = ScreenedTraveller("t", ("ANY NAME",), document=TravellerDocument(state, presented))
    hits = index.screen(traveller)
    assert [h.entry_id for h in hits] == ["D1"]
    assert any("OCR confusion" in r for r in hits[0].reasons)
