"""Certain links: the rules, the personal numbers they read, and the lookup on record."""

from dataclasses import replace
from datetime import date

import pytest
from hypothesis import given
from hypothesis import strategies as st
from people_fixtures import PASSPORT, new_facts, passport, record

from rmis.documents import iin_check_digit, personal_number, pinfl_check_digit
from rmis.persons.rules import (
    PERSONAL_NUMBER,
    PREVIOUS_NUMBER,
    REPLACED_BY,
    CertainIndex,
    certain_candidates,
    certain_link,
)
from rmis.persons.stored import stored_forms

# An IIN made by the decree's rule: born 1987-04-12, a man of the 1900s (3), serial 0041.
IIN_BODY = "870412" + "3" + "0041"
IIN = IIN_BODY + str(iin_check_digit(IIN_BODY))
PIN = "2" + "12041987" + "00518"  # Kyrgyz: a man born 1987-04-12
PINFL_BODY = "3" + "120487" + "026" + "041"
PINFL = PINFL_BODY + str(pinfl_check_digit(PINFL_BODY))


def test_personal_numbers_are_read_with_their_birth_date_and_sex():
    iin = personal_number("KAZ", IIN + "<<")
    assert (iin.number, iin.birth_date, iin.sex) == (IIN, date(1987, 4, 12), "M")
    pin = personal_number("KGZ", PIN)
    assert (pin.number, pin.birth_date, pin.sex) == (PIN, date(1987, 4, 12), "M")
    pinfl = personal_number("UZB", PINFL + "<")
    assert (pinfl.birth_date, pinfl.sex) == (date(1987, 4, 12), "M")
    assert personal_number("KGZ", "1" + "28021990" + "00001").sex == "F"


@pytest.mark.parametrize(
    ("state", "optional_data"),
    [
        ("KAZ", IIN[:-1] + str((int(IIN[-1]) + 1) % 10)),  # check digit fails: a misreading
        ("KAZ", IIN[:6] + "7" + IIN[7:]),  # no century 7
        ("KAZ", "871312" + IIN[6:]),  # month 13
        ("KAZ", IIN + "9"),  # 13 digits
        ("KGZ", "3" + PIN[1:]),  # sex digit 3
        ("KGZ", "2" + "31021990" + "00001"),  # 31 February
        ("UZB", PINFL[:-1] + str((int(PINFL[-1]) + 1) % 10)),
        ("KAZ", "AB1234567"),  # something other than a number
        ("TJK", IIN),  # a state whose number rmis does not read
        ("KAZ", None),
        ("KAZ", "<<<<<<<<<<<<<<"),
    ],
)
def test_what_is_not_a_personal_number_is_not_read(state, optional_data):
    assert personal_number(state, optional_data) is None


@given(
    born=st.dates(date(1900, 1, 1), date(2099, 12, 31)),
    male=st.booleans(),
    serial=st.integers(0, 9999),
)
def test_every_well_formed_iin_is_read_back(born, male, serial):
    marker = (born.year - 1800) // 100 * 2 + (1 if male else 2)
    body = f"{born:%y%m%d}{marker}{serial:04d}"
    check = iin_check_digit(body)
    if check is None:  # the decree issues no number with this body
        return
    found = personal_number("KAZ", body + str(check))
    assert (found.birth_date, found.sex) == (born, "M" if male else "F")
    assert personal_number("KAZ", body + str((check + 1) % 10)) is None


def test_stored_forms_cover_the_mrz_fillers():
    assert stored_forms(IIN) == [IIN, IIN + "<<", IIN + "<<<"]
    assert stored_forms(PIN) == [PIN, PIN + "<"]


def test_a_previous_number_proves_a_renewal_from_either_side():
    old = new_facts("N0000001")
    renewed = new_facts("N0000002", previous_document_number="N0000001", surname="SMAĞULOV")
    assert certain_link(renewed, old).rule == PREVIOUS_NUMBER
    assert certain_link(old, renewed).rule == REPLACED_BY
    # Another issuing state's document of that number proves nothing.
    assert certain_link(renewed, new_facts("N0000001", issuing_state="KGZ")) is None


