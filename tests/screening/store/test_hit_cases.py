"""Hits as cases people decide: raised once, decided with a reason, a dismissal that stands
while neither side's data changes, escalation to a supervisor, the list owner's deadline, who
sees what, and the audit log."""

from __future__ import annotations

from datetime import timedelta
from uuid import uuid4

import pytest
from screening_store_cases import BCP, NOW, document, person
from sqlalchemy import func, insert, select, update

from rmis.screening import BirthDate, Hit, ListKind, ScreenedTraveller, TravellerDocument
from rmis.screening.hits import (
    HitError,
    decide_hit,
    hit_case,
    hit_counts,
    open_hits,
    record_answer,
    record_hits,
    screening_place,
    subject_key,
    traveller_hash,
)
from rmis.screening.lists import import_list
from rmis.security import AccessDenied, verify_chain
from rmis.store.schema import audit_log, crossings, hits, travellers

WANTED = "interpol-wanted"


def _lists(engine, wanted=None, *, now=NOW):
    wanted = wanted or [person("W1", "IVANOV PETR"), person("W2", "KARIMOV AZIZ")]
    import_list(engine, name=WANTED, kind=ListKind.WANTED, owner="INTERPOL", items=wanted,
                source="t", principal="test", now=now)  # fmt: skip


def _traveller(born="1970-03-15", number="N0000001"):
    return ScreenedTraveller(
        "t-1", ("IVANOV PETR", "ИВАНОВ ПЕТР"), BirthDate.parse(born), "M", "KAZ",
        TravellerDocument("KAZ", number, "P"),
    )  # fmt: skip


HIT = Hit(WANTED, "W1", 0.93, ("IVANOV PETR matches IVANOV PETR: the same letters",))


def _raise(engine, principal, traveller=None, found=(HIT,), *, now=NOW, bcp=BCP):
    traveller = traveller or _traveller()
    with engine.begin() as connection:
        state = screening_place(connection, principal, bcp)
        return record_hits(connection, traveller, list(found), principal=principal,
                           host_state=state, now=now, bcp_code=bcp)  # fmt: skip


def _actions(engine):
    with engine.connect() as connection:
        assert verify_chain(connection) is None
        return [
            (a, s)
            for a, s in connection.execute(
                select(audit_log.c.action, audit_log.c.subject).order_by(audit_log.c.seq)
            )
            if a.startswith("hits.")
        ]


def _hit_rows(engine):
    with engine.connect() as connection:
        return connection.execute(select(func.count()).select_from(hits)).scalar_one()


def test_a_hit_becomes_an_open_case_at_the_bcp_and_is_not_raised_twice(engine, officer):
    _lists(engine)
    [first] = _raise(engine, officer)
    assert first.standing == "new" and first.case.status == "open"
    case = first.case
    assert (case.host_state, case.bcp_code, case.list_name, case.entry_id, case.score) == (
        "KAZ", BCP, WANTED, "W1", 0.93,
    )  # fmt: skip
    assert case.list_kind is ListKind.WANTED and case.list_owner == "INTERPOL"
    assert case.subject_key == "document KAZ N0000001"
    assert case.traveller["names"] == ["IVANOV PETR", "ИВАНОВ ПЕТР"]
    assert case.reasons == HIT.reasons
    [again] = _raise(engine, officer, now=NOW + timedelta(minutes=5))
    assert (again.standing, again.case.id) == ("open", case.id)
    assert _hit_rows(engine) == 1
    assert _actions(engine) == [("hits.raise", str(case.id)), ("hits.seen_again", str(case.id))]


