"""Referrals: who may make and move them, the lifecycle, consent and a child's basis, and the
audit of every read, on both engines."""

from __future__ import annotations

from datetime import date, timedelta
from itertools import pairwise

import pytest
from hypothesis import given
from hypothesis import strategies as st
from sqlalchemy import func, select
from uuid6 import uuid7

from rmis.protection import (
    ProtectionError,
    ReferralSummary,
    follow_ups_due,
    move_referral,
    protection_record,
    record_indicators,
    refer,
    referral_queue,
    referrals_of,
)
from rmis.protection.model import MOVES, check_move
from rmis.security import AccessDenied
from rmis.store.schema import audit_log, referral_events

from .helpers import (
    ADMIN,
    ANALYST,
    AUDITOR,
    NOW,
    OFFICER,
    PROTECTION,
    SUPERVISOR,
    UZB_PROTECTION,
    document,
    traveller,
)


def _audited(engine, action: str) -> list:
    with engine.connect() as connection:
        return connection.execute(
            select(audit_log.c.principal, audit_log.c.subject, audit_log.c.purpose)
            .where(audit_log.c.action == action)
            .order_by(audit_log.c.seq)
        ).all()


def test_a_referral_moves_through_its_states_and_keeps_its_history(engine):
    person = traveller(engine, document("P1000001"))
    made = refer(engine, OFFICER, person, need="asylum", agency="asylum_authority",
                 consent=True, basis=None, now=NOW, bcp_code="KAZ-ALA")  # fmt: skip
    assert made.state == "in_progress"
    assert made.nationality == "AFG"
    assert made.follow_up_on == NOW.date() + timedelta(days=7)
    later = NOW + timedelta(days=2)
    accepted = move_referral(engine, PROTECTION, made.id, state="accepted", reason=None, now=later)
    assert accepted.state == "accepted"
    assert accepted.follow_up_on == later.date() + timedelta(days=30)
    done = move_referral(engine, PROTECTION, made.id, state="done", reason="status granted",
                         now=later + timedelta(days=40))  # fmt: skip
    assert done.state == "done" and done.follow_up_on is None
    assert [e.state for e in done.events] == ["in_progress", "accepted", "done"]
    assert [e.by for e in done.events] == ["officer", "protection", "protection"]
    with pytest.raises(ProtectionError) as closed:
        move_referral(engine, PROTECTION, made.id, state="revoked", reason="x", now=later)
    assert closed.value.code == "invalid_transition"
    with engine.connect() as connection:
        events = connection.execute(select(func.count()).select_from(referral_events)).scalar()
    assert events == 3  # the refused move left nothing


@pytest.mark.parametrize("state", ["rejected", "revoked"])
def test_rejecting_or_revoking_needs_a_reason(engine, state):
    person = traveller(engine, document("P1000002"))
    made = refer(engine, PROTECTION, person, need="medical", agency="medical_service",
                 consent=True, basis=None, now=NOW)  # fmt: skip
    with pytest.raises(ProtectionError) as error:
        move_referral(engine, PROTECTION, made.id, state=state, reason="  ", now=NOW)
    assert error.value.code == "reason_required"
    moved = move_referral(engine, PROTECTION, made.id, state=state, reason="no place", now=NOW)
    assert moved.reason == "no place"


def test_an_adult_is_referred_only_with_consent_a_child_on_a_stated_basis(engine):
    adult = traveller(engine, document("P1000003"))
    child = traveller(engine, document("P1000004", born=date(2012, 3, 3)))
    with pytest.raises(ProtectionError) as error:
        refer(engine, OFFICER, adult, need="trafficking", agency="anti_trafficking_unit",
              consent=False, basis="best interests", now=NOW)  # fmt: skip
    assert error.value.code == "consent_required"
    with pytest.raises(ProtectionError) as error:
        refer(engine, OFFICER, child, need="child_protection",
              agency="child_protection_service", consent=False, basis=None, now=NOW)  # fmt: skip
    assert error.value.code == "basis_required"
    made = refer(engine, OFFICER, child, need="child_protection",
                 agency="child_protection_service", consent=False,
                 basis="alone, 14, no carer reachable", now=NOW)  # fmt: skip
    assert made.basis == "alone, 14, no carer reachable"
    assert made.follow_up_on == NOW.date() + timedelta(days=1)


@pytest.mark.parametrize(
    ("need", "agency", "code"),
    [("shelter", "iom_partner", "unknown_need"), ("asylum", "embassy", "unknown_agency"),
     ("asylum", "medical_service", "agency_not_for_need")],
)  # fmt: skip
def test_needs_and_agencies_come_from_the_lists(engine, need, agency, code):
    person = traveller(engine, document("P1000005"))
    with pytest.raises(ProtectionError) as error:
        refer(engine, OFFICER, person, need=need, agency=agency, consent=True, basis=None,
              now=NOW)  # fmt: skip
    assert error.value.code == code


def test_an_unknown_person_cannot_be_referred(engine):
    with pytest.raises(ProtectionError) as error:
        refer(engine, OFFICER, uuid7(), need="asylum", agency="asylum_authority", consent=True,
              basis=None, now=NOW)  # fmt: skip
    assert error.value.code == "not_found"


