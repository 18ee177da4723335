"""Real documents from other readers' test suites (mrz_published.py) read to their fields."""

from datetime import date

import pytest
from mrz_published import LONG_NUMBERS, NO_SURNAME, ORDINARY

from rmis.documents import parse

TODAY = date(2025, 6, 1)


def _check_fields(mrz, expected):
    for name, value in expected.items():
        assert getattr(mrz, name) == value, name


@pytest.mark.parametrize(("lines", "expected"), LONG_NUMBERS, ids=lambda v: None)
def test_long_td1_numbers_are_read_as_valid_with_a_note(lines, expected):
    mrz = parse(lines, today=TODAY)
    assert mrz.errors == ()
    assert mrz.valid
    _check_fields(mrz, expected)
    notes = [(n.field, n.code) for n in mrz.notes]
    assert notes == [("document_number", "long_document_number")]
    assert expected["document_number"] in mrz.notes[0].message


def test_the_note_says_when_the_issuer_counted_the_filler():
    by_number = {
        parse(lines, today=TODAY).document_number: parse(lines, today=TODAY).notes[0].message
        for lines, _ in LONG_NUMBERS
    }
    assert "filler" not in by_number["000001115702"]  # the plain Doc 9303 reading
    assert "filler" in by_number["592211692174"]  # the '<' after the ninth character counts


@pytest.mark.parametrize(("lines", "expected"), NO_SURNAME, ids=lambda v: None)
def test_names_with_no_surname_are_read_as_valid_with_a_warning(lines, expected):
    mrz = parse(lines, today=TODAY)
    assert mrz.errors == ()
    assert mrz.valid
    _check_fields(mrz, expected)
    assert "no_surname" in {w.code for w in mrz.warnings}


@pytest.mark.parametrize(("lines", "expected"), ORDINARY, ids=lambda v: None)
def test_ordinary_published_documents_stay_read(lines, expected):
    mrz = parse(lines, today=TODAY)
    assert mrz.errors == ()
    _check_fields(mrz, expected)
    assert mrz.notes == ()


@pytest.mark.parametrize(("lines", "_"), LONG_NUMBERS, ids=lambda v: None)
def test_a_wrong_long_number_check_digit_is_still_an_error(lines, _):
    line1 = lines[0]
    extension_end = line1.index("<", 15)
    cd = line1[extension_end - 1]
    for wrong in "0123456789":
        if wrong == cd:
            continue
        changed = (line1[: extension_end - 1] + wrong + line1[extension_end:], *lines[1:])
        mrz = parse(changed, today=TODAY)
        assert not mrz.valid, wrong
