from dataclasses import replace
from datetime import UTC, date, datetime, timedelta

import pytest
from sqlalchemy import func, select
from uuid6 import uuid7

from rmis.reference.stay_rules import load_stay_rules
from rmis.registry.corrected import CorrectionKind, crossings_as_corrected
from rmis.registry.corrections import CorrectionConflict, correct_crossing
from rmis.registry.crossings import record_crossings
from rmis.registry.model import (
    Direction,
    DocumentSeen,
    InvalidRecord,
    NewCrossing,
    Outcome,
    Purpose,
)
from rmis.registry.reads import NotFound, overstays, stay_status, traveller_history
from rmis.security.audit import verify_chain
from rmis.security.principals import AccessDenied, Principal, Role
from rmis.store.schema import audit_log, corrections, crossings, documents

NOW = datetime(2026, 11, 23, 6, 0, tzinfo=UTC)
TODAY = NOW.date()
RULES = load_stay_rules()
OFFICER = Principal("officer.ala", Role.BORDER_OFFICER, "KAZ", frozenset({"KAZ-ALA"}))
SUPERVISOR = Principal("supervisor.kaz", Role.SUPERVISOR, "KAZ")
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


def record(direction=Direction.ENTRY, days_ago=0, **kw) -> NewCrossing:
    crossing = NewCrossing(
        id=uuid7(),
        direction=direction,
        bcp_code="KAZ-ALA",
        occurred_at=NOW - timedelta(days=days_ago),
        document=PASSPORT,
        purpose=Purpose.WORK,
        **kw,
    )
    return crossing


def recorded(engine, *batch: NewCrossing):
    record_crossings(engine, OFFICER, list(batch), now=NOW)
    with engine.connect() as connection:
        return connection.execute(select(documents.c.traveller_id)).scalar_one()


def stay(engine, traveller_id):
    answer = stay_status(engine, SUPERVISOR, traveller_id, TODAY, RULES, purpose="t", now=NOW)
    return answer.evaluation


def count(engine, table):
    with engine.connect() as connection:
        return connection.execute(select(func.count()).select_from(table)).scalar()


def test_an_amended_entry_date_changes_the_stay_status(engine):
    # Uzbek citizens may stay 30 days per entry in Kazakhstan.
    entry = record(days_ago=39)
    traveller = recorded(engine, entry)
    assert stay(engine, traveller).overstay_days == 10
    correction = correct_crossing(
        engine,
        OFFICER,
        entry.id,
        "amend",
        {"occurred_at": NOW - timedelta(days=20)},
        "date keyed wrong at the booth",
        now=NOW,
    )
    assert correction.kind is CorrectionKind.AMEND
    assert set(correction.changes) == {"occurred_at", "local_date"}
    evaluation = stay(engine, traveller)
    assert evaluation.overstay_days == 0
    assert evaluation.days_used == 21
    with engine.connect() as connection:  # the crossing itself is as it was recorded
        stored = connection.execute(select(crossings.c.local_date)).scalar_one()
    assert stored == (NOW - timedelta(days=39)).date()


def test_a_voided_crossing_is_not_counted(engine):
    entry, wrong_exit = record(days_ago=39), record(Direction.EXIT, days_ago=35)
    traveller = recorded(engine, entry, wrong_exit)
    assert stay(engine, traveller).present is False
    report = overstays(engine, SUPERVISOR, TODAY, RULES, purpose="t", now=NOW)
    assert report.open == ()
    correct_crossing(
        engine,
        SUPERVISOR,
        wrong_exit.id,
        CorrectionKind.VOID,
        {},
        "recorded on the wrong passport",
        now=NOW,
    )
    evaluation = stay(engine, traveller)
    assert evaluation.present is True
    assert evaluation.overstay_days == 10
    report = overstays(engine, SUPERVISOR, TODAY, RULES, purpose="t", now=NOW)
    assert [(o.traveller, o.days) for o in report.open] == [(str(traveller), 10)]


def test_an_amended_direction_reopens_the_stay(engine):
    entry, keyed_as_exit = record(days_ago=50), record(Direction.EXIT, days_ago=10)
    traveller = recorded(engine, entry, record(Direction.EXIT, days_ago=45), keyed_as_exit)
    assert stay(engine, traveller).present is False
    correct_crossing(
        engine, OFFICER, keyed_as_exit.id, "amend", {"direction": "entry"}, "was an entry", now=NOW
    )
    evaluation = stay(engine, traveller)
    assert evaluation.present is True
    assert evaluation.days_used == 6 + 11  # the earlier stay counts in the window too


