"""Retention by law: a record erased on its day and not a day before, in the record and in the
warehouse; legal holds; the lawfully present never; overstayers after the longer term."""

from dataclasses import replace
from datetime import UTC, date, datetime, timedelta

import pyarrow.parquet as pq
import pytest
from sqlalchemy import func, select
from uuid6 import uuid7

from rmis.reference.stay_rules import load_stay_rules
from rmis.registry import (
    Direction,
    DocumentSeen,
    NewCrossing,
    Purpose,
    load_timelines,
    record_crossings,
)
from rmis.retention import (
    add_years,
    erase_from_warehouse,
    load_retention_rules,
    place_hold,
    run_retention,
)
from rmis.security import AccessDenied, Principal, Role
from rmis.stay import TravellerTimeline, find_overstays
from rmis.store.schema import audit_log, crossings, documents, erasures, travellers
from rmis.warehouse import read_manifest, sync_warehouse

OFFICER = Principal("officer.ala", Role.BORDER_OFFICER, "KAZ", frozenset({"KAZ-ALA"}))
SUPERVISOR = Principal("sup.kaz", Role.SUPERVISOR, "KAZ")
KEY = b"k" * 32
STAY = load_stay_rules()
RULES = load_retention_rules()


# Four people no linking could take for one: names, birth dates and sexes all differ.
PEOPLE = {
    "FA1000001": ("KARIMOV", "ALISHER", date(1971, 2, 3), "M"),
    "FA1000002": ("YUSUPOVA", "DILNOZA", date(1985, 7, 9), "F"),
    "FA1000003": ("TURSUNOV", "BEKZOD", date(1999, 11, 30), "M"),
    "FA1000009": ("NAZAROVA", "GULNORA", date(1962, 4, 14), "F"),
}


def passport(number: str) -> DocumentSeen:
    surname, given, born, sex = PEOPLE[number]
    return DocumentSeen(issuing_state="UZB", number=number, document_type="P", surname=surname,
                        given_names=given, nationality="UZB", birth_date=born, sex=sex,
                        expiry_date=date(2031, 1, 1))  # fmt: skip


def cross(engine, document, direction, day: date) -> None:
    at = datetime.combine(day, datetime.min.time(), tzinfo=UTC) + timedelta(hours=12)
    crossing = NewCrossing(id=uuid7(), direction=direction, bcp_code="KAZ-ALA", occurred_at=at,
                           document=document, purpose=Purpose.WORK)  # fmt: skip
    record_crossings(engine, OFFICER, [crossing], now=at + timedelta(hours=1))


def traveller_of(engine, number):
    with engine.connect() as connection:
        return connection.execute(
            select(documents.c.traveller_id).where(documents.c.number == number)
        ).scalar()


def crossing_ids(engine, number) -> set[str]:
    with engine.connect() as connection:
        return {
            str(i)
            for i in connection.execute(
                select(crossings.c.id)
                .join(documents, documents.c.id == crossings.c.document_id)
                .where(documents.c.number == number)
            ).scalars()
        }


def warehouse_ids(root, column: str, files) -> set[str]:
    return {v for f in files for v in pq.read_table(root / f, columns=[column])[column].to_pylist()}


def run(engine, root, on: date):
    now = datetime.combine(on, datetime.min.time(), tzinfo=UTC) + timedelta(hours=2)
    [result] = run_retention(engine, RULES, lambda s: lambda nat: STAY.schedule(s, nat), on, now,
                             states=["KAZ"])  # fmt: skip
    erase_from_warehouse(engine, root)
    return result


@pytest.fixture
def record(engine, tmp_path):
    left = passport("FA1000001")  # left in time: 3 years after the exit
    held = passport("FA1000002")  # the same, under a legal hold
    overstayer = passport("FA1000003")  # never left: 5 years after the lawful end
    for document in (left, held):
        cross(engine, document, Direction.ENTRY, date(2020, 3, 1))
        cross(engine, document, Direction.EXIT, date(2020, 3, 20))
    cross(engine, overstayer, Direction.ENTRY, date(2020, 3, 1))
    root = tmp_path / "warehouse"
    sync_warehouse(engine, root, datetime(2020, 4, 1, tzinfo=UTC), key=KEY)
    place_hold(engine, SUPERVISOR, traveller_of(engine, "FA1000002"), "court case 17/2022",
               datetime(2022, 1, 1, tzinfo=UTC))  # fmt: skip
    return root


