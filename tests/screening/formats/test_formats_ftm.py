"""FollowTheMoney entity JSON lines: OpenSanctions' files read, rmis's own written and read back.

tests/screening/data/un_sc_consolidated.ftm.jsonl is the UN list converted by write_ftm:

    reading = read(Path("un_sc_consolidated_2026-02-27.xml"))
    with open("un_sc_consolidated.ftm.jsonl", "w", encoding="utf-8") as out:
        write_ftm(reading, out)

test_the_committed_file_is_the_real_un_list_converted holds it to that.
"""

from __future__ import annotations

import io
import json
from datetime import date

import pytest
from alert_list_files import DATA, UN_REAL, real_list
from entry_strategies import entry_lists
from followthemoney import model
from hypothesis import given, settings

from rmis.screening.entries import BirthDate, EntryDocument, EntryName, ListEntry, MalformedEntry
from rmis.screening.formats import detect_format, read, write_ftm

UN_FTM = DATA / "un_sc_consolidated.ftm.jsonl"
OPENSANCTIONS = DATA / "opensanctions_small.ftm.jsonl"


def _read_back(entries: list[ListEntry], tmp_path) -> list[ListEntry | MalformedEntry]:
    path = tmp_path / "list.ftm.jsonl"
    with path.open("w", encoding="utf-8") as out:
        assert write_ftm(entries, out) == len(entries)
    return list(read(path, format="ftm"))


def test_an_opensanctions_file_in_any_entity_order():
    reading = read(OPENSANCTIONS)
    assert reading.format == "ftm"
    items = list(reading)
    person = next(i for i in items if isinstance(i, ListEntry) and i.subject == "person")
    assert person.entry_id == "NK-ivanov"
    assert person.names == (
        EntryName("Ivan Dmitriyevich Tuchkov", surname="Tuchkov", given_names="Ivan Dmitriyevich"),
        EntryName("Иван Дмитриевич Тучков", "alias"),
        EntryName("Vanya", "alias", weak=True),
    )
    assert person.birth_dates == (BirthDate(1986, 11, 27), BirthDate(1986))
    assert person.sex == "M"
    assert person.nationalities == ("RUS", "D")  # "de" is ICAO's D
    assert person.remarks == "Linked To: EVIL CORP\nnationality: suhh"  # never guessed
    # The Passport came before its holder in the file; passportNumber adds the other one.
    assert person.documents == (
        EntryDocument("753931329", "RUS", "P", "Foreign passport"),
        EntryDocument("AB123", "KAZ", "I", "national identity card"),
        EntryDocument("45092006504", None, "P"),
        EntryDocument("1234", None, None),
    )
    assert person.listed_on == date(2019, 12, 5)  # the Sanction's listingDate
    lost = next(i for i in items if isinstance(i, ListEntry) and i.subject == "document")
    assert lost.entry_id == "NK-lost-1"
    assert lost.documents == (EntryDocument("N1234567", "KAZ", "P"),)
    malformed = [i for i in items if isinstance(i, MalformedEntry)]
    assert [m.position for m in malformed] == ["line 8", "line 9 (entity NK-bad-date)"]
    assert "1960-02-30" in malformed[1].reason
    stats = reading.stats
    assert stats.skipped == {"organization": 1, "vessel": 1}
    assert (stats.persons, stats.documents, stats.malformed, stats.not_listed) == (1, 1, 2, 1)
    assert stats.summary() == (
        "1 persons, 1 documents, 2 skipped (1 organization, 1 vessel), "
        "1 persons mentioned but not listed, 2 malformed"
    )


def test_write_ftm_takes_a_path_and_passes_malformed_entries_over(tmp_path):
    items = list(read(DATA / "un_small.xml"))
    assert any(isinstance(i, MalformedEntry) for i in items)
    path = tmp_path / "un.ftm.jsonl"
    assert write_ftm(items, path) == 3
    assert list(read(path)) == [i for i in items if isinstance(i, ListEntry)]


