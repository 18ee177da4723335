import csv
import io
import string
import threading
from concurrent.futures import ThreadPoolExecutor
from datetime import UTC, date, datetime, timedelta
from uuid import UUID

import hypothesis
import pytest
from fastapi.testclient import TestClient
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from pydantic import ValidationError
from sqlalchemy import event, func, select
from uuid6 import uuid7

from rmis.reference.countries import all_codes
from rmis.registry.importing import import_crossings
from rmis.registry.recording import MAX_CLOCK_SKEW
from rmis.security.accounts import create_principal
from rmis.security.principals import Role
from rmis.store.schema import crossing_flags, crossings
from rmis.web.api.schemas import DocumentIn
from rmis.web.app import create_app

NOW = datetime(2026, 11, 23, 3, 0, tzinfo=UTC)


@pytest.fixture
def client(engine):
    return TestClient(create_app(engine, clock=lambda: NOW))


@pytest.fixture
def officer_token(engine):
    return create_principal(
        engine,
        name="officer",
        role=Role.BORDER_OFFICER,
        state="KAZ",
        bcp_codes=["KAZ-ALA"],
        password="s3cret passphrase",
        now=NOW,
    )


def crossing_body(**overrides):
    body = {
        "id": str(uuid7()),
        "direction": "entry",
        "bcp": "KAZ-ALA",
        "occurred_at": "2026-11-23T02:55:00Z",
        "document": {
            "issuing_state": "TJK",
            "number": "400123456",
            "surname": "RAKHIMOV",
            "given_names": "DILSHOD",
            "nationality": "TJK",
            "birth_date": "1995-02-03",
            "sex": "M",
            "expiry_date": "2031-01-01",
        },
        "purpose": "work",
    }
    return body | overrides


def auth(token):
    return {"Authorization": f"Bearer {token}"}


def test_record_a_crossing_and_resend_it(client, officer_token, engine):
    body = crossing_body()
    first = client.post("/api/v1/crossings", json=body, headers=auth(officer_token))
    assert first.status_code == 201, first.text
    assert first.json()["local_date"] == "2026-11-23"
    again = client.post("/api/v1/crossings", json=body, headers=auth(officer_token))
    assert again.status_code == 200
    assert again.json()["duplicate"] is True
    with engine.connect() as connection:
        assert connection.execute(select(func.count()).select_from(crossings)).scalar() == 1


def test_batch_records_in_order_with_flags(client, officer_token):
    batch = [crossing_body(direction="exit"), crossing_body(occurred_at="2026-11-23T02:58:00Z")]
    response = client.post(
        "/api/v1/crossings/batch", json={"crossings": batch}, headers=auth(officer_token)
    )
    assert response.status_code == 200, response.text
    assert [r["flags"] for r in response.json()] == [["exit_without_entry"], []]


def test_no_token_no_service(client):
    response = client.post("/api/v1/crossings", json=crossing_body())
    assert response.status_code == 401
    assert response.headers["content-type"] == "application/problem+json"
    assert response.json()["code"] == "not_authenticated"
    bad = client.post("/api/v1/crossings", json=crossing_body(), headers=auth("rmis_nope"))
    assert bad.json()["code"] == "invalid_token"


def test_officer_outside_their_bcp_is_refused(client, officer_token):
    response = client.post(
        "/api/v1/crossings", json=crossing_body(bcp="KAZ-NQZ"), headers=auth(officer_token)
    )
    assert response.status_code == 403
    assert response.json()["code"] == "outside_bcp_scope"


@pytest.mark.parametrize(
    ("overrides", "code"),
    [
        ({"occurred_at": "2026-11-23T02:55:00"}, "invalid_request"),
        ({"direction": "sideways"}, "invalid_request"),
        ({"bcp": "KAZ-NOWHERE"}, "unknown_bcp"),
        ({"outcome": "refused"}, "unknown_refusal_reason"),
        ({"surprise": 1}, "invalid_request"),
    ],
)
def test_bad_input_gets_a_problem_with_a_stable_code(client, officer_token, overrides, code):
    response = client.post(
        "/api/v1/crossings", json=crossing_body(**overrides), headers=auth(officer_token)
    )
    assert response.status_code == 422
    problem = response.json()
    assert problem["code"] == code
    assert problem["status"] == 422 and problem["type"].endswith(code)


def test_officer_logs_in_and_uses_the_session(client, officer_token):
    assert (
        client.post("/api/v1/login", json={"name": "officer", "password": "no"}).status_code == 401
    )
    login = {"name": "officer", "password": "s3cret passphrase"}
    session = client.post("/api/v1/login", json=login)
    assert session.status_code == 200
    token = session.json()["token"]
    response = client.post("/api/v1/crossings", json=crossing_body(), headers=auth(token))
    assert response.status_code == 201


