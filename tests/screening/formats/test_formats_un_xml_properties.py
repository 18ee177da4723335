"""Property: an entry written the way the UN writes its XML is read back as that entry."""

from __future__ import annotations

import xml.etree.ElementTree as ET
from datetime import date

import pycountry
from hypothesis import given, settings
from hypothesis import strategies as st

from rmis.reference.countries import lookup
from rmis.screening.entries import BirthDate, EntryDocument, EntryName, ListEntry
from rmis.screening.formats import read

_MONTH_NOTES = ("Jan.", "Feb.", "March", "Apr.", "May", "June", "Jul.", "Aug.", "Sep.", "Oct.",
                "Nov.", "December")  # fmt: skip
# ICAO codes that are ISO codes, with the name the UN would write (ISO's short name).
_COUNTRIES = {
    code: lookup(code).name
    for code in ("KAZ", "KGZ", "UZB", "TJK", "AFG", "IRN", "RUS", "D", "COD", "PRK", "GBR")
}
_LATIN = st.text("ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz-'", min_size=1, max_size=10)
_WORDS = st.lists(_LATIN.filter(lambda w: w.strip("-'")), min_size=1, max_size=4).map(" ".join)
_SCRIPT = st.lists(
    st.text("абвгдежзиклмнопрстуфхцчшщыэюяابتثجحخدذرزسشصضطظعغفقكلمنهوي", min_size=1, max_size=8),
    min_size=1,
    max_size=3,
).map(" ".join)


@st.composite
def _birth(draw):
    """(BirthDate, the DOB element's children as the UN writes them)."""
    year = draw(st.integers(1920, 2010))
    match draw(st.sampled_from(("date", "year", "approximately", "between", "month"))):
        case "date":
            day = draw(st.dates(date(year, 1, 1), date(year, 12, 31)))
            return BirthDate(year, day.month, day.day), [("EXACT", "DATE", day.isoformat())]
        case "year":
            return BirthDate(year), [("EXACT", "YEAR", str(year))]
        case "approximately":
            return BirthDate(year, approximate=True), [("APPROXIMATELY", "YEAR", str(year))]
        case "between":
            to = year + draw(st.integers(1, 6))
            birth = BirthDate(year, to_year=to)
            return birth, [("BETWEEN", "FROM_YEAR", str(year)), ("BETWEEN", "TO_YEAR", str(to))]
    month = draw(st.integers(1, 12))
    return BirthDate(year, month), [("EXACT", "NOTE", f"{_MONTH_NOTES[month - 1]} {year}")]


@st.composite
def un_individuals(draw):
    """(the XML of one INDIVIDUAL, the ListEntry it must be read as)."""
    parts = draw(st.lists(_WORDS, min_size=1, max_size=4))
    aliases = draw(st.lists(st.tuples(_WORDS, st.booleans()), max_size=4, unique_by=lambda a: a))
    originals = draw(st.lists(_SCRIPT, max_size=2, unique=True))
    births = draw(st.lists(_birth(), max_size=3, unique_by=lambda b: b[0]))
    sex = draw(st.sampled_from((None, "M", "F")))
    nationalities = draw(st.lists(st.sampled_from(sorted(_COUNTRIES)), max_size=2, unique=True))
    documents = draw(
        st.lists(
            st.tuples(
                st.text("ABCDEFGHJKLMNPRSTUVWXYZ", max_size=2),
                st.integers(1000, 10**9),
                st.sampled_from(("Passport", "National Identification Number")),
                st.sampled_from(sorted(_COUNTRIES)),
            ),
            max_size=3,
            unique_by=lambda d: (d[0], d[1]),
        )
    )
    listed_on = draw(st.dates(date(1999, 1, 1), date(2026, 1, 1)))
    comments = draw(st.none() | _WORDS)

    individual = ET.Element("INDIVIDUAL")
    ET.SubElement(individual, "DATAID").text = "1"
    tags = ("FIRST_NAME", "SECOND_NAME", "THIRD_NAME", "FOURTH_NAME")[: len(parts)]
    for tag, part in zip(tags, parts, strict=True):
        ET.SubElement(individual, tag).text = part
    ET.SubElement(individual, "REFERENCE_NUMBER").text = "XXi.001"
    ET.SubElement(individual, "LISTED_ON").text = listed_on.isoformat()
    if sex:
        ET.SubElement(individual, "GENDER").text = {"M": "Male", "F": "Female"}[sex]
    if comments:
        ET.SubElement(individual, "COMMENTS1").text = comments
    for original in originals:
        ET.SubElement(individual, "NAME_ORIGINAL_SCRIPT").text = original
    if nationalities:
        nationality = ET.SubElement(individual, "NATIONALITY")
        for code in nationalities:
            ET.SubElement(nationality, "VALUE").text = _COUNTRIES[code]
    for alias, weak in aliases:
        element = ET.SubElement(individual, "INDIVIDUAL_ALIAS")
        ET.SubElement(element, "QUALITY").text = "Low" if weak else "Good"
        ET.SubElement(element, "ALIAS_NAME").text = alias
    for _, children in births:
        element = ET.SubElement(individual, "INDIVIDUAL_DATE_OF_BIRTH")
        ET.SubElement(element, "TYPE_OF_DATE").text = children[0][0]
        for _, tag, text in children:
            ET.SubElement(element, tag).text = text
    for series, number, kind, country in documents:
        element = ET.SubElement(individual, "INDIVIDUAL_DOCUMENT")
        ET.SubElement(element, "TYPE_OF_DOCUMENT").text = kind
        ET.SubElement(element, "NUMBER").text = f"{series}{number}"
        ET.SubElement(element, "ISSUING_COUNTRY").text = _COUNTRIES[country]

    names = [EntryName(" ".join(parts))]
    names += [EntryName(alias, "alias", weak=weak) for alias, weak in aliases]
    names += [EntryName(original, "original_script") for original in originals]
    entry = ListEntry(
        entry_id="XXi.001",
        subject="person",
        names=tuple(names),
        birth_dates=tuple(birth for birth, _ in births),
        sex=sex,
        nationalities=tuple(nationalities),
        documents=tuple(
            EntryDocument(f"{s}{n}", c, "P" if kind == "Passport" else None, kind)
            for s, n, kind, c in documents
        ),
        listed_on=listed_on,
        remarks=comments,
    )
    return ET.tostring(individual, encoding="unicode"), entry


@settings(max_examples=80, deadline=None)
@given(st.lists(un_individuals(), min_size=1, max_size=3))
def test_an_individual_written_as_the_un_does_is_read_back(tmp_path_factory, individuals):
    path = tmp_path_factory.mktemp("un") / "list.xml"
    body = "".join(xml for xml, _ in individuals)
    path.write_text(
        '<?xml version="1.0" encoding="UTF-8"?>\n'
        f"<CONSOLIDATED_LIST><INDIVIDUALS>{body}</INDIVIDUALS><ENTITIES/></CONSOLIDATED_LIST>",
        encoding="utf-8",
    )
    assert list(read(path)) == [entry for _, entry in individuals]


def test_the_country_names_used_are_iso_short_names():
    assert _COUNTRIES["D"] == pycountry.countries.get(alpha_2="DE").name