def test_history_shows_corrected_values_in_corrected_order_and_the_corrections(engine):
    first, second = record(days_ago=10), record(Direction.EXIT, days_ago=5)
    traveller = recorded(engine, first, second)
    # 20:30 UTC is the next day in Almaty: the local date follows the amended time.
    late = datetime.combine(TODAY - timedelta(days=3), datetime.min.time(), UTC).replace(
        hour=20, minute=30
    )
    amended = correct_crossing(
        engine,
        SUPERVISOR,
        first.id,
        "amend",
        {"occurred_at": late, "bcp": "KAZ-KHORGOS-ROAD", "purpose": "tourism"},
        "wrong booth, wrong day",
        now=NOW,
    )
    assert amended.changes["mode"] == "road"
    voided = correct_crossing(engine, SUPERVISOR, second.id, "void", {}, "twice", now=NOW)
    history = traveller_history(engine, SUPERVISOR, traveller, purpose="t", now=NOW)
    assert [h["id"] for h in history] == [second.id, first.id]
    assert [h["voided"] for h in history] == [True, False]
    assert history[1]["local_date"] == TODAY - timedelta(days=2)
    assert history[1]["bcp_code"] == "KAZ-KHORGOS-ROAD"
    assert history[1]["mode"] == "road"
    assert history[1]["purpose"] == "tourism"
    assert [c.id for c in history[1]["corrections"]] == [amended.id]
    assert [c.id for c in history[0]["corrections"]] == [voided.id]


def flags_of(engine, traveller):
    history = traveller_history(engine, SUPERVISOR, traveller, purpose="t", now=NOW)
    return [(h["direction"], h["flags"]) for h in history]


def test_a_voided_entry_leaves_the_exit_without_entry(engine):
    entry, exit_ = record(days_ago=10), record(Direction.EXIT, days_ago=2)
    traveller = recorded(engine, entry, exit_)
    assert flags_of(engine, traveller) == [("entry", []), ("exit", [])]
    correct_crossing(engine, SUPERVISOR, entry.id, "void", {}, "another person", now=NOW)
    assert flags_of(engine, traveller) == [("entry", []), ("exit", ["exit_without_entry"])]


def test_an_amended_direction_is_judged_again_with_its_neighbours(engine):
    keyed_as_entry, entry = record(days_ago=10), record(days_ago=2)
    traveller = recorded(engine, keyed_as_entry, entry)
    assert flags_of(engine, traveller) == [("entry", []), ("entry", ["entry_while_inside"])]
    correct_crossing(
        engine, OFFICER, keyed_as_entry.id, "amend", {"direction": "exit"}, "an exit", now=NOW
    )
    assert flags_of(engine, traveller) == [("exit", ["exit_without_entry"]), ("entry", [])]


def test_an_amended_time_is_judged_again_against_the_documents_expiry(engine):
    expiring = replace(PASSPORT, expiry_date=TODAY - timedelta(days=5), mrz_valid=False)
    entry = replace(record(days_ago=10), document=expiring)
    traveller = recorded(engine, entry)
    assert flags_of(engine, traveller) == [("entry", ["document_invalid"])]
    correct_crossing(
        engine,
        SUPERVISOR,
        entry.id,
        "amend",
        {"occurred_at": NOW - timedelta(days=1)},
        "the clock of the booth was wrong",
        now=NOW,
    )
    # document_invalid is about the document as read: no correction changes it.
    assert flags_of(engine, traveller) == [("entry", ["document_expired", "document_invalid"])]


def test_crossings_as_corrected_keeps_the_order_given_and_marks_voids(engine):
    a, b, c = record(days_ago=3), record(Direction.EXIT, days_ago=2), record(days_ago=1)
    recorded(engine, a, b, c)
    correct_crossing(engine, SUPERVISOR, b.id, "void", {}, "never happened", now=NOW)
    correct_crossing(engine, SUPERVISOR, c.id, "amend", {"purpose": "study"}, "asked", now=NOW)
    correct_crossing(engine, SUPERVISOR, c.id, "amend", {"purpose": "private"}, "again", now=NOW)
    with engine.connect() as connection:
        rows = connection.execute(
            select(crossings.c.id, crossings.c.purpose, crossings.c.seq).order_by(
                crossings.c.seq.desc()
            )
        ).mappings()
        result = crossings_as_corrected(connection, rows)
    assert [r["id"] for r in result] == [c.id, b.id, a.id]
    assert [r["purpose"] for r in result] == ["private", "work", "work"]
    assert [r["voided"] for r in result] == [False, True, False]
    assert [len(r["corrections"]) for r in result] == [2, 1, 0]


