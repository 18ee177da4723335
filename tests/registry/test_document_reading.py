"""The MRZ-to-document service: what it reads, what it tolerates, what it tells the officer."""

import json
from datetime import date

import pytest
from hypothesis import given
from hypothesis import strategies as st

from rmis.documents import compose_td1, compose_td3, parse
from rmis.registry.document_reading import (
    DocumentRead,
    DocumentUnreadable,
    Finding,
    Severity,
    document_seen,
    read_document,
)
from rmis.registry.model import DocumentSeen

TODAY = date(2025, 6, 1)
L1 = "P<UTOERIKSSON<<ANNA<MARIA<<<<<<<<<<<<<<<<<<<"
L2 = "L898902C36UTO7408122F1204159ZE184226B<<<<<10"
KAZ = compose_td3(issuing_state="KAZ", surname="NURLANOV", given_names="ASKAR",
                  document_number="N12345678", nationality="KAZ", birth_date=date(1990, 3, 7),
                  sex="M", expiry_date=date(2030, 3, 6), optional_data="900307300123")  # fmt: skip


def read(text: str) -> DocumentRead:
    return read_document(text, today=TODAY)


def codes(result: DocumentRead) -> dict[str, Severity]:
    return {f.code: f.severity for f in result.findings}


def test_a_passport_becomes_the_document_the_record_holds():
    result = read("\n".join(KAZ))
    assert result.valid
    assert result.findings == ()
    assert result.document == DocumentSeen(
        issuing_state="KAZ", number="N12345678", document_type="P", surname="NURLANOV",
        given_names="ASKAR", nationality="KAZ", birth_date=date(1990, 3, 7), sex="M",
        expiry_date=date(2030, 3, 6), mrz_valid=True, optional_data="900307300123",
    )  # fmt: skip
    assert result.mrz == parse(KAZ, today=TODAY)
    assert result.document == document_seen(result.mrz)


def test_the_specimen_is_valid_and_says_it_is_a_specimen_and_expired():
    result = read(f"{L1}\n{L2}")
    assert result.valid and result.document.mrz_valid
    assert codes(result) == {"specimen": Severity.WARNING, "document_expired": Severity.WARNING}
    expired = next(f for f in result.findings if f.code == "document_expired")
    assert expired.field == "expiry_date"
    assert expired.message == "The document expired on 2012-04-15."


# --- what a keyboard-wedge reader types ------------------------------------------------------


@pytest.mark.parametrize(
    "text",
    [
        f"{L1}\r\n{L2}\r\n",  # Windows line ends, trailing newline
        f"  {L1}  \n\t{L2} \n\n",  # spaces around the lines, blank lines after
        f"\n\n{L1}\r\r{L2}",  # CR and LF both sent as Enter: a blank line between
        f"{L1}\n\n{L2}",
    ],
)
def test_line_ends_and_surrounding_whitespace_are_tolerated(text):
    result = read(text)
    assert result.valid
    assert result.mrz.lines == (L1, L2)
    assert all(f.severity is not Severity.INFO for f in result.findings)


def test_lower_case_is_read_as_capitals_and_said():
    # An MRZ has no lower case: Caps Lock at the desk inverts every letter, nothing is lost.
    result = read(f"{L1.lower()}\n{L2.lower()}")
    assert result.valid
    assert result.document.surname == "ERIKSSON"
    assert codes(result)["read_lower_case"] is Severity.INFO
    # ...and the check digits still judge what was read.
    assert not read(f"{L1.lower()}\n{L2[:19].lower()}3{L2[20:].lower()}").valid


