"""What the generator makes of a person's personal number (IIN, PIN, PINFL): valid, encoding
their birth date and sex as rmis.documents reads it, unique."""

from __future__ import annotations

from datetime import date

import numpy as np
from hypothesis import given, settings
from hypothesis import strategies as st

from rmis.documents import personal_number
from rmis.synth.personal_numbers import personal_numbers

STATES = ("KAZ", "KGZ", "UZB", "TJK")


people = st.lists(
    st.tuples(
        st.sampled_from(STATES),
        st.dates(date(1930, 1, 1), date(2025, 12, 31)),
        st.sampled_from("MF"),
    ),
    min_size=1,
    max_size=40,
)


@settings(max_examples=60, deadline=None)
@given(people, st.integers(0, 2**32))
def test_generated_numbers_are_valid_and_encode_birth_and_sex(persons, seed):
    states, births, sexes = zip(*persons, strict=True)
    nationality = np.array([STATES.index(s) for s in states])
    numbers = personal_numbers(
        np.random.default_rng(seed), nationality, STATES,
        np.array([b.toordinal() for b in births]), np.array(sexes),
    )  # fmt: skip
    for state, born, sex, number in zip(states, births, sexes, numbers, strict=True):
        if state == "TJK":
            assert number is None
            continue
        read = personal_number(state, number)
        assert read is not None, (state, number)
        assert (read.birth_date, read.sex) == (born, sex)
    given_numbers = [n for n in numbers if n is not None]
    assert len(set(given_numbers)) == len(given_numbers)


def test_numbers_stay_unique_when_thousands_share_a_birth_day():
    """Kazakh serials are four digits: 6,000 women born the same day must all differ."""
    n = 6_000
    numbers = personal_numbers(
        np.random.default_rng(5), np.zeros(n, np.int64), ("KAZ",),
        np.full(n, date(1990, 6, 1).toordinal()), np.full(n, "F"),
    )  # fmt: skip
    assert len(set(numbers)) == n
    assert all(personal_number("KAZ", x) is not None for x in numbers)


def test_kyrgyz_pin_layout():
    (number,) = personal_numbers(
        np.random.default_rng(1), np.zeros(1, np.int64), ("KGZ",),
        np.array([date(1988, 2, 29).toordinal()]), np.array(["M"]),
    )  # fmt: skip
    assert len(number) == 14 and number.startswith("229021988")
