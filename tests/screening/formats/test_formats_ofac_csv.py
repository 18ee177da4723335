"""OFAC's SDN list in its legacy CSV layout (sdn.csv with alt.csv), read into ListEntry."""

from __future__ import annotations

import pytest
from alert_list_files import DATA, OFAC_ALT_REAL, OFAC_SDN_REAL, real_list
from entry_strategies import birth_dates
from hypothesis import given, settings
from hypothesis import strategies as st

from rmis.screening.entries import BirthDate, EntryDocument, EntryName, ListEntry, MalformedEntry
from rmis.screening.formats import detect_format, read

SDN = DATA / "ofac_sdn_small.csv"
ALT = DATA / "ofac_alt_small.csv"


def _read(alt=ALT):
    reading = read(SDN, alt=alt)
    items = list(reading)
    entries = {i.entry_id: i for i in items if isinstance(i, ListEntry)}
    return entries, [i for i in items if isinstance(i, MalformedEntry)], reading.stats


def test_detected_from_its_headerless_rows():
    assert detect_format(SDN) == "ofac-csv"
    with pytest.raises(ValueError, match=r"alt\.csv"):
        detect_format(ALT)


def test_last_first_becomes_a_full_name_with_its_parts_and_alt_csv_gives_strong_aliases():
    entries, _, _ = _read()
    assert entries["15653"].names == (
        EntryName("Mostafa ESBATI", surname="ESBATI", given_names="Mostafa"),
        EntryName("Mustafa ESBATI", "alias", surname="ESBATI", given_names="Mustafa"),
    )
    assert entries["15653"].extra["alias_types"] == {"Mustafa ESBATI": "nka"}
    assert entries["99001"].names == (
        EntryName(
            "Feliciano Semborio DELOS REYES Jr.",
            surname="DELOS REYES",
            given_names="Feliciano Semborio",
        ),
    )
    assert entries["99004"].names == (EntryName("ABU ZUBAYDAH"),)  # no comma: as written


def test_weak_aliases_from_the_remarks():
    names = _read()[0]["12328"].names
    assert EntryName("Manzi LEON", "alias", surname="LEON", given_names="Manzi") in names
    assert EntryName("Leo MANZI", "alias", surname="MANZI", given_names="Leo") in names
    assert EntryName("ABU-'UMAR", "alias", weak=True) in names
    sharif = EntryName("Saed SHARIF", "alias", weak=True, surname="SHARIF", given_names="Saed")
    assert sharif in names
    assert _read(alt=None)[0]["12328"].names[1].weak  # without alt.csv: only the weak ones


def test_birth_dates_in_every_way_ofac_writes_them():
    entries, _, _ = _read()
    assert entries["12328"].birth_dates == (
        BirthDate(1954, approximate=True),  # DOB circa 1954
        BirthDate(1953, to_year=1955),  # DOB 1953 to 1955
        BirthDate(1950, 1),  # DOB Jan 1950
        BirthDate(1960, to_year=1962),  # DOB 01 Jan 1960 to 31 Dec 1962
        BirthDate(1970, 2),  # DOB 01 Feb 1970 to 28 Feb 1970
    )
    assert entries["15653"].birth_dates == (BirthDate(1961, 7, 17),)
    assert entries["7883"].birth_dates == (BirthDate(1942),)


def test_sex_nationality_and_documents_from_the_remarks():
    entries, _, _ = _read()
    esbati, mugaragu = entries["15653"], entries["12328"]
    assert esbati.sex == "F" and mugaragu.sex == "M" and entries["7883"].sex is None
    assert mugaragu.nationalities == ("PRK",)
    assert "alt. nationality Palestinian" in mugaragu.remarks  # an adjective: not guessed
    assert esbati.documents == (
        EntryDocument("D9004869", "IRN", "P", "Passport issued 01 Jan 2010 expires 31 Dec 2019"),
        EntryDocument("RL 1794375", None, "P", "Passport (Atlantis)"),
        EntryDocument("660000 73767", "BEL", None, "National ID No."),
    )
    assert "document issued by: Atlantis" in esbati.remarks
    assert entries["7883"].nationalities == ("IRQ",)
    assert entries["7883"].remarks == "Ba'th party regional chairman, at-Tamim"
    assert entries["7883"].extra["places_of_birth"] == ["Suq ash-Shuyukh District, Dhi-Qar, Iraq"]
    assert esbati.extra["programs"] == ["NPWMD", "IFSR"]


def test_non_persons_are_counted_and_broken_rows_reported_by_line():
    entries, malformed, stats = _read()
    assert set(entries) == {"7883", "15653", "12328", "99001", "99004"}
    assert [(m.position, m.reason) for m in malformed] == [
        ("line 6", "entry 99002: DOB '31 Feb 1960' is not a date (day is out of range for month)"),
        ("line 7", "4 columns, expected 12"),
    ]
    assert stats.skipped == {"entity": 1, "vessel": 1, "aircraft": 1}
    assert (stats.persons, stats.malformed, stats.skipped_non_persons) == (5, 2, 3)


