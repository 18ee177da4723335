"""OFAC's Specially Designated Nationals list in its legacy CSV layout (sdn.csv, alt.csv).

sdn.csv has no header and twelve columns: ent_num, name, type, program, title, call sign,
vessel type, tonnage, GRT, vessel flag, vessel owner, remarks. `-0- ` is an empty field. Only
rows of type "individual" are travellers; entities (type empty), vessels and aircraft are
counted in the stats and skipped. alt.csv (ent_num, alt_num, type aka/fka/nka, name, remarks)
holds the strong aliases; it is read whole first (it is small) and joined on ent_num.

An individual's name is written "LAST, First": it becomes the full name "First LAST" with its
surname and given names. The remarks are "; "-separated clauses, and what a screen needs is in
them: "DOB 01 Jan 1960" (also "DOB 1960", "DOB Jan 1960", "DOB circa 1960", "DOB 1960 to
1962", "alt. DOB ..."), "Gender Male", "nationality Iran", "citizen Iran", "Passport A1234567
(Iran) issued ... expires ...", "National ID No. ...", "Cedula No. ..." and the other identity
documents, weak aliases "a.k.a. 'X'", and "POB ..." (extra["places_of_birth"]). Clauses read
into the model leave the remarks; the rest (links, titles, tax numbers...) stay there, as do
country names that do not map to an ICAO code.
"""

from __future__ import annotations

import csv
import re
from collections import defaultdict
from collections.abc import Iterator
from pathlib import Path
from typing import Literal

from rmis.screening.entries import BirthDate, EntryDocument, EntryName, ListEntry, MalformedEntry
from rmis.screening.formats.common import add_once, clean, document_type, month_number
from rmis.screening.formats.country_names import country_code
from rmis.screening.formats.stats import ReadStats

SDN_COLUMNS = 12
ALT_COLUMNS = 5
_EMPTY = "-0-"
_END_OF_FILE = "\x1a"  # OFAC's files end with a DOS end-of-file character on a line of its own
_NON_PERSON_TYPES = {"": "entity", "vessel": "vessel", "aircraft": "aircraft"}

# Identity and travel documents in the remarks, as OFAC labels them (longest label first so
# "Diplomatic Passport" wins over "Passport"). Tax, company, phone and wallet numbers are not
# documents a traveller presents; they stay in the remarks.
_DOCUMENT_LABELS = sorted(
    (
        "Passport",
        "Diplomatic Passport",
        "Passport Booklet",
        "British National Overseas Passport",
        "Stateless Person Passport",
        "Travel Document Number",
        "National ID No.",
        "National Foreign ID Number",
        "Cedula No.",
        "D.N.I.",
        "N.I.E.",
        "Identification Number",
        "Personal ID Card",
        "Kenyan ID No.",
        "Moroccan Personal ID No.",
        "Bosnian Personal ID No.",
        "Turkish Identification Number",
        "Citizen's Card Number",
        "Numero de Identidad",
        "Tazkira National ID Card",
        "Stateless Person ID Card",
        "Refugee ID Card",
        "CNP (Personal Numerical Code)",
        "C.U.I.",
        "LE Number",
        "Residency Number",
        "Romanian Permanent Resident CAN",
        "Immigration No.",
        "Driver's License No.",
        "Electoral Registry No.",
        "Credencial electoral",
        "Birth Certificate Number",
        "VisaNumberID",
        "Cartilla de Servicio Militar Nacional",
    ),
    key=len,
    reverse=True,
)
_DOCUMENT = re.compile(
    r"^(?P<label>" + "|".join(re.escape(label) for label in _DOCUMENT_LABELS) + r")"
    r"(?:\s*(?:No\.|#):?\s*|:?\s+)"
    # Up to three words ("RL 1794375", "660000 73767", "K357514(4)"), as few as the rest allows.
    r"(?P<number>[^\s,;]+(?: [^\s,;]+){0,2}?)"
    r"(?:\s+\((?P<country>[^()]+)\))?"
    r"(?P<dates>(?:,?\s+(?:issued|expires|expired)\b.*)?)$"
)
_WEAK_ALIAS = re.compile(r"^a\.k\.a\.,?\s*'(?P<name>.+?)'?$")  # the quote is closed, mostly
_DOB = re.compile(r"^DOB:?\s+(?P<circa>circa\s+)?(?P<text>.+)$", re.I)
_DAY_MONTH_YEAR = re.compile(r"^(\d{1,2})\s+([A-Za-z]+\.?)\s+(\d{4})$")
_MONTH_YEAR = re.compile(r"^([A-Za-z]+\.?)\s+(\d{4})$")
_YEAR = re.compile(r"^\d{4}$")
_YEAR_RANGE = re.compile(r"^(\d{4})\s*-\s*(\d{4})$")
_NAME_SUFFIXES = frozenset({"JR", "SR", "II", "III", "IV"})


