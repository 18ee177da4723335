"""Non-refoulement: while an asylum referral is in progress or accepted, no refusal of entry
of that person is recorded, through one crossing, a batch, a correction or the bulk import; and
an asylum seeker with a pending claim is not an overstayer. On both engines."""

from __future__ import annotations

import csv
import io
from datetime import date, timedelta

import pytest
from sqlalchemy import func, select

from rmis.protection import NonRefoulement, move_referral, refer
from rmis.reference.stay_rules import load_stay_rules
from rmis.registry import correct_crossing, import_crossings, overstays, record_crossings
from rmis.security import Principal, Role
from rmis.store.schema import crossings

from .helpers import NOW, OFFICER, PROTECTION, crossing, document, traveller

SUPERVISOR = Principal("supervisor", Role.SUPERVISOR, "KAZ")


def _claim(engine, person):
    return refer(engine, OFFICER, person, need="asylum", agency="asylum_authority",
                 consent=True, basis=None, now=NOW)  # fmt: skip


def _count(engine) -> int:
    with engine.connect() as connection:
        return connection.execute(select(func.count()).select_from(crossings)).scalar()


def test_a_refusal_of_a_person_whose_claim_is_pending_is_not_recorded(engine):
    doc = document("P2000001")
    person = traveller(engine, doc)
    _claim(engine, person)
    before = _count(engine)
    with pytest.raises(NonRefoulement) as error:
        record_crossings(engine, OFFICER, [crossing(doc, days_ago=0, refused=True)], now=NOW)
    assert error.value.code == "non_refoulement"
    assert "asylum" in str(error.value) and str(person) in str(error.value)
    # A batch with one such refusal is refused whole; nothing of it is written.
    other = document("P2000002", surname="NOORI", born=date(1985, 11, 9))
    batch = [crossing(other, days_ago=0), crossing(doc, days_ago=0, refused=True)]
    with pytest.raises(NonRefoulement):
        record_crossings(engine, OFFICER, batch, now=NOW)
    assert _count(engine) == before
    # Admitting the person, or refusing someone else, is recorded as ever.
    record_crossings(engine, OFFICER, [crossing(doc, days_ago=0)], now=NOW)
    record_crossings(engine, OFFICER, [crossing(other, days_ago=0, refused=True)], now=NOW)
    assert _count(engine) == before + 2


def test_the_guard_lifts_when_the_claim_is_no_longer_pending(engine):
    doc = document("P2000003")
    person = traveller(engine, doc)
    claim = _claim(engine, person)
    move_referral(engine, PROTECTION, claim.id, state="accepted", reason=None, now=NOW)
    with pytest.raises(NonRefoulement):
        record_crossings(engine, OFFICER, [crossing(doc, days_ago=0, refused=True)], now=NOW)
    move_referral(engine, PROTECTION, claim.id, state="revoked", reason="withdrew the claim",
                  now=NOW)  # fmt: skip
    record_crossings(engine, OFFICER, [crossing(doc, days_ago=0, refused=True)], now=NOW)


def test_another_need_does_not_stop_a_refusal(engine):
    doc = document("P2000004")
    person = traveller(engine, doc)
    refer(engine, OFFICER, person, need="medical", agency="medical_service", consent=True,
          basis=None, now=NOW)  # fmt: skip
    record_crossings(engine, OFFICER, [crossing(doc, days_ago=0, refused=True)], now=NOW)


def test_a_correction_cannot_turn_an_entry_into_a_refusal(engine):
    doc = document("P2000005")
    entry = crossing(doc, days_ago=2)
    [recorded] = record_crossings(engine, OFFICER, [entry], now=NOW)
    with engine.connect() as connection:
        person = connection.execute(
            select(crossings.c.traveller_id).where(crossings.c.id == recorded.id)
        ).scalar_one()
    _claim(engine, person)
    with pytest.raises(NonRefoulement):
        correct_crossing(
            engine,
            SUPERVISOR,
            entry.id,
            "amend",
            {"outcome": "refused", "refusal_reason": "A"},
            "typed wrong",
            now=NOW,
        )