def test_a_file_that_is_not_ftm_is_a_clear_error(tmp_path):
    path = tmp_path / "x.jsonl"
    path.write_text('{"a": 1}\n')
    with pytest.raises(ValueError, match="not an FtM entity"):
        detect_format(path)
    with pytest.raises(ValueError, match="not FollowTheMoney entity JSON lines"):
        list(read(path, format="ftm"))


@settings(max_examples=80, deadline=None)
@given(entry_lists())
def test_write_then_read_gives_back_the_same_entries(tmp_path_factory, entries):
    back = _read_back(entries, tmp_path_factory.mktemp("ftm"))
    assert back == entries
    assert [e.to_json() for e in back] == [e.to_json() for e in entries]  # extra too


@settings(max_examples=50, deadline=None)
@given(entry_lists())
def test_without_the_rmis_object_the_properties_still_say_the_essentials(tmp_path_factory, entries):
    """What any FtM tool (and OpenSanctions' own files) carries: names, dates, documents."""
    out = io.StringIO()
    write_ftm(entries, out)
    stripped = tmp_path_factory.mktemp("ftm") / "stripped.ftm.jsonl"
    lines = [json.loads(line) for line in out.getvalue().splitlines()]
    for line in lines:
        line.pop("rmis", None)
    stripped.write_text("".join(json.dumps(line) + "\n" for line in lines), encoding="utf-8")
    back = {e.entry_id: e for e in read(stripped, format="ftm")}
    for entry in entries:
        read_back = back[entry.entry_id]
        if entry.subject == "document":  # a listed document is one FtM Passport/Identification
            assert read_back.documents[0].number == entry.documents[0].number
        else:
            assert {d.number for d in read_back.documents} == {d.number for d in entry.documents}
            assert {n.full for n in read_back.names} == {n.full for n in entry.names}
            assert read_back.sex == entry.sex
            assert read_back.listed_on == entry.listed_on
            years = {y for b in entry.birth_dates for y in range(b.year, (b.to_year or b.year) + 1)}
            assert {b.year for b in read_back.birth_dates} == years


def _committed_entities() -> list[dict]:
    with UN_FTM.open(encoding="utf-8") as file:
        return [json.loads(line) for line in file]


def test_the_committed_un_file_holds_to_the_followthemoney_model():
    entities = _committed_entities()
    ids = {e["id"] for e in entities}
    assert len(ids) == len(entities)
    for entity in entities:
        schema = model.get(entity["schema"])
        assert schema is not None and not schema.abstract, entity["schema"]
        properties = entity["properties"]
        for name, values in properties.items():
            prop = schema.get(name)
            assert prop is not None, f"{entity['id']}: {schema.name} has no property {name}"
            assert values and all(prop.type.validate(v) for v in values), (entity["id"], name)
            if prop.type.name == "entity":
                assert set(values) <= ids, (entity["id"], name, values)
        assert set(schema.required) <= set(properties), (entity["id"], schema.required)
        schema.validate(entity)
        proxy = model.get_proxy(entity, cleaned=False)
        assert proxy.id == entity["id"] and proxy.schema is schema
    schemata = ("Person", "Passport", "Identification", "Sanction")
    counts = {s: sum(e["schema"] == s for e in entities) for s in schemata}
    assert counts == {"Person": 730, "Passport": 317, "Identification": 148, "Sanction": 730}


def test_the_committed_file_reads_back_into_the_un_entries():
    reading = read(UN_FTM)
    entries = {e.entry_id: e for e in reading}
    assert reading.stats.persons == 730 and reading.stats.malformed == 0
    kakolele = entries["CDi.002"]
    assert kakolele.names[:2] == (
        EntryName("FRANK KAKOLELE BWAMBALE"),
        EntryName("FRANK KAKORERE", kind="alias"),
    )
    assert kakolele.nationalities == ("COD",) and kakolele.listed_on == date(2005, 11, 1)
    assert BirthDate(1955, to_year=1958, approximate=True) in entries["TAi.002"].birth_dates


def test_the_committed_file_is_the_real_un_list_converted():
    un = list(read(real_list(UN_REAL)))
    out = io.StringIO()
    write_ftm(un, out)
    assert out.getvalue() == UN_FTM.read_text(encoding="utf-8")
    assert list(read(UN_FTM)) == un
