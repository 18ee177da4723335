import threading
from concurrent.futures import ThreadPoolExecutor
from datetime import UTC, date, datetime, timedelta

import pytest
from sqlalchemy import event, func, select, update
from sqlalchemy.exc import DBAPIError
from uuid6 import uuid7

from rmis.registry.crossings import record_crossings
from rmis.registry.model import (
    Direction,
    DocumentSeen,
    Flag,
    InvalidRecord,
    NewCrossing,
    Outcome,
    Purpose,
)
from rmis.registry.recording import MAX_CLOCK_SKEW
from rmis.security.audit import verify_chain
from rmis.security.principals import AccessDenied, Principal, Role
from rmis.store.schema import audit_log, crossings, documents, travellers

# Crossings happen around AT; the record's clock reads NOW, a week later (a crossing later than
# the clock is refused).
AT = datetime(2026, 11, 23, 12, 0, tzinfo=UTC)
NOW = AT + timedelta(days=7)
OFFICER = Principal("officer.ala", Role.BORDER_OFFICER, "KAZ", frozenset({"KAZ-ALA"}))
PASSPORT = DocumentSeen(
    issuing_state="UZB",
    number="FA1234567",
    document_type="P",
    surname="ABDULLAEV",
    given_names="NURSULTAN",
    nationality="UZB",
    birth_date=date(1990, 5, 1),
    sex="M",
    expiry_date=date(2030, 1, 1),
)


def crossing(direction=Direction.ENTRY, at=AT, document=PASSPORT, **kw) -> NewCrossing:
    return NewCrossing(
        id=uuid7(),
        direction=direction,
        bcp_code=kw.pop("bcp", "KAZ-ALA"),
        occurred_at=at,
        document=document,
        purpose=Purpose.WORK,
        **kw,
    )


def count(engine, table=crossings):
    with engine.connect() as connection:
        return connection.execute(select(func.count()).select_from(table)).scalar()


def test_a_resent_batch_is_recorded_once(engine):
    batch = [crossing(), crossing(Direction.EXIT, AT + timedelta(days=3))]
    first = record_crossings(engine, OFFICER, batch, now=NOW)
    again = record_crossings(engine, OFFICER, batch, now=NOW)
    assert [r.duplicate for r in first] == [False, False]
    assert [r.duplicate for r in again] == [True, True]
    assert count(engine) == 2
    assert first[0].seq < first[1].seq


def test_local_date_is_the_bcps_calendar_day(engine):
    # 20:30 UTC is already the next day in Almaty (UTC+5 since 2024-03-01).
    late = crossing(at=datetime(2026, 6, 10, 20, 30, tzinfo=UTC))
    [result] = record_crossings(engine, OFFICER, [late], now=NOW)
    assert result.local_date == date(2026, 6, 11)


def test_data_problems_are_flagged_not_rejected(engine):
    exit_first = crossing(Direction.EXIT, AT)
    entry = crossing(Direction.ENTRY, AT + timedelta(days=1))
    entry_again = crossing(Direction.ENTRY, AT + timedelta(days=2))
    results = record_crossings(engine, OFFICER, [exit_first, entry, entry_again], now=NOW)
    assert [r.flags for r in results] == [
        (Flag.EXIT_WITHOUT_ENTRY,),
        (),
        (Flag.ENTRY_WHILE_INSIDE,),
    ]


def test_invalid_and_expired_documents_are_flagged(engine):
    from dataclasses import replace

    bad = replace(PASSPORT, number="X1", mrz_valid=False, expiry_date=date(2020, 1, 1))
    [result] = record_crossings(engine, OFFICER, [crossing(document=bad)], now=NOW)
    assert set(result.flags) == {Flag.DOCUMENT_INVALID, Flag.DOCUMENT_EXPIRED}