def amend(engine, crossing_id, changes, principal=SUPERVISOR):
    return correct_crossing(engine, principal, crossing_id, "amend", changes, "as seen", now=NOW)


def test_a_refusal_can_be_amended_only_with_a_known_reason(engine):
    entry = record(days_ago=1)
    recorded(engine, entry)
    with pytest.raises(InvalidRecord) as error:
        amend(engine, entry.id, {"outcome": "refused"})
    assert error.value.code == "unknown_refusal_reason"
    amend(engine, entry.id, {"outcome": Outcome.REFUSED, "refusal_reason": "H"})
    with pytest.raises(InvalidRecord) as error:
        amend(engine, entry.id, {"outcome": "admitted"})
    assert error.value.code == "reason_without_refusal"
    back = amend(engine, entry.id, {"outcome": "admitted", "refusal_reason": None})
    assert back.changes == {"outcome": "admitted", "refusal_reason": None}


@pytest.mark.parametrize(
    ("kind", "changes", "reason", "field", "code"),
    [
        ("amend", {"surname": "ABDULLAYEV"}, "typo", "surname", "not_amendable"),
        ("amend", {"direction": "sideways"}, "typo", "direction", "invalid_value"),
        ("amend", {"purpose": "smuggling"}, "typo", "purpose", "invalid_value"),
        ("amend", {"occurred_at": "yesterday"}, "typo", "occurred_at", "invalid_value"),
        ("amend", {"occurred_at": datetime(2026, 11, 1, 12)}, "typo", "occurred_at", "naive_time"),
        ("amend", {"bcp": "KAZ-NOWHERE"}, "typo", "bcp", "unknown_bcp"),
        ("amend", {"refusal_reason": "H"}, "typo", "refusal_reason", "reason_without_refusal"),
        ("amend", {}, "typo", "changes", "no_changes"),
        ("amend", {"purpose": "work"}, "typo", "changes", "no_changes"),
        ("void", {"purpose": "study"}, "typo", "changes", "changes_with_void"),
        ("void", {}, "   ", "reason", "reason_required"),
        ("erase", {}, "typo", "kind", "invalid_value"),
    ],
)
def test_bad_corrections_write_nothing(engine, kind, changes, reason, field, code):
    entry = record(days_ago=1)
    recorded(engine, entry)
    audit_rows = count(engine, audit_log)
    with pytest.raises(InvalidRecord) as error:
        correct_crossing(engine, SUPERVISOR, entry.id, kind, changes, reason, now=NOW)
    assert (error.value.field, error.value.code) == (field, code)
    assert count(engine, corrections) == 0
    assert count(engine, audit_log) == audit_rows


def test_scope_refusals(engine):
    entry = record(days_ago=1)
    recorded(engine, entry)
    for role in (Role.ANALYST, Role.AUDITOR, Role.PROTECTION_OFFICER):
        with pytest.raises(AccessDenied) as error:
            correct_crossing(
                engine, Principal("x", role, "KAZ"), entry.id, "void", {}, "r", now=NOW
            )
        assert error.value.code == "role_not_allowed"
    elsewhere = Principal("officer.nqz", Role.BORDER_OFFICER, "KAZ", frozenset({"KAZ-NQZ"}))
    with pytest.raises(AccessDenied) as error:
        correct_crossing(engine, elsewhere, entry.id, "void", {}, "r", now=NOW)
    assert error.value.code == "outside_bcp_scope"
    # An officer moves a crossing only to a BCP they are posted at.
    with pytest.raises(AccessDenied) as error:
        correct_crossing(engine, OFFICER, entry.id, "amend", {"bcp": "KAZ-NQZ"}, "r", now=NOW)
    assert error.value.code == "outside_bcp_scope"
    # A state corrects only its own record: another state's crossing is not in it...
    with pytest.raises(NotFound):
        correct_crossing(
            engine, Principal("sup.uzb", Role.SUPERVISOR, "UZB"), entry.id, "void", {}, "r", now=NOW
        )
    # ...and its own crossing cannot be moved into another state's.
    with pytest.raises(AccessDenied) as error:
        correct_crossing(engine, SUPERVISOR, entry.id, "amend", {"bcp": "UZB-TAS"}, "r", now=NOW)
    assert error.value.code == "outside_state_scope"
    assert count(engine, corrections) == 0


