"""The UN Security Council consolidated list XML, read into ListEntry."""

from __future__ import annotations

from datetime import date

import pytest
from alert_list_files import DATA, UN_REAL, real_list

from rmis.screening.entries import BirthDate, EntryDocument, EntryName, ListEntry, MalformedEntry
from rmis.screening.formats import detect_format, read
from rmis.screening.formats.un_xml import alias_names, document_number


def _read_small() -> tuple[dict[str, ListEntry], list[MalformedEntry], object]:
    reading = read(DATA / "un_small.xml")
    items = list(reading)
    entries = {i.entry_id: i for i in items if isinstance(i, ListEntry)}
    malformed = [i for i in items if isinstance(i, MalformedEntry)]
    return entries, malformed, reading.stats


def test_detects_the_un_list_from_its_content():
    assert detect_format(DATA / "un_small.xml") == "un-xml"


def test_names_aliases_by_quality_and_original_script():
    entries, _, _ = _read_small()
    kakolele = entries["CDi.002"]
    assert kakolele.names == (
        EntryName("FRANK KAKOLELE BWAMBALE"),
        EntryName("FRANK KAKORERE", kind="alias"),
        EntryName("AIGLE BLANC", kind="alias", weak=True),
    )
    asiri = entries["QDi.291"]
    assert asiri.names[0] == EntryName("IBRAHIM HASSAN TALI AL-ASIRI")
    assert EntryName("إبراهيم حسن طالع العسيري", kind="original_script") in asiri.names
    # One ALIAS_NAME field holding several names, a name with its other script in brackets.
    fulls = [n.full for n in asiri.names]
    assert fulls[1:5] == ["Javad Rahigi", "Jawad Rahigi", "Jin Tiesan", "金铁三"]
    assert EntryName("AWES, Hassan Dahir", "alias", surname="AWES", given_names="Hassan Dahir") in (
        asiri.names
    )
    assert EntryName("Abubakar", "alias", weak=True) in asiri.names
    assert EntryName("Абубакар", "original_script", weak=True) in asiri.names


def test_birth_dates_as_precise_as_the_list_gives_them():
    entries, _, _ = _read_small()
    assert entries["QDi.291"].birth_dates == (
        BirthDate(1982, 4, 19),
        BirthDate(1960, approximate=True),
        BirthDate(1955, to_year=1958, approximate=True),
        BirthDate(1973, 11),  # "Nov. 1973" in the NOTE
        BirthDate(1958, 9),  # YEAR 1958 with NOTE "Sep."
        BirthDate(1958, 2, 22),  # an alias's own DATE_OF_BIRTH
    )
    assert "date of birth: 24/06/1402 (Hijri Calendar)" in entries["QDi.291"].remarks
    assert entries["CDi.002"].birth_dates == ()


def test_sex_nationality_documents_and_listing_date():
    entries, _, _ = _read_small()
    asiri = entries["QDi.291"]
    assert asiri.sex == "F" and entries["CDi.002"].sex == "M" and entries["KPi.016"].sex is None
    assert asiri.nationalities == ("IRN",)
    assert "nationality: former Soviet Union" in asiri.remarks  # never guessed
    assert entries["CDi.002"].nationalities == ("COD",)
    assert entries["KPi.016"].nationalities == ("PRK",)
    passport, identity_card = asiri.documents
    assert passport == EntryDocument(
        "F654645", "SAU", "P", "Passport; expired on 7 Mar. 2010; issued 2005-04-30"
    )
    assert identity_card.number == "1028745097" and identity_card.issuing_state is None
    assert identity_card.document_type == "I"
    assert "document issued by: Atlantis" in asiri.remarks
    assert asiri.listed_on == date(2011, 3, 24)  # "2011-03-24-04:00": xs:date with a zone
    assert entries["CDi.002"].remarks == "Left the CNDP in January 2008."
    assert asiri.extra["places_of_birth"] == ["Riyadh, Saudi Arabia"]


def test_a_broken_record_is_reported_with_its_position_and_the_rest_reads():
    entries, malformed, stats = _read_small()
    assert set(entries) == {"CDi.002", "QDi.291", "KPi.016"}  # KPi.016 comes after the broken
    assert [m.position for m in malformed] == [
        "INDIVIDUAL 3 (DATAID 6900001)",
        "INDIVIDUAL 4 (DATAID 6900002)",
    ]
    assert "1970-02-30" in malformed[0].reason
    assert "REFERENCE_NUMBER" in malformed[1].reason
    assert (stats.persons, stats.malformed, stats.skipped_non_persons) == (3, 2, 2)
    assert stats.skipped == {"entity": 2}


