"""The border check service (registry.run_check): one call, the person, their stay and last
crossings, the flags, and nothing recorded but the check and its audit row."""

from datetime import UTC, date, datetime, timedelta

import pytest
from sqlalchemy import func, select
from uuid6 import uuid7

from rmis.documents import compose_td3
from rmis.persons import merge
from rmis.reference.stay_rules import load_stay_rules
from rmis.registry import (
    CorrectionKind,
    Direction,
    DocumentSeen,
    InvalidRecord,
    NewCrossing,
    Purpose,
    add_permit,
    add_registration,
    correct_crossing,
    load_reference_facts,
    record_crossings,
    run_check,
    stay_status,
    traveller_history,
)
from rmis.security import AccessDenied, Principal, Role, verify_chain
from rmis.stay import PermitKind
from rmis.store.schema import audit_log, checks, crossings, documents, travellers

# 03:00 UTC is 08:00 in Almaty (UTC+5): the BCP's local date is the same day.
NOW = datetime(2026, 11, 23, 3, 0, tzinfo=UTC)
TODAY = date(2026, 11, 23)
OFFICER = Principal("officer.ala", Role.BORDER_OFFICER, "KAZ", frozenset({"KAZ-ALA"}))
RULES = load_stay_rules()
PASSPORT = DocumentSeen(
    issuing_state="UZB", number="FA1234567", document_type="P", surname="TOSHEV",
    given_names="BOBUR", nationality="UZB", birth_date=date(1994, 3, 8), sex="M",
    expiry_date=date(2031, 1, 15),
)  # fmt: skip


def mrz_of(seen: DocumentSeen, **changes) -> str:
    fields = dict(
        issuing_state=seen.issuing_state, surname=seen.surname, given_names=seen.given_names,
        document_number=seen.number, nationality=seen.nationality, birth_date=seen.birth_date,
        sex=seen.sex, expiry_date=seen.expiry_date,
    ) | changes  # fmt: skip
    return "\n".join(compose_td3(**fields))


def cross(engine, days_ago, direction=Direction.ENTRY, document=PASSPORT, bcp="KAZ-ALA", who=None):
    c = NewCrossing(
        id=uuid7(), direction=direction, bcp_code=bcp, occurred_at=NOW - timedelta(days=days_ago),
        document=document, purpose=Purpose.WORK,
    )  # fmt: skip
    [recorded] = record_crossings(engine, who or OFFICER, [c], now=NOW)
    return c.id, recorded


@pytest.fixture
def check(engine):
    with engine.connect() as connection:
        reference = load_reference_facts(connection)

    def run(principal=OFFICER, *, direction=Direction.ENTRY, bcp="KAZ-ALA", now=NOW, **kw):
        return run_check(engine, principal, bcp_code=bcp, direction=direction, now=now,
                         reference=reference, rules=RULES, **kw)  # fmt: skip

    return run


def count(engine, table):
    with engine.connect() as connection:
        return connection.execute(select(func.count()).select_from(table)).scalar()


def traveller_of(engine, number=PASSPORT.number):
    with engine.connect() as connection:
        return connection.execute(
            select(documents.c.traveller_id).where(documents.c.number == number)
        ).scalar_one()


def test_a_document_never_seen_is_read_and_judged_and_nothing_is_recorded(engine, check):
    result = check(mrz=mrz_of(PASSPORT))
    assert result.document.source == "mrz" and result.document.format == "TD3"
    assert result.document.valid
    assert result.document.document == PASSPORT  # what the record would hold
    assert result.traveller_id is None and result.link is None and result.stay is None
    assert result.recent_crossings == []
    assert result.flags == ()  # a valid passport, an entry: nothing to see
    assert result.on == TODAY and result.host_state == "KAZ"
    assert [count(engine, t) for t in (crossings, documents, travellers)] == [0, 0, 0]
    with engine.connect() as connection:
        [row] = connection.execute(select(checks)).mappings().all()
        [audit] = connection.execute(select(audit_log)).mappings().all()
    assert row["id"] == result.id and row["principal"] == "officer.ala"
    assert (row["bcp_code"], row["direction"], row["document_valid"]) == ("KAZ-ALA", "entry", True)
    assert row["traveller_id"] is None and row["document_id"] is None
    assert audit["action"] == "checks.run" and audit["purpose"] == "border check"
    assert audit["subject"] == "document UZB FA1234567"
    assert audit["detail"]["check_id"] == str(result.id)


