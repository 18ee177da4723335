"""schemathesis, stateful, through the API's own OpenAPI links (web/api/links.py), with real BCPs,
travellers and tokens: a recorded crossing's id feeds its correction and its document's history,
the history's traveller feeds permits, registrations, referrals, redress, subject access; a
referral made is read and moved; a login's session is the one its logout ends. Every answer:
no server error, within the schema (issue 17).

Small in CI (a few scenarios of a few steps an engine); RMIS_FUZZ_SCENARIOS and RMIS_FUZZ_STEPS
make it as long as one wants, e.g. RMIS_FUZZ_SCENARIOS=200 RMIS_FUZZ_STEPS=20.
"""

from __future__ import annotations

import json
import os
import uuid
import zlib
from collections import Counter
from datetime import UTC, datetime, timedelta

import pytest
import schemathesis
from fastapi.testclient import TestClient
from hypothesis import HealthCheck, Phase, settings
from hypothesis.errors import Flaky
from schemathesis.specs.openapi.checks import response_schema_conformance
from sqlalchemy import create_engine, func, select, text
from uuid6 import uuid7

from rmis.protection import AGENCIES, INDICATORS
from rmis.registry import load_reference_facts
from rmis.security.accounts import create_principal
from rmis.security.principals import Role
from rmis.store.database import open_database
from rmis.store.schema import corrections, crossings, permits
from rmis.web.app import create_app

NOW = datetime(2026, 11, 23, 3, 0, tzinfo=UTC)
SCENARIOS = int(os.environ.get("RMIS_FUZZ_SCENARIOS", "10"))
STEPS = int(os.environ.get("RMIS_FUZZ_STEPS", "10"))
PASSWORD = "steppe-lantern-quorum-41"
STATES = ("UZB", "KGZ", "TJK", "TKM", "RUS")
SURNAMES = ("TOSHEV", "ABDULLAEVA", "O'NEIL", "KIM", "NURLANOV")
SEEN_DOCUMENT = {"issuing_state": "UZB", "number": "FA7654321"}


def _often(value: object) -> bool:
    """Three cases in four get real values, judged by the case itself (the same case, the same
    verdict): the rest stay as generated, so the edge's refusals are fuzzed too."""
    text = json.dumps(value, sort_keys=True, default=str).encode()
    return zlib.crc32(text) % 4 != 0


def _number(value: object, below: int) -> int:
    return zlib.crc32(json.dumps(value, sort_keys=True, default=str).encode()) % below


def _pick(options: tuple | list, value: object) -> object:
    return options[_number(value, len(options))]


def _printable(value: object) -> object:
    """Text the edge refuses (control characters, lone surrogates) made plain, in place."""
    items = (
        value.items()
        if isinstance(value, dict)
        else enumerate(value)
        if isinstance(value, list)
        else ()
    )
    for key, item in list(items):
        if isinstance(item, str) and not (item.isprintable() and item.isascii()):
            value[key] = "fuzz " + "".join(c for c in item if c.isascii() and c.isalnum())
        else:
            _printable(item)
    return value