def test_the_import_reports_such_a_refusal_and_keeps_the_other_rows(engine, tmp_path):
    doc = document("P2000006")
    person = traveller(engine, doc)
    _claim(engine, person)
    rows = []
    for number, surname, outcome in (("P2000006", "RAHIMI", "refused"),
                                     ("P2000007", "NOORI", "refused"),
                                     ("P2000006", "RAHIMI", "admitted")):  # fmt: skip
        born = date(1990, 5, 1) if surname == "RAHIMI" else date(1985, 11, 9)
        c = crossing(document(number, surname=surname, born=born), days_ago=0.5,
                     refused=outcome == "refused")  # fmt: skip
        rows.append({
            "crossing_id": str(c.id), "direction": "entry", "bcp": "KAZ-ALA",
            "occurred_at": c.occurred_at.isoformat(), "issuing_state": "AFG",
            "document_number": number, "surname": surname, "given_names": "AHMAD",
            "nationality": "AFG", "birth_date": born.isoformat(), "sex": "M",
            "expiry_date": "2030-01-01", "purpose": "private", "outcome": outcome,
            "refusal_reason": "A" if outcome == "refused" else "", "officer": "officer",
        })  # fmt: skip
    path = tmp_path / "crossings.csv"
    with path.open("w", newline="") as f:
        writer = csv.DictWriter(f, fieldnames=list(rows[0]))
        writer.writeheader()
        writer.writerows(rows)
    report = io.StringIO()
    before = _count(engine)
    summary = import_crossings(engine, path, report, now=NOW)
    assert (summary.recorded, summary.rejected) == (2, 1)
    assert _count(engine) == before + 2
    [rejected] = list(csv.DictReader(io.StringIO(report.getvalue())))
    assert (rejected["row"], rejected["code"]) == ("1", "non_refoulement")
    assert rejected["crossing_id"] == rows[0]["crossing_id"]


def test_an_asylum_seeker_is_not_an_overstayer(engine):
    rules = load_stay_rules()
    # Afghans need a visa in Kazakhstan: with none on record, a long stay is an overstay.
    waiting = document("P2000008")
    other = document("P2000009", surname="NOORI", born=date(1985, 11, 9))
    person = traveller(engine, waiting, days_ago=200)
    traveller(engine, other, days_ago=200)
    analyst = Principal("analyst", Role.ANALYST, "KAZ")
    before = overstays(engine, analyst, NOW.date(), rules, purpose="t", now=NOW)
    assert {str(person)} <= {o.traveller for o in before.open}
    _claim(engine, person)
    after = overstays(engine, analyst, NOW.date(), rules, purpose="t", now=NOW)
    assert str(person) not in {o.traveller for o in after.open}
    assert len(after.open) == len(before.open) - 1
    # A claim made after the report's day does not change that day's report.
    earlier = overstays(engine, analyst, NOW.date() - timedelta(days=1), rules, purpose="t",
                        now=NOW)  # fmt: skip
    assert str(person) in {o.traveller for o in earlier.open}
    assert date(2026, 1, 1) < NOW.date()


def test_a_pending_claim_is_a_lawful_basis_with_its_dates(engine):
    from rmis.registry import stay_status

    rules = load_stay_rules()
    doc = document("P2000010")
    person = traveller(engine, doc, days_ago=200)
    analyst = Principal("analyst", Role.ANALYST, "KAZ")
    before = stay_status(engine, analyst, person, NOW.date(), rules, purpose="t", now=NOW)
    assert before.evaluation.status.kind.value == "overstay"
    claim = _claim(engine, person)
    pending = stay_status(engine, analyst, person, NOW.date(), rules, purpose="t", now=NOW)
    assert pending.evaluation.status.kind.value == "covered_by_permit"
    assert "pending asylum claim" in str(pending.evaluation.status)
    # Closed, the basis ends on the day it closed: from then on the stay counts again.
    move_referral(engine, PROTECTION, claim.id, state="rejected", reason="no claim",
                  now=NOW + timedelta(days=1))  # fmt: skip
    later = stay_status(engine, analyst, person, NOW.date() + timedelta(days=5), rules,
                        purpose="t", now=NOW + timedelta(days=5))  # fmt: skip
    assert later.evaluation.status.kind.value == "overstay"


def test_a_pending_claim_is_no_permit_to_record(engine):
    from rmis.registry import InvalidRecord, add_permit
    from rmis.stay import PermitKind

    person = traveller(engine, document("P2000011"))
    with pytest.raises(InvalidRecord) as error:
        add_permit(engine, SUPERVISOR, person, kind=PermitKind.ASYLUM, valid_from=NOW.date(),
                   valid_to=NOW.date(), now=NOW)  # fmt: skip
    assert error.value.code == "not_a_permit"