def test_the_same_personal_number_links_only_with_consistent_birth_date_and_sex():
    a = new_facts("N1", optional_data=IIN)
    b = new_facts("N2", optional_data=IIN + "<<", surname="SMAGULOV-ALIEV")
    link = certain_link(b, a)
    assert link.rule == PERSONAL_NUMBER
    assert link.detail == {"issuing_state": "KAZ", "personal_number": IIN,
                           "birth_date": "1987-04-12", "sex": "M"}  # fmt: skip
    assert certain_link(new_facts("N3", optional_data=IIN, birth_date=date(1987, 4, 13)), a) is None
    assert certain_link(new_facts("N3", optional_data=IIN, sex="F"), a) is None
    # An unknown birth date or sex contradicts nothing.
    assert certain_link(new_facts("N3", optional_data=IIN, birth_date=None, sex="<"), a)
    other_state = new_facts("N4", issuing_state="KGZ", nationality="KAZ", optional_data=IIN)
    assert certain_link(other_state, a) is None


def test_the_index_finds_every_rule_strongest_first():
    old = new_facts("N1", optional_data=IIN)
    twin = new_facts("N2", optional_data=IIN)
    unrelated = new_facts("N9")
    index = CertainIndex([unrelated, twin, old])
    renewed = new_facts("N3", previous_document_number="N1", optional_data=IIN)
    links = index.links(renewed)
    assert [(link.candidate.number, link.rule) for link in links] == [
        ("N1", PREVIOUS_NUMBER),
        ("N2", PERSONAL_NUMBER),
    ]
    assert index.links(unrelated) == []


def test_candidates_on_record_are_found_by_each_rule(engine):
    record(
        engine,
        passport("UZB0000001"),
        passport("UZB0000009", previous_document_number="UZB0000005"),
        passport("UZB0000007", optional_data=PINFL + "<", surname="TOSHEV"),
        passport("UZB0000008", surname="KARIMOV"),
    )
    new = [
        new_facts("UZB0000002", issuing_state="UZB", previous_document_number="UZB0000001"),
        new_facts("UZB0000005", issuing_state="UZB"),
        new_facts("UZB0000006", issuing_state="UZB", optional_data=PINFL),
    ]
    with engine.connect() as connection:
        found = certain_candidates(connection, new)
    assert sorted(doc.number for doc in found) == ["UZB0000001", "UZB0000007", "UZB0000009"]
    with engine.connect() as connection:
        assert certain_candidates(connection, [new_facts("X", issuing_state="UZB")]) == []


def test_passport_fixture_is_uzbek():
    assert PASSPORT.issuing_state == "UZB"


facts_strategy = st.builds(
    new_facts,
    number=st.text("AB0123456789", min_size=1, max_size=9),
    surname=st.text("ABCDEFGHIJKLMNOPQRSTUVWXYZ", min_size=1, max_size=12),
    birth_date=st.none() | st.dates(date(1930, 1, 1), date(2020, 1, 1)),
    sex=st.sampled_from("MF<"),
    optional_data=st.none() | st.sampled_from([IIN, IIN + "<<", "12345"]),
    previous_document_number=st.none() | st.text("AB0123456789", min_size=1, max_size=9),
)


@given(facts_strategy, facts_strategy)
def test_a_certain_link_holds_both_ways_and_the_fingerprint_ignores_the_order(a, b):
    from rmis.persons.proposals import fingerprint

    forward, backward = certain_link(a, b), certain_link(b, a)
    assert (forward is None) == (backward is None)
    if forward is not None:
        pairs = {(PREVIOUS_NUMBER, REPLACED_BY), (REPLACED_BY, PREVIOUS_NUMBER),
                 (PERSONAL_NUMBER, PERSONAL_NUMBER), (PREVIOUS_NUMBER, PREVIOUS_NUMBER),
                 (REPLACED_BY, REPLACED_BY)}  # fmt: skip
        assert (forward.rule, backward.rule) in pairs
    assert fingerprint(a, b) == fingerprint(b, a)
    assert fingerprint(a, b) != fingerprint(a, replace(b, surname=b.surname + "X"))
