"""Personal numbers of the MRZ optional data: IIN (Kazakhstan), PIN (Kyrgyzstan), PINFL
(Uzbekistan): published cases, check digits, and what the generator makes of a person."""

from __future__ import annotations

from datetime import date

import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from rmis.synth.personal_numbers import (
    iin_birth_date,
    iin_check_digit,
    is_valid_iin,
    is_valid_kgz_pin,
    is_valid_pinfl,
    kgz_pin_birth_date,
    personal_numbers,
    pinfl_birth_date,
    pinfl_check_digit,
    sex_of,
)

STATES = ("KAZ", "KGZ", "UZB", "TJK")
VALID = {"KAZ": is_valid_iin, "KGZ": is_valid_kgz_pin, "UZB": is_valid_pinfl}
BIRTH = {"KAZ": iin_birth_date, "KGZ": kgz_pin_birth_date, "UZB": pinfl_birth_date}


@pytest.mark.parametrize(
    ("iin", "born", "valid"),
    [
        ("791028302728", date(1979, 10, 28), True),  # py-kz-validators README
        ("061211600012", date(2006, 12, 11), True),  # kz-iin-validator README
        ("790303402568", date(1979, 3, 3), True),  # a woman of 1979 (century-and-sex digit 4)
        ("821214240092", date(1882, 12, 14), False),  # kz-iin-validator's invalid list
        ("791028302727", date(1979, 10, 28), False),  # check digit off by one
    ],
)
def test_published_iins(iin, born, valid):
    assert is_valid_iin(iin) is valid
    assert iin_birth_date(iin) == born


def test_an_iin_whose_weightings_both_give_ten_is_never_issued():
    # Search the serials of one birth date for the numbers no check digit exists for.
    unusable = [s for s in range(10_000) if iin_check_digit(f"8001013{s:04d}") is None]
    assert unusable, "some serials must give 10 under both weightings"
    for serial in unusable:
        assert not any(is_valid_iin(f"8001013{serial:04d}{d}") for d in range(10))


@given(st.text(alphabet="0123456789", min_size=13, max_size=13), st.data())
def test_pinfl_check_digit_catches_every_single_digit_error(first13, data):
    """Weights 7, 3, 1 are prime to 10: any one wrong digit changes the check digit."""
    position = data.draw(st.integers(0, 12))
    other = data.draw(st.sampled_from([d for d in "0123456789" if d != first13[position]]))
    wrong = first13[:position] + other + first13[position + 1 :]
    assert pinfl_check_digit(wrong) != pinfl_check_digit(first13)


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
        assert VALID[state](number), (state, number)
        assert BIRTH[state](number) == born
        assert sex_of(state, number) == sex
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
    assert all(is_valid_iin(x) for x in numbers)


def test_kyrgyz_pin_layout():
    (number,) = personal_numbers(
        np.random.default_rng(1), np.zeros(1, np.int64), ("KGZ",),
        np.array([date(1988, 2, 29).toordinal()]), np.array(["M"]),
    )  # fmt: skip
    assert len(number) == 14 and number.startswith("229021988")
    assert not is_valid_kgz_pin("329021988" + "00001")  # 3 is no sex digit
    assert not is_valid_kgz_pin("229021989" + "00001")  # no 29 February in 1989
