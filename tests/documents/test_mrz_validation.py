"""Errors, warnings and suggestions: each names its field and a stable code."""

from datetime import date

import pytest

from rmis.documents import MRZFormatError, compose_td1, compose_td3, parse

TODAY = date(2025, 6, 1)
L1 = "P<UTOERIKSSON<<ANNA<MARIA<<<<<<<<<<<<<<<<<<<"
L2 = "L898902C36UTO7408122F1204159ZE184226B<<<<<10"


def td3(**overrides):
    fields = dict(issuing_state="KAZ", surname="NURLANOV", given_names="ASKAR",
                  document_number="N12345678", nationality="KAZ", birth_date=date(1990, 3, 7),
                  sex="M", expiry_date=date(2030, 3, 6), optional_data="")  # fmt: skip
    fields.update(overrides)
    return compose_td3(**fields)


def codes(mrz):
    return {(e.field, e.code) for e in mrz.errors}


def with_char(line, index, char):
    return line[:index] + char + line[index + 1 :]


# --- not an MRZ at all ---------------------------------------------------------------------


@pytest.mark.parametrize(
    "lines",
    [[], [L1], [L1, L2, L2, L2], [L1, L2[:-1]], [L1[:36], L2], ["x" * 30] * 2, ["x" * 44] * 3],
)
def test_wrong_shape_raises_format_error(lines):
    with pytest.raises(MRZFormatError):
        parse(lines, today=TODAY)


def test_format_error_is_a_value_error():
    assert issubclass(MRZFormatError, ValueError)


def test_surrounding_whitespace_is_stripped_and_a_string_is_accepted():
    assert parse([f"  {L1} ", f"\t{L2}\n"], today=TODAY).valid
    assert parse(f"{L1}\n{L2}\n", today=TODAY).valid


# --- characters ----------------------------------------------------------------------------


def test_lowercase_is_an_error_not_silently_upper_cased():
    mrz = parse([L1.lower(), L2], today=TODAY)
    assert not mrz.valid
    assert ("names", "invalid_character") in codes(mrz)
    assert ("issuing_state", "invalid_character") in codes(mrz)
    assert ("document_code", "invalid_document_code") in codes(mrz)
    assert "lowercase" in next(e.message for e in mrz.errors if e.field == "names")


def test_inner_space_is_an_invalid_character_in_its_field():
    mrz = parse([L1, with_char(L2, 3, " ")], today=TODAY)
    assert ("document_number", "invalid_character") in codes(mrz)


def test_digit_in_name_is_an_error():
    mrz = parse([with_char(L1, 8, "5"), L2], today=TODAY)
    assert codes(mrz) == {("names", "invalid_character")}


def test_invalid_sex():
    lines = td3()
    mrz = parse([lines[0], with_char(lines[1], 20, "Q")], today=TODAY)
    assert codes(mrz) == {("sex", "invalid_sex")}


@pytest.mark.parametrize("sex", ["M", "F", "X", "<"])
def test_valid_sexes(sex):
    mrz = parse(td3(sex=sex), today=TODAY)
    assert mrz.valid and mrz.sex == sex


# --- check digits --------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("index", "field"),
    [(9, "document_number"), (19, "birth_date"), (27, "expiry_date"), (42, "optional_data"),
     (43, "composite")],
)  # fmt: skip
def test_each_check_digit_is_verified(index, field):
    wrong = "1" if L2[index] != "1" else "2"
    mrz = parse([L1, with_char(L2, index, wrong)], today=TODAY)
    assert (field, "check_digit_mismatch") in codes(mrz)


def test_empty_personal_number_may_have_filler_or_zero_check_digit():
    line1, line2 = td3()
    assert line2[28:43] == "<" * 15
    assert parse([line1, line2], today=TODAY).valid
    zero = with_char(line2, 42, "0")
    zero = zero[:43] + line2[43]  # composite unchanged: '<' and '0' both count 0
    assert parse([line1, zero], today=TODAY).valid


def test_letter_in_check_digit_position():
    mrz = parse([L1, with_char(L2, 19, "Z")], today=TODAY)
    assert ("birth_date_check_digit", "invalid_character") in codes(mrz)
    # Z is a look-alike of 2, the right digit: offered, not applied.
    assert [(s.field, s.original, s.suggested) for s in mrz.suggestions] == [
        ("birth_date_check_digit", "Z", "2")
    ]


def test_long_number_marker_without_continuation():
    line1, line2, line3 = compose_td1(issuing_state="KGZ", surname="ASANOV", given_names="BAKYT",
                                      document_number="ID1234567", nationality="KGZ",
                                      birth_date=date(1985, 1, 2), sex="M",
                                      expiry_date=date(2029, 1, 1))  # fmt: skip
    broken = line1[:14] + "<" + line1[15:]
    mrz = parse([broken, line2, line3], today=TODAY)
    assert ("document_number", "invalid_document_number") in codes(mrz)


# --- countries -----------------------------------------------------------------------------