def test_a_file_that_is_not_the_list_is_a_clear_error(tmp_path):
    broken = tmp_path / "broken.xml"
    broken.write_text("<CONSOLIDATED_LIST><INDIVIDUALS><INDIVIDUAL>")
    with pytest.raises(ValueError, match="not well-formed XML"):
        list(read(broken, format="un-xml"))
    other = tmp_path / "other.xml"
    other.write_text("<rss><channel/></rss>")
    with pytest.raises(ValueError, match="not the UN consolidated list"):
        list(read(other, format="un-xml"))
    with pytest.raises(ValueError, match="not the UN consolidated list"):
        detect_format(other)


def test_the_real_un_list():
    reading = read(real_list(UN_REAL))
    entries = {e.entry_id: e for e in reading}
    assert all(isinstance(e, ListEntry) for e in entries.values())
    assert (reading.stats.persons, reading.stats.skipped["entity"]) == (730, 273)
    assert len(entries) == 730 and reading.stats.malformed == 0
    kakolele = entries["CDi.002"]
    assert kakolele.names[0] == EntryName("FRANK KAKOLELE BWAMBALE")
    assert EntryName("FRANK KAKORERE", kind="alias") in kakolele.names
    assert EntryName("FRANK KAKORERE BWAMBALE", kind="alias") in kakolele.names
    assert kakolele.nationalities == ("COD",) and kakolele.sex == "M"
    assert kakolele.listed_on == date(2005, 11, 1)
    akhund = entries["TAi.002"]
    assert BirthDate(1955, to_year=1958, approximate=True) in akhund.birth_dates
    assert EntryName("محمد حسن آخوند", kind="original_script") in akhund.names
    asiri = entries["QDi.291"]
    assert EntryDocument("F654645", "SAU", "P") == EntryDocument(
        asiri.documents[0].number, asiri.documents[0].issuing_state, "P"
    )
    names = [n for e in entries.values() for n in e.names]
    counts = {
        "names": sum(len(e.names) for e in entries.values()),
        "weak": sum(n.weak for n in names),
        "original_script": sum(n.kind == "original_script" for n in names),
        "with_birth_date": sum(bool(e.birth_dates) for e in entries.values()),
        "documents": sum(len(e.documents) for e in entries.values()),
    }
    assert counts == {
        "names": 3270,
        "weak": 628,
        "original_script": 341,
        "with_birth_date": 678,
        "documents": 465,
    }


@pytest.mark.parametrize(
    ("written", "names", "remark"),
    [
        (
            "Javad Rahigi; Jawad Rahigi",
            [("Javad Rahigi", "alias"), ("Jawad Rahigi", "alias")],
            None,
        ),
        (
            "حسن غول (Hassan Ghul; Hasan Gul)",
            [("حسن غول", "alias"), ("Hassan Ghul", "alias"), ("Hasan Gul", "alias")],
            None,
        ),
        (
            "Abubakar (original script: Абубакар)",
            [("Abubakar", "alias"), ("Абубакар", "original_script")],
            None,
        ),
        ("EL PARA (COMBAT NAME)", [("EL PARA", "alias")], "alias EL PARA: COMBAT NAME"),
        (
            "Encep Nurjaman (birth name)",
            [("Encep Nurjaman", "alias")],
            "alias Encep Nurjaman: birth name",
        ),
        (
            "Safia Farkash Mohammed Al-Hadad, born 1 Jan. 1953 (Oman passport no.03825239)",
            [("Safia Farkash Mohammed Al-Hadad", "alias")],
            "alias Safia Farkash Mohammed Al-Hadad: born 1 Jan. 1953 (Oman passport no.03825239)",
        ),
        ("Lom-ali Butayev (Butaev)", [("Lom-ali Butayev (Butaev)", "alias")], None),  # as written
        ('"HASSAN, Sheikh"', [("HASSAN, Sheikh", "alias")], None),
    ],
)
def test_the_names_one_alias_field_holds(written, names, remark):
    remarks: list[str] = []
    read_names = alias_names(written, weak=False, remarks=remarks)
    assert [(n.full, n.kind) for n in read_names] == names
    assert remarks == ([remark] if remark else [])


@pytest.mark.parametrize(
    ("written", "number", "state"),
    [
        ("F654645", "F654645", None),
        ("CAR diplomatic passport no. D00000898", "D00000898", None),
        (
            "Central African Republic armed forces (FACA) Military identification number 911-10-77",
            "911-10-77",
            None,
        ),
        ("381110042 (Expired 25 Jan. 2016)", "381110042", None),
        ("R00012098, South Sudan", "R00012098", "SSD"),
        ("German travel document (“Reiseausweis”) A 0139243", "A 0139243", None),
        ("Russian passport number 8208 No. 555627", "8208 555627", None),
        ("TR-P 614 166", "TR-P 614 166", None),
    ],
)
def test_the_number_in_a_number_field_written_with_words(written, number, state):
    read_number, as_written, read_state = document_number(written)
    assert (read_number, read_state) == (number, state)
    assert as_written == (None if number == written else written)
