"""Personal numbers read from a document's optional data: Kazakh IIN, Kyrgyz PIN, Uzbek
PINFL. Published cases, check digits, and what the reader refuses."""

from __future__ import annotations

from datetime import date

import pytest
from hypothesis import given
from hypothesis import strategies as st

from rmis.documents import iin_check_digit, personal_number, pinfl_check_digit


def is_valid_iin(text: str) -> bool:
    return personal_number("KAZ", text) is not None


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
    if valid:
        assert personal_number("KAZ", iin).birth_date == born


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



def test_a_kyrgyz_pin_is_read_for_its_sex_and_birth_date():
    read = personal_number("KGZ", "22902198800001")
    assert (read.birth_date, read.sex) == (date(1988, 2, 29), "M")
    assert personal_number("KGZ", "32902198800001") is None  # 3 is no sex digit
    assert personal_number("KGZ", "22902198900001") is None  # no 29 February in 1989


def test_fillers_and_spaces_are_not_part_of_the_number_and_other_data_is_no_number():
    assert personal_number("KAZ", "791028302728<<").number == "791028302728"
    assert personal_number("KAZ", "AB1028302728") is None
    assert personal_number("TJK", "791028302728") is None  # no known form: nothing is read
