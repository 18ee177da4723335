"""What the comparisons see of a document, and the order of their levels: a name or a date
further from another never lands in a better level; the same name in another transliteration
or script is the same key."""

from __future__ import annotations

from dataclasses import replace
from datetime import date, timedelta

from hypothesis import assume, given, settings
from hypothesis import strategies as st
from linkage_cases import documents as case_documents
from rapidfuzz.distance import Levenshtein

from rmis.names import transliterate
from rmis.persons.comparisons import BIRTH_DATE, COMPARISONS, DOCUMENT
from rmis.persons.features import features, fold_number, name_parts

BASE = case_documents()[0]
NAMES = {c.name: c for c in COMPARISONS}
LETTERS = st.text(alphabet="ABDEGIKLMNORSTUZ", min_size=3, max_size=12)


# The MRZ systems of the region's passports (names/systems).
MRZ_SYSTEMS = ("icao_9303", "kk_passport", "kk_latin_2021_mrz", "kg_passport", "kg_national_mrz",
               "tj_national_mrz", "uz_latin_mrz", "mvd_310_mrz", "mvd_782_mrz")  # fmt: skip


def test_every_mrz_spelling_of_a_national_name_is_its_key_or_one_edit_from_it():
    """So a pair of the name in two scripts or systems is at worst in the 'one edit' level
    (Ң, Ҷ, Ў: the national script's key keeps a letter an MRZ spelling drops)."""
    for name in ("Жанбырбаев", "Нұрғалиева", "Абдуллаев", "Фёдорова", "Шыңғыс", "Юлия",
                 "Құдайбергенова", "Меҳроҷ", "Ўткир", "Шоҳжаҳон", "Айгүл"):  # fmt: skip
        key = name_parts(name).key
        for system in MRZ_SYSTEMS:
            spelt = name_parts(transliterate(name, system)).key
            assert Levenshtein.distance(key, spelt) <= 1, (name, system, spelt)
    assert name_parts("Жанбырбаев").key == name_parts("JANBYRBAEV").key


def test_the_2021_kazakh_latin_spelling_keeps_the_key():
    assert name_parts("ZHANBYRBAEV").key == name_parts("JANBYRBAEV").key
    assert name_parts("KUDAYBERGENOVA").key == name_parts("QUDAIBERGENOVA").key
    assert name_parts("NURGALIYEVA").key == name_parts("NURGALIEVA").key


def test_sh_for_s_and_kh_meets_the_other_spelling():
    """Асхат is ASKHAT in the Kazakh passport system and ASHAT in the 2021 Latin alphabet."""
    old, new = (
        features(replace(BASE, given_names="ASKHAT")),
        features(replace(BASE, given_names="ASHAT", national_given_names=None)),
    )
    assert old.given_key != new.given_key and new.given_akey == old.given_key
    assert NAMES["given"].levels[NAMES["given"].level_of(old, new)].label == "another spelling"
    assert name_parts("SHYNGYS").key != name_parts("SHYNGYS").alternative
    assert name_parts("ASKHAT").alternative is None


def test_particles_and_patronymics_stay_out_of_the_key():
    assert name_parts("ERLAN NURLAN ULY").key == name_parts("ERLAN").key
    assert name_parts("IVAN PETROVICH").key == name_parts("IVAN").key
    assert name_parts("ERLAN NURLAN ULY").text == "ERLAN NURLAN ULY"


def test_a_misread_number_folds_to_the_printed_one():
    assert fold_number("N1234508") == fold_number("NI234SO8")
    assert fold_number("AB1234567") == fold_number("A81234567")


def _name_level(field: str, a: str, b: str) -> int:
    fa = features(replace(BASE, **{field: a}))
    fb = features(replace(BASE, **{field: b}))
    return NAMES["surname" if field == "surname" else "given"].level_of(fa, fb)


@settings(max_examples=300, deadline=None)
@given(LETTERS, st.integers(0, 11), st.integers(0, 11), st.sampled_from("ABDEGIKLMNORSTUZ"))
def test_a_name_one_more_edit_away_is_never_in_a_better_level(name, i, j, letter):
    """Levels are ordered best first: changing one more letter never moves a pair up."""
    one = name[: i % len(name)] + letter + name[i % len(name) + 1 :]
    k = j % len(one)
    two = one[:k] + ("A" if one[k] != "A" else "E") + one[k + 1 :]
    assume(Levenshtein.distance(name, two) == Levenshtein.distance(name, one) + 1)
    for field in ("surname", "given_names"):
        assert _name_level(field, name, name) <= _name_level(field, name, one)
        assert _name_level(field, name, one) <= _name_level(field, name, two)


@settings(max_examples=300, deadline=None)
@given(st.integers(0, 4000), st.integers(0, 4000))
def test_a_birth_date_further_away_is_never_in_a_better_level(near, far):
    near, far = sorted((near, far))
    born = date(1980, 6, 15)
    base = features(BASE.__class__(**{**{s: getattr(BASE, s) for s in BASE.__slots__},
                                      "birth_date": born}))  # fmt: skip

    def level(days: int) -> int:
        other = features(replace(BASE, birth_date=born + timedelta(days=days)))
        return BIRTH_DATE.level_of(base, other)

    # Within a year and beyond it the order holds; single-digit slips are their own level and
    # may be any distance apart, so compare only what is not one.
    if level(near) != 2 and level(far) != 2:
        assert level(near) <= level(far)


@settings(max_examples=300, deadline=None)
@given(st.integers(-8000, 8000))
def test_the_document_level_follows_the_gap_between_expiry_dates(gap):
    other = replace(BASE, number="N99999999", expiry_date=BASE.expiry_date + timedelta(days=gap))
    label = DOCUMENT.levels[DOCUMENT.level_of(features(BASE), features(other))].label
    size = abs(gap)
    if size == 0:
        assert label == "same expiry, another number"
    elif 3652 - 400 <= size <= 3652 + 31:
        assert label == "renewal"
    elif size > 3652 + 31:
        assert label == "renewed later"
    else:
        assert label == "held at the same time"


def test_levels_end_with_else_and_start_with_null():
    for comparison in COMPARISONS:
        assert comparison.levels[0].null
        assert comparison.levels[-1].sql == "ELSE"
        assert not any(level.null for level in comparison.levels[1:])