class World:
    """One scenario's record, made afresh (a scenario's answers must depend only on its own
    steps, or Hypothesis finds the same steps answered otherwise), and the real things its cases
    are made to name: BCPs, a recorded traveller, accounts."""

    def __init__(self, engine) -> None:
        self.engine = engine
        self.app = create_app(engine, clock=lambda: NOW)
        with engine.connect() as connection:
            reference = load_reference_facts(connection)
        self.bcps = sorted(c for c, f in reference.bcps.items() if f.state == "KAZ")
        make = lambda name, role: create_principal(engine, name=name, role=role, state="KAZ",  # noqa: E731
                                                   now=NOW)  # fmt: skip
        self.tokens = {
            "supervisor": make("sup.fuzz", Role.SUPERVISOR),
            # Redress is decided by someone other than who raised it.
            "decider": make("sup.decider", Role.SUPERVISOR),
            "protection": make("prot.fuzz", Role.PROTECTION_OFFICER),
            "auditor": make("aud.fuzz", Role.AUDITOR),
        }
        create_principal(engine, name="officer.login", role=Role.BORDER_OFFICER, state="KAZ",
                         bcp_codes=self.bcps[:1], password=PASSWORD, now=NOW)  # fmt: skip
        # A traveller the record knows from the start, so that reads and checks find someone.
        body = {"id": str(uuid7()), "direction": "entry", "bcp": self.bcps[0],
                "occurred_at": (NOW - timedelta(days=40)).isoformat(), "purpose": "work",
                "document": dict(SEEN_DOCUMENT, surname="TOSHEV", nationality="UZB")}  # fmt: skip
        answer = TestClient(self.app).post("/api/v1/crossings", json=body, headers={
            "Authorization": f"Bearer {self.tokens['supervisor']}"})  # fmt: skip
        assert answer.status_code == 201, answer.text

    def token_for(self, path: str) -> str:
        if path.startswith("/api/v1/redress/"):
            return self.tokens["decider"]
        if path == "/api/v1/audit":
            return self.tokens["auditor"]
        if path.endswith("/protection") or "referrals" in path:
            return self.tokens["protection"]
        return self.tokens["supervisor"]

    def crossing(self, body: dict) -> None:
        """A generated crossing made one that can be recorded: a real BCP, states, a past time."""
        body["bcp"] = _pick(self.bcps, body.get("id"))
        body["occurred_at"] = (NOW - timedelta(hours=zlib.crc32(str(body.get("id")).encode())
                                               % 2000)).isoformat()  # fmt: skip
        body.pop("check_id", None)
        if body.get("outcome") == "refused":
            body["refusal_reason"] = "B"
        else:
            body.pop("refusal_reason", None)
        document = body.get("document")
        if isinstance(document, dict):
            if _often(document.get("number")):
                state = _pick(STATES, document.get("number"))
                document.update(issuing_state=state, nationality=state,
                                surname=_pick(SURNAMES, document.get("surname")))  # fmt: skip
                number = str(document.get("number") or "")
                if not (number.isalnum() and number.isascii()):
                    document["number"] = f"N{zlib.crc32(number.encode()) % 10**7:07d}"
                for key in ("birth_date", "expiry_date", "sex", "document_type", "given_names"):
                    document.pop(key, None)
            else:  # the traveller the record knows
                document.clear()
                document.update(SEEN_DOCUMENT, surname="TOSHEV", nationality="UZB")

    def realise(self, path: str, body: dict) -> None:
        """A generated body made one the record takes, where the path's writes need more than
        the schema says (a real BCP, a plausible period, a known code): the link gave the ids."""
        days = lambda below: timedelta(days=_number(body, below))  # noqa: E731
        _printable(body)
        if path == "/api/v1/crossings":
            self.crossing(body)
        elif path == "/api/v1/crossings/batch":
            for item in body.get("crossings") or []:
                if isinstance(item, dict) and _often(item):
                    self.crossing(item)
        elif path == "/api/v1/checks":
            document = dict(SEEN_DOCUMENT, surname="TOSHEV", nationality="UZB")
            body.update(bcp=_pick(self.bcps, body), mrz=None, document=document)
        elif path.endswith("/permits"):
            start = NOW.date() - days(300)
            body.update(valid_from=start.isoformat(), valid_to=(start + days(400)).isoformat())
        elif path.endswith("/registrations"):
            start = NOW.date() - days(60)
            body.update(registered_on=start.isoformat(), valid_to=(start + days(90)).isoformat())
        elif path.endswith("/indicators"):
            body.update(indicators=[_pick(INDICATORS, body).code], bcp=self.bcps[0])
            body.pop("check_id", None)
        elif path.endswith("/referrals") and "need" in body:
            agency = next((a for a in AGENCIES if body["need"] in a.needs), AGENCIES[0])
            body.update(agency=agency.code, consent=True, bcp=None, basis=None)
        elif path == "/api/v1/redress":
            at = NOW - days(30)
            body.update(flag="overstay", remedy={"kind": "missing_exit", "bcp": self.bcps[0],
                                                 "occurred_at": at.isoformat()})  # fmt: skip
        elif path.endswith("/corrections"):
            if body.get("kind") == "amend":
                body["changes"] = {"purpose": _pick(("work", "tourism", "study"), body)}
            else:
                body.pop("changes", None)
        elif path.endswith("/rectification"):
            body["changes"] = {"given_names": _pick(("BOBUR", "ANVAR", "DILNOZA"), body)}


