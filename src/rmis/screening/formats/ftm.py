"""FollowTheMoney (FtM) entity JSON lines: the format OpenSanctions publishes, and rmis's own
exchange format for alert lists.

Reading. A line is one entity: {"id", "schema", "properties": {name: [values]}}. A Person is
an entry (id = entry id): `name` gives primary names, `alias` and `previousName` strong
aliases, `weakAlias` weak ones, `firstName`/`lastName` the parts of a single primary name;
`birthDate` (YYYY, YYYY-MM, YYYY-MM-DD), `gender`, `nationality` and `citizenship` (ISO
alpha-2, mapped to ICAO codes), `passportNumber`, `idNumber` and `notes`. Passport and
Identification entities name their holder and add documents to that person (with issuing
state and type); one without a holder is a listed document of its own. A Sanction's
listingDate is the person's listed_on. Organisations, companies, vessels and aircraft are
counted in the stats and skipped, and so are persons marked `"target": false` (OpenSanctions'
mark for people a file mentions but does not list). Entities can come in any order, so the
file is read twice: once for the documents and sanctions (small), once streaming the persons.

Writing (`write_ftm`). Every entry becomes a valid FtM Person (with its Passport,
Identification and Sanction entities), so any FtM tool reads it. What FtM cannot say (which
name is in the original script, the parts of each name, an approximate date or a range of
years, ICAO-only codes, a document's status, a ban's legal basis...) goes into a top-level
"rmis" object beside "properties", which FtM tools ignore. On reading, that object refines the
properties only where it agrees with them (the same names, dates, countries and document
numbers): if someone edited the properties, the properties win.
"""

from __future__ import annotations

import contextlib
import json
from collections import defaultdict
from collections.abc import Iterable, Iterator
from dataclasses import dataclass, field
from datetime import date
from pathlib import Path
from typing import Any, Literal, TextIO

from rmis.reference.countries import icao_from_alpha2, lookup
from rmis.screening.entries import BirthDate, EntryDocument, EntryName, ListEntry, MalformedEntry
from rmis.screening.formats.common import add_once, document_type
from rmis.screening.formats.stats import ReadStats

EXTENSION = "rmis"
_DOCUMENT_SCHEMATA = ("Passport", "Identification")
# Schemata of listed things that are not people: counted, never read as travellers.
NON_PERSON_SCHEMATA = frozenset(
    {
        "LegalEntity",
        "Organization",
        "Company",
        "PublicBody",
        "Vessel",
        "Airplane",
        "Vehicle",
        "Asset",
        "CryptoWallet",
        "Security",
    }
)
# FtM's longest identifier and name (its types' max_length): longer values are kept in the
# rmis object only, so that the properties stay valid FtM.
MAX_NUMBER = 64
MAX_NAME = 384
_SCALARS = ("status", "child", "legal_basis", "valid_from", "valid_until", "review_on")


# ---------------------------------------------------------------------------- reading


@dataclass
class _Attached:
    """What other entities say about one holder: documents, listing dates."""

    documents: list[tuple[dict[str, Any], int]] = field(default_factory=list)
    listed_on: list[date] = field(default_factory=list)


def read_ftm(path: Path, stats: ReadStats) -> Iterator[ListEntry | MalformedEntry]:
    """Every Person (and every holder-less Passport or Identification) as a ListEntry."""
    attached: dict[str, _Attached] = defaultdict(_Attached)
    for line, entity in _entities(path):
        if isinstance(entity, MalformedEntry):
            continue  # reported on the second pass
        schema = entity.get("schema")
        holders = _values(entity, "holder")
        if schema in _DOCUMENT_SCHEMATA and holders:
            for holder in holders:
                attached[holder].documents.append((entity, line))
        elif schema == "Sanction":
            for target in _values(entity, "entity"):
                for day in _values(entity, "listingDate") or _values(entity, "startDate"):
                    # A sanction's date that is no whole day makes no listing date.
                    with contextlib.suppress(ValueError):
                        attached[target].listed_on.append(date.fromisoformat(day[:10]))
    for line, entity in _entities(path):
        if isinstance(entity, MalformedEntry):
            yield entity
            continue
        schema = entity.get("schema")
        if schema in NON_PERSON_SCHEMATA:
            stats.skipped[schema.casefold()] += 1
            continue
        if schema == "Person" and entity.get("target") is False:
            # OpenSanctions marks the people a file only mentions (relatives, associates,
            # officers of a listed company) as not targets: they are on no list.
            stats.not_listed += 1
            continue
        if schema != "Person" and not (
            schema in _DOCUMENT_SCHEMATA and not _values(entity, "holder")
        ):
            continue
        try:
            if schema == "Person":
                yield _person(entity, attached.get(entity["id"], _Attached()))
            else:
                yield _listed_document(entity)
        except (ValueError, KeyError, TypeError) as error:
            yield MalformedEntry(_position(line, entity), str(error))


