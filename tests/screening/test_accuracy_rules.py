"""The rules of the screening accuracy bench (bench/screening_sets.py): which alias is a
spelling variant of the listed name, which names are screened as travellers and how, the
negatives, and the arithmetic of recall, false hits and the chosen threshold."""

from __future__ import annotations

import sys
from pathlib import Path

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

sys.path.insert(0, str(Path(__file__).resolve().parents[2] / "bench"))

from rmis.screening.entries import BirthDate, EntryName, ListEntry
from rmis.screening.subjects import ScreenedTraveller
from screening_sets import (
    ONE_WORD,
    ORIGINAL_SCRIPT,
    OTHER_NAME,
    SAME_AS_PRIMARY,
    SPELLING_VARIANT,
    Probe,
    alias_class,
    allowed_edits,
    blocking_keys,
    choose_threshold,
    compare,
    faker_negatives,
    false_hits_per_1000,
    ftm_dates,
    index_entry,
    negative_scores,
    own_scores,
    peer_person,
    positive_probes,
    recall_at,
    sample_class,
    synth_negatives,
    threshold_grid,
    traveller_birth_date,
    words_are_variants,
    yente_negatives,
)

# -- the classification rule ---------------------------------------------------------------------


def test_allowed_edits_grow_with_the_longer_word():
    assert [allowed_edits(n) for n in (1, 3, 4, 7, 8, 11, 12, 20)] == [0, 0, 1, 1, 2, 2, 3, 3]


@pytest.mark.parametrize(
    ("a", "b"),
    [
        ("KAKORERE", "KAKOLELE"),  # the example: two edits in eight letters
        ("JON", "JOHN"),  # one edit, the longer word has four letters
        ("OMAR", "UMAR"),
        ("ABDULLAYEV", "ABDULAEV"),  # transliteration key: doubled letters, YE/E
        ("Жумабаев", "ZHUMABAYEV"),  # across scripts
        ("KHALIL", "HALIL"),  # KH/H
        ("Şəkim", "SHEKIM"),  # Azerbaijani marks
    ],
)
def test_spelling_variants(a, b):
    assert words_are_variants(a, b)
    assert words_are_variants(b, a)


@pytest.mark.parametrize(
    ("a", "b"),
    [
        ("ALI", "ALA"),  # short names: no edit allowed
        ("HASSAN", "HUSSEIN"),  # two names, three edits apart
        ("OMAR", "ABDUL"),
        ("محمد", "MOHAMMED"),  # Arabic script has no key: original script is its own class
    ],
)
def test_not_spelling_variants(a, b):
    assert not words_are_variants(a, b)


PRIMARY = ["JOHN KAKOLELE BWAMBALE"]


@pytest.mark.parametrize(
    ("alias", "expected"),
    [
        ("KAKORERE JOHN", SPELLING_VARIANT),  # re-spelt, reordered, a word left out
        ("Bwambale John Kakolele", SPELLING_VARIANT),  # word order only
        ("JOHN KAKOLELE BWAMBALE", SAME_AS_PRIMARY),
        ("john  kakolele-bwambale", SAME_AS_PRIMARY),  # only case and punctuation differ
        ("KAKOLELE", ONE_WORD),  # a lone surname is no traveller's name
        ("AIGLE BLANC", OTHER_NAME),  # a nickname
        ("JOHN KAKOLELE BWAMBALE MUGISHA", OTHER_NAME),  # an added word
        ("JOHN JOHN", OTHER_NAME),  # words pair one to one
        ("", OTHER_NAME),
    ],
)
def test_alias_class(alias, expected):
    assert alias_class(alias, PRIMARY) == expected


def test_alias_class_takes_the_best_primary():
    assert alias_class("AIGLE BLANC", ["JOHN KAKOLELE", "AIGLE BLANQ"]) == SPELLING_VARIANT


_WORD = st.text(alphabet="ABDEFGKLMNPRSTUVZ", min_size=4, max_size=9)


