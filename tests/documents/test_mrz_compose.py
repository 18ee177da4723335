from datetime import date

import pytest
from mrz_specimens import MRVA, MRVB, TD1, TD1_LONG, TD2, TD2_LONG, TD3

from rmis.documents import (
    MRZFormat,
    compose,
    compose_mrva,
    compose_mrvb,
    compose_td1,
    compose_td2,
    compose_td3,
    name_field,
    parse,
)

ANNA = dict(issuing_state="UTO", surname="Eriksson", given_names="Anna Maria",
            birth_date=date(1974, 8, 12), sex="F", expiry_date=date(2012, 4, 15))  # fmt: skip
PETER = dict(issuing_state="UTO", surname="Stevenson", given_names="Peter John",
             document_number="D23145890734", nationality="UTO", birth_date=date(1934, 7, 12),
             sex="M", expiry_date=date(1995, 7, 12))  # fmt: skip
VISA = dict(ANNA, document_number="L8988901C", nationality="XXX", birth_date=date(1940, 9, 7),
            expiry_date=date(1996, 12, 10))  # fmt: skip


def test_compose_reproduces_the_doc_9303_specimens():
    assert compose_td3(**ANNA, document_number="L898902C3", nationality="UTO",
                       optional_data="ZE184226B") == TD3  # fmt: skip
    assert compose_td1(**ANNA, document_number="D23145890", nationality="UTO") == TD1
    assert compose_td2(**ANNA, document_number="D23145890", nationality="UTO") == TD2
    assert compose_td1(**PETER) == TD1_LONG
    assert compose_td2(**PETER) == TD2_LONG
    assert compose_mrva(**VISA, optional_data="6ZE184226B") == MRVA
    assert compose_mrvb(**VISA) == MRVB


def test_compose_dispatches_by_format_name():
    assert compose("MRV-B", **VISA) == MRVB
    assert compose(MRZFormat.TD2, **PETER) == TD2_LONG


def test_name_punctuation_follows_doc_9303_part_3():
    # Hyphens and spaces become fillers; apostrophes are dropped, not turned into fillers.
    assert name_field("O'Neil-Smith", "Mary  Ann", 30) == "ONEIL<SMITH<<MARY<ANN<<<<<<<<<"
    assert name_field("Nurlanov", "", 20) == "NURLANOV<<<<<<<<<<<<"


@pytest.mark.parametrize("bad", ["Müller", "Иванов", "O.Neil", "Smith3"])
def test_names_must_be_transliterated_first(bad):
    with pytest.raises(ValueError, match="transliterated"):
        name_field(bad, "Anna", 39)


def test_a_name_with_no_surname_composes_as_doc_9303_readers_meet_it():
    # A person with one name, written as some states do: no primary identifier.
    assert name_field(" - ", "Anna", 12) == "<<ANNA<<<<<<"
    assert name_field("", "Shabeer Puthiyaveetil", 12) == "<<SHABEER<PU"  # cut, on a letter


def test_no_name_at_all_is_refused():
    with pytest.raises(ValueError, match="surname or given names"):
        name_field(" - ", " ", 39)


def test_truncation_cuts_the_secondary_identifier_first():
    field = name_field("Eriksson", "Anna Maria Louise Sophia Margarethe", 30)
    assert field == "ERIKSSON<<ANNA<MARIA<LOUISE<SO"
    assert len(field) == 30


def test_truncation_ends_on_a_letter_when_the_cut_falls_on_a_separator():
    # "ERIKSSON<<ANNA<MARIA<" is 21 characters: a plain cut would end on filler and hide the
    # truncation, so the last given name keeps its initial.
    field = name_field("Eriksson", "Anna Maria Louise", 21)
    assert field == "ERIKSSON<<ANNA<MARI<L"
    assert field[-1].isalpha()


def test_truncation_of_a_long_primary_identifier_keeps_an_initial():
    field = name_field("Vandersteenhovenmeyerbergmann Schmidt", "Anna", 30)
    assert field == "VANDERSTEENHOVENMEYERBERGMA<<A"


def test_truncated_names_parse_as_truncated():
    lines = compose_td1(**{**PETER, "surname": "Wolfeschlegelsteinhausen",
                           "given_names": "Hubert Blaine"})  # fmt: skip
    mrz = parse(lines, today=date(2025, 1, 1))
    assert mrz.valid
    assert mrz.names_truncated
    assert mrz.surname == "WOLFESCHLEGELSTEINHAUSEN"
    assert mrz.given_names == "HUBE"


@pytest.mark.parametrize(
    ("change", "message"),
    [
        ({"issuing_state": "ZZZ"}, "issuing state"),
        ({"nationality": "kaz"}, "nationality"),
        ({"sex": "Q"}, "sex"),
        ({"document_number": "ab123"}, "document number"),
        ({"document_number": ""}, "document number"),
        ({"document_number": "A1234567890"}, "at most 9"),
        ({"optional_data": "123456789012345"}, "optional data"),
        ({"document_code": "V"}, "document code"),
    ],
)
def test_compose_refuses_bad_fields(change, message):
    fields = dict(ANNA, document_number="L898902C3", nationality="UTO") | change
    with pytest.raises(ValueError, match=message):
        compose_td3(**fields)


def test_long_number_and_optional_data_must_fit_together():
    with pytest.raises(ValueError, match="do not fit"):
        compose_td2(**{**PETER, "optional_data": "ABCDE"})
    lines = compose_td1(**{**PETER, "optional_data": "ABC"})
    mrz = parse(lines, today=date(2025, 1, 1))
    assert (mrz.document_number, mrz.optional_data) == ("D23145890734", "ABC")


def test_visas_have_no_long_numbers():
    with pytest.raises(ValueError, match="at most 9"):
        compose_mrva(**{**VISA, "document_number": "L8988901C12"})