def test_an_exit_of_someone_never_seen_would_be_an_exit_without_entry(check):
    result = check(mrz=mrz_of(PASSPORT), direction=Direction.EXIT)
    assert [(f.code, f.source) for f in result.flags] == [("exit_without_entry", "crossing")]


def test_a_known_person_gets_stay_and_last_crossings_as_the_reads_give_them(engine, check):
    for days_ago, direction in ((60, "entry"), (50, "exit"), (40, "entry"), (30, "exit"),
                                (20, "entry"), (12, "exit"), (10, "entry")):  # fmt: skip
        cross(engine, days_ago, Direction(direction))
    tid = traveller_of(engine)
    result = check(mrz=mrz_of(PASSPORT), direction=Direction.EXIT, purpose="exit control")
    assert result.traveller_id == tid and result.link == "first"
    expected = stay_status(engine, OFFICER, tid, TODAY, RULES, purpose="t", now=NOW)
    assert result.stay == expected
    assert result.stay.evaluation.present and result.stay.evaluation.days_used is not None
    history = traveller_history(engine, OFFICER, tid, purpose="t", now=NOW)
    assert result.recent_crossings == history[-5:]
    assert [c["direction"] for c in result.recent_crossings] == [
        "entry", "exit", "entry", "exit", "entry"
    ]  # fmt: skip
    assert result.flags == ()  # an exit after an entry
    entry_again = check(mrz=mrz_of(PASSPORT), direction=Direction.ENTRY)
    assert [f.code for f in entry_again.flags] == ["entry_while_inside"]
    with engine.connect() as connection:
        rows = connection.execute(
            select(checks.c.traveller_id, checks.c.document_id).where(checks.c.id == result.id)
        ).one()
        audit = connection.execute(
            select(audit_log.c.subject, audit_log.c.purpose)
            .where(audit_log.c.action == "checks.run")
            .order_by(audit_log.c.seq)
        ).first()
        assert verify_chain(connection) is None
    assert rows.traveller_id == tid and rows.document_id is not None
    assert tuple(audit) == (str(tid), "exit control")
    assert count(engine, crossings) == 7


def test_a_new_passport_that_proves_its_holder_answers_with_them(engine, check):
    cross(engine, 10, Direction.ENTRY)
    renewed = DocumentSeen(**vars_of(PASSPORT, number="FA7654321", expiry_date=date(2036, 2, 1),
                                     previous_document_number=PASSPORT.number))  # fmt: skip
    result = check(document=renewed, direction=Direction.EXIT)
    assert result.traveller_id == traveller_of(engine) and result.link == "certain"
    assert result.stay.evaluation.present  # the entry made on the old passport is open
    assert result.flags == ()  # so the exit on the new one closes it: no exit without entry
    assert [c["document_number"] for c in result.recent_crossings] == ["FA1234567"]
    with engine.connect() as connection:
        row = connection.execute(select(checks.c.document_id, checks.c.traveller_id)).one()
    assert row.document_id is None and row.traveller_id == result.traveller_id
    assert count(engine, documents) == 1  # the check linked nothing: recording will


def test_a_crossing_with_several_flags_is_shown_once_with_all_of_them(engine, check):
    expired = DocumentSeen(**vars_of(PASSPORT, expiry_date=date(2026, 1, 1)))
    cross(engine, 20, Direction.EXIT, document=expired)  # no entry before it, and expired
    cross(engine, 10, Direction.ENTRY)
    history = traveller_history(engine, OFFICER, traveller_of(engine), purpose="t", now=NOW)
    result = check(mrz=mrz_of(PASSPORT), direction=Direction.EXIT)
    assert [c["flags"] for c in result.recent_crossings] == [
        ["document_expired", "exit_without_entry"], []
    ]  # fmt: skip
    assert result.recent_crossings == history