def read_ofac_csv(
    path: Path, stats: ReadStats, alt: Path | None = None
) -> Iterator[ListEntry | MalformedEntry]:
    """Every individual of sdn.csv as a ListEntry, with alt.csv's aliases when `alt` is given.

    Raises ValueError when the file is not OFAC's legacy CSV (its first row has not twelve
    columns, or no ent_num).
    """
    aliases: dict[str, list[tuple[str, str]]] = defaultdict(list)
    if alt is not None:
        yield from _read_alt(alt, aliases)
    for line, row in _rows(path, SDN_COLUMNS, "sdn.csv"):
        position = f"line {line}"
        if isinstance(row, MalformedEntry):
            yield MalformedEntry(position, row.reason)
            continue
        kind = _field(row[2]).casefold()
        if kind != "individual":
            stats.skipped[_NON_PERSON_TYPES.get(kind, kind or "entity")] += 1
            continue
        try:
            yield _entry(row, aliases.get(_field(row[0]), []))
        except ValueError as error:
            yield MalformedEntry(position, str(error))


def _read_alt(path: Path, aliases: dict[str, list[tuple[str, str]]]) -> Iterator[MalformedEntry]:
    for line, row in _rows(path, ALT_COLUMNS, "alt.csv"):
        if isinstance(row, MalformedEntry):
            yield MalformedEntry(f"{path.name} line {line}", row.reason)
            continue
        ent_num, name = _field(row[0]), _field(row[3])
        if name:
            aliases[ent_num].append((_field(row[2]).casefold(), name))


def _rows(path: Path, columns: int, what: str) -> Iterator[tuple[int, list[str] | MalformedEntry]]:
    """(line, row) for each record; a row of the wrong width is a MalformedEntry, unless it
    is the first, which means the file is something else (ValueError)."""
    first = True
    with path.open(encoding="utf-8", newline="") as file:
        reader = csv.reader(file)
        line = 1
        while True:
            try:
                row = next(reader)
            except StopIteration:
                break
            except csv.Error as error:
                raise ValueError(f"{path}: not a CSV file ({error}, line {line})") from None
            start, line = line, reader.line_num + 1
            if not row or row == [_END_OF_FILE] or all(not c.strip() for c in row):
                continue
            if len(row) != columns:
                if first:
                    raise ValueError(
                        f"{path}: not OFAC's legacy {what} ({len(row)} columns on line {start},"
                        f" the layout has {columns}; no header line is expected)"
                    )
                yield start, MalformedEntry("", f"{len(row)} columns, expected {columns}")
                continue
            if first and not _field(row[0]).isdigit():
                raise ValueError(f"{path}: not OFAC's legacy {what} (line {start} has no ent_num)")
            first = False
            yield start, row


def _entry(row: list[str], aliases: list[tuple[str, str]]) -> ListEntry:
    ent_num = _field(row[0])
    if not ent_num.isdigit():
        raise ValueError(f"ent_num {row[0]!r} is not a number")
    name = _field(row[1])
    if not name:
        raise ValueError(f"entry {ent_num}: no name")
    names = [_person_name(name, "primary")]
    alias_types: dict[str, str] = {}
    for alias_type, alias in aliases:
        add_once(names, alias_name := _person_name(alias, "alias"))
        if alias_type != "aka":  # fka (formerly) and nka (now known as) are said in extra
            alias_types[alias_name.full] = alias_type
    remarks: list[str] = []
    birth_dates: list[BirthDate] = []
    nationalities: list[str] = []
    documents: list[EntryDocument] = []
    places: list[str] = []
    sex: Literal["M", "F"] | None = None
    for clause in _clauses(_field(row[11])):
        body = re.sub(r"^alt\.\s+", "", clause)
        if match := _WEAK_ALIAS.match(body):
            add_once(names, _person_name(match["name"], "alias", weak=True))
        elif match := _DOB.match(body):
            birth_date = _birth_date(match["text"], bool(match["circa"]), ent_num)
            if birth_date is None:
                remarks.append(clause)
            else:
                add_once(birth_dates, birth_date)
        elif body.startswith("POB "):
            places.append(body.removeprefix("POB ").strip())
        elif body in ("Gender Male", "Gender Female"):
            sex = "M" if body.endswith("Male") else "F"
        elif match := re.match(r"^(?:nationality|citizen)\s+(.+)$", body):
            code = country_code(match[1])
            if code is None:
                remarks.append(clause)
            else:
                add_once(nationalities, code)
        elif (match := _DOCUMENT.match(body)) and any(c.isdigit() for c in match["number"]):
            document, unmapped = _document(match)
            add_once(documents, document)
            if unmapped:
                remarks.append(f"document issued by: {unmapped}")
        else:
            remarks.append(clause)
    extra: dict[str, object] = {}
    if (program := _field(row[3])) and program:
        extra["programs"] = [p.strip("[] ") for p in program.split("] [")]
    if title := _field(row[4]):
        extra["title"] = title
    if alias_types:
        extra["alias_types"] = alias_types
    if places:
        extra["places_of_birth"] = places
    return ListEntry(
        entry_id=ent_num,
        subject="person",
        names=tuple(names),
        birth_dates=tuple(birth_dates),
        sex=sex,
        nationalities=tuple(nationalities),
        documents=tuple(documents),
        remarks="; ".join(remarks) or None,
        extra=extra,
    )