def test_the_same_crossing_sent_twice_at_once_is_answered_as_a_resend(
    client, officer_token, engine
):
    """Both requests pass their lookups before either writes (a barrier before each one's first
    INSERT); the one that loses on the unique id answers 200 "duplicate", not 500."""
    barrier = threading.Barrier(2, timeout=20)
    waited = threading.local()

    def hold_first_insert(conn, cursor, statement, parameters, context, executemany):
        if statement.lstrip().upper().startswith("INSERT") and not getattr(waited, "done", 0):
            waited.done = 1
            barrier.wait()

    body = crossing_body()
    event.listen(engine, "before_cursor_execute", hold_first_insert)
    try:
        with ThreadPoolExecutor(2) as pool:
            responses = list(
                pool.map(
                    lambda _: client.post(
                        "/api/v1/crossings", json=body, headers=auth(officer_token)
                    ),
                    range(2),
                )
            )
    finally:
        event.remove(engine, "before_cursor_execute", hold_first_insert)
    assert sorted(r.status_code for r in responses) == [200, 201], [r.text for r in responses]
    assert sorted(r.json()["duplicate"] for r in responses) == [False, True]
    with engine.connect() as connection:
        assert connection.execute(select(func.count()).select_from(crossings)).scalar() == 1


def document_with(**fields):
    return crossing_body()["document"] | fields


@pytest.mark.parametrize(
    ("overrides", "code", "field"),
    [
        ({"document": document_with(nationality="ABC")}, "unknown_country",
         "body.document.nationality"),
        ({"document": document_with(issuing_state="QQ1")}, "unknown_country",
         "body.document.issuing_state"),
        ({"document": document_with(issuing_state="UTO", nationality="UTO")}, "specimen_country",
         "body.document.issuing_state"),
        ({"occurred_at": "2031-01-01T00:00:00Z"}, "future_crossing", "occurred_at"),
        ({"occurred_at": "2026-11-23T03:05:01Z"}, "future_crossing", "occurred_at"),
    ],
)  # fmt: skip
def test_bad_data_is_refused_naming_its_field_and_rule(
    client, officer_token, engine, overrides, code, field
):
    response = client.post(
        "/api/v1/crossings", json=crossing_body(**overrides), headers=auth(officer_token)
    )
    assert response.status_code == 422
    assert response.headers["content-type"] == "application/problem+json"
    problem = response.json()
    assert (problem["code"], problem["field"]) == (code, field)
    assert problem["type"].endswith(code) and problem["detail"]
    with engine.connect() as connection:
        assert connection.execute(select(func.count()).select_from(crossings)).scalar() == 0


def test_a_batch_names_the_crossing_whose_code_is_unknown(client, officer_token):
    batch = [crossing_body(), crossing_body(document=document_with(nationality="XYZ"))]
    response = client.post(
        "/api/v1/crossings/batch", json={"crossings": batch}, headers=auth(officer_token)
    )
    assert response.status_code == 422
    problem = response.json()
    assert problem["code"] == "unknown_country"
    assert problem["field"] == "body.crossings.1.document.nationality"
    assert problem["errors"] == [
        {
            "field": "body.crossings.1.document.nationality",
            "code": "unknown_country",
            "message": "nationality 'XYZ' is not an ICAO 9303 country code",
        }
    ]


def test_a_schema_error_beside_a_rule_of_the_record_stays_invalid_request(client, officer_token):
    body = crossing_body(direction="sideways", document=document_with(nationality="ABC"))
    problem = client.post("/api/v1/crossings", json=body, headers=auth(officer_token)).json()
    assert problem["code"] == "invalid_request"
    assert {e["code"] for e in problem["errors"]} == {"enum", "unknown_country"}


def test_the_clock_skew_allows_five_minutes(client, officer_token):
    body = crossing_body(occurred_at=(NOW + MAX_CLOCK_SKEW).isoformat())
    response = client.post("/api/v1/crossings", json=body, headers=auth(officer_token))
    assert response.status_code == 201, response.text


def test_dates_no_document_can_carry_are_flagged_not_refused(client, officer_token):
    body = crossing_body(document=document_with(birth_date="2027-01-01", expiry_date="2099-01-01"))
    response = client.post("/api/v1/crossings", json=body, headers=auth(officer_token))
    assert response.status_code == 201, response.text
    assert set(response.json()["flags"]) == {"implausible_birth_date", "implausible_expiry_date"}


@pytest.mark.parametrize("code", sorted(all_codes()))
def test_every_icao_code_is_taken_but_the_specimen(code):
    document = document_with(issuing_state=code, nationality=code)
    if code == "UTO":
        with pytest.raises(ValidationError) as error:
            DocumentIn.model_validate(document)
        assert {e["type"] for e in error.value.errors()} == {"specimen_country"}
    else:
        DocumentIn.model_validate(document)