def _entities(path: Path) -> Iterator[tuple[int, dict[str, Any] | MalformedEntry]]:
    good = 0
    with path.open(encoding="utf-8") as file:
        for line, text in enumerate(file, start=1):
            if not text.strip():
                continue
            try:
                entity = json.loads(text)
                if not isinstance(entity, dict):
                    raise ValueError("a line is one JSON object")
                if not isinstance(entity.get("id"), str) or not entity["id"].strip():
                    raise ValueError("entity without an id")
                if not isinstance(entity.get("schema"), str):
                    raise ValueError(f"entity {entity['id']}: no schema")
                if not isinstance(entity.get("properties", {}), dict):
                    raise ValueError(f"entity {entity['id']}: properties is not an object")
            except ValueError as error:  # json.JSONDecodeError is a ValueError
                if isinstance(error, json.JSONDecodeError):
                    error = ValueError(f"not a JSON object ({error.msg}, column {error.colno})")
                if good == 0:
                    raise ValueError(
                        f"{path}: not FollowTheMoney entity JSON lines (line {line}: {error})"
                    ) from None
                yield line, MalformedEntry(f"line {line}", str(error))
                continue
            good += 1
            yield line, entity


def _person(entity: dict[str, Any], attached: _Attached) -> ListEntry:
    entry_id = entity["id"]
    ext = _extension_of(entity)
    remarks: list[str] = list(_values(entity, "notes"))
    names = _names(entity)
    if ext.get("names") is not None:
        ext_names = [EntryName(**n) for n in ext["names"]]
        if {n.full for n in ext_names if len(n.full) <= MAX_NAME} == {n.full for n in names}:
            names = ext_names
    birth_dates = _birth_dates(entity, entry_id)
    if ext.get("birth_dates") is not None:
        ext_dates = [BirthDate(**b) for b in ext["birth_dates"]]
        if {d for b in ext_dates for d in _ftm_dates(b)} == set(_values(entity, "birthDate")):
            birth_dates = ext_dates
    unmapped: list[str] = []
    nationalities = _nationalities(entity, unmapped)
    if ext.get("nationalities") is not None:
        ext_codes = [str(code) for code in ext["nationalities"]]
        iso = {a for c in ext_codes if (a := _alpha2(c))}
        if iso == {v.casefold() for v in _nationality_values(entity)}:
            nationalities, unmapped = ext_codes, []
    remarks += [f"nationality: {value}" for value in unmapped]
    documents = _documents(entity, attached)
    if ext.get("documents") is not None:
        ext_documents = [EntryDocument(**d) for d in ext["documents"]]
        if {d.number for d in ext_documents if len(d.number) <= MAX_NUMBER} == {
            d.number for d in documents
        }:
            documents = ext_documents
    listed_on = min(attached.listed_on) if attached.listed_on else _day(ext.get("listed_on"))
    return ListEntry(
        entry_id=entry_id,
        subject="person",
        names=tuple(names),
        birth_dates=tuple(birth_dates),
        sex=_sex(_values(entity, "gender")),
        nationalities=tuple(nationalities),
        documents=tuple(documents),
        listed_on=listed_on,
        remarks="\n".join(remarks) or None,
        **_scalars(ext),
    )


def _listed_document(entity: dict[str, Any]) -> ListEntry:
    """A Passport or Identification with no holder: a listed document (lost, stolen...). What
    the list says about its holder, if anything, is only in the rmis object."""
    ext = _extension_of(entity)
    documents = [_document(entity)] if _values(entity, "number") else []
    if ext.get("documents"):
        ext_documents = [EntryDocument(**d) for d in ext["documents"]]
        if documents and ext_documents[0].number == documents[0].number:
            documents = ext_documents
    return ListEntry(
        entry_id=entity["id"],
        subject="document",
        names=tuple(EntryName(**n) for n in ext.get("names") or ()),
        birth_dates=tuple(BirthDate(**b) for b in ext.get("birth_dates") or ()),
        sex=ext.get("sex"),
        nationalities=tuple(ext.get("nationalities") or ()),
        documents=tuple(documents),
        listed_on=_day(ext.get("listed_on")),
        remarks="\n".join(_values(entity, "description")) or None,
        **_scalars(ext),
    )


