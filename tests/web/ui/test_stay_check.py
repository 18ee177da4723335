"""Check my record: only the person's own figures, one neutral answer for no record and for
details that differ (in words and in time), throttled in the record, audited as the subject's
own access."""

from __future__ import annotations

import re
import statistics
import time
from datetime import UTC, datetime, timedelta

import pytest
from sqlalchemy import func, select
from stay_helpers import answer_of, stay_client
from uuid6 import uuid7

from rmis.security.accounts import create_principal
from rmis.security.principals import Role
from rmis.store.schema import audit_log, stay_check_tries

NOW = datetime(2026, 11, 23, 3, 0, tzinfo=UTC)
PERSON = {"issuing_state": "UZB", "number": "FA7654321", "surname": "TOSHEV",
          "given_names": "BOBUR", "nationality": "UZB", "sex": "M",
          "birth_date": "1994-05-17", "expiry_date": "2031-02-03"}  # fmt: skip
ASK = {"host_state": "KAZ", "issuing_state": "UZB", "document_number": "FA7654321",
       "birth_date": "1994-05-17", "expiry_date": "2031-02-03"}  # fmt: skip


def record_entry(client, engine, days_ago: int, document=PERSON) -> None:
    token = create_principal(engine, name=f"officer-{uuid7().hex[:6]}", role=Role.BORDER_OFFICER,
                             state="KAZ", bcp_codes=["KAZ-ALA"], now=NOW)  # fmt: skip
    at = (NOW - timedelta(days=days_ago)).isoformat()
    body = {"id": str(uuid7()), "direction": "entry", "bcp": "KAZ-ALA", "purpose": "work",
            "occurred_at": at, "document": document}  # fmt: skip
    response = client.post(
        "/api/v1/crossings", json=body, headers={"Authorization": f"Bearer {token}"}
    )
    assert response.status_code == 201, response.text


def answer_block(html: str) -> str:
    """The answer as the person sees it, without the form (which shows their input back)."""
    m = re.search(r'<div class="answer panel" role="status" id="check-answer">(.*?)</div>', html,
                  re.S)  # fmt: skip
    assert m, html
    return m.group(1)


@pytest.fixture
def client(engine):
    return stay_client(engine, NOW)


def test_the_person_sees_their_days_and_nothing_else(client, engine) -> None:
    # An Uzbek worker in Kazakhstan since 12 days: 30 days per trip, the host notifies in 3
    # working days (2026-11-11, a Wednesday -> due Monday 2026-11-16).
    record_entry(client, engine, days_ago=12)
    response = client.post("/stay/check", data=ASK)
    assert response.status_code == 200
    a = answer_of(response.text)
    assert a == {"status": "registration_overdue", "days-used": "13", "days-left": "17",
                 "exit": "2026-12-10", "due": "2026-11-16", "on": "2026-11-23"}  # fmt: skip
    # Never the crossings, the BCP, the names or the document number.
    for secret in ("KAZ-ALA", "TOSHEV", "BOBUR", "FA7654321", "2026-11-11"):
        assert secret not in response.text
    # Audited as the data subject's own access.
    with engine.connect() as connection:
        rows = connection.execute(
            select(audit_log.c.principal, audit_log.c.action, audit_log.c.detail)
            .where(audit_log.c.action == "stay.own_access")
        ).all()  # fmt: skip
    assert [(r.principal, r.detail) for r in rows] == [
        ("data subject (own access, /stay/check)", {"answered": True})
    ]


@pytest.mark.parametrize(
    "change",
    [
        {"document_number": "FA7654322"},  # no such record
        {"birth_date": "1994-05-18"},  # the record's birth date differs
        {"expiry_date": "2031-02-04"},  # the record's expiry date differs
        {"issuing_state": "TJK"},  # no such record
        {"host_state": "RUS"},  # another state's record: this node answers for KAZ only
    ],
)
def test_no_record_and_details_that_differ_get_one_neutral_answer(client, engine, change) -> None:
    record_entry(client, engine, days_ago=12)
    other = stay_client(engine, NOW, address="198.51.100.9")
    neutral = answer_block(other.post("/stay/check", data={**ASK, "document_number": "ZZ1"}).text)
    response = client.post("/stay/check", data={**ASK, **change})
    assert response.status_code == 200
    assert answer_of(response.text) is None
    assert answer_block(response.text) == neutral
    assert "We cannot answer for these details." in neutral


