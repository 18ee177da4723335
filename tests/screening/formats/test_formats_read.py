"""read() and detect_format(): the door of the list formats."""

from __future__ import annotations

import pytest
from alert_list_files import DATA, OFAC_SDN_REAL, REAL_LISTS, UN_REAL, real_list

from rmis.screening.formats import FORMATS, ReadStats, detect_format, read


def test_the_four_formats():
    assert set(FORMATS) == {"un-xml", "ofac-csv", "ftm", "documents-csv"}


@pytest.mark.parametrize(
    ("name", "format"),
    [
        ("un_small.xml", "un-xml"),
        ("ofac_sdn_small.csv", "ofac-csv"),
        ("opensanctions_small.ftm.jsonl", "ftm"),
        ("un_sc_consolidated.ftm.jsonl", "ftm"),
    ],
)
def test_detects_each_fixture(name, format):
    assert detect_format(DATA / name) == format


def test_detects_the_real_lists_and_refuses_what_is_no_list():
    assert detect_format(real_list(UN_REAL)) == "un-xml"
    assert detect_format(real_list(OFAC_SDN_REAL)) == "ofac-csv"
    with pytest.raises(ValueError, match="cannot tell the list format"):
        detect_format(real_list(REAL_LISTS / "yente_negatives_global.csv"))
    with pytest.raises(ValueError, match="cannot tell the list format"):
        detect_format(real_list(REAL_LISTS / "README.md"))


def test_an_unknown_format_name_and_an_empty_file_are_clear_errors(tmp_path):
    with pytest.raises(ValueError, match="unknown list format 'csv'"):
        read(DATA / "un_small.xml", format="csv")
    empty = tmp_path / "empty.xml"
    empty.write_text("")
    with pytest.raises(ValueError, match="cannot tell the list format"):
        detect_format(empty)
    with pytest.raises(ValueError, match=r"not well-formed XML|empty file"):
        list(read(empty, format="un-xml"))


def test_the_stats_are_counted_as_the_list_is_read():
    reading = read(DATA / "un_small.xml")
    assert reading.stats == ReadStats()
    next(reading)
    assert reading.stats.persons == 1
    list(reading)
    assert reading.stats.summary() == "3 persons, 2 skipped (2 entity), 2 malformed"


def test_a_file_that_is_not_utf8_is_a_clear_error(tmp_path):
    path = tmp_path / "sdn.csv"
    path.write_bytes('1,"MU\xd1OZ, Jos\xe9","individual","SDGT"'.encode("latin-1") + b",-0- " * 8)
    with pytest.raises(ValueError, match="not UTF-8 text"):
        list(read(path, format="ofac-csv"))
