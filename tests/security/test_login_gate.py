"""The login gate: at most so many login attempts a second are worked on; one it has no room
for is refused busy (503 with Retry-After) before any work on its name or password, and
audited like every refused login."""

from datetime import UTC, datetime

import pytest
from fastapi.testclient import TestClient
from sqlalchemy import func, select

from rmis.security.accounts import AccountError, create_principal, log_in
from rmis.security.gate import LoginBusy, LoginGate
from rmis.security.principals import Role
from rmis.store.schema import audit_log, login_throttle
from rmis.web.api import routes
from rmis.web.app import create_app

NOW = datetime(2026, 11, 23, 8, 0, tzinfo=UTC)
GOOD = "a long enough passphrase"


class Clock:
    def __init__(self) -> None:
        self.now = 1000.0

    def __call__(self) -> float:
        return self.now


def test_a_burst_passes_then_one_slot_a_period_and_a_full_queue_is_refused():
    clock = Clock()
    gate = LoginGate(rate=4, burst=3, max_wait_s=0.5, clock=clock)
    assert [gate.reserve() for _ in range(3)] == [0, 0, 0]
    assert gate.reserve() == pytest.approx(0.25)
    assert gate.reserve() == pytest.approx(0.5)
    with pytest.raises(LoginBusy) as busy:
        gate.reserve()  # its turn would be 0.75 s away: more than max_wait_s
    assert busy.value.retry_after_s == 1
    clock.now += 0.25  # a refusal booked nothing: the next turn is only 0.5 s away again
    assert gate.reserve() == pytest.approx(0.5)
    clock.now += 60  # a quiet spell gives the whole burst back
    assert [gate.reserve() for _ in range(3)] == [0, 0, 0]


@pytest.mark.parametrize("arguments", [{"rate": 0}, {"burst": 0}, {"max_wait_s": -1}])
def test_a_gate_that_could_admit_nothing_is_refused(arguments):
    with pytest.raises(ValueError):
        LoginGate(**arguments)


def _refusals(engine):
    with engine.connect() as connection:
        return connection.execute(
            select(audit_log.c.subject, audit_log.c.detail)
            .where(audit_log.c.action == "principals.log_in_refused")
            .order_by(audit_log.c.seq)
        ).all()


@pytest.mark.parametrize("name", ["off", "nobody"])
def test_a_full_gate_refuses_before_any_work_and_audits_it(engine, name):
    create_principal(engine, name="off", role=Role.BORDER_OFFICER, state="KAZ",
                     bcp_codes=["KAZ-ALA"], password=GOOD, now=NOW)  # fmt: skip
    gate = LoginGate(rate=0.1, burst=1, max_wait_s=0, clock=Clock())
    with pytest.raises(AccountError) as first:
        log_in(engine, name, "wrong", NOW, "10.0.0.1", gate=gate)
    assert first.value.code == "login_failed"
    # The same answer for a real name and for one that does not exist, even the right password.
    with pytest.raises(AccountError) as busy:
        log_in(engine, name, GOOD, NOW, "10.0.0.1", gate=gate)
    assert (busy.value.code, busy.value.retry_after) == ("login_busy", 10)
    assert [(s, d["reason"]) for s, d in _refusals(engine)] == [
        (name, "unknown_name" if name == "nobody" else "wrong_password"),
        (name, "login_busy"),
    ]
    with engine.connect() as connection:  # the busy attempt counted no failure: no work at all
        counts = dict(
            connection.execute(select(login_throttle.c.key, login_throttle.c.failures)).all()
        )
    assert counts == {f"name:{name}": 1, "addr:10.0.0.1": 1}


def test_the_api_answers_a_full_gate_503_with_retry_after_and_waits_its_turn_otherwise(
    engine, monkeypatch
):
    monkeypatch.setattr(routes, "BUSY_ANSWER_DELAY_S", 0)
    create_principal(engine, name="off", role=Role.BORDER_OFFICER, state="KAZ",
                     bcp_codes=["KAZ-ALA"], password=GOOD, now=NOW)  # fmt: skip
    strict = TestClient(
        create_app(engine, clock=lambda: NOW, login_gate=LoginGate(0.1, burst=1, max_wait_s=0))
    )
    assert strict.post("/api/v1/login", json={"name": "off", "password": GOOD}).status_code == 200
    busy = strict.post("/api/v1/login", json={"name": "off", "password": GOOD})
    assert busy.status_code == 503
    assert busy.headers["content-type"] == "application/problem+json"
    assert busy.json()["code"] == "login_busy"
    assert busy.headers["Retry-After"] == "10"
    assert _refusals(engine)[-1].detail == {"reason": "login_busy", "client": "testclient"}
    # A gate with room in its queue makes the attempt wait for its turn, not refuse it.
    patient = TestClient(
        create_app(engine, clock=lambda: NOW, login_gate=LoginGate(20, burst=1, max_wait_s=1))
    )
    answers = [patient.post("/api/v1/login", json={"name": "off", "password": GOOD})
               for _ in range(3)]  # fmt: skip
    assert [a.status_code for a in answers] == [200, 200, 200]
    with engine.connect() as connection:
        logins = connection.execute(
            select(func.count()).where(audit_log.c.action == "principals.log_in")
        ).scalar()
    assert logins == 4