def test_a_dismissed_hit_is_shown_as_dismissed_while_neither_side_changes(engine, officer):
    _lists(engine)
    [raised] = _raise(engine, officer)
    decided = decide_hit(engine, officer, raised.case.id, "dismiss",
                         "  born in another town, not the listed person ", now=NOW)  # fmt: skip
    assert (decided.status, decided.reason) == (
        "dismissed",
        "born in another town, not the listed person",
    )
    assert [d.decision for d in decided.decisions] == ["dismiss"]
    # Names in another order and case, screened the next day: the same data.
    same = ScreenedTraveller("t-2", ("иванов петр", "IVANOV  PETR"), BirthDate.parse("1970-03-15"),
                             "M", "KAZ", TravellerDocument("KAZ", "N0000001", "P"))  # fmt: skip
    [shown] = _raise(engine, officer, same, now=NOW + timedelta(days=1))
    assert (shown.standing, shown.case.id) == ("dismissed", raised.case.id)
    assert shown.note == (
        "dismissed on 2026-12-07 by officer.a: born in another town, not the listed person"
    )
    assert _hit_rows(engine) == 1
    assert ("hits.dismissed_before", str(raised.case.id)) in _actions(engine)


def test_a_changed_traveller_or_a_changed_entry_raises_a_dismissed_hit_again(engine, officer):
    _lists(engine)
    [raised] = _raise(engine, officer)
    decide_hit(engine, officer, raised.case.id, "dismiss", "not him", now=NOW)
    [other_date] = _raise(engine, officer, _traveller(born="1970-03-16"))
    assert other_date.standing == "new" and other_date.case.id != raised.case.id
    decide_hit(engine, officer, other_date.case.id, "dismiss", "not him either", now=NOW)
    # The list's owner changes the entry: what was dismissed is judged again.
    _lists(engine, [person("W1", "IVANOV PETR", remarks="armed"), person("W2", "KARIMOV AZIZ")])
    [changed_entry] = _raise(engine, officer)
    assert changed_entry.standing == "new"
    assert changed_entry.case.entry_hash != raised.case.entry_hash
    assert changed_entry.case.list_version == 2


def test_a_withdrawn_entry_raises_no_hit(engine, officer):
    _lists(engine)
    _lists(engine, [person("W2", "KARIMOV AZIZ")])  # W1 withdrawn
    assert _raise(engine, officer) == []
    assert _hit_rows(engine) == 0


def test_escalated_hits_are_the_supervisors_and_a_confirmation_starts_the_owners_clock(
    engine, officer, supervisor
):
    _lists(engine)
    [raised] = _raise(engine, officer)
    escalated = decide_hit(engine, officer, raised.case.id, "escalate", "photo unclear", now=NOW)
    assert escalated.status == "escalated"
    with pytest.raises(AccessDenied) as refused:
        decide_hit(engine, officer, raised.case.id, "dismiss", "changed my mind", now=NOW)
    assert refused.value.code == "escalated_to_supervisor"
    later = NOW + timedelta(minutes=30)
    confirmed = decide_hit(engine, supervisor, raised.case.id, "confirm", "the same person",
                           now=later)  # fmt: skip
    assert confirmed.status == "confirmed"
    assert confirmed.answer_due is not None
    assert confirmed.time_left(later) == timedelta(hours=12)  # SIRENE: 12 hours
    assert confirmed.time_left(later + timedelta(hours=13)) == -timedelta(hours=1)
    assert [(d.decision, d.decided_by, d.role) for d in confirmed.decisions] == [
        ("escalate", "officer.a", "border_officer"),
        ("confirm", "supervisor.b", "supervisor"),
    ]
    [waiting] = open_hits(engine, supervisor, later + timedelta(hours=2))
    assert waiting.id == raised.case.id and waiting.awaiting_answer
    assert waiting.age(later + timedelta(hours=2)) == timedelta(hours=2, minutes=30)
    answered = record_answer(engine, supervisor, raised.case.id, "INTERPOL: arrest warrant valid",
                             now=later + timedelta(hours=3))  # fmt: skip
    assert answered.answer == "INTERPOL: arrest warrant valid" and answered.time_left(later) is None
    assert open_hits(engine, supervisor, later + timedelta(hours=4)) == []
    with pytest.raises(HitError) as refused:
        record_answer(engine, supervisor, raised.case.id, "again", now=later)
    assert refused.value.code == "no_answer_awaited"


