"""The UN Security Council consolidated list, read from the XML the UN publishes.

The file is read as a stream (iterparse), one INDIVIDUAL at a time, and each element is
cleared once read, so a list of any size takes the memory of one record. ENTITY records
(organisations) are not travellers: they are counted in the stats and skipped.

What is read from an INDIVIDUAL:
- REFERENCE_NUMBER is the entry's id ("CDi.002").
- FIRST_NAME..FOURTH_NAME joined in the list's order make the primary name. The UN does not
  say which part is the surname (FIRST_NAME is the family name for Korean entries, a given name
  for most others), so the parts are not labelled.
- INDIVIDUAL_ALIAS: QUALITY "Low" is a weak alias; "Good" (or none given) a strong one. An
  alias's own DATE_OF_BIRTH is a birth date the person has used and joins the entry's dates.
- NAME_ORIGINAL_SCRIPT is a name of kind original_script.
- INDIVIDUAL_DATE_OF_BIRTH: TYPE_OF_DATE EXACT / APPROXIMATELY / BETWEEN with DATE, YEAR or
  FROM_YEAR..TO_YEAR; a NOTE holding a month and year ("Nov. 1973") is read too; a NOTE that
  is no date in the Gregorian calendar ("30-35 years old", a Hijri date) stays in remarks.
- NATIONALITY, INDIVIDUAL_DOCUMENT's issuing country: mapped to ICAO codes; a country name that
  does not map is kept in remarks.
"""

from __future__ import annotations

import re
import unicodedata
import xml.etree.ElementTree as ET
from collections.abc import Iterator
from datetime import date
from pathlib import Path
from typing import Literal

from rmis.screening.entries import (
    BirthDate,
    EntryDocument,
    EntryName,
    ListEntry,
    MalformedEntry,
    NameKind,
)
from rmis.screening.formats.common import add_once, clean, document_type, month_number
from rmis.screening.formats.country_names import country_code
from rmis.screening.formats.stats import ReadStats

ROOT_TAG = "CONSOLIDATED_LIST"
_NAME_PARTS = ("FIRST_NAME", "SECOND_NAME", "THIRD_NAME", "FOURTH_NAME")
_MONTH = r"([A-Za-z]+)\.?"
_MONTH_YEAR = re.compile(rf"^{_MONTH}\s+(\d{{4}})$")
_MONTHS_BETWEEN = re.compile(rf"^between\s+{_MONTH}\s+and\s+{_MONTH}\s+(\d{{4}})$", re.I)
_BORN = re.compile(r"^(.*?),\s*(born\b.*)$", re.S)
_BRACKETED = re.compile(r"^([^()]+?)\s*\(([^()]+)\)$")
# What the UN says about an alias in brackets after it, not part of the name.
_DESCRIBED = re.compile(
    r"^(.+?)\s*\(((?:birth name|combat name|previously listed as|formerly listed as|third|"
    r"false identity)\b[^()]*)\)$",
    re.I,
)
_ENUMERATION = re.compile(r"\s+[b-h]\)\s+")  # "...; Mohammad Sabet b) M. Javad Kareemi Sabet"
# xs:date may carry a time zone: the UN writes LISTED_ON as "2015-04-07-04:00" at times.
_XS_DATE = re.compile(r"^(\d{4}-\d{2}-\d{2})(?:Z|[+-]\d{2}:\d{2})$")
_TRAILING_BRACKET = re.compile(r"^(.*?\d.*?)\s*\([^()]*\)$")
_TRAILING_COUNTRY = re.compile(r"^(.*?\d.*?),\s*([^,\d]+)$")
_NUMBER_MARKER = re.compile(r"\b(?:number|no\.?)(?:\s*:)?\s+|n°\s*|:\s+", re.I)
_NUMBER_IN_WORDS = re.compile(
    r"(?:(?i:\bnumber|\bno\.)\s*:?\s*|:\s*|^)"
    r"((?:[A-Z]{1,3} )?[A-Z0-9][A-Z0-9/\-]*\d[A-Z0-9/\-]*)(?=[\s,;.)]|$)"
)
_SERIES = re.compile(r"[A-Z]{1,3}")  # "A 0139243", "SE 012820": a series before the number
_SUFFIXES = frozenset({"JR", "SR", "II", "III", "IV"})