@settings(max_examples=200, deadline=None)
@given(
    words=st.lists(_WORD, min_size=2, max_size=4, unique=True),
    which=st.integers(min_value=0),
    where=st.integers(min_value=0),
    letter=st.sampled_from("ABDEFGKLMNPRSTUVZ"),
    shift=st.integers(min_value=0),
)
def test_one_letter_changed_in_any_order_is_a_spelling_variant(words, which, where, letter, shift):
    altered = list(words)
    i = which % len(words)
    j = where % len(altered[i])
    altered[i] = altered[i][:j] + letter + altered[i][j + 1 :]
    k = shift % len(altered)
    alias = " ".join(altered[k:] + altered[:k])
    assert alias_class(alias, [" ".join(words)]) in (SPELLING_VARIANT, SAME_AS_PRIMARY)


@settings(max_examples=100, deadline=None)
@given(words=st.lists(_WORD, min_size=2, max_size=4, unique=True))
def test_a_word_of_another_name_makes_another_name(words):
    # QWXQWX has no variant among words drawn from letters without Q, W or X... nor does its
    # key (Q is K, W is V, X is KH): at least five edits from any word of 4 to 9 letters.
    alias = " ".join([*words[:-1], "OQWOQWOQWO"])
    assert alias_class(alias, [" ".join(words)]) == OTHER_NAME


# -- the travellers the bench screens ------------------------------------------------------------


def _entry(**changes):
    fields = {
        "entry_id": "CDi.001",
        "subject": "person",
        "names": (
            EntryName("JOHN KAKOLELE BWAMBALE"),
            EntryName("KAKORERE JOHN", kind="alias"),
            EntryName("AIGLE BLANC", kind="alias", weak=True),
            EntryName("john kakolele bwambale", kind="alias"),
            EntryName("جون كاكوليلي", kind="original_script"),
        ),
        "birth_dates": (BirthDate(1960, to_year=1962), BirthDate(1970, 1, 2)),
        "sex": "M",
        "nationalities": ("COD", "RWA"),
    }
    fields.update(changes)
    return ListEntry(**fields)


def test_the_index_holds_primary_names_only():
    assert [n.full for n in index_entry(_entry()).names] == ["JOHN KAKOLELE BWAMBALE"]


def test_a_traveller_carries_the_first_birth_date_as_a_document_writes_it():
    assert traveller_birth_date(_entry()) == BirthDate(1960)
    about = _entry(birth_dates=(BirthDate(1971, 5, approximate=True),))
    assert traveller_birth_date(about) == BirthDate(1971, 5)
    assert traveller_birth_date(_entry(birth_dates=())) is None


def test_positive_probes_screen_each_other_name_with_and_without_the_birth_date():
    dropped: dict[str, int] = {}
    probes = positive_probes("un", [_entry()], dropped=dropped)
    assert dropped == {SAME_AS_PRIMARY: 1}
    kinds = [(p.traveller.names[0], p.kind, p.with_birth_date, p.weak) for p in probes]
    assert kinds == [
        ("KAKORERE JOHN", SPELLING_VARIANT, True, False),
        ("KAKORERE JOHN", SPELLING_VARIANT, False, False),
        ("AIGLE BLANC", OTHER_NAME, True, True),
        ("AIGLE BLANC", OTHER_NAME, False, True),
        ("جون كاكوليلي", ORIGINAL_SCRIPT, True, False),
        ("جون كاكوليلي", ORIGINAL_SCRIPT, False, False),
    ]
    with_date, name_only = probes[0].traveller, probes[1].traveller
    assert (with_date.birth_date, with_date.nationality, with_date.sex) == (
        BirthDate(1960),
        "COD",
        "M",
    )
    assert (name_only.birth_date, name_only.nationality, name_only.sex) == (None, None, None)
    assert len({p.traveller.id for p in probes}) == len(probes)
    assert {(p.list_name, p.entry_id) for p in probes} == {("un", "CDi.001")}