def test_a_list_whose_owner_does_not_answer_sets_no_deadline(engine, officer):
    un_list = [person("QDi.001", "IVANOV PETR")]
    import_list(engine, name="un-sc", kind=ListKind.SANCTIONS, owner="UN Security Council",
                items=un_list, source="t", principal="t", now=NOW)  # fmt: skip
    [raised] = _raise(engine, officer, found=[Hit("un-sc", "QDi.001", 0.9, ("same name",))])
    confirmed = decide_hit(engine, officer, raised.case.id, "confirm", "same person", now=NOW)
    assert confirmed.answer_due is None and confirmed.time_left(NOW) is None


def test_decisions_follow_their_rules(engine, officer, supervisor):
    _lists(engine)
    [raised] = _raise(engine, officer)
    hit_id = raised.case.id
    wrong = (
        ("refuse", "x", "bad_decision"),
        ("dismiss", "  ", "reason_required"),
        ("dismiss", "x" * 2001, "reason_too_long"),
    )
    for decision, reason, code in wrong:
        with pytest.raises(HitError) as refused:
            decide_hit(engine, officer, hit_id, decision, reason, now=NOW)
        assert refused.value.code == code
    with pytest.raises(HitError) as refused:
        decide_hit(engine, supervisor, hit_id, "escalate", "to whom?", now=NOW)
    assert refused.value.code == "cannot_escalate"
    with pytest.raises(HitError) as refused:
        decide_hit(engine, officer, uuid4(), "dismiss", "no such hit", now=NOW)
    assert refused.value.code == "not_found"
    decide_hit(engine, officer, hit_id, "confirm", "same person", now=NOW)
    with pytest.raises(HitError) as refused:
        decide_hit(engine, supervisor, hit_id, "dismiss", "overrule", now=NOW)
    assert refused.value.code == "already_decided"


def test_a_state_sees_its_own_hits_and_analysts_only_counts(
    engine, officer, supervisor, analyst, uzbek_officer
):
    _lists(engine)
    [raised] = _raise(engine, officer)
    [second] = _raise(engine, officer, _traveller(number="N0000002"),
                      found=[Hit(WANTED, "W2", 0.88, ("KARIMOV",))])  # fmt: skip
    decide_hit(engine, officer, second.case.id, "dismiss", "not him", now=NOW)
    with pytest.raises(HitError):
        hit_case(engine, uzbek_officer, raised.case.id, now=NOW, purpose="look")
    with pytest.raises(HitError):
        decide_hit(engine, uzbek_officer, raised.case.id, "dismiss", "not ours", now=NOW)
    assert open_hits(engine, uzbek_officer, NOW) == []
    with pytest.raises(AccessDenied):
        open_hits(engine, analyst, NOW)
    with pytest.raises(AccessDenied):
        hit_case(engine, analyst, raised.case.id, now=NOW, purpose="curious")
    counts = hit_counts(engine, analyst, NOW)
    assert counts.by_status == {"open": 1, "escalated": 0, "confirmed": 0, "dismissed": 1}
    assert counts.by_list == {WANTED: {"open": 1, "dismissed": 1}}
    assert hit_counts(engine, uzbek_officer, NOW).by_status["open"] == 0
    seen = hit_case(engine, officer, raised.case.id, now=NOW, purpose="decide at the desk")
    assert seen.id == raised.case.id
    assert [c.id for c in open_hits(engine, supervisor, NOW)] == [raised.case.id]
    assert ("hits.view", str(raised.case.id)) in _actions(engine)
    assert ("hits.open", str(raised.case.id)) in _actions(engine)
    assert ("hits.counts", "KAZ") in _actions(engine)


def test_overdue_answers_are_counted(engine, officer, analyst):
    _lists(engine)
    [raised] = _raise(engine, officer)
    decide_hit(engine, officer, raised.case.id, "confirm", "same person", now=NOW)
    assert hit_counts(engine, analyst, NOW + timedelta(hours=1)).overdue_answers == 0
    late = hit_counts(engine, analyst, NOW + timedelta(hours=13))
    assert (late.awaiting_answer, late.overdue_answers) == (1, 1)