def test_a_resent_correction_is_recorded_once_and_audited_each_time(engine):
    entry = record(days_ago=1)
    recorded(engine, entry)
    correction_id = uuid7()
    first = correct_crossing(
        engine,
        OFFICER,
        entry.id,
        "amend",
        {"purpose": "study"},
        "typo",
        now=NOW,
        correction_id=correction_id,
    )
    again = correct_crossing(
        engine,
        OFFICER,
        entry.id,
        "amend",
        {"purpose": "study"},
        "typo",
        now=NOW,
        correction_id=correction_id,
    )
    assert (first.duplicate, again.duplicate) == (False, True)
    assert (again.id, again.seq, again.changes) == (first.id, first.seq, first.changes)
    assert count(engine, corrections) == 1
    with pytest.raises(CorrectionConflict) as error:
        correct_crossing(
            engine, OFFICER, entry.id, "void", {}, "typo", now=NOW, correction_id=correction_id
        )
    assert error.value.code == "correction_id_reused"
    with engine.connect() as connection:
        audited = connection.execute(
            select(audit_log.c.principal, audit_log.c.subject, audit_log.c.detail).where(
                audit_log.c.action == "crossings.correct"
            )
        ).all()
        assert verify_chain(connection) is None
    assert [(p, s, d["duplicate"]) for p, s, d in audited] == [
        ("officer.ala", str(entry.id), False),
        ("officer.ala", str(entry.id), True),
    ]


def test_a_voided_or_unknown_crossing_cannot_be_corrected(engine):
    entry = record(days_ago=1)
    recorded(engine, entry)
    void_id = uuid7()
    correct_crossing(engine, OFFICER, entry.id, "void", {}, "twice", now=NOW, correction_id=void_id)
    with pytest.raises(CorrectionConflict) as error:
        correct_crossing(engine, OFFICER, entry.id, "amend", {"purpose": "study"}, "r", now=NOW)
    assert error.value.code == "crossing_voided"
    # The void itself, sent again, is still answered as a duplicate.
    again = correct_crossing(
        engine, OFFICER, entry.id, "void", {}, "twice", now=NOW, correction_id=void_id
    )
    assert again.duplicate
    with pytest.raises(NotFound):
        correct_crossing(engine, OFFICER, uuid7(), "void", {}, "r", now=NOW)
    assert count(engine, corrections) == 1


def test_a_correction_in_the_callers_transaction_rolls_back_with_it(engine):
    entry = record(days_ago=1)
    recorded(engine, entry)
    with engine.connect() as connection:
        correct_crossing(connection, OFFICER, entry.id, "void", {}, "twice", now=NOW)
        assert connection.execute(select(func.count()).select_from(corrections)).scalar() == 1
        connection.rollback()
    assert count(engine, corrections) == 0


def test_an_amendment_cannot_move_a_crossing_into_the_future(engine):
    entry = record(days_ago=3)
    traveller = recorded(engine, entry)
    with pytest.raises(InvalidRecord) as error:
        correct_crossing(engine, OFFICER, entry.id, "amend",
                         {"occurred_at": NOW + timedelta(days=365)}, "typo", now=NOW)  # fmt: skip
    assert (error.value.field, error.value.code) == ("occurred_at", "future_crossing")
    assert count(engine, corrections) == 0
    # Within the clock skew it is a time like any other.
    correct_crossing(engine, OFFICER, entry.id, "amend",
                     {"occurred_at": NOW + timedelta(minutes=5)}, "clock", now=NOW)  # fmt: skip
    assert count(engine, corrections) == 1
    assert stay(engine, traveller).present is True


def test_an_amended_date_before_the_birth_date_is_flagged_and_the_flag_goes_with_it(engine):
    entry = record(days_ago=3)
    traveller = recorded(engine, entry)
    # Born 1990-05-01, passport valid to 2030: a crossing in April 1990 fits neither.
    before_birth = datetime(1990, 4, 30, 6, 0, tzinfo=UTC)
    wrong = ["implausible_birth_date", "implausible_expiry_date"]
    for at, flags in ((before_birth, wrong), (NOW, [])):
        correct_crossing(engine, OFFICER, entry.id, "amend", {"occurred_at": at}, "keyed",
                         now=NOW)  # fmt: skip
        assert flags_of(engine, traveller) == [("entry", flags)]