def test_unknown_issuing_state_and_nationality():
    mrz = parse([L1.replace("UTO", "ZZZ"), L2.replace("UTO", "QQQ")], today=TODAY)
    assert ("issuing_state", "unknown_country") in codes(mrz)
    assert ("nationality", "unknown_country") in codes(mrz)
    assert "ZZZ" in next(e.message for e in mrz.errors if e.field == "issuing_state")


def test_germany_is_d_with_fillers():
    mrz = parse(td3(issuing_state="D", nationality="D"), today=TODAY)
    assert mrz.valid
    assert mrz.issuing_state == "D"
    assert mrz.lines[0][2:5] == "D<<"


def test_stateless_and_refugee_codes_are_accepted():
    for code in ("XXA", "XXB", "XXC", "XXX"):
        assert parse(td3(nationality=code), today=TODAY).valid


def test_real_document_is_not_a_specimen():
    mrz = parse(td3(), today=TODAY)
    assert not mrz.specimen
    assert mrz.warnings == ()


def test_specimen_flag_and_warning():
    mrz = parse(td3(issuing_state="UTO", nationality="UTO"), today=TODAY)
    assert mrz.specimen and mrz.valid
    assert "specimen" in {w.code for w in mrz.warnings}


# --- dates ---------------------------------------------------------------------------------


def test_expired_document_is_valid_with_a_warning():
    mrz = parse(td3(expiry_date=date(2020, 1, 31)), today=TODAY)
    assert mrz.valid
    assert [(w.field, w.code) for w in mrz.warnings] == [("expiry_date", "document_expired")]


def test_expiring_today_is_not_expired():
    assert parse(td3(expiry_date=TODAY), today=TODAY).warnings == ()


@pytest.mark.parametrize(
    ("yymmdd", "today", "expected"),
    [
        ("740812", date(2025, 6, 1), date(1974, 8, 12)),
        ("250601", date(2025, 6, 1), date(2025, 6, 1)),  # born today
        ("250602", date(2025, 6, 1), date(1925, 6, 2)),  # tomorrow is in the future: a century ago
        ("000229", date(2025, 6, 1), date(2000, 2, 29)),
        ("991231", date(2000, 1, 1), date(1999, 12, 31)),
        ("050101", date(2100, 3, 1), date(2005, 1, 1)),
    ],
)
def test_birth_date_century_is_the_latest_not_in_the_future(yymmdd, today, expected):
    line1, line2 = td3()
    line2 = line2[:13] + yymmdd + line2[19:]
    mrz = parse([line1, line2], today=today)
    assert mrz.birth_date == expected


@pytest.mark.parametrize(
    ("yymmdd", "expected"),
    [
        ("350601", date(2035, 6, 1)),  # ten years ahead
        ("750101", date(2075, 1, 1)),  # fifty years ahead: long validity
        ("760101", date(1976, 1, 1)),  # beyond that it is in the past
        ("950712", date(1995, 7, 12)),
        ("120415", date(2012, 4, 15)),
    ],
)
def test_expiry_century_window(yymmdd, expected):
    line1, line2 = td3(birth_date=date(1950, 1, 1))
    line2 = line2[:21] + yymmdd + line2[27:]
    assert parse([line1, line2], today=TODAY).expiry_date == expected


@pytest.mark.parametrize("bad", ["741312", "740230", "740800", "010229"])
def test_impossible_birth_dates(bad):
    line1, line2 = td3()
    mrz = parse([line1, line2[:13] + bad + line2[19:]], today=TODAY)
    assert ("birth_date", "invalid_date") in codes(mrz)
    assert mrz.birth_date is None


def test_impossible_expiry_date():
    line1, line2 = td3()
    mrz = parse([line1, line2[:21] + "301301" + line2[27:]], today=TODAY)
    assert ("expiry_date", "invalid_date") in codes(mrz)


def test_expiry_before_birth():
    mrz = parse(td3(birth_date=date(1990, 3, 7), expiry_date=date(1985, 1, 1)), today=TODAY)
    assert ("expiry_date", "expiry_before_birth") in codes(mrz)


def test_partly_unknown_birth_date_is_a_warning():
    from rmis.documents import check_digit

    line1, line2 = td3()
    birth = "74<<<<"
    line2 = line2[:13] + birth + check_digit(birth) + line2[20:43]
    line2 += check_digit(line2[0:10] + line2[13:20] + line2[21:43])
    mrz = parse([line1, line2], today=TODAY)
    assert mrz.valid
    assert mrz.birth_date is None
    assert "birth_date_incomplete" in {w.code for w in mrz.warnings}


# --- OCR suggestions -----------------------------------------------------------------------


def test_letter_o_for_zero_in_a_date_is_suggested_never_applied():
    mrz = parse([L1, L2[:13] + "74O812" + L2[19:]], today=TODAY)
    assert ("birth_date", "invalid_character") in codes(mrz)
    assert mrz.birth_date is None  # not repaired
    assert [(s.field, s.original, s.suggested) for s in mrz.suggestions] == [
        ("birth_date", "74O812", "740812")
    ]