class Records:
    """Fresh records of the test's engine kind, each dropped when its scenario ends."""

    def __init__(self, engine, tmp_path) -> None:
        self.dialect, self.tmp_path, self.made = engine.dialect.name, tmp_path, 0
        self.schemas: dict[int, str] = {}  # a PostgreSQL record's schema, by its engine

    def open(self):
        self.made += 1
        if self.dialect == "sqlite":
            return open_database(f"sqlite:///{self.tmp_path / f'scenario-{self.made}.sqlite3'}")
        base = os.environ["RMIS_TEST_POSTGRES_URL"]
        schema = f"rmis_fuzz_{uuid.uuid4().hex[:12]}"
        with create_engine(base).begin() as connection:
            connection.execute(text(f'CREATE SCHEMA "{schema}"'))
        sep = "&" if "?" in base else "?"
        engine = open_database(f"{base}{sep}options=-csearch_path%3D{schema}")
        self.schemas[id(engine)] = schema
        return engine

    def close(self, engine) -> None:
        engine.dispose()
        if schema := self.schemas.pop(id(engine), None):
            admin = create_engine(os.environ["RMIS_TEST_POSTGRES_URL"])
            with admin.begin() as connection:
                connection.execute(text(f'DROP SCHEMA "{schema}" CASCADE'))
            admin.dispose()


class Run:
    """What the scenarios saw: every answer, what they wrote, and every failure as it happened
    (Hypothesis may not replay a failing scenario alike: schemathesis follows a link or not by
    a coin it does not record)."""

    def __init__(self) -> None:
        self.answers: Counter = Counter()
        self.written: Counter = Counter()
        self.failures: list[str] = []
        self.scenarios = 0


def _replay_diverged(error: BaseException) -> bool:
    """Hypothesis found the same draws answered otherwise (schemathesis' own runner starts
    again then): raised as Flaky, or as an assertion inside Hypothesis' own data tree."""
    if isinstance(error, Flaky):
        return True
    frame = error.__traceback__
    while frame is not None and frame.tb_next is not None:
        frame = frame.tb_next
    module = frame.tb_frame.f_globals.get("__name__", "") if frame else ""
    return isinstance(error, AssertionError) and module.startswith("hypothesis.")