def read_un_xml(path: Path, stats: ReadStats) -> Iterator[ListEntry | MalformedEntry]:
    """Every INDIVIDUAL of the list as a ListEntry (or a MalformedEntry saying where and why).

    Raises ValueError when the file is not XML or not the UN consolidated list.
    """
    individual = 0
    try:
        events = ET.iterparse(path, events=("start", "end"))
        _, root = next(events)
        if root.tag != ROOT_TAG:
            raise ValueError(f"{path}: not the UN consolidated list (root element <{root.tag}>)")
        container = root
        for event, element in events:
            if event == "start":
                if element.tag in ("INDIVIDUALS", "ENTITIES"):
                    container = element
                continue
            if element.tag == "INDIVIDUAL":
                individual += 1
                yield _read_individual(element, individual)
            elif element.tag == "ENTITY":
                stats.skipped["entity"] += 1
            else:
                continue
            # Drop every record read so far: memory stays at one record, whatever the size.
            container.clear()
    except ET.ParseError as error:
        raise ValueError(f"{path}: not well-formed XML ({error})") from None
    except StopIteration:
        raise ValueError(f"{path}: empty file, not the UN consolidated list") from None


def _read_individual(element: ET.Element, number: int) -> ListEntry | MalformedEntry:
    dataid = _text(element, "DATAID")
    position = f"INDIVIDUAL {number}" + (f" (DATAID {dataid})" if dataid else "")
    try:
        return _entry(element, dataid)
    except ValueError as error:
        return MalformedEntry(position, str(error))


def _entry(element: ET.Element, dataid: str | None) -> ListEntry:
    reference = _text(element, "REFERENCE_NUMBER")
    if not reference:
        raise ValueError("no REFERENCE_NUMBER")
    remarks: list[str] = []
    names = _names(element, remarks)
    if not names:
        raise ValueError(f"{reference}: no name (FIRST_NAME..FOURTH_NAME all empty)")
    birth_dates: list[BirthDate] = []
    for dob in element.findall("INDIVIDUAL_DATE_OF_BIRTH"):
        _birth_date(dob, birth_dates, remarks)
    for alias in element.findall("INDIVIDUAL_ALIAS"):
        if alias_date := _text(alias, "DATE_OF_BIRTH"):
            add_once(birth_dates, _parse_date(alias_date, "alias DATE_OF_BIRTH"))
    nationalities: list[str] = []
    for value in element.findall("NATIONALITY/VALUE"):
        if text := clean(value.text):
            code = country_code(text)
            if code is None:
                remarks.append(f"nationality: {text}")
            else:
                add_once(nationalities, code)
    documents = [
        doc
        for doc_element in element.findall("INDIVIDUAL_DOCUMENT")
        if (doc := _document(doc_element, remarks)) is not None
    ]
    listed_on = _text(element, "LISTED_ON")
    comments = _text(element, "COMMENTS1")
    if comments:
        remarks.insert(0, comments)
    return ListEntry(
        entry_id=reference,
        subject="person",
        names=tuple(names),
        birth_dates=tuple(birth_dates),
        sex=_sex(_text(element, "GENDER")),
        nationalities=tuple(nationalities),
        documents=tuple(documents),
        listed_on=_parse_day(listed_on, "LISTED_ON") if listed_on else None,
        remarks="\n".join(remarks) or None,
        extra=_extra(element, dataid),
    )


def _names(element: ET.Element, remarks: list[str]) -> list[EntryName]:
    names: list[EntryName] = []
    parts = [text for tag in _NAME_PARTS if (text := _text(element, tag))]
    if parts:
        names.append(EntryName(" ".join(parts)))
    for alias in element.findall("INDIVIDUAL_ALIAS"):
        if alias_name := _text(alias, "ALIAS_NAME"):
            weak = (_text(alias, "QUALITY") or "").casefold() == "low"
            for name in alias_names(alias_name, weak=weak, remarks=remarks):
                add_once(names, name)
    for original in element.findall("NAME_ORIGINAL_SCRIPT"):
        if text := clean(original.text):
            add_once(names, EntryName(text, kind="original_script"))
    return names if parts else []