def test_only_those_who_may_record_at_a_bcp_screen_there(engine, officer, analyst):
    _lists(engine)
    with pytest.raises(AccessDenied):
        _raise(engine, officer, bcp="KAZ-NQZ")  # not posted there
    with pytest.raises(AccessDenied):
        _raise(engine, analyst)
    with pytest.raises(HitError) as refused:
        _raise(engine, officer, bcp="KAZ-NOWHERE")
    assert refused.value.code == "unknown_bcp"


def test_no_hit_and_no_decision_refuses_or_records_anyone(engine, officer):
    _lists(engine)
    [raised] = _raise(engine, officer)
    decide_hit(engine, officer, raised.case.id, "confirm", "the same person", now=NOW)
    with engine.connect() as connection:
        assert connection.execute(select(func.count()).select_from(crossings)).scalar_one() == 0


def test_who_a_hit_is_about_and_when_their_data_changed():
    known = uuid4()
    traveller = _traveller()
    assert subject_key(traveller, known) == f"traveller {known}"
    assert subject_key(traveller) == "document KAZ N0000001"
    no_document = ScreenedTraveller("ref-7", ("IVANOV PETR",))
    assert subject_key(no_document) == "screened ref-7"
    assert traveller_hash(traveller) == traveller_hash(
        ScreenedTraveller("other id", ("ИВАНОВ ПЕТР", "ivanov petr"), BirthDate.parse("1970-03-15"),
                          "M", "KAZ", TravellerDocument("KAZ", "N0000001", "P"))
    )  # fmt: skip
    assert traveller_hash(traveller) != traveller_hash(_traveller(number="N0000002"))
    assert traveller_hash(traveller) != traveller_hash(
        ScreenedTraveller("t-1", (*traveller.names, "IVANOV PIOTR"), traveller.birth_date,
                          "M", "KAZ", traveller.document)
    )  # fmt: skip


def test_a_hit_on_a_listed_document_is_a_case_too(engine, officer):
    stolen = [document("D1", "KAZ", "N0000001")]
    import_list(engine, name="sltd", kind=ListKind.DOCUMENTS, owner="INTERPOL", items=stolen,
                source="t", principal="t", now=NOW)  # fmt: skip
    [raised] = _raise(engine, officer, found=[Hit("sltd", "D1", 1.0, ("document KAZ N0000001",))])
    assert raised.case.list_kind is ListKind.DOCUMENTS and raised.standing == "new"


def test_a_case_shows_what_the_list_says_now(engine, officer):
    _lists(engine)
    [raised] = _raise(engine, officer)
    seen = hit_case(engine, officer, raised.case.id, now=NOW, purpose="decide")
    assert seen.entry == person("W1", "IVANOV PETR")
    assert not seen.entry_changed and not seen.entry_withdrawn
    _lists(engine, [person("W1", "IVANOV PETR", remarks="armed"), person("W2", "KARIMOV AZIZ")])
    changed = hit_case(engine, officer, raised.case.id, now=NOW, purpose="decide")
    assert changed.entry.remarks == "armed" and changed.entry_changed
    _lists(engine, [person("W2", "KARIMOV AZIZ")])
    assert hit_case(engine, officer, raised.case.id, now=NOW, purpose="decide").entry_withdrawn


def test_a_dismissal_stands_for_the_person_two_records_were_merged_into(engine, officer):
    _lists(engine)
    older, newer = uuid4(), uuid4()
    with engine.begin() as connection:
        connection.execute(
            insert(travellers), [{"id": older, "created_at": NOW}, {"id": newer, "created_at": NOW}]
        )

    def screen(traveller_id):
        with engine.begin() as connection:
            return record_hits(connection, _traveller(), [HIT], principal=officer,
                               host_state="KAZ", now=NOW, traveller_id=traveller_id)  # fmt: skip

    [raised] = screen(newer)
    assert raised.case.subject_key == f"traveller {newer}"
    decide_hit(engine, officer, raised.case.id, "dismiss", "not him", now=NOW)
    with engine.begin() as connection:
        connection.execute(
            update(travellers).where(travellers.c.id == newer).values(merged_into=older)
        )
    [shown] = screen(older)
    assert (shown.standing, shown.case.id) == ("dismissed", raised.case.id)