def test_permits_and_registrations_count_in_the_stay_as_in_stay_status(engine, check):
    cross(engine, 39)  # Uzbeks may stay 30 days per entry in Kazakhstan: an overstay
    tid = traveller_of(engine)
    assert check(mrz=mrz_of(PASSPORT)).stay.evaluation.status.kind.value == "overstay"
    supervisor = Principal("sup", Role.SUPERVISOR, "KAZ")
    add_permit(engine, supervisor, tid, kind=PermitKind.WORK, valid_from=date(2026, 1, 1),
               valid_to=date(2027, 1, 1), now=NOW)  # fmt: skip
    add_registration(engine, supervisor, tid, registered_on=TODAY - timedelta(days=38), now=NOW)
    result = check(mrz=mrz_of(PASSPORT))
    assert result.stay.evaluation.status.kind.value == "covered_by_permit"
    assert result.stay == stay_status(engine, OFFICER, tid, TODAY, RULES, purpose="t", now=NOW)


def test_flags_are_judged_on_the_record_as_corrected(engine, check):
    cross(engine, 20, Direction.ENTRY)
    exit_id, _ = cross(engine, 5, Direction.EXIT)
    assert check(mrz=mrz_of(PASSPORT)).flags == ()
    supervisor = Principal("sup", Role.SUPERVISOR, "KAZ")
    correct_crossing(engine, supervisor, exit_id, CorrectionKind.VOID, {}, "keyed twice", now=NOW)
    result = check(mrz=mrz_of(PASSPORT))
    assert [f.code for f in result.flags] == ["entry_while_inside"]
    assert [c["voided"] for c in result.recent_crossings] == [False, True]


def test_a_document_with_errors_shows_them_and_the_repair(check):
    lines = mrz_of(PASSPORT).splitlines()
    # The scanner read the number's check digit 1 ... as I: a misreading the reader can repair.
    line2 = lines[1][:9] + ("I" if lines[1][9] == "1" else "O" if lines[1][9] == "0" else "Z")
    line2 += lines[1][10:]
    result = check(mrz="\n".join([lines[0], line2]))
    assert not result.document.valid
    codes = [(f.code, f.source) for f in result.flags]
    assert ("document_invalid", "crossing") in codes
    assert any(source == "document" for _, source in codes)
    assert all(f.severity == "error" for f in result.document.findings
               if (f.code, "document") in codes)  # fmt: skip


def test_an_expired_document_is_flagged(check):
    expired = mrz_of(PASSPORT, expiry_date=date(2026, 1, 1))
    result = check(mrz=expired)
    assert result.document.valid  # expiry is a warning, not an error of the MRZ
    assert "document_expired" in [f.code for f in result.document.findings]
    assert [f.code for f in result.flags] == ["document_expired"]


def test_a_specimen_is_read_and_the_officer_told_it_cannot_be_recorded(check):
    specimen = (
        "P<UTOERIKSSON<<ANNA<MARIA<<<<<<<<<<<<<<<<<<<\n"
        "L898902C36UTO7408122F1204159ZE184226B<<<<<10"
    )  # ICAO Doc 9303's own
    result = check(mrz=specimen)
    assert result.document.valid  # a specimen is a warning of the MRZ, not an error
    assert "specimen" in [f.code for f in result.document.findings]
    assert [(f.code, f.field) for f in result.flags if f.source == "crossing"] == [
        ("specimen_country", "document.issuing_state"),
        ("specimen_country", "document.nationality"),
        ("document_expired", None),
    ]


def test_typed_fields_are_checked_like_a_read_mrz(engine, check):
    cross(engine, 3)
    result = check(document=PASSPORT, direction=Direction.EXIT)
    assert result.document.source == "typed" and result.document.format is None
    assert result.traveller_id == traveller_of(engine) and result.flags == ()
    unread = check(document=DocumentSeen(**vars_of(PASSPORT, mrz_valid=False)))
    assert not unread.document.valid
    assert [f.code for f in unread.flags] == ["mrz_invalid", "entry_while_inside",
                                               "document_invalid"]  # fmt: skip