def _person_name(text: str, kind: Literal["primary", "alias"], weak: bool = False) -> EntryName:
    """ "LAST, First" (OFAC's order for individuals) as "First LAST" with its parts; a name
    without the comma stays as written. "DELOS REYES, Feliciano Semborio, Jr." keeps its
    suffix at the end."""
    text = " ".join(text.split())
    parts = [p.strip() for p in text.split(",")]
    suffix = None
    if len(parts) == 3 and parts[2].rstrip(".").upper() in _NAME_SUFFIXES:
        suffix = parts.pop()
    if len(parts) != 2 or not parts[0] or not parts[1]:
        return EntryName(text, kind=kind, weak=weak)
    surname, given = parts
    full = f"{given} {surname}" + (f" {suffix}" if suffix else "")
    return EntryName(full, kind=kind, weak=weak, surname=surname, given_names=given)


def _birth_date(text: str, circa: bool, ent_num: str) -> BirthDate | None:
    """A DOB clause's date; None when it is no date OFAC writes (left in the remarks).
    ValueError for a date that cannot be (31 Feb): the entry is malformed."""
    text = text.strip().rstrip(".")
    if match := _YEAR_RANGE.match(text):
        return _range(_point(match[1]), _point(match[2]), circa, ent_num)
    if " to " in text:
        first, last = (_point(t) for t in text.split(" to ", 1))
        return _range(first, last, circa, ent_num) if first and last else None
    point = _point(text)
    if point is None:
        return None
    try:
        return BirthDate(*point, approximate=circa)
    except ValueError as error:
        raise ValueError(f"entry {ent_num}: DOB {text!r} is not a date ({error})") from None


def _point(text: str) -> tuple[int, int | None, int | None] | None:
    """(year, month, day) of "01 Jan 1960", "Jan 1960" or "1960"."""
    text = text.strip()
    if _YEAR.match(text):
        return int(text), None, None
    if (match := _MONTH_YEAR.match(text)) and (month := month_number(match[1])):
        return int(match[2]), month, None
    if (match := _DAY_MONTH_YEAR.match(text)) and (month := month_number(match[2])):
        return int(match[3]), month, int(match[1])
    return None


def _range(
    first: tuple[int, int | None, int | None] | None,
    last: tuple[int, int | None, int | None] | None,
    circa: bool,
    ent_num: str,
) -> BirthDate | None:
    """ "01 Jan 1960 to 31 Dec 1962" as the years 1960 to 1962; within one year, that year (or
    that month, when both ends are in it): never narrower than what the list says."""
    if first is None or last is None:
        return None
    try:
        for point in (first, last):
            BirthDate(*point)  # each end must be a real date
        if last[0] < first[0]:
            raise ValueError("the range runs backwards")
        if first[0] == last[0]:
            same_month = first[1] is not None and first[1] == last[1]
            return BirthDate(first[0], first[1] if same_month else None, approximate=circa)
        return BirthDate(first[0], to_year=last[0], approximate=circa)
    except ValueError as error:
        raise ValueError(f"entry {ent_num}: DOB range is not a range of dates ({error})") from None


def _document(match: re.Match[str]) -> tuple[EntryDocument, str | None]:
    label, country = match["label"], match["country"]
    issuing_state = country_code(country)
    note = " ".join(w for w in (label, (match["dates"] or "").strip(" ,")) if w)
    unmapped = country if country and issuing_state is None else None
    if unmapped:
        note += f" ({unmapped})"
    return (
        EntryDocument(match["number"], issuing_state, document_type(label), note),
        unmapped,
    )


def _clauses(remarks: str) -> list[str]:
    return [c for part in remarks.split(";") if (c := part.strip().rstrip(".").strip())]


def _field(text: str) -> str:
    text = clean(text) or ""
    return "" if text == _EMPTY else text
