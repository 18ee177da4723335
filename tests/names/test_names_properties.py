"""Hypothesis properties of normalisation and similarity."""

from hypothesis import given, settings
from hypothesis import strategies as st

from rmis.names import normalise, similarity

GIVEN = ["Анвар", "ANVAR", "Юлия", "JULIA", "Нұрсұлтан", "Ўткир", "OʻTKIR", "Ҷамшед", "Рустам",
         "RUSLAN", "Айгерім", "Дмитрий", "XURSHID", "Жанна", "YANA", "Алишер"]
SURNAMES = ["Абдуллаев", "ABDULLAYEV", "Алиев", "ALIMOV", "Назарбаев", "Ҷӯраев", "Каримова",
            "KARIMOVA", "Ғуломов", "TOKAYEV", "Жээнбеков", "Мирзиёев"]
tokens = st.sampled_from(GIVEN + SURNAMES)
names = st.lists(tokens, min_size=1, max_size=4).map(" ".join)


@settings(max_examples=200, deadline=None)
@given(st.text())
def test_normalise_is_idempotent(text: str) -> None:
    once = normalise(text)
    assert normalise(once) == once


@settings(max_examples=200, deadline=None)
@given(names, names)
def test_score_in_unit_interval_and_symmetric(a: str, b: str) -> None:
    ab, ba = similarity(a, b), similarity(b, a)
    assert 0.0 <= ab.score <= 1.0
    assert ab.score == ba.score
    assert ab.match == ba.match


@settings(max_examples=100, deadline=None)
@given(st.text(min_size=1).filter(lambda t: normalise(t) != ""))
def test_identical_names_score_one(text: str) -> None:
    assert similarity(text, text).score == 1.0


@settings(max_examples=200, deadline=None)
@given(st.lists(tokens, min_size=1, max_size=4), names, st.randoms(use_true_random=False))
def test_token_order_does_not_matter(parts: list[str], other: str, rnd) -> None:
    shuffled = parts[:]
    rnd.shuffle(shuffled)
    assert similarity(" ".join(parts), other).score == similarity(" ".join(shuffled), other).score
