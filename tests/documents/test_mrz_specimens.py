"""Every specimen printed in ICAO Doc 9303 parses to its published fields."""

from datetime import date

import pytest
from mrz_specimens import MRVA, MRVB, TD1, TD1_LONG, TD2, TD2_LONG, TD3, TD3_OLD

from rmis.documents import MRZFormat, check_digit, parse

TODAY = date(2025, 6, 1)

ANNA = {"surname": "ERIKSSON", "given_names": "ANNA MARIA", "issuing_state": "UTO"}
PETER = {"surname": "STEVENSON", "given_names": "PETER JOHN", "issuing_state": "UTO"}

CASES = [
    (TD3, MRZFormat.TD3, {**ANNA, "document_code": "P", "document_number": "L898902C3",
     "nationality": "UTO", "birth_date": date(1974, 8, 12), "sex": "F",
     "expiry_date": date(2012, 4, 15), "optional_data": "ZE184226B"}),
    (TD3_OLD, MRZFormat.TD3, {**ANNA, "document_number": "L898902C", "birth_date": date(1969, 8, 6),
     "expiry_date": date(1994, 6, 23), "optional_data": "ZE184226B"}),
    (TD1, MRZFormat.TD1, {**ANNA, "document_code": "I", "document_number": "D23145890",
     "nationality": "UTO", "birth_date": date(1974, 8, 12), "sex": "F",
     "expiry_date": date(2012, 4, 15), "optional_data": "", "optional_data_2": ""}),
    (TD1_LONG, MRZFormat.TD1, {**PETER, "document_number": "D23145890734", "sex": "M",
     "birth_date": date(1934, 7, 12), "expiry_date": date(1995, 7, 12), "optional_data": ""}),
    (TD2, MRZFormat.TD2, {**ANNA, "document_code": "I", "document_number": "D23145890",
     "nationality": "UTO", "birth_date": date(1974, 8, 12), "sex": "F",
     "expiry_date": date(2012, 4, 15), "optional_data": "", "optional_data_2": None}),
    (TD2_LONG, MRZFormat.TD2, {**PETER, "document_number": "D23145890734",
     "birth_date": date(1934, 7, 12), "expiry_date": date(1995, 7, 12), "optional_data": ""}),
    (MRVA, MRZFormat.MRVA, {**ANNA, "document_code": "V", "document_number": "L8988901C",
     "nationality": "XXX", "birth_date": date(1940, 9, 7), "sex": "F",
     "expiry_date": date(1996, 12, 10), "optional_data": "6ZE184226B"}),
    (MRVB, MRZFormat.MRVB, {**ANNA, "document_code": "V", "document_number": "L8988901C",
     "nationality": "XXX", "birth_date": date(1940, 9, 7), "sex": "F",
     "expiry_date": date(1996, 12, 10), "optional_data": ""}),
]  # fmt: skip


@pytest.mark.parametrize(("lines", "fmt", "expected"), CASES, ids=lambda v: None)
def test_specimen_parses_to_published_fields(lines, fmt, expected):
    mrz = parse(lines, today=TODAY)
    assert mrz.format is fmt
    assert mrz.errors == ()
    assert mrz.valid
    for name, value in expected.items():
        assert getattr(mrz, name) == value, name
    assert mrz.specimen
    assert not mrz.names_truncated
    codes = {w.code for w in mrz.warnings}
    assert codes == {"specimen", "document_expired"}


def test_published_check_digit_examples():
    # Doc 9303 Part 3, 4.9 worked examples and the specimens above.
    assert check_digit("D23145890734") == "9"
    assert check_digit("340712") == "7"
    assert check_digit("950712") == "2"
    assert check_digit("L898902C<") == "3"
    assert check_digit("690806") == "1"
    assert check_digit("940623") == "6"
    assert check_digit("L898902C3") == "6"
    assert check_digit("ZE184226B<<<<<") == "1"


def test_check_digit_rejects_non_mrz_characters():
    with pytest.raises(ValueError, match="not an MRZ character"):
        check_digit("ab12")


def test_to_dict_is_json_ready():
    import json

    d = parse(TD1_LONG, today=TODAY).to_dict()
    assert json.loads(json.dumps(d)) == d
    assert d["birth_date"] == "1934-07-12"
    assert d["format"] == "TD1"
    assert d["optional_data_2"] == ""
    assert d["errors"] == []
    assert {"field", "code", "message"} == set(d["warnings"][0])
    for key in ("valid", "format", "document_code", "issuing_state", "surname", "given_names",
                "document_number", "nationality", "birth_date", "sex", "expiry_date",
                "optional_data", "errors", "warnings", "suggestions", "names_truncated",
                "specimen"):  # fmt: skip
        assert key in d