@pytest.mark.parametrize(("good", "misread"), [("0", "O"), ("8", "B"), ("2", "Z")])
def test_misread_document_number_gets_a_suggestion(good, misread):
    number = "L898902C3"
    index = number.index(good)
    bad = number[:index] + misread + number[index + 1 :]
    mrz = parse([L1, bad + L2[9:]], today=TODAY)
    assert ("document_number", "check_digit_mismatch") in codes(mrz)
    assert mrz.document_number == bad  # reported as read
    offered = [s for s in mrz.suggestions if s.field == "document_number"]
    # One check digit is met by one reading in ten, and the composite weighs the document
    # number exactly as its own check digit does, so other swaps may agree too: all offered.
    assert number in {s.suggested for s in offered}
    assert all(s.original == bad and "check digit" in s.reason for s in offered)


def test_no_suggestion_when_no_reading_makes_the_digits_agree():
    mrz = parse([L1, "L898902C37" + L2[10:]], today=TODAY)  # plain wrong check digit
    assert ("document_number", "check_digit_mismatch") in codes(mrz)
    assert all(s.field != "document_number" for s in mrz.suggestions)


def test_suggestions_in_to_dict():
    d = parse([L1, L2[:13] + "74O812" + L2[19:]], today=TODAY).to_dict()
    assert d["suggestions"] == [
        {"field": "birth_date", "original": "74O812", "suggested": "740812",
         "reason": d["suggestions"][0]["reason"]}
    ]  # fmt: skip


# --- names ---------------------------------------------------------------------------------


def test_truncated_name_is_marked():
    line1 = "P<UTOVANDERSTEENHOVEN<<MARIANNE<LOUISE<ALEXA"
    mrz = parse([line1, L2], today=TODAY)
    assert mrz.valid
    assert mrz.names_truncated
    assert mrz.surname == "VANDERSTEENHOVEN"
    assert mrz.given_names == "MARIANNE LOUISE ALEXA"
    assert "names_truncated" in {w.code for w in mrz.warnings}


def test_single_name_has_empty_given_names():
    mrz = parse(td3(surname="ASKAR", given_names=""), today=TODAY)
    assert (mrz.surname, mrz.given_names) == ("ASKAR", "")


def test_no_surname_is_read_with_a_warning():
    mrz = parse(["P<UTO<<ANNA<MARIA" + "<" * 27, L2], today=TODAY)
    assert mrz.valid
    assert (mrz.surname, mrz.given_names) == ("", "ANNA MARIA")
    warning = next(w for w in mrz.warnings if w.code == "no_surname")
    assert warning.field == "names"
    assert "ANNA MARIA" in warning.message


def test_an_empty_name_field_is_an_error():
    mrz = parse(["P<UTO" + "<" * 39, L2], today=TODAY)
    assert ("names", "missing_field") in codes(mrz)


@pytest.mark.parametrize("names", ["<<<ANNA", "<<ANNA<<MARIA", "<<ANNA<<<MARIA"])
def test_a_name_with_no_surname_still_has_one_separator_only(names):
    mrz = parse(["P<UTO" + names.ljust(39, "<"), L2], today=TODAY)
    assert ("names", "invalid_name_format") in codes(mrz)


def test_wrong_document_code_for_the_format():
    mrz = parse(["I" + L1[1:], L2], today=TODAY)
    assert ("document_code", "invalid_document_code") in codes(mrz)


@pytest.mark.parametrize(
    "names",
    ["OMAROV<<<<<<<<<<<<<<<V", "ERIKSSON<<ANNA<<MARIA", "ERIKSSON<<<ANNA", "<ETROVA<<ANNA"],
)
def test_filler_runs_inside_the_name_are_an_error(names):
    mrz = parse(["P<UTO" + names.ljust(39, "<"), L2], today=TODAY)
    assert ("names", "invalid_name_format") in codes(mrz)


def test_non_ascii_is_reported_in_the_field_that_holds_it():
    mrz = parse([L1.replace("ERIKSSON", "ÉRIKSSON"), L2.replace("7408122", "74٠8122")], today=TODAY)
    assert ("names", "invalid_character") in codes(mrz)
    assert ("birth_date", "invalid_character") in codes(mrz)


def test_repaired_shows_what_a_suggestion_would_read_and_changes_nothing():
    from rmis.documents import repaired

    mrz = parse([L1, L2[:13] + "74O812" + L2[19:]], today=TODAY)
    (suggestion,) = mrz.suggestions
    what_if = repaired(mrz, suggestion, today=TODAY)
    assert what_if is not None and what_if.valid
    assert what_if.birth_date == date(1974, 8, 12)
    assert mrz.birth_date is None and not mrz.valid  # the reading itself is untouched


def test_a_suggestion_for_a_continued_number_has_no_place_to_go():
    from rmis.documents import repaired
    from rmis.documents.model import Suggestion

    line1, line2, line3 = compose_td1(issuing_state="KGZ", surname="ASANOV", given_names="BAKYT",
                                      document_number="ID12345678", nationality="KGZ",
                                      birth_date=date(1985, 1, 2), sex="M",
                                      expiry_date=date(2029, 1, 1))  # fmt: skip
    mrz = parse([line1, line2, line3], today=TODAY)
    assert repaired(mrz, Suggestion("document_number", "ID12345678", "IDI2345678", ""),
                    today=TODAY) is None  # fmt: skip