@pytest.fixture
def workflow(engine, tmp_path):
    records = Records(engine, tmp_path)
    run = Run()
    # The schema is read from one app; each scenario's cases go to its own (get_call_kwargs).
    schema = schemathesis.openapi.from_asgi("/api/v1/openapi.json", create_app(engine))
    # Only the schema's own links: the links schemathesis would infer add roots that name
    # random ids (404s), not steps that reach the record.
    schema.config.phases.stateful.inference.algorithms = []

    class Workflow(schema.as_state_machine()):
        def setup(self) -> None:
            self.made: World | None = None

        @property
        def world(self) -> World:
            # Made at the first call: a scenario Hypothesis gives up before any costs nothing.
            if self.made is None:
                self.made = World(records.open())
            return self.made

        def teardown(self) -> None:
            if self.made is None:
                return
            with self.world.engine.connect() as connection:
                for name, table in (("crossings", crossings), ("corrections", corrections),
                                    ("permits", permits)):  # fmt: skip
                    run.written[name] += connection.execute(
                        select(func.count()).select_from(table)).scalar_one()  # fmt: skip
            records.close(self.world.engine)
            run.scenarios += 1

        def get_call_kwargs(self, case) -> dict:
            return {"app": self.world.app}

        def before_call(self, case) -> None:
            world = self.world
            case.headers = {**(case.headers or {}), "RMIS-Purpose": "fuzz"}
            if case.path == "/api/v1/logout":
                return  # only the session a login opened (its link), never the shared tokens
            case.headers["Authorization"] = f"Bearer {world.token_for(case.path)}"
            body = case.body
            if not _often(body):
                return
            if case.path == "/api/v1/login":
                case.body = {"name": "officer.login", "password": PASSWORD}
            elif case.path == "/api/v1/documents/crossings":
                case.body = dict(SEEN_DOCUMENT)
            elif isinstance(body, dict):
                world.realise(case.path, body)

        def validate_response(self, response, case, additional_checks=None, **kwargs) -> None:
            run.answers[(case.method, case.path, response.status_code)] += 1
            try:
                assert response.status_code < 500, response.text[:2000]
                case.validate_response(
                    response, checks=[response_schema_conformance],
                    transport_kwargs=kwargs or None, recorder=self.recorder,
                )  # fmt: skip
            except BaseException as error:
                body = json.dumps(case.body, default=str)[:500]
                run.failures.append(
                    f"{case.method} {case.path} {body} -> {response.status_code}: {error}"
                )
                raise

    return Workflow, run


def test_stateful_no_server_error_and_every_answer_in_the_schema(workflow):
    machine, run = workflow
    for _ in range(10):  # a run that stopped on a diverged replay goes on with a new one
        if run.scenarios >= SCENARIOS or run.failures:
            break
        try:
            machine.run(settings=settings(
                max_examples=SCENARIOS - run.scenarios, stateful_step_count=STEPS,
                deadline=None, database=None, phases=[Phase.generate],
                suppress_health_check=list(HealthCheck),
            ))  # fmt: skip
        except BaseException as error:
            if run.failures or not _replay_diverged(error):
                raise
    assert run.failures == []
    print(json.dumps(sorted(((f"{m} {p}", s), n) for (m, p, s), n in run.answers.items())))
    print(json.dumps({"scenarios": run.scenarios, "steps": run.answers.total(), **run.written}))
    assert run.scenarios >= SCENARIOS
    # Writes reached the records through the links, not only refusals of random ids.
    assert run.written["crossings"] > run.scenarios  # more than each scenario's seeded one
    assert any(status in (200, 201) and "{traveller_id}" in path
               for _, path, status in run.answers)  # fmt: skip


def test_the_openapi_document_names_its_links_and_problems(engine):
    """What a client reads: a recorded crossing's id is what its correction takes, a history's
    traveller what the stay read takes; every link names an operation the document has."""
    document = create_app(engine, clock=lambda: NOW).openapi()
    operations = {op["operationId"]: (method, path) for path, item in document["paths"].items()
                  for method, op in item.items()}  # fmt: skip
    links = {(path, method, name): link for path, item in document["paths"].items()
             for method, op in item.items() for answer in op["responses"].values()
             for name, link in answer.get("links", {}).items()}  # fmt: skip
    assert len(links) >= 40 and all(link["operationId"] in operations for link in links.values())
    correct = links[("/api/v1/crossings", "post", "CorrectCrossing")]
    assert operations[correct["operationId"]] == (
        "post",
        "/api/v1/crossings/{crossing_id}/corrections",
    )
    assert correct["parameters"] == {"crossing_id": "$response.body#/id"}
    stay = links[("/api/v1/documents/crossings", "post", "TravellerStay")]
    assert operations[stay["operationId"]] == ("get", "/api/v1/travellers/{traveller_id}/stay")
    # Every error answer is described as the problem it is, so its body is checked too.
    problem = {"application/problem+json": {"schema": {"$ref": "#/components/schemas/Problem"}}}
    for item in document["paths"].values():
        for operation in item.values():
            assert operation["responses"]["default"]["content"] == problem
            assert operation["responses"].get("422", {"content": problem})["content"] == problem
    assert "HTTPValidationError" not in document["components"]["schemas"]