def _extension_of(entity: dict[str, Any]) -> dict[str, Any]:
    ext = entity.get(EXTENSION)
    return ext if isinstance(ext, dict) else {}


def _names(entity: dict[str, Any]) -> list[EntryName]:
    names: list[EntryName] = []
    primary = _values(entity, "name")
    first, last = _values(entity, "firstName"), _values(entity, "lastName")
    for full in primary:
        if len(primary) == 1 and len(first) == 1 and len(last) == 1 and last[0] in full:
            add_once(names, EntryName(full, surname=last[0], given_names=first[0]))
        else:
            add_once(names, EntryName(full))
    for full in _values(entity, "alias") + _values(entity, "previousName"):
        add_once(names, EntryName(full, kind="alias"))
    for full in _values(entity, "weakAlias"):
        add_once(names, EntryName(full, kind="alias", weak=True))
    if not names:
        raise ValueError(f"person {entity['id']} has no name")
    return names


def _birth_dates(entity: dict[str, Any], entry_id: str) -> list[BirthDate]:
    found: list[BirthDate] = []
    for text in _values(entity, "birthDate"):
        try:
            add_once(found, BirthDate.parse(text[:10]))
        except ValueError as error:
            raise ValueError(f"person {entry_id}: birthDate {text!r}: {error}") from None
    return found


def _nationality_values(entity: dict[str, Any]) -> list[str]:
    return _values(entity, "nationality") + _values(entity, "citizenship")


def _nationalities(entity: dict[str, Any], unmapped: list[str]) -> list[str]:
    codes: list[str] = []
    for value in _nationality_values(entity):
        code = _icao(value)
        if code is None:
            unmapped.append(value)
        else:
            add_once(codes, code)
    return codes


def _documents(entity: dict[str, Any], attached: _Attached) -> list[EntryDocument]:
    documents: list[EntryDocument] = []
    for document_entity, _ in attached.documents:
        if _values(document_entity, "number"):
            add_once(documents, _document(document_entity))
    numbers = {d.number for d in documents}
    for prop, kind in (("passportNumber", "P"), ("idNumber", None)):
        for number in _values(entity, prop):
            if number not in numbers:
                documents.append(EntryDocument(number, document_type=kind))
                numbers.add(number)
    return documents


def _document(entity: dict[str, Any]) -> EntryDocument:
    countries = _values(entity, "country")
    kinds = _values(entity, "type")
    letter = "P" if entity["schema"] == "Passport" else document_type(" ".join(kinds))
    return EntryDocument(
        number=_values(entity, "number")[0],
        issuing_state=_icao(countries[0]) if countries else None,
        document_type=letter,
        note="; ".join(kinds) or None,
    )


def _scalars(ext: dict[str, Any]) -> dict[str, Any]:
    return {
        "status": ext.get("status"),
        "child": bool(ext.get("child", False)),
        "legal_basis": ext.get("legal_basis"),
        "valid_from": _day(ext.get("valid_from")),
        "valid_until": _day(ext.get("valid_until")),
        "review_on": _day(ext.get("review_on")),
        "extra": dict(ext.get("extra") or {}),
    }


def _sex(values: list[str]) -> Literal["M", "F"] | None:
    found = {v.casefold() for v in values}
    if found == {"male"}:
        return "M"
    if found == {"female"}:
        return "F"
    return None


def _icao(alpha2: str) -> str | None:
    """FtM's lower-case ISO alpha-2 ("de", "xk") as an ICAO code ("D", "RKS")."""
    try:
        return icao_from_alpha2(alpha2)
    except KeyError:
        return None


def _alpha2(icao: str) -> str | None:
    country = lookup(icao)
    return country.alpha2.casefold() if country and country.alpha2 else None


def _values(entity: dict[str, Any], prop: str) -> list[str]:
    values = (entity.get("properties") or {}).get(prop) or []
    return [v for v in values if isinstance(v, str) and v.strip()]


def _day(text: str | None) -> date | None:
    return None if text is None else date.fromisoformat(text)


def _position(line: int, entity: dict[str, Any]) -> str:
    return f"line {line} (entity {entity.get('id')})"


# ---------------------------------------------------------------------------- writing


def write_ftm(entries: Iterable[ListEntry], out: TextIO | Path) -> int:
    """Write each entry as FtM entities, one JSON object a line, to an open text file or a path;
    returns the number of entries written. MalformedEntry items in the stream are passed over
    (they have nothing to write)."""
    if isinstance(out, str | Path):
        with Path(out).open("w", encoding="utf-8") as file:
            return write_ftm(entries, file)
    written = 0
    for entry in entries:
        if isinstance(entry, MalformedEntry):
            continue
        for entity in ftm_entities(entry):
            out.write(json.dumps(entity, ensure_ascii=False, sort_keys=True) + "\n")
        written += 1
    return written