@pytest.mark.parametrize(
    "lines",
    [
        (L1, L2),
        ("I<UTOERIKSSON<<ANNA<MARIA<<<<<<<<<<<", "D231458907UTO7408122F1204159<<<<<<<6"),
        ("I<UTOD231458907<<<<<<<<<<<<<<<", "7408122F1204159UTO<<<<<<<<<<<6",
         "ERIKSSON<<ANNA<MARIA<<<<<<<<<<"),
    ],
)  # fmt: skip
def test_lines_run_together_are_split_by_their_length(lines):
    result = read("".join(lines))
    assert result.valid
    assert result.mrz.lines == lines
    assert codes(result)["read_as_one_line"] is Severity.INFO


@pytest.mark.parametrize(
    ("text", "code"),
    [
        ("", "mrz_empty"),
        (" \r\n \n", "mrz_empty"),
        ("hello world", "mrz_line_count"),
        (f"{L1}\n{L2}\n{L2}\n{L2}", "mrz_line_count"),
        (f"{L1}\n{L2[:-1]}", "mrz_line_length"),
        (f"{L1[:30]}\n{L2[:30]}\n{L1[:29]}", "mrz_line_length"),
        ("<" * 5000, "mrz_too_long"),
    ],
)
def test_text_that_is_not_an_mrz_is_unreadable_with_a_code(text, code):
    with pytest.raises(DocumentUnreadable) as raised:
        read(text)
    assert raised.value.code == code
    assert str(raised.value).startswith("not an MRZ")
    assert isinstance(raised.value, ValueError)


# --- findings in words -------------------------------------------------------------------------


def test_a_wrong_check_digit_is_an_error_in_words():
    result = read(f"{L1}\n{L2[:19]}3{L2[20:]}")
    assert not result.valid
    assert not result.document.mrz_valid
    birth = next(f for f in result.findings if f.field == "birth_date")
    assert birth.severity is Severity.ERROR
    assert birth.code == "check_digit_mismatch"
    assert birth.message.startswith("The check digit of the date of birth does not match")
    overall = next(f for f in result.findings if f.field == "composite")
    assert overall.message.startswith("The overall check digit does not match")


def test_a_warning_does_not_make_the_document_invalid():
    result = read("\n".join(compose_td3(
        issuing_state="KAZ", surname="NURLANOV", given_names="ASKAR", document_number="N1234567",
        nationality="KAZ", birth_date=date(1990, 3, 7), sex="M", expiry_date=date(2020, 3, 6),
    )))  # fmt: skip
    assert result.valid
    assert codes(result) == {"document_expired": Severity.WARNING}


def test_an_unknown_state_is_an_error_and_a_specimen_a_warning():
    result = read(f"{L1.replace('UTO', 'ZZZ')}\n{L2}")
    assert not result.valid
    assert codes(result)["unknown_country"] is Severity.ERROR
    assert codes(result)["specimen"] is Severity.WARNING  # the nationality is still UTO
    unknown = next(f for f in result.findings if f.code == "unknown_country")
    assert (unknown.field, "'ZZZ'" in unknown.message) == ("issuing_state", True)


def test_a_long_td1_number_is_read_whole_with_the_optional_data_after_it():
    lines = compose_td1(issuing_state="KGZ", surname="ASANOV", given_names="BAKYT",
                        document_number="ID123456789", nationality="KGZ",
                        birth_date=date(1985, 1, 2), sex="M", expiry_date=date(2029, 1, 1),
                        optional_data="22020198500")  # fmt: skip
    result = read("\n".join(lines))
    assert result.valid
    assert (result.document.number, result.document.optional_data) == ("ID123456789",
                                                                        "22020198500")  # fmt: skip
    assert codes(result) == {"long_document_number": Severity.INFO}


def test_a_belgian_card_keeps_its_national_number_from_optional_data_2():
    # datacheckerbv/MRZParser testTD1_ID_BEL_1_Valid (see tests/documents/mrz_published.py).
    result = read("IDBEL000001115<7027<<<<<<<<<<<\n9502286F3001064BEL950228998747\n"
                  "SPECIMEN<<SPECIMEN<<<<<<<<<<<<")  # fmt: skip
    assert result.valid
    assert (result.document.number, result.document.optional_data) == ("000001115702",
                                                                        "95022899874")  # fmt: skip