def alias_names(text: str, *, weak: bool, remarks: list[str]) -> list[EntryName]:
    """The names one ALIAS_NAME field holds. The UN sometimes writes several in one field:
    "Javad Rahigi; Jawad Rahigi", a name with its other script in brackets ("Jin Tiesan
    (金铁三)", "حسن غول (Hassan Ghul; Hassan Gul)"), "Abubakar (original script: Абубакар)",
    or a name followed by ", born 1 Jan. 1953 (...)". Those are split. Brackets that describe
    the alias ("(birth name)", "(COMBAT NAME)", "(previously listed as)") go to the remarks;
    other brackets stay with the name as the list wrote it. A name written "SURNAME, Given" is
    kept as written, with its parts labelled.
    """
    text = text.strip().rstrip(",").lstrip(")").strip()
    if match := _BORN.match(text):
        text = match.group(1)
        remarks.append(f"alias {text}: {match.group(2)}")
    if match := _DESCRIBED.match(text):
        text = match.group(1)
        remarks.append(f"alias {text}: {match.group(2)}")
    found: list[EntryName] = []
    bracket = _BRACKETED.match(text)
    if bracket and (inner := bracket.group(2).strip()).casefold().startswith("original script:"):
        found += _split_names(bracket.group(1), weak, "alias")
        found += _split_names(inner.split(":", 1)[1], weak, "original_script")
    elif bracket and _is_latin(bracket.group(1)) != _is_latin(bracket.group(2)):
        found += _split_names(bracket.group(1), weak, "alias")
        found += _split_names(bracket.group(2), weak, "alias")
    else:
        found += _split_names(text, weak, "alias")
    return found


def _split_names(text: str, weak: bool, kind: NameKind) -> list[EntryName]:
    names = []
    for part in _ENUMERATION.sub(";", text).split(";"):
        part = " ".join(part.split()).strip(' ,"')
        if not part:
            continue
        surname, given = _comma_parts(part)
        names.append(EntryName(part, kind=kind, weak=weak, surname=surname, given_names=given))
    return names


def _comma_parts(name: str) -> tuple[str | None, str | None]:
    """ "AWES, Hassan Dahir" names its surname first; "LAVILLA, JR" or "Santos, III" do not."""
    if name.count(",") != 1:
        return None, None
    surname, given = (p.strip().strip('"') for p in name.split(","))
    if not surname or not given or given.rstrip(".").upper() in _SUFFIXES or "(" in name:
        return None, None
    return surname, given


def _is_latin(text: str) -> bool:
    letters = [c for c in text if c.isalpha()]
    return bool(letters) and all(unicodedata.name(c, "").startswith("LATIN") for c in letters)


def _birth_date(element: ET.Element, found: list[BirthDate], remarks: list[str]) -> None:
    kind = (_text(element, "TYPE_OF_DATE") or "").upper()
    note = _text(element, "NOTE")
    approximate = kind == "APPROXIMATELY" or (note or "").casefold() == "approximately"
    if approximate and note and note.casefold() == "approximately":
        note = None
    day_text, year, from_year, to_year = (
        _text(element, tag) for tag in ("DATE", "YEAR", "FROM_YEAR", "TO_YEAR")
    )
    read: BirthDate | None = None
    if day_text:
        read = _parse_date(day_text, "DATE", approximate=approximate)
    elif from_year or to_year:
        if not (from_year and to_year):
            raise ValueError(f"birth date BETWEEN without both years: {from_year}..{to_year}")
        first, last = _year(from_year, "FROM_YEAR"), _year(to_year, "TO_YEAR")
        if last < first:
            raise ValueError(f"birth years run backwards: {first} to {last}")
        read = BirthDate(first, to_year=last if last != first else None, approximate=approximate)
    elif year:
        month = month_number(note) if note else None
        read = BirthDate(_year(year, "YEAR"), month, approximate=approximate)
        if month is not None:
            note = None
    elif note and (from_note := _date_from_note(note, approximate)) is not None:
        read, note = from_note, None
    if read is not None:
        add_once(found, read)
    if note:
        remarks.append(f"date of birth: {note}")


def _date_from_note(note: str, approximate: bool) -> BirthDate | None:
    """A birth date the UN wrote only in the NOTE: "Nov. 1973", "Between Aug. and Sep. 1977"."""
    if (match := _MONTH_YEAR.match(note)) and (month := month_number(match.group(1))):
        return BirthDate(int(match.group(2)), month, approximate=approximate)
    if (match := _MONTHS_BETWEEN.match(note)) and month_number(match[1]) and month_number(match[2]):
        return BirthDate(int(match.group(3)), approximate=approximate)  # the year is certain
    return None


