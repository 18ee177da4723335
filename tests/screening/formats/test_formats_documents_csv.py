"""The CSV of lost, stolen and revoked travel documents."""

from __future__ import annotations

import io
from datetime import date

import pytest
from entry_strategies import document_entries
from hypothesis import given, settings

from rmis.screening.entries import EntryDocument, ListEntry, MalformedEntry
from rmis.screening.formats import detect_format, read
from rmis.screening.formats.documents_csv import write_documents_csv

HEADER = "entry_id,issuing_state,document_number,document_type,reported_on,status\n"


def _write(tmp_path, body: str):
    path = tmp_path / "documents.csv"
    path.write_text(HEADER + body, encoding="utf-8")
    return path


def test_rows_become_document_entries_and_bad_rows_are_reported_by_line(tmp_path):
    path = _write(
        tmp_path,
        "D-1,KAZ,N1234567,P,2024-03-01,stolen\n"
        "D-2,Germany,C01X00T47,I,2024-03-02,lost\n"
        "D-3,XYZ,123,P,2024-03-02,lost\n"
        "D-4,UZB,AA1234567,P,2024-02-30,lost\n"
        "D-5,UZB,AA1234568,Q,,lost\n"
        "D-6,UZB,AA1234569,P,,burnt\n"
        "D-1,KGZ,ID000001,,,\n"
        "D-7,KGZ\n"
        "D-8,,AB000001,,,revoked\n",
    )
    assert detect_format(path) == "documents-csv"
    reading = read(path)
    items = list(reading)
    entries = [i for i in items if isinstance(i, ListEntry)]
    assert entries == [
        ListEntry(
            "D-1",
            "document",
            documents=(EntryDocument("N1234567", "KAZ", "P"),),
            listed_on=date(2024, 3, 1),
            status="stolen",
        ),
        ListEntry(
            "D-2",
            "document",
            documents=(EntryDocument("C01X00T47", "D", "I"),),
            listed_on=date(2024, 3, 2),
            status="lost",
        ),
        ListEntry("D-8", "document", documents=(EntryDocument("AB000001"),), status="revoked"),
    ]
    malformed = {m.position: m.reason for m in items if isinstance(m, MalformedEntry)}
    assert list(malformed) == ["line 4", "line 5", "line 6", "line 7", "line 8", "line 9"]
    assert "'XYZ' is neither an ICAO 9303 code" in malformed["line 4"]
    assert "2024-02-30" in malformed["line 5"]
    assert "'Q' is not an ICAO type letter" in malformed["line 6"]
    assert "'burnt' is none of" in malformed["line 7"]
    assert "'D-1' given twice" in malformed["line 8"]
    assert "2 columns" in malformed["line 9"]
    assert (reading.stats.documents, reading.stats.malformed) == (3, 6)


def test_a_file_without_the_header_is_a_clear_error(tmp_path):
    path = tmp_path / "documents.csv"
    path.write_text("entry_id,number\nD-1,N1\n")
    with pytest.raises(ValueError, match="the first line must be the header"):
        list(read(path, format="documents-csv"))
    with pytest.raises(ValueError, match="cannot tell the list format"):
        detect_format(path)


@settings(max_examples=100, deadline=None)
@given(document_entries())
def test_the_documents_csv_round_trips(tmp_path_factory, entries):
    out = io.StringIO()
    assert write_documents_csv(entries, out) == len(entries)
    path = tmp_path_factory.mktemp("documents") / "documents.csv"
    path.write_text(out.getvalue(), encoding="utf-8")
    assert list(read(path)) == entries