def test_a_name_with_no_surname_is_valid_with_a_warning():
    # cheminfo/mrz td3.test.ts "No last name".
    result = read("P<IND<<FIRST<NAME<<<<<<<<<<<<<<<<<<<<<<<<<<<\n"
                  "C01X0006H1D<<6408125F1710319<<<<<<<<<<<<<<<0")  # fmt: skip
    assert result.valid
    assert (result.document.surname, result.document.given_names) == ("", "FIRST NAME")
    assert codes(result)["no_surname"] is Severity.WARNING
    assert result.document.optional_data is None


def test_the_suggested_ocr_repair_is_offered_with_the_value_it_gives():
    result = read(f"{L1}\n{L2[:13]}74O812{L2[19:]}")
    assert not result.valid
    assert result.document.birth_date is None  # nothing is repaired
    (repair,) = result.repairs
    assert (repair.field, repair.original, repair.suggested) == ("birth_date", "74O812", "740812")
    assert (repair.value, repair.valid_after) == ("1974-08-12", True)
    finding = next(f for f in result.findings if f.code == "suggested_repair")
    assert finding.severity is Severity.INFO
    assert "'74O812' as '740812'" in finding.message and "1974-08-12" in finding.message


def test_a_misread_check_digit_offers_the_digit():
    result = read(f"{L1}\n{L2[:19]}Z{L2[20:]}")
    (repair,) = result.repairs
    assert (repair.field, repair.suggested, repair.value) == ("birth_date_check_digit", "2", "2")
    assert repair.valid_after is True


def test_every_finding_is_a_sentence_with_a_stable_code_and_field():
    result = read(f"{L1.replace('ERIKSSON', 'ERIK5SON')}\n{L2[:13]}74O812{L2[19:]}")
    assert result.findings
    for finding in result.findings:
        assert isinstance(finding, Finding)
        assert finding.code and finding.field and finding.code.islower()
        assert finding.message[0].isupper() and finding.message.endswith(".")
        assert finding.severity in Severity


def test_to_dict_is_json_ready():
    d = read(f"{L1}\n{L2[:13]}74O812{L2[19:]}").to_dict()
    assert json.loads(json.dumps(d)) == d
    assert d["valid"] is False and d["format"] == "TD3"
    assert d["document"]["number"] == "L898902C3"
    assert d["document"]["birth_date"] is None
    assert {"code", "field", "severity", "message"} == set(d["findings"][0])
    assert d["repairs"][0]["value"] == "1974-08-12"


# --- property: what the reader tolerates never changes what is read ----------------------------

LETTERS = "ABCDEFGHIJKLMNOPQRSTUVWXYZ"
words = st.text(LETTERS, min_size=1, max_size=8)


@st.composite
def typed(draw):
    lines = compose_td3(
        issuing_state="UZB", nationality="UZB", surname=draw(words), given_names=draw(words),
        document_number=draw(st.text(LETTERS + "0123456789", min_size=1, max_size=9)),
        birth_date=draw(st.dates(date(1930, 1, 1), date(2020, 1, 1))), sex="F",
        expiry_date=draw(st.dates(date(2020, 1, 2), date(2040, 1, 1))),
    )  # fmt: skip
    blank = st.sampled_from(["", " ", "\t", "  "])
    end = st.sampled_from(["\n", "\r\n", "\r", "\n\n", "\r\n\r\n"])
    text = draw(st.sampled_from(["", "\n", "\r\n"]))
    for line in lines:
        text += draw(blank) + line + draw(blank) + draw(end)
    if draw(st.booleans()):
        text = text.lower()
    return lines, text


@given(typed())
def test_whitespace_line_ends_and_case_never_change_the_document(case):
    lines, text = case
    result = read(text)
    assert result.mrz.lines == lines
    assert result.document == document_seen(parse(lines, today=TODAY))