def test_refusals_need_a_known_reason_and_do_not_count_as_presence(engine):
    with pytest.raises(InvalidRecord) as error:
        record_crossings(engine, OFFICER, [crossing(outcome=Outcome.REFUSED)], now=NOW)
    assert error.value.code == "unknown_refusal_reason"
    refused = crossing(outcome=Outcome.REFUSED, refusal_reason="H")
    entry = crossing(at=AT + timedelta(hours=1))
    results = record_crossings(engine, OFFICER, [refused, entry], now=NOW)
    assert [r.flags for r in results] == [(), ()]


def test_a_bad_crossing_writes_nothing_of_its_batch(engine):
    good = crossing()
    bad = crossing(bcp="KAZ-NOWHERE")
    with pytest.raises(InvalidRecord) as error:
        record_crossings(engine, OFFICER, [good, bad], now=NOW)
    assert error.value.field == "bcp"
    assert count(engine) == 0
    naive = crossing(at=datetime(2026, 1, 1, 12, 0))
    with pytest.raises(InvalidRecord, match="UTC offset"):
        record_crossings(engine, OFFICER, [naive], now=NOW)


def test_officers_record_only_at_their_own_bcps_and_state(engine):
    with pytest.raises(AccessDenied) as error:
        record_crossings(engine, OFFICER, [crossing(bcp="KAZ-NQZ")], now=NOW)
    assert error.value.code == "outside_bcp_scope"
    supervisor = Principal("sup.uzb", Role.SUPERVISOR, "UZB")
    with pytest.raises(AccessDenied) as error:
        record_crossings(engine, supervisor, [crossing()], now=NOW)
    assert error.value.code == "outside_state_scope"
    analyst = Principal("analyst", Role.ANALYST, "KAZ")
    with pytest.raises(AccessDenied):
        record_crossings(engine, analyst, [crossing()], now=NOW)
    assert count(engine) == 0


def test_every_write_is_audited_in_a_chain_that_shows_tampering(engine):
    record_crossings(engine, OFFICER, [crossing()], now=NOW)
    record_crossings(engine, OFFICER, [crossing(at=AT + timedelta(days=1))], now=NOW)
    with engine.begin() as connection:
        assert count(engine, audit_log) == 2
        assert verify_chain(connection) is None
    # Append-only: the application cannot rewrite the log at all; a rewrite with the owner's
    # rights is found by the keyed chain (tests/security/test_audit.py).
    with pytest.raises(DBAPIError, match="append-only"), engine.begin() as connection:
        connection.execute(update(audit_log).values(principal="someone.else"))


def _race(engine, calls):
    """Run the calls in two threads that both pass their lookups before either writes: each
    thread waits at a barrier before its first INSERT, so both saw the crossing as new."""
    barrier = threading.Barrier(len(calls), timeout=20)
    waited = threading.local()

    def hold_first_insert(conn, cursor, statement, parameters, context, executemany):
        if statement.lstrip().upper().startswith("INSERT") and not getattr(waited, "done", 0):
            waited.done = 1
            barrier.wait()

    event.listen(engine, "before_cursor_execute", hold_first_insert)
    try:
        with ThreadPoolExecutor(len(calls)) as pool:
            futures = [pool.submit(call) for call in calls]
            return [f.result(timeout=60) for f in futures]
    finally:
        event.remove(engine, "before_cursor_execute", hold_first_insert)


@pytest.mark.parametrize("known_document", [True, False])
@pytest.mark.parametrize("batch_size", [1, 2])
def test_a_crossing_sent_twice_at_the_same_moment_is_recorded_once(
    engine, known_document, batch_size
):
    if known_document:
        record_crossings(engine, OFFICER, [crossing(at=AT - timedelta(days=9))], now=NOW)
        record_crossings(
            engine, OFFICER, [crossing(Direction.EXIT, AT - timedelta(days=8))], now=NOW
        )
    batch = [crossing(), crossing(Direction.EXIT, AT + timedelta(days=1))][:batch_size]
    before = count(engine, audit_log)
    both = _race(engine, [lambda: record_crossings(engine, OFFICER, batch, now=NOW)] * 2)
    first, second = sorted(both, key=lambda results: results[0].duplicate)
    assert [r.duplicate for r in first] == [False] * batch_size
    assert [r.duplicate for r in second] == [True] * batch_size
    assert [r.id for r in second] == [c.id for c in batch]
    # Flagged as a sequential send would be: an entry after an exit, then its exit.
    assert [r.flags for r in first] == [(), ()][:batch_size]
    assert count(engine) == batch_size + 2 * known_document
    assert count(engine, documents) == 1
    assert count(engine, travellers) == 1
    assert count(engine, audit_log) == before + 2
    with engine.connect() as connection:
        assert verify_chain(connection) is None