def ftm_entities(entry: ListEntry) -> list[dict[str, Any]]:
    """The FtM entities of one entry: a Person with its documents and listing, or a listed
    document alone."""
    if entry.subject == "document":
        entity = _document_entity(entry.entry_id, entry.documents[0], holder=None)
        if entry.remarks:
            entity["properties"]["description"] = [entry.remarks]
        entity[EXTENSION] = _extension(entry)
        return [entity]
    person = _person_entity(entry)
    entities = [person]
    for number, document in enumerate(entry.documents, start=1):
        if len(document.number) <= MAX_NUMBER:  # a longer one is no FtM identifier
            document_id = f"{entry.entry_id}-doc-{number}"
            entities.append(_document_entity(document_id, document, entry.entry_id))
    if entry.listed_on is not None:
        entities.append(
            {
                "id": f"{entry.entry_id}-listing",
                "schema": "Sanction",
                "properties": {
                    "entity": [entry.entry_id],
                    "listingDate": [entry.listed_on.isoformat()],
                },
            }
        )
    return entities


def _person_entity(entry: ListEntry) -> dict[str, Any]:
    properties: dict[str, list[str]] = defaultdict(list)
    primary = [n for n in entry.names if n.kind == "primary" and not n.weak]
    for name in entry.names:
        prop = "weakAlias" if name.weak else ("name" if name in primary else "alias")
        if len(name.full) <= MAX_NAME and name.full not in properties[prop]:
            properties[prop].append(name.full)
    if not properties["name"]:  # FtM's Person needs a name: the first the entry has
        properties["name"].append(entry.names[0].full[:MAX_NAME])
    if len(primary) == 1 and primary[0].surname and primary[0].given_names:
        properties["lastName"].append(primary[0].surname)
        properties["firstName"].append(primary[0].given_names)
    for birth_date in entry.birth_dates:
        for text in _ftm_dates(birth_date):
            if text not in properties["birthDate"]:
                properties["birthDate"].append(text)
    if entry.sex:
        properties["gender"].append("male" if entry.sex == "M" else "female")
    for code in entry.nationalities:
        if (alpha2 := _alpha2(code)) and alpha2 not in properties["nationality"]:
            properties["nationality"].append(alpha2)
    for document in entry.documents:
        prop = "passportNumber" if document.document_type == "P" else "idNumber"
        if len(document.number) <= MAX_NUMBER and document.number not in properties[prop]:
            properties[prop].append(document.number)
    if entry.remarks:
        properties["notes"].append(entry.remarks)
    return {
        "id": entry.entry_id,
        "schema": "Person",
        "properties": {k: v for k, v in properties.items() if v},
        "target": True,  # OpenSanctions' word for an entity that is itself listed
        EXTENSION: _extension(entry),
    }


def _document_entity(entity_id: str, document: EntryDocument, holder: str | None) -> dict[str, Any]:
    properties: dict[str, list[str]] = {"number": [document.number]}
    if holder is not None:
        properties["holder"] = [holder]
    if document.issuing_state and (alpha2 := _alpha2(document.issuing_state)):
        properties["country"] = [alpha2]
    if document.note:
        properties["type"] = [document.note]
    schema = "Passport" if document.document_type == "P" else "Identification"
    return {"id": entity_id, "schema": schema, "properties": properties}


def _extension(entry: ListEntry) -> dict[str, Any]:
    """What FtM's properties cannot say, in the model's own JSON (the reader checks it
    against the properties before trusting it)."""
    data = entry.to_json()
    ext: dict[str, Any] = {
        key: data[key] for key in ("names", "birth_dates", "nationalities", "documents")
    }
    if entry.subject == "document":  # a person's listing date and sex are in FtM's terms
        ext["listed_on"] = data["listed_on"]
        ext["sex"] = data["sex"]
    for key in (*_SCALARS, "extra"):
        if data[key] not in (None, False, {}):
            ext[key] = data[key]
    return ext


def _ftm_dates(birth_date: BirthDate) -> list[str]:
    """FtM has no ranges or approximate dates: a range of years is each year in it."""
    if birth_date.to_year is not None:
        return [str(year) for year in range(birth_date.year, birth_date.to_year + 1)]
    return [str(BirthDate(birth_date.year, birth_date.month, birth_date.day))]