def test_a_file_of_another_layout_is_a_clear_error(tmp_path):
    other = tmp_path / "sdn.csv"
    other.write_text("ent_num,name,type\n1,X,individual\n")
    with pytest.raises(ValueError, match=r"not OFAC's legacy sdn\.csv"):
        list(read(other, format="ofac-csv"))
    with pytest.raises(ValueError, match="alt file"):
        read(DATA / "un_small.xml", alt=ALT)


def test_the_real_ofac_list():
    reading = read(real_list(OFAC_SDN_REAL), alt=real_list(OFAC_ALT_REAL))
    entries = {e.entry_id: e for e in reading}
    stats = reading.stats
    assert (stats.persons, stats.malformed) == (4620, 0)
    assert stats.skipped == {"entity": 3673, "vessel": 406, "aircraft": 277}
    names = [n for e in entries.values() for n in e.names]
    assert (len(names), sum(n.weak for n in names)) == (12646, 1755)
    assert sum(bool(e.birth_dates) for e in entries.values()) == 4428
    assert sum(len(e.documents) for e in entries.values()) == 3007
    tuchkov = entries["26667"]
    assert tuchkov.names[0] == EntryName(
        "Ivan Dmitriyevich TUCHKOV", surname="TUCHKOV", given_names="Ivan Dmitriyevich"
    )
    assert tuchkov.birth_dates == (BirthDate(1986, 11, 27),) and tuchkov.sex == "M"
    assert [(d.number, d.issuing_state) for d in tuchkov.documents[:2]] == [
        ("45092006504", "RUS"),
        ("753931329", "RUS"),
    ]
    assert entries["15496"].birth_dates == (BirthDate(1929, to_year=1930),)
    assert EntryName("PO KONG", "alias", weak=True) in entries["11275"].names


_MONTHS = ("Jan", "Feb", "Mar", "Apr", "May", "Jun", "Jul", "Aug", "Sep", "Oct", "Nov", "Dec")
_WORD = st.text("ABCDEFGHIJKLMNOPQRSTUVWXYZ-", min_size=1, max_size=9).filter(lambda w: w != "-")
_COUNTRIES = {"IRN": "Iran", "RUS": "Russia", "PRK": "Korea, North", "D": "Germany"}


def _ofac_dob(birth: BirthDate) -> str:
    """A birth date as OFAC writes it in the remarks."""
    if birth.to_year is not None:
        text = f"{birth.year} to {birth.to_year}"
    elif birth.day is not None:
        text = f"{birth.day:02d} {_MONTHS[birth.month - 1]} {birth.year}"
    elif birth.month is not None:
        text = f"{_MONTHS[birth.month - 1]} {birth.year}"
    else:
        text = str(birth.year)
    return f"DOB {'circa ' if birth.approximate else ''}{text}"


@st.composite
def _sdn_rows(draw):
    surname = " ".join(draw(st.lists(_WORD, min_size=1, max_size=2)))
    given_names = " ".join(draw(st.lists(_WORD, min_size=1, max_size=3))).title()
    weak = draw(st.lists(_WORD, max_size=2, unique=True))
    births = draw(st.lists(birth_dates(), max_size=3, unique=True))
    sex = draw(st.sampled_from((None, "M", "F")))
    nationalities = draw(st.lists(st.sampled_from(sorted(_COUNTRIES)), max_size=2, unique=True))
    passports = draw(st.lists(st.from_regex(r"[A-Z]{0,2}[0-9]{5,9}", fullmatch=True), max_size=2))
    clauses = [("alt. " if i else "") + _ofac_dob(b) for i, b in enumerate(births)]
    clauses += [f"nationality {_COUNTRIES[code]}" for code in nationalities]
    if sex:
        clauses.append(f"Gender {'Male' if sex == 'M' else 'Female'}")
    clauses += [f"Passport {number} (Iran)" for number in passports]
    clauses += [f"a.k.a. '{name}'" for name in weak]
    remarks = f'"{"; ".join(clauses)}."' if clauses else "-0- "
    row = f'1,"{surname}, {given_names}","individual","SDGT",-0- ,' + "-0- ," * 6 + remarks
    entry = ListEntry(
        "1",
        "person",
        names=(
            EntryName(f"{given_names} {surname}", surname=surname, given_names=given_names),
            *(EntryName(name, "alias", weak=True) for name in weak),
        ),
        birth_dates=tuple(births),
        sex=sex,
        nationalities=tuple(nationalities),
        documents=tuple(EntryDocument(n, "IRN", "P", "Passport") for n in dict.fromkeys(passports)),
        extra={"programs": ["SDGT"]},
    )
    return row, entry


@settings(max_examples=100, deadline=None)
@given(_sdn_rows())
def test_a_row_written_as_ofac_does_is_read_back(tmp_path_factory, row_and_entry):
    row, entry = row_and_entry
    path = tmp_path_factory.mktemp("ofac") / "sdn.csv"
    path.write_text(row + "\r\n", encoding="utf-8")
    (read_back,) = read(path)
    assert read_back == entry and read_back.remarks is None