def test_sampling_a_class_keeps_a_name_s_two_travellers_together():
    entries = [
        _entry(
            entry_id=f"E{i}",
            names=(EntryName("JOHN KAKOLELE"), EntryName(f"NICK{i}", kind="alias")),
        )
        for i in range(10)
    ]
    probes = positive_probes("un", entries)
    assert len(probes) == 20
    sampled = sample_class(probes, OTHER_NAME, 3, seed=1)
    assert len(sampled) == 6
    assert len({p.entry_id for p in sampled}) == 3
    assert sampled == sample_class(probes, OTHER_NAME, 3, seed=1)
    assert sample_class(probes, SPELLING_VARIANT, 0, seed=1) == probes


def test_listed_documents_give_no_travellers():
    from rmis.screening.entries import EntryDocument

    document = ListEntry("D1", "document", documents=(EntryDocument("N123"),))
    assert positive_probes("docs", [document]) == []


# -- negatives -----------------------------------------------------------------------------------


def test_faker_and_synth_negatives_are_seeded_and_carry_a_passport_s_data():
    first = faker_negatives(2, seed=3)
    assert first == faker_negatives(2, seed=3)
    assert first != faker_negatives(2, seed=4)
    russian = [p.traveller for p in first if p.kind == "negative:faker:ru_RU"]
    # A Cyrillic name comes with its MRZ spelling, as the passport writes both.
    assert all(len(t.names) == 2 and t.names[1].isascii() for t in russian)
    assert all(
        t.birth_date and t.birth_date.day and t.nationality for p in first for t in [p.traveller]
    )
    synth = synth_negatives(3, seed=3)
    assert synth == synth_negatives(3, seed=3)
    assert {p.traveller.nationality for p in synth} == {"KAZ", "KGZ", "TJK"}
    assert all(p.entry_id is None for p in first + synth)


def test_yente_negatives_read_the_file(tmp_path):
    path = tmp_path / "negatives.csv"
    path.write_text(
        "full_name,first_name,middle_name,last_name,gender,date_of_birth,place_of_birth,"
        "nationality\n"
        "Soňa Kolář,Soňa,,Kolář,other,1959-04-27,Split,Poland\n"
        "Nimrat Ravel,Nimrat,,Ravel,female,not a date,Hyderabad,Nowhere Land\n",
        encoding="utf-8",
    )
    probes = yente_negatives(path, 10, seed=1)
    travellers = sorted((p.traveller for p in probes), key=lambda t: t.names)
    assert [(t.names, t.birth_date, t.sex, t.nationality) for t in travellers] == [
        (("Nimrat Ravel",), None, "F", None),
        (("Soňa Kolář",), BirthDate(1959, 4, 27), None, "POL"),
    ]


# -- the peer's side -----------------------------------------------------------------------------


def test_birth_dates_as_followthemoney_writes_them():
    assert ftm_dates(BirthDate(1960, to_year=1962)) == ["1960", "1961", "1962"]
    assert ftm_dates(BirthDate(1971, 5, approximate=True)) == ["1971-05"]
    assert ftm_dates(BirthDate(1970, 1, 2)) == ["1970-01-02"]


def test_the_peer_s_person_carries_what_rmis_is_given():
    entity = peer_person(
        "t1", ["KAKORERE JOHN"], [BirthDate(1970, 1, 2)], ["COD", "UTO", "D"], "M"
    ).to_dict()
    assert entity["schema"] == "Person"
    props = entity["properties"]
    assert props["name"] == ["KAKORERE JOHN"]
    assert props["birthDate"] == ["1970-01-02"]
    # ICAO codes as FtM's ISO alpha-2; the specimen state has none and is left out.
    assert sorted(props["nationality"]) == ["cd", "de"]
    assert props["gender"] == ["male"]
    assert "gender" not in peer_person("t2", ["X"], [], [], None).to_dict()["properties"]


