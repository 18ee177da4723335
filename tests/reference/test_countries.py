import csv
from pathlib import Path

import pycountry
import pytest

from rmis.reference.countries import (
    all_codes,
    code_kind,
    country_name,
    icao_from_alpha2,
    is_icao_code,
    is_specimen,
    lookup,
)

SHARED_DATA = Path("/work/shared/data")


def test_iso_codes_come_from_pycountry():
    for c in pycountry.countries:
        assert lookup(c.alpha_3) is not None
        assert code_kind(c.alpha_3) == "iso"
    assert lookup("KAZ").name == "Kazakhstan"
    assert lookup("KAZ").alpha2 == "KZ"


@pytest.mark.parametrize(
    "code",
    ["D", "GBD", "GBN", "GBO", "GBP", "GBS", "RKS", "EUE", "UNO", "UNA", "UNK", "XBA", "XIM",
     "XCC", "XCE", "XCO", "XEC", "XPO", "XES", "XMP", "XOM", "XDC", "XXA", "XXB", "XXC", "XXX",
     "ANT", "NTZ", "IAO"],
)  # fmt: skip
def test_icao_only_codes(code):
    assert is_icao_code(code)
    assert code_kind(code) == "icao"
    assert country_name(code)


def test_utopia_is_the_specimen():
    assert is_icao_code("UTO")
    assert code_kind("UTO") == "specimen"
    assert is_specimen("UTO")
    assert not is_specimen("KAZ")


def test_mrz_filler_is_ignored():
    assert lookup("D<<").name == "Germany"
    assert is_icao_code("D<<")


@pytest.mark.parametrize("code", ["", "ZZZ", "AAA", "kaz", "KA", "DE", "XYZ", "SUN"])
def test_unknown_codes(code):
    assert not is_icao_code(code)
    assert lookup(code) is None
    assert country_name(code) is None
    assert code_kind(code) is None


def test_stateless_and_refugee_names_say_what_they_mean():
    assert "Stateless" in country_name("XXA")
    assert "Refugee" in country_name("XXB")


def test_alpha2_mapping():
    assert icao_from_alpha2("KZ") == "KAZ"
    assert icao_from_alpha2("kg") == "KGZ"
    assert icao_from_alpha2("DE") == "D"  # ICAO writes Germany as D
    assert icao_from_alpha2("GB") == "GBR"
    assert icao_from_alpha2("XK") == "RKS"
    with pytest.raises(KeyError):
        icao_from_alpha2("QQ")


def test_every_alpha2_code_in_the_shared_reference_data_maps():
    if not SHARED_DATA.is_dir():
        pytest.skip("shared reference data not present")
    columns = {"country", "country_a", "country_b", "destination", "origin", "host",
               "country_of_asylum"}  # fmt: skip
    seen = set()
    for path in SHARED_DATA.glob("*.csv"):
        with path.open(newline="", encoding="utf-8") as fh:
            for row in csv.DictReader(fh):
                for col in columns & row.keys():
                    value = (row[col] or "").strip()
                    if len(value) == 2 and value.isalpha() and value.isupper():
                        seen.add(value)
    assert {"KZ", "KG", "TJ", "TM", "UZ", "RU"} <= seen
    for alpha2 in seen:
        assert is_icao_code(icao_from_alpha2(alpha2)), alpha2


def test_all_codes():
    codes = all_codes()
    assert {"KAZ", "D", "UTO", "XXA"} <= codes
    assert all(1 <= len(c) <= 3 and c.isalpha() and c.isupper() for c in codes)