@settings(max_examples=100, deadline=None)
@given(
    st.text(alphabet=string.ascii_uppercase, min_size=3, max_size=3).filter(
        lambda code: code not in all_codes()
    )
)
def test_three_letters_that_are_no_icao_code_are_refused(code):
    with pytest.raises(ValidationError) as error:
        DocumentIn.model_validate(document_with(nationality=code))
    assert [e["type"] for e in error.value.errors()] == ["unknown_country"]


# --- the API and the import judge the same row alike ---------------------------------------

# Mostly ICAO codes, some anything of one to three characters, now and then the specimen.
codes = st.integers(0, 9).flatmap(
    lambda kind: (
        st.sampled_from(sorted(all_codes()))
        if kind < 8
        else st.text(alphabet=string.ascii_letters + string.digits + "<", min_size=1, max_size=3)
        if kind == 8
        else st.just("UTO")
    )
)
rows = st.fixed_dictionaries(
    {
        "direction": st.sampled_from(["entry", "exit"]),
        # Seconds from the record's clock: anywhere in the past year and a few days ahead, and
        # often close to the edge of the clock skew (300 s).
        "offset": st.one_of(st.integers(-400 * 86_400, 3 * 86_400), st.integers(295, 305)),
        "issuing_state": codes,
        "nationality": codes,
        "birth_date": st.one_of(st.none(), st.dates(date(1850, 1, 1), date(2030, 12, 31))),
        "expiry_date": st.one_of(st.none(), st.dates(date(2000, 1, 1), date(2099, 12, 31))),
    }
)


def _as_body(drawn: dict) -> dict:
    """The drawn crossing as the API takes it, on a document and a person never seen before (a
    name of its own, so that linking joins it to nobody and presence flags start afresh)."""
    at = NOW + timedelta(seconds=drawn["offset"])
    fresh = uuid7().hex[-16:]
    name = "".join(chr(ord("A") + int(digit, 16)) for digit in fresh)
    document = {
        "issuing_state": drawn["issuing_state"],
        "number": fresh.upper(),
        "surname": name[:8],
        "given_names": name[8:],
        "nationality": drawn["nationality"],
        "birth_date": drawn["birth_date"] and drawn["birth_date"].isoformat(),
        "sex": "M",
        "expiry_date": drawn["expiry_date"] and drawn["expiry_date"].isoformat(),
    }
    return crossing_body(direction=drawn["direction"], occurred_at=at.isoformat()) | {
        "document": document
    }


def _as_row(body: dict) -> dict[str, str]:
    document = body["document"]
    return {
        "crossing_id": body["id"],
        "direction": body["direction"],
        "bcp": body["bcp"],
        "occurred_at": body["occurred_at"],
        "issuing_state": document["issuing_state"],
        "document_number": document["number"],
        "surname": document["surname"],
        "given_names": document["given_names"],
        "nationality": document["nationality"],
        "birth_date": document["birth_date"] or "",
        "sex": document["sex"],
        "expiry_date": document["expiry_date"] or "",
        "purpose": body["purpose"],
        "officer": "officer",
    }


def _api_verdict(client, token, body) -> tuple[str, object]:
    response = client.post("/api/v1/crossings", json=body, headers=auth(token))
    if response.status_code == 201:
        return "recorded", sorted(response.json()["flags"])
    assert response.status_code == 422, response.text
    return "refused", response.json()["code"]


def _import_verdict(engine, directory, row) -> tuple[str, object]:
    path = directory / f"{row['crossing_id']}.csv"
    with path.open("w", newline="", encoding="utf-8") as f:
        writer = csv.DictWriter(f, fieldnames=list(row))
        writer.writeheader()
        writer.writerow(row)
    report = io.StringIO()
    summary = import_crossings(engine, path, report, now=NOW)
    if summary.recorded:
        with engine.connect() as connection:
            flags = connection.execute(
                select(crossing_flags.c.flag)
                .join(crossings, crossings.c.seq == crossing_flags.c.crossing_seq)
                .where(crossings.c.id == UUID(row["crossing_id"]))
            ).scalars()
            return "recorded", sorted(flags)
    [rejected] = list(csv.DictReader(io.StringIO(report.getvalue())))
    return "refused", rejected["code"]


@settings(
    max_examples=60, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture]
)
@given(drawn=rows)
def test_the_api_and_the_import_give_the_same_verdict_on_the_same_row(
    client, officer_token, engine, tmp_path, drawn
):
    api = _api_verdict(client, officer_token, _as_body(drawn))
    # How often each verdict came: pytest --hypothesis-show-statistics
    hypothesis.event(f"{api[0]}: {api[1]}")
    assert _import_verdict(engine, tmp_path, _as_row(_as_body(drawn))) == api
