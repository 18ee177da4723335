"""The word-level pieces the screen adds to rmis.names: other languages' readings, Arabic
skeletons, ALA-LC tie-bars, initials and sounds-alike letters."""

import pytest

from rmis.names import normalise, prepare
from rmis.names.arabic import arabic_skeleton, latin_skeleton, normalise_arabic
from rmis.names.keys import token_key
from rmis.names.readings import reading_keys
from rmis.screening.names import compare_names, compare_words, prepare_name, word


@pytest.mark.parametrize(
    ("cyrillic", "foreign"),
    [
        ("Шевченко", "SCHEWTSCHENKO"),  # German
        ("Шевченко", "CHEVTCHENKO"),  # French
        ("Шевченко", "SZEWCZENKO"),  # Polish
        ("Шевченко", "ŠEVČENKO"),  # Czech, ISO 9
        ("Жуков", "SCHUKOW"),  # German SCH for Ж
        ("Жуков", "JOUKOV"),  # French
        ("Евгений", "JEWGENI"),  # German J for the glide
        ("Кузнецов", "KUSNEZOW"),  # German S for З, Z for Ц
        ("Юлия", "I͡ULII͡A"),  # ALA-LC with tie-bars
        ("Цой", "T͡SOĬ"),
        ("Хрущёв", "HRUŜËV"),  # ISO 9
    ],
)
def test_foreign_and_scholarly_spellings_read_as_the_cyrillic_word(cyrillic, foreign):
    score, _ = compare_words(word(cyrillic.upper()), word(foreign))
    assert score >= 0.85, (cyrillic, foreign, score)


def test_readings_are_only_for_latin_words_and_differ_from_the_key():
    assert reading_keys("ШЕВЧЕНКО") == ()
    keys = reading_keys("CHEVTCHENKO")
    assert token_key("SHEVCHENKO") in keys
    assert token_key("CHEVTCHENKO") not in keys


def test_a_tie_bar_joins_letters_and_does_not_split_the_word():
    assert normalise("I͡ulii͡a T͡soĭ") == "IULIIA TSOI"
    assert prepare("T͡soĭ").tokens == ("TSOI",)


def test_arabic_letters_settle_and_skeletons_meet_across_scripts():
    assert normalise_arabic("أحمد") == normalise_arabic("احمد")
    assert arabic_skeleton("محمد") == latin_skeleton(token_key("MUHAMMAD"))
    assert arabic_skeleton("الرحمن") == latin_skeleton(token_key("RAHMAN"))
    assert arabic_skeleton("فاطمة") == latin_skeleton(token_key("FATIMAH"))


def test_arabic_joined_words_meet_a_latin_name_written_in_one():
    comparison = compare_names(prepare_name("عبد الله احمد"), prepare_name("ABDALLAH AHMAD"))
    assert comparison.score >= 0.8


def test_an_initial_pairs_only_with_a_word_it_begins():
    assert compare_words(word("J"), word("JOHN"))[1] == "initial"
    assert compare_words(word("J"), word("JOHN"))[0] > 0.8
    assert compare_words(word("K"), word("JOHN"))[0] == 0.0
    assert compare_names(prepare_name("J K"), prepare_name("JOHN KENNEDY")).score == 0.0


def test_letters_that_sound_alike_cost_half_an_edit():
    alike, how = compare_words(word("KAKORERE"), word("KAKOLELE"))
    assert how == "spelt differently, sounds alike"
    typo, _ = compare_words(word("KAKOMEME"), word("KAKOLELE"))
    assert alike > typo


def test_a_missing_part_costs_a_little_and_a_missing_name_a_lot():
    full = prepare_name("FRANK KAKOLELE BWAMBALE")
    assert compare_names(prepare_name("FRANK KAKOLELE"), full).score >= 0.9
    assert compare_names(prepare_name("GEORGE BUSH"), prepare_name("GEORGE HABBASH")).score < 0.6


def test_words_joined_or_split_differently_still_compare():
    comparison = compare_names(
        prepare_name("El Shafee Elsheikh"), prepare_name("ELSHAFEE EL SHEIKH")
    )
    assert comparison.joined and comparison.score >= 0.9
    assert not compare_names(prepare_name("IVANOV PETR"), prepare_name("PETROV IVAN")).joined


def test_labials_sound_alike_both_ways():
    assert compare_words(word("PONG"), word("BONG"))[1] == "spelt differently, sounds alike"
    assert (
        compare_words(word("BONG"), word("PONG"))[0] == compare_words(word("PONG"), word("BONG"))[0]
    )
