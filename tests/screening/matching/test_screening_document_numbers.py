"""Document numbers: cleaning, the OCR fold, and which confusions a match reports."""

import pytest
from hypothesis import given
from hypothesis import strategies as st

from rmis.screening.document_numbers import (
    OCR_CLASSES,
    clean,
    compare_numbers,
    confusable_variants,
    fold,
    fold_key,
)


def test_clean_drops_separators_and_mrz_fillers():
    assert clean(" n12-345.67<<") == "N1234567"


@pytest.mark.parametrize("bad", ["", "  <<", "N12Ё45", "AB#12"])
def test_clean_refuses_what_is_no_number(bad):
    with pytest.raises(ValueError):
        clean(bad)


def test_fold_writes_each_confusable_letter_as_its_digit():
    assert fold("OQDILZSGB") == "000112568"
    assert fold_key("kaz", "N 1234567O") == "KAZ:N12345670"


def test_exact_and_confused_numbers():
    assert compare_numbers("N1234567", "N1234567").exact
    match = compare_numbers("AB1234567", "A81234567")
    assert match is not None and not match.exact
    assert match.confusions == (("B", "8"),)
    assert "B read as 8" in match.describe()
    assert compare_numbers("N1234567", "N1234568") is None  # a different number
    assert compare_numbers("N1234567", "N12345678") is None


def test_too_many_confusions_is_a_different_number():
    assert compare_numbers("OOO111", "000111") is not None  # three: still the number
    assert compare_numbers("OOOO11", "000011") is None  # four: more than MAX_CONFUSIONS


numbers = st.text(alphabet="ABCDEFGHJKLMNPRSTUVWXYZ0123456789", min_size=6, max_size=12)


@given(numbers, st.data())
def test_one_confusion_still_matches(number, data):
    variants = confusable_variants(number)
    if not variants:
        return
    variant = data.draw(st.sampled_from(variants))
    match = compare_numbers(number, variant)
    assert match is not None and len(match.confusions) == 1
    listed, presented = match.confusions[0]
    assert OCR_CLASSES.get(listed, listed) == OCR_CLASSES.get(presented, presented)