def vars_of(seen: DocumentSeen, **changes) -> dict:
    return {name: getattr(seen, name) for name in seen.__slots__} | changes


@pytest.mark.parametrize(
    ("given", "code"),
    [({}, "mrz_or_document"), ({"mrz": "x", "document": PASSPORT}, "mrz_or_document"),
     ({"mrz": "P<UTOERIKSSON"}, "mrz_line_count"), ({"mrz": "A\nB"}, "mrz_line_length")],
)  # fmt: skip
def test_what_cannot_be_checked_is_refused_with_a_code_and_nothing_written(
    engine, check, given, code
):
    with pytest.raises(InvalidRecord) as refused:
        check(**given)
    assert refused.value.code == code
    assert count(engine, checks) == 0 and count(engine, audit_log) == 0


def test_scope_is_recordings(engine, check):
    with pytest.raises(InvalidRecord) as unknown:
        check(mrz=mrz_of(PASSPORT), bcp="KAZ-NOWHERE")
    assert unknown.value.code == "unknown_bcp"
    with pytest.raises(AccessDenied) as elsewhere:
        check(mrz=mrz_of(PASSPORT), bcp="KAZ-NQZ")
    assert elsewhere.value.code == "outside_bcp_scope"
    analyst = Principal("analyst", Role.ANALYST, "KAZ")
    with pytest.raises(AccessDenied) as role:
        check(analyst, mrz=mrz_of(PASSPORT))
    assert role.value.code == "role_not_allowed"
    assert count(engine, checks) == 0 and count(engine, audit_log) == 0
    # A supervisor may record at any BCP of their state, so may check there.
    supervisor = Principal("sup", Role.SUPERVISOR, "KAZ")
    assert check(supervisor, mrz=mrz_of(PASSPORT), bcp="KAZ-NQZ").bcp_code == "KAZ-NQZ"


def test_another_states_record_is_not_shown(engine, check):
    uzb_officer = Principal("uzb.officer", Role.BORDER_OFFICER, "UZB", frozenset({"UZB-TAS"}))
    cross(engine, 3, bcp="UZB-TAS", who=uzb_officer)
    result = check(mrz=mrz_of(PASSPORT))
    assert result.traveller_id is None and result.stay is None and result.recent_crossings == []


def test_a_merged_persons_document_answers_with_the_survivor(engine, check):
    # A passport under another name and birth date: nothing links it on its own, and a
    # supervisor finds (say, from a marriage certificate) that it is the same woman.
    other = DocumentSeen(
        issuing_state="KGZ", number="AC0000042", document_type="P", surname="ISMAILOVA",
        given_names="AIDA", nationality="KGZ", birth_date=date(1988, 7, 2), sex="F",
        expiry_date=date(2033, 2, 1),
    )  # fmt: skip
    cross(engine, 40, Direction.ENTRY)
    cross(engine, 35, Direction.EXIT)
    cross(engine, 3, Direction.ENTRY, document=other)
    first, second = traveller_of(engine), traveller_of(engine, other.number)
    assert first != second
    before = check(mrz=mrz_of(PASSPORT), direction=Direction.EXIT)
    assert before.traveller_id == first
    assert [f.code for f in before.flags] == ["exit_without_entry"]
    with engine.begin() as connection:
        merged = merge(connection, first, second, kind="confirmed", rule="review",
                       decided_by="sup", now=NOW)  # fmt: skip
    absorbed = merged.absorbed
    absorbed_document = PASSPORT if absorbed == first else other
    result = check(mrz=mrz_of(absorbed_document), direction=Direction.EXIT)
    assert result.traveller_id == merged.survivor != absorbed
    assert [c["document_number"] for c in result.recent_crossings] == [
        "FA1234567", "FA1234567", "AC0000042"
    ]  # fmt: skip
    assert result.flags == ()  # the exit closes the entry made on the other passport