def test_a_record_is_erased_on_its_day_and_not_a_day_before(engine, record):
    root = record
    left_crossings = crossing_ids(engine, "FA1000001")
    left_traveller = traveller_of(engine, "FA1000001")
    due = add_years(date(2020, 3, 20), RULES.of("KAZ").crossings_years)
    assert due == date(2023, 3, 20)

    before = run(engine, root, due - timedelta(days=1))
    assert (before.travellers, before.crossings) == (0, 0)
    manifest = read_manifest(root)
    assert left_crossings <= warehouse_ids(root, "crossing_id", manifest.crossing_files())

    on_the_day = run(engine, root, due)
    assert (on_the_day.travellers, on_the_day.crossings, on_the_day.held) == (1, 2, 1)
    assert crossing_ids(engine, "FA1000001") == set()
    assert traveller_of(engine, "FA1000001") is None
    with engine.connect() as connection:
        assert (
            connection.execute(
                select(func.count())
                .select_from(travellers)
                .where(travellers.c.id == left_traveller)
            ).scalar()
            == 0
        )
    manifest = read_manifest(root)
    in_warehouse = warehouse_ids(root, "crossing_id", manifest.crossing_files())
    assert not left_crossings & in_warehouse
    # The held traveller and the overstayer are still there, in both.
    assert crossing_ids(engine, "FA1000002") <= in_warehouse
    assert crossing_ids(engine, "FA1000003") <= in_warehouse
    documents_left = warehouse_ids(root, "document_id", manifest.documents)
    assert len(documents_left) == 2
    with engine.connect() as connection:
        counts = connection.execute(
            select(erasures.c.on_day, erasures.c.travellers, erasures.c.crossings).order_by(
                erasures.c.on_day
            )
        ).all()
        audited = (
            connection.execute(
                select(audit_log.c.detail).where(audit_log.c.action == "retention.erase")
            )
            .scalars()
            .all()
        )
    assert [tuple(c) for c in counts] == [(due - timedelta(days=1), 0, 0), (due, 1, 2)]
    assert audited[-1]["crossings"] == 2 and "FA1000001" not in str(audited)


def test_an_overstayer_is_kept_for_the_longer_term(engine, record):
    root = record
    # When their lawful stay ended, by the stay rules; five years on, not three.
    with engine.connect() as connection:
        timelines = load_timelines(connection, "KAZ")
    traveller = traveller_of(engine, "FA1000003")
    nationality, timeline = timelines[traveller]
    report = find_overstays([TravellerTimeline(str(traveller), nationality, timeline)],
                            lambda nat: STAY.schedule("KAZ", nat), date(2040, 1, 1))  # fmt: skip
    [stay] = report.open
    due = add_years(stay.lawful_until, RULES.of("KAZ").overstay_years)
    assert run(engine, root, due - timedelta(days=1)).crossings == 2  # only the one who left
    assert crossing_ids(engine, "FA1000003")
    assert run(engine, root, due).crossings == 1
    assert not crossing_ids(engine, "FA1000003")
    manifest = read_manifest(root)
    assert len(warehouse_ids(root, "crossing_id", manifest.crossing_files())) == 2  # the held
    assert crossing_ids(engine, "FA1000002")


def test_the_lawfully_present_are_never_due(engine, tmp_path):
    resident = passport("FA1000009")
    cross(engine, resident, Direction.ENTRY, date(2020, 3, 1))
    from rmis.registry import add_permit
    from rmis.stay import PermitKind

    add_permit(engine, SUPERVISOR, traveller_of(engine, "FA1000009"), kind=PermitKind.RESIDENCE,
               valid_from=date(2020, 3, 1), valid_to=date(2040, 1, 1),
               now=datetime(2020, 3, 2, tzinfo=UTC))  # fmt: skip
    assert run(engine, tmp_path / "w", date(2030, 1, 1)).travellers == 0
    assert crossing_ids(engine, "FA1000009")


def test_holds_are_placed_by_supervisors_with_a_reason(engine):
    with pytest.raises(AccessDenied):
        place_hold(engine, replace(OFFICER), uuid7(), "why", datetime(2022, 1, 1, tzinfo=UTC))
    with pytest.raises(AccessDenied):
        place_hold(engine, SUPERVISOR, uuid7(), "  ", datetime(2022, 1, 1, tzinfo=UTC))