def test_blocking_keys_fold_spellings_and_scripts():
    assert blocking_keys(["Жумабаев Али"]) == blocking_keys(["ZHUMABAYEV ALI"])
    assert "ALI" in blocking_keys(["ALI"])
    assert blocking_keys(["AL QAIDA"]) == {token_key_of("QAIDA")}  # two letters are no block
    assert blocking_keys(["محمد"])  # Arabic script blocks by its ASCII form
    assert blocking_keys(["", "  "]) == set()


def token_key_of(word: str) -> str:
    from rmis.names.keys import token_key

    return token_key(word)


def test_compare_sets_recall_side_by_side():
    def side(threshold, recall):
        return {"at_most_1_false_hit_per_1000": {"threshold": threshold, "recall": recall}}

    rmis = side(
        0.7,
        {
            "all/spelling_variant/with_birth_date": 0.96,
            "all/spelling_variant/name_only": 0.9,
            "un/spelling_variant/name_only": 0.8,
        },
    )
    peer = side(
        0.5,
        {
            "all/spelling_variant/with_birth_date": 0.8,
            "all/spelling_variant/name_only": 0.0,
            "un/spelling_variant/name_only": 0.7,
        },
    )
    result = compare(rmis, peer)
    assert result["thresholds"] == {"rmis": 0.7, "peer": 0.5}
    assert result["recall"] == {
        "spelling_variant/with_birth_date": {"rmis": 0.96, "peer": 0.8, "ratio": 1.2},
        "spelling_variant/name_only": {"rmis": 0.9, "peer": 0.0, "ratio": None},
    }
    assert result["target_met_with_birth_date"] and not result["target_met_name_only"]


# -- the figures ---------------------------------------------------------------------------------


def _probe(ident: str, entry_id: str | None) -> Probe:
    traveller = ScreenedTraveller(ident, ("X Y",))
    return Probe(traveller, SPELLING_VARIANT if entry_id else "negative:test", "un", entry_id)


def test_recall_counts_the_own_entry_only():
    positives = [_probe("a", "E1"), _probe("b", "E2"), _probe("c", "E3")]
    scored = {
        "a": {("un", "E1"): 0.9},
        "b": {("un", "E9"): 0.99},  # a hit, but on someone else
        "c": {("un", "E3"): 0.7},
    }
    own = own_scores(positives, scored)
    assert own == [0.9, -1.0, 0.7]
    assert recall_at(own, 0.7) == pytest.approx(2 / 3)
    assert recall_at(own, 0.8) == pytest.approx(1 / 3)
    assert recall_at([], 0.5) is None


def test_false_hits_count_every_hit_of_a_negative():
    negatives = [_probe(f"n{i}", None) for i in range(2000)]
    scored = {"n0": {("un", "E1"): 0.9, ("un", "E2"): 0.8}, "n1": {("un", "E1"): 0.75}}
    scores = negative_scores(negatives, scored)
    assert sorted(scores) == [0.75, 0.8, 0.9]
    assert false_hits_per_1000(scores, 2000, 0.7) == 1.5
    assert false_hits_per_1000(scores, 2000, 0.85) == 0.5
    with pytest.raises(ValueError, match="negative travellers"):
        false_hits_per_1000(scores, 0, 0.5)


def test_the_chosen_threshold_is_the_lowest_within_the_budget():
    grid = threshold_grid(0.5, 0.05)
    assert grid[0] == 0.5 and grid[-1] == 1.0 and len(grid) == 11
    scores = [0.62, 0.71, 0.74, 0.9]
    # 2,000 travellers may have 2 false hits: 0.7 leaves 3, 0.75 leaves 1.
    assert choose_threshold(grid, scores, 2000) == 0.75
    assert choose_threshold(grid, scores, 4000) == 0.5  # 4 allowed: all of them
    assert choose_threshold(grid, scores, 500) == 0.95  # half a hit allowed: none
    assert choose_threshold(grid, [], 1000) == 0.5
    assert choose_threshold([0.5, 0.6], [0.99], 10) is None
