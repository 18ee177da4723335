"""Country names as alert lists write them, mapped to ICAO codes, never guessed."""

from __future__ import annotations

import pycountry
import pytest

from rmis.reference.countries import icao_from_alpha2
from rmis.screening.formats.country_names import country_code


@pytest.mark.parametrize(
    ("name", "code"),
    [
        ("Democratic Republic of the Congo", "COD"),  # UN
        ("Congo, Democratic Republic of the", "COD"),  # OFAC
        ("Congo", "COG"),
        ("Iran (Islamic Republic of)", "IRN"),
        ("Iran", "IRN"),
        ("Russian Federation", "RUS"),
        ("Russia", "RUS"),
        ("Democratic People's Republic of Korea", "PRK"),
        ("Korea, North", "PRK"),
        ("Korea, South", "KOR"),
        ("United Kingdom of Great Britain and Northern Ireland", "GBR"),
        ("United States", "USA"),
        ("Türkiye", "TUR"),
        ("Turkey", "TUR"),
        ("Burma", "MMR"),
        ("State of Palestine", "PSE"),
        ("The Gambia", "GMB"),
        ("Germany", "D"),  # ICAO writes Germany D
        ("Kosovo", "RKS"),
        ("Syrian Arab Republic", "SYR"),
        ("  united   republic of TANZANIA ", "TZA"),
    ],
)
def test_list_spellings_map_to_icao_codes(name, code):
    assert country_code(name) == code


@pytest.mark.parametrize(
    "name",
    ["former Soviet Union", "na", "Palestinian", "possibly Palestinian", "Atlantis", "", None],
)
def test_what_is_no_country_name_maps_to_nothing(name):
    assert country_code(name) is None


def test_every_iso_name_of_every_country_maps_to_its_code():
    for country in pycountry.countries:
        for attribute in ("name", "official_name", "common_name"):
            if name := getattr(country, attribute, None):
                assert country_code(name) == icao_from_alpha2(country.alpha_2), name