def test_no_record_and_a_wrong_birth_date_take_the_same_time(engine) -> None:
    from fastapi.testclient import TestClient

    floor = 0.25
    client = stay_client(engine, NOW, floor=floor)
    record_entry(client, engine, days_ago=12)
    cases = [(kind, change, TestClient(client.app, client=(f"192.0.2.{i}{len(kind)}", 50000)))
             for i in range(3)
             for kind, change in (("none", {"document_number": f"ZZ{i}"}),
                                  ("differs", {"birth_date": "1994-05-18"}))]  # fmt: skip
    client.get("/stay")  # the page's first rendering is not what is timed
    times: dict[str, list[float]] = {"none": [], "differs": []}
    for kind, change, c in cases:
        started = time.perf_counter()
        assert c.post("/stay/check", data={**ASK, **change}).status_code == 200
        times[kind].append(time.perf_counter() - started)
    assert min(times["none"] + times["differs"]) >= floor
    assert abs(statistics.median(times["none"]) - statistics.median(times["differs"])) < 0.05


def test_the_sixth_try_in_a_minute_is_refused_with_a_clear_message(client, engine) -> None:
    for i in range(5):
        response = client.post("/stay/check", data={**ASK, "document_number": f"AB{i}"})
        assert response.status_code == 200
    response = client.post("/stay/check", data={**ASK, "document_number": "AB9"})
    assert response.status_code == 429
    assert response.headers["retry-after"] == "60"
    assert "Too many tries." in response.text and "Wait 60 seconds and try again." in response.text
    # The address is stored only as a digest.
    with engine.connect() as connection:
        keys = connection.execute(select(stay_check_tries.c.key)).scalars().all()
    assert keys and all(re.fullmatch(r"[0-9a-f]{64}", k) for k in keys)
    assert not any("203.0.113.7" in k for k in keys)


def test_one_document_is_throttled_across_addresses_and_workers(engine, tmp_path) -> None:
    # Two apps on the same record are two workers of one server; each try comes from
    # another address, so only the document's own count can refuse the sixth.
    workers = [stay_client(engine, NOW, address=f"192.0.2.{i}") for i in range(6)]
    codes = [w.post("/stay/check", data=ASK).status_code for w in workers]
    assert codes == [200, 200, 200, 200, 200, 429]


def test_a_day_allows_a_few_dozen_tries(engine) -> None:
    clock = [NOW]
    client = stay_client(engine, lambda: clock[0])
    codes = []
    for i in range(31):
        clock[0] = NOW + timedelta(minutes=2 * i)
        codes.append(
            client.post("/stay/check", data={**ASK, "document_number": f"C{i}"}).status_code
        )
    assert codes[:30] == [200] * 30 and codes[30] == 429
    assert "Try again tomorrow." in client.post("/stay/check", data=ASK).text
    # Old rows are cleared as new tries come: after two days only the new day's rows remain.
    clock[0] = NOW + timedelta(days=3)
    assert client.post("/stay/check", data=ASK).status_code == 200
    with engine.connect() as connection:
        oldest = connection.execute(select(func.min(stay_check_tries.c.starts))).scalar()
    assert oldest.replace(tzinfo=UTC) >= NOW + timedelta(days=1)


def test_a_node_without_a_state_answers_no_record_checks(engine) -> None:
    client = stay_client(engine, NOW, node_state=None)
    page = client.get("/stay").text
    assert "This office does not answer record checks." in page
    assert 'action="/stay/check' not in page


def test_bad_check_input_is_named_and_the_number_not_shown_back(client) -> None:
    response = client.post("/stay/check", data={**ASK, "birth_date": "17/05/94",
                                                "document_number": "FA 765 4321"})  # fmt: skip
    assert response.status_code == 422
    assert 'id="birth_date-error">This is not a date.' in response.text
    assert "FA 765 4321" not in response.text and "FA7654321" not in response.text


def test_concurrent_tries_are_counted_once_each(engine) -> None:
    # Twenty workers at once on one document: the count is one upsert in the record, so
    # exactly five get through, whichever they are.
    from concurrent.futures import ThreadPoolExecutor

    from rmis.web.ui.stay import throttle

    key = throttle.key_of("document", "UZB", "FA0000001")
    with ThreadPoolExecutor(max_workers=8) as pool:
        verdicts = list(pool.map(lambda _: throttle.count_try(engine, [key], NOW), range(20)))
    assert sum(v.allowed for v in verdicts) == 5