def test_a_crossing_later_than_now_beyond_the_clock_skew_is_refused_with_its_batch(engine):
    at_the_edge = crossing(at=NOW + MAX_CLOCK_SKEW)
    [result] = record_crossings(engine, OFFICER, [at_the_edge], now=NOW)
    assert not result.duplicate
    too_late = crossing(at=NOW + MAX_CLOCK_SKEW + timedelta(seconds=1))
    with pytest.raises(InvalidRecord) as error:
        record_crossings(engine, OFFICER, [crossing(), too_late], now=NOW)
    assert (error.value.field, error.value.code) == ("occurred_at", "future_crossing")
    assert "5 minutes" in str(error.value)
    # The case: a crossing dated years ahead.
    with pytest.raises(InvalidRecord, match="later than now"):
        record_crossings(engine, OFFICER, [crossing(at=datetime(2031, 1, 1, tzinfo=UTC))], now=NOW)
    assert count(engine) == 1


@pytest.mark.parametrize(
    ("field", "value", "code"),
    [
        ("nationality", "ABC", "unknown_country"),
        ("issuing_state", "QQ1", "unknown_country"),
        ("nationality", "uzb", "unknown_country"),
        ("issuing_state", "D<<", "unknown_country"),
        ("issuing_state", "UTO", "specimen_country"),
        ("nationality", "UTO", "specimen_country"),
    ],
)
def test_state_codes_must_be_icao_codes_and_not_the_specimen(engine, field, value, code):
    from dataclasses import replace

    document = replace(PASSPORT, **{field: value})
    with pytest.raises(InvalidRecord) as error:
        record_crossings(engine, OFFICER, [crossing(document=document)], now=NOW)
    assert (error.value.field, error.value.code) == (f"document.{field}", code)
    assert repr(value) in str(error.value)
    assert count(engine) == 0


def test_icao_only_codes_are_recorded(engine):
    from dataclasses import replace

    german = replace(PASSPORT, number="C01X00T47", issuing_state="D", nationality="D")
    refugee = replace(PASSPORT, number="XR0000001", issuing_state="KAZ", nationality="XXB")
    results = record_crossings(engine, OFFICER, [crossing(document=german),
                                                 crossing(document=refugee)], now=NOW)  # fmt: skip
    assert [r.duplicate for r in results] == [False, False]


@pytest.mark.parametrize(
    ("birth_date", "expiry_date", "flags"),
    [
        (date(1990, 5, 1), date(2030, 1, 1), set()),
        # Born the day they crossed: a newborn, not a problem.
        (AT.date(), None, set()),
        (AT.date() + timedelta(days=1), None, {Flag.IMPLAUSIBLE_BIRTH_DATE}),
        (date(1900, 1, 1), None, set()),
        (date(1899, 12, 31), None, {Flag.IMPLAUSIBLE_BIRTH_DATE}),
        (None, date(AT.year + 30, 12, 31), set()),
        (None, date(AT.year + 31, 1, 1), {Flag.IMPLAUSIBLE_EXPIRY_DATE}),
    ],
)
def test_dates_no_document_can_carry_are_flagged_not_refused(
    engine, birth_date, expiry_date, flags
):
    from dataclasses import replace

    document = replace(PASSPORT, birth_date=birth_date, expiry_date=expiry_date)
    [result] = record_crossings(engine, OFFICER, [crossing(document=document)], now=NOW)
    assert set(result.flags) == flags
    assert count(engine) == 1