def _document(element: ET.Element, remarks: list[str]) -> EntryDocument | None:
    kind = _text(element, "TYPE_OF_DOCUMENT")
    kind2 = _text(element, "TYPE_OF_DOCUMENT2")
    note = _text(element, "NOTE")
    number = _text(element, "NUMBER")
    country_name = _text(element, "ISSUING_COUNTRY") or _text(element, "COUNTRY_OF_ISSUE")
    issuing_state = country_code(country_name)
    words = [w for w in (kind, kind2, note) if w]
    if country_name and issuing_state is None:
        words.append(f"issued by {country_name}")
        remarks.append(f"document issued by: {country_name}")
    if (date_of_issue := _text(element, "DATE_OF_ISSUE")) is not None:
        words.append(f"issued {date_of_issue}")
    if not number:
        # The number is sometimes only in the words: "Tunisian passport number L 191609 issued
        # on 28 Feb. 1996" (NOTE), "... (tazkira) number 545167" (TYPE_OF_DOCUMENT2).
        found = [m.group(1) for w in (kind2, note) if w and (m := _NUMBER_IN_WORDS.search(w))]
        if not found:
            if words:
                remarks.append("document without a number: " + "; ".join(words))
            return None
        number = found[0]
    number, written, state_named = document_number(number)
    if written:
        words.insert(0, f"number written {written!r}")
    return EntryDocument(
        number=number,
        issuing_state=issuing_state or state_named,
        document_type=document_type(" ".join(w for w in (kind, kind2, written) if w)),
        note="; ".join(words) or None,
    )


def document_number(text: str) -> tuple[str, str | None, str | None]:
    """The number in a NUMBER field, which the UN often writes with words around it:
    "CAR diplomatic passport no. D00000898", "381110042 (Expired 25 Jan. 2016)", "R00012098,
    South Sudan", "German travel document ("Reiseausweis") A 0139243". Returns the number,
    the field as written when words were taken off (for the note), and the ICAO code of a
    country named after a comma."""
    number, state = text, None
    if match := _TRAILING_BRACKET.match(number):
        number = match.group(1)
    if (match := _TRAILING_COUNTRY.match(number)) and (code := country_code(match.group(2))):
        number, state = match.group(1), code
    if marker := _NUMBER_MARKER.search(number):
        rest = _NUMBER_MARKER.sub(" ", number[marker.end() :])
        if any(c.isdigit() for c in rest):
            number = rest
    elif any(c.islower() for c in number):
        tokens = number.split()
        kept: list[str] = []
        while tokens and any(c.isdigit() for c in tokens[-1]):
            kept.insert(0, tokens.pop())
        if kept and tokens and _SERIES.fullmatch(tokens[-1]):
            kept.insert(0, tokens.pop())
        if kept:
            number = " ".join(kept)
    number = " ".join(number.split()).strip(" ,;:")
    if not any(c.isdigit() for c in number):
        return text, None, None
    return number, (text if number != text else None), state


def _extra(element: ET.Element, dataid: str | None) -> dict[str, object]:
    extra: dict[str, object] = {}
    if dataid:
        extra["dataid"] = dataid
    if list_type := _text(element, "UN_LIST_TYPE"):
        extra["un_list_type"] = list_type
    for tag, key in (("TITLE", "titles"), ("DESIGNATION", "designations")):
        values = [t for v in element.findall(f"{tag}/VALUE") if (t := clean(v.text))]
        if values:
            extra[key] = values
    places = []
    for place in element.findall("INDIVIDUAL_PLACE_OF_BIRTH"):
        words = [t for tag in ("CITY", "STATE_PROVINCE", "COUNTRY") if (t := _text(place, tag))]
        if words:
            places.append(", ".join(words))
    if places:
        extra["places_of_birth"] = places
    return extra


def _sex(gender: str | None) -> Literal["M", "F"] | None:
    match (gender or "").casefold():
        case "male":
            return "M"
        case "female":
            return "F"
    return None


def _parse_date(text: str, what: str, *, approximate: bool = False) -> BirthDate:
    text = _without_zone(text)
    try:
        return BirthDate.parse(text, approximate=approximate)
    except ValueError as error:
        raise ValueError(f"{what} {text!r} is not a date: {error}") from None


def _parse_day(text: str, what: str) -> date:
    try:
        return date.fromisoformat(_without_zone(text))
    except ValueError:
        raise ValueError(f"{what} {text!r} is not a date (YYYY-MM-DD)") from None


def _without_zone(text: str) -> str:
    match = _XS_DATE.match(text)
    return match.group(1) if match else text


def _year(text: str, what: str) -> int:
    if not (text.isdigit() and len(text) == 4):
        raise ValueError(f"{what} {text!r} is not a year")
    return int(text)


def _text(element: ET.Element, path: str) -> str | None:
    found = element.find(path)
    return None if found is None else clean(found.text)
