"""Published cases on the real lists (../shared/data/alert-lists), read by rmis's readers and
indexed with their aliases and original-script names left out."""

from dataclasses import replace
from pathlib import Path

import pytest

from rmis.screening.entries import ListEntry
from rmis.screening.formats import read
from rmis.screening.index import ScreeningIndex
from rmis.screening.subjects import ScreenedTraveller

DATA = Path(__file__).resolve().parents[4] / "shared" / "data" / "alert-lists"
if not DATA.exists():
    DATA = Path("/work/shared/data/alert-lists")
UN = DATA / "un_sc_consolidated_2026-02-27.xml"
SDN, ALT = DATA / "ofac_sdn_2021-07.csv", DATA / "ofac_alt_2021-07.csv"

pytestmark = pytest.mark.skipif(not UN.exists(), reason="the shared alert lists are not here")


def primary_only(entry: ListEntry) -> ListEntry:
    return replace(entry, names=tuple(n for n in entry.names if n.kind == "primary"))


@pytest.fixture(scope="module")
def lists():
    un = [e for e in read(UN) if isinstance(e, ListEntry) and e.subject == "person"]
    ofac = [e for e in read(SDN, "ofac-csv", alt=ALT) if isinstance(e, ListEntry)]
    ofac = [e for e in ofac if e.subject == "person"]
    return {"un": un, "ofac": ofac}


@pytest.fixture(scope="module")
def index(lists):
    return ScreeningIndex.build(
        (name, primary_only(e)) for name, entries in lists.items() for e in entries
    )


def screen(index, *names, **kwargs):
    return [(h.list, h.entry_id) for h in index.screen(ScreenedTraveller("t", names, **kwargs))]


def test_un_alias_with_other_letters_hits_its_entry(index):
    assert ("un", "CDi.002") in screen(index, "FRANK KAKORERE")


def test_george_bush_is_not_george_habbash(index):
    assert screen(index, "George Bush") == []
    assert ("ofac", "2680") in screen(index, "George HABBASH")


def test_original_script_names_find_their_entries(lists, index):
    """Most UN original-script names (Arabic, some Cyrillic), screened as travellers with the
    entry's own birth date, find their entry though only its Latin name is indexed."""
    found = tried = 0
    for entry in lists["un"]:
        scripts = [n.full for n in entry.names if n.kind == "original_script"]
        for text in scripts:
            tried += 1
            born = entry.birth_dates[0] if entry.birth_dates else None
            hits = screen(index, text, birth_date=born)
            found += ("un", entry.entry_id) in hits
    assert tried > 50
    assert found / tried >= 0.75, (found, tried)