def test_need_to_know_every_role(engine):
    person = traveller(engine, document("P1000006"))
    made = refer(engine, OFFICER, person, need="trafficking", agency="iom_partner",
                 consent=True, basis=None, now=NOW)  # fmt: skip
    full = referrals_of(engine, PROTECTION, person, now=NOW, purpose="case review")
    assert [r.need for r in full] == ["trafficking"]
    for officer in (OFFICER, SUPERVISOR):
        [summary] = referrals_of(engine, officer, person, now=NOW, purpose="border check")
        assert isinstance(summary, ReferralSummary)
        assert (summary.id, summary.state) == (made.id, "in_progress")
        assert not hasattr(summary, "need")
    for denied in (ANALYST, ADMIN, AUDITOR):
        with pytest.raises(AccessDenied):
            referrals_of(engine, denied, person, now=NOW, purpose="curious")
        with pytest.raises(AccessDenied):
            protection_record(engine, denied, person, now=NOW, purpose="curious")
    for not_protection in (OFFICER, SUPERVISOR, ANALYST):
        with pytest.raises(AccessDenied):
            move_referral(engine, not_protection, made.id, state="accepted", reason=None,
                          now=NOW)  # fmt: skip
        with pytest.raises(AccessDenied):
            referral_queue(engine, not_protection, now=NOW, purpose="queue")
    # Another state's protection officer does not learn the referral exists.
    assert referrals_of(engine, UZB_PROTECTION, person, now=NOW, purpose="x") == []
    with pytest.raises(ProtectionError) as error:
        move_referral(engine, UZB_PROTECTION, made.id, state="accepted", reason=None, now=NOW)
    assert error.value.code == "not_found"
    reads = _audited(engine, "protection.read")
    assert [(r.principal, r.purpose) for r in reads] == [
        ("protection", "case review"), ("officer", "border check"),
        ("supervisor", "border check"), ("uzb.protection", "x"),
    ]  # fmt: skip


def test_indicators_are_written_by_the_desk_and_read_by_protection_only(engine):
    person = traveller(engine, document("P1000007"))
    record_indicators(engine, OFFICER, person, ["asks_asylum", "survivor_of_violence"],
                      now=NOW, note="says he was beaten at home", bcp_code="KAZ-ALA")  # fmt: skip
    with pytest.raises(AccessDenied):
        record_indicators(engine, OFFICER, person, ["asks_asylum"], now=NOW, bcp_code="KAZ-NQZ")
    with pytest.raises(ProtectionError) as error:
        record_indicators(engine, OFFICER, person, ["looks_nervous"], now=NOW)
    assert error.value.code == "unknown_indicator"
    record = protection_record(engine, PROTECTION, person, now=NOW, purpose="first interview")
    assert sorted(i.indicator for i in record.indicators) == ["asks_asylum", "survivor_of_violence"]
    assert record.suggested_needs == ["asylum", "medical", "violence"]
    assert record.indicators[0].note == "says he was beaten at home"
    assert _audited(engine, "protection.read")[-1].purpose == "first interview"


def test_the_queue_and_the_follow_ups_due(engine):
    one = traveller(engine, document("P1000008"))
    two = traveller(engine, document("P1000009", surname="KARIMI", born=date(1977, 2, 2)))
    first = refer(engine, OFFICER, one, need="medical", agency="medical_service", consent=True,
                  basis=None, now=NOW)  # fmt: skip
    second = refer(engine, OFFICER, two, need="asylum", agency="unhcr_partner", consent=True,
                   basis=None, now=NOW + timedelta(hours=1))  # fmt: skip
    queue = referral_queue(engine, PROTECTION, now=NOW, purpose="queue")
    assert [r.id for r in queue] == [first.id, second.id]
    due = follow_ups_due(engine, PROTECTION, on=NOW.date() + timedelta(days=1), now=NOW,
                         purpose="follow-ups")  # fmt: skip
    assert [r.id for r in due] == [first.id]  # medical: a day; asylum: a week
    move_referral(engine, PROTECTION, first.id, state="accepted", reason=None, now=NOW)
    assert [r.id for r in referral_queue(engine, PROTECTION, now=NOW, purpose="q")] == [second.id]


moves = st.lists(
    st.tuples(st.sampled_from(["in_progress", "accepted", "rejected", "done", "revoked", "x"]),
              st.sampled_from([None, "", "  ", "a reason"])),
    max_size=8,
)  # fmt: skip


@given(moves)
def test_the_lifecycle_rule_as_a_property(tries):
    """Property: whatever is asked, a referral only ever moves along MOVES; rejected and
    revoked only with a reason; once closed it never moves again."""
    state, history = "in_progress", ["in_progress"]
    for wanted, reason in tries:
        try:
            check_move(state, wanted, reason)
        except ProtectionError as refused:
            assert refused.code in {"unknown_state", "reason_required", "invalid_transition"}
            continue
        assert wanted in MOVES[state]
        assert wanted not in ("rejected", "revoked") or (reason and reason.strip())
        state = wanted
        history.append(state)
    assert all(b in MOVES[a] for a, b in pairwise(history))
    closed = [i for i, s in enumerate(history) if s in ("rejected", "done", "revoked")]
    assert not closed or closed[0] == len(history) - 1
