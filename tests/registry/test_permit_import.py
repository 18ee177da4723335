"""The bulk permit import: a permit goes to the traveller holding the document it names, a
second run records nothing twice, and a row naming no real state stops the import."""

import csv
import io
from datetime import UTC, date, datetime

import pytest
from sqlalchemy import func, select

from rmis.registry import import_crossings, import_permits
from rmis.store.schema import permits

NOW = datetime(2026, 11, 23, tzinfo=UTC)
CROSSING = {
    "crossing_id": "0190f2c6-0000-7000-8000-000000000001",
    "direction": "entry",
    "bcp": "KAZ-ALA",
    "occurred_at": "2026-06-01T08:00:00+00:00",
    "issuing_state": "UZB",
    "document_number": "FA1234567",
    "surname": "KARIMOV",
    "given_names": "AZIZ",
    "nationality": "UZB",
    "birth_date": "1990-04-12",
    "sex": "M",
    "expiry_date": "2030-01-01",
    "purpose": "work",
    "officer": "officer.1",
}


def permit(**changes) -> dict:
    row = {
        "issuing_state": "UZB",
        "document_number": "FA1234567",
        "host_state": "KAZ",
        "kind": "work",
        "valid_from": date(2026, 6, 1),
        "valid_to": date(2027, 5, 31),
    }
    return row | changes


def record_the_crossing(engine, tmp_path) -> None:
    path = tmp_path / "crossings.csv"
    with path.open("w", newline="", encoding="utf-8") as f:
        writer = csv.DictWriter(f, fieldnames=list(CROSSING))
        writer.writeheader()
        writer.writerow(CROSSING)
    assert import_crossings(engine, path, io.StringIO(), now=NOW).recorded == 1


def count(engine) -> int:
    with engine.connect() as connection:
        return connection.scalar(select(func.count()).select_from(permits))


def test_a_permit_goes_to_the_documents_holder_once(engine, tmp_path):
    record_the_crossing(engine, tmp_path)
    first = import_permits(engine, [permit(), permit(document_number="FA0000000")], now=NOW)
    assert (first.recorded, first.unknown_document) == (1, 1)
    again = import_permits(engine, [permit()], now=NOW)
    assert (again.recorded, again.already_recorded) == (0, 1)
    assert count(engine) == 1


@pytest.mark.parametrize(
    ("field", "code", "says"),
    [
        ("host_state", "XYZ", "host_state 'XYZ' is not an ICAO 9303 country code"),
        ("issuing_state", "uzb", "write 'UZB'"),
        ("host_state", "UTO", "specimen state"),
    ],
)
def test_a_row_naming_no_real_state_stops_the_import_with_its_line(
    engine, tmp_path, field, code, says
):
    record_the_crossing(engine, tmp_path)
    with pytest.raises(ValueError, match=rf"permit row 2: .*{says}"):
        import_permits(engine, [permit(), permit(**{field: code})], now=NOW)
    assert count(engine) == 0
