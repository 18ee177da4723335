"""The API after PostgreSQL lost the app's connections (a restart, a failover, an idle timeout).

Each request that found its connection dead before committing is run again on a fresh one:
authentication, reads and writes answer as if nothing had happened, and nothing is stored twice.
Only this test's own server processes are ended, never other sessions' on the shared server.
"""

import importlib
import pkgutil
import time
import uuid
from datetime import UTC, datetime, timedelta

import pytest
from fastapi import APIRouter
from fastapi.testclient import TestClient
from sqlalchemy import create_engine, event, func, select, text
from sqlalchemy.pool import NullPool
from uuid6 import uuid7

import rmis.web.api
from rmis.security.accounts import create_principal
from rmis.security.principals import Role
from rmis.store import database
from rmis.store.schema import audit_log, crossings, permits
from rmis.web.api.retry import FreshConnectionRoute
from rmis.web.app import create_app

NOW = datetime(2026, 11, 23, 3, 0, tzinfo=UTC)
PERMIT = {"kind": "work", "valid_from": "2026-01-01", "valid_to": "2027-01-01"}


class Backends:
    """The server processes behind the app's connections, and a way to end them. The app's
    connections carry an application_name of their own: ending is restricted to it, so no other
    session's connection on the shared server is touched (nor one that took a pid of ours)."""

    def __init__(self, engine) -> None:
        self.name = f"rmis_test_{uuid.uuid4().hex[:12]}"
        self.pids: set[int] = set()
        engine.dispose()  # the fixture's own connections are closed; every later one is named

        @event.listens_for(engine, "do_connect")
        def name(_dialect, _record, _cargs, cparams):
            cparams["application_name"] = self.name

        @event.listens_for(engine, "connect")
        def note(dbapi_connection, _record):
            self.pids.add(dbapi_connection.info.backend_pid)

        # In autocommit, each look at pg_stat_activity is a new snapshot of it.
        self.killer = create_engine(engine.url, poolclass=NullPool, isolation_level="AUTOCOMMIT")

    def end(self, pid: int | None = None) -> set[int]:
        """End the app's server processes (or the one with `pid`) and wait until they are gone."""
        with self.killer.connect() as connection:
            # pg_terminate_backend in the select list: it runs only on the rows WHERE keeps.
            rows = connection.execute(
                text(
                    "SELECT pid, pg_terminate_backend(pid) FROM pg_stat_activity"
                    " WHERE datname = current_database() AND pid <> pg_backend_pid()"
                    " AND application_name = :name"
                    " AND (CAST(:pid AS integer) IS NULL OR pid = :pid)"
                ),
                {"name": self.name, "pid": pid},
            )
            ended = {ended_pid for ended_pid, terminated in rows if terminated}
            for _ in range(100):  # until the processes are gone
                if not connection.execute(
                    text("SELECT count(*) FROM pg_stat_activity WHERE pid = ANY(:pids)"),
                    {"pids": list(ended)},
                ).scalar():
                    break
                time.sleep(0.05)
        assert ended, "no connection of the app was alive to end"
        return ended


@pytest.fixture
def pg(engine, monkeypatch):
    if engine.dialect.name != "postgresql":
        pytest.skip("SQLite has no server to lose")
    # Never pinged before use, however slow the test: the requests themselves find them dead.
    monkeypatch.setattr(database, "PING_AFTER_IDLE_S", float("inf"))
    backends = Backends(engine)
    yield engine, backends
    backends.killer.dispose()


@pytest.fixture
def app(pg):
    engine, backends = pg
    client = TestClient(create_app(engine, clock=lambda: NOW), raise_server_exceptions=False)

    def token(name, role, bcps=(), password=None):
        made = create_principal(engine, name=name, role=role, state="KAZ", bcp_codes=list(bcps),
                                password=password, now=NOW)  # fmt: skip
        return {"Authorization": f"Bearer {made}"}

    officer = token("officer", Role.BORDER_OFFICER, ["KAZ-ALA"], password="a long passphrase")
    supervisor = token("supervisor", Role.SUPERVISOR)
    tid = _traveller(client, officer)
    return client, engine, backends, officer, supervisor, tid


def _entry():
    return {
        "id": str(uuid7()), "direction": "entry", "bcp": "KAZ-ALA",
        "occurred_at": (NOW - timedelta(days=3)).isoformat(), "purpose": "work",
        "document": {"issuing_state": "UZB", "number": "FA7654321", "surname": "TOSHEV",
                     "given_names": "BOBUR", "nationality": "UZB", "sex": "M"},
    }  # fmt: skip


def _traveller(client, officer):
    assert client.post("/api/v1/crossings", json=_entry(), headers=officer).status_code == 201
    history = client.post("/api/v1/documents/crossings", headers=officer,
                          json={"issuing_state": "UZB", "number": "FA7654321"})  # fmt: skip
    assert history.status_code == 200, history.text
    return history.json()["traveller_id"]


def _count(engine, table, *where):
    with engine.connect() as connection:
        return connection.execute(select(func.count()).select_from(table).where(*where)).scalar()


def _end_at_commit(engine, backends, table):
    """End, once, the server process of the transaction that inserts into `table` as it commits:
    the COMMIT fails, and whether it went through is, to the app, unknown."""
    inserting, ended = set(), []

    @event.listens_for(engine, "before_cursor_execute")
    def note(_conn, cursor, statement, *_):
        if statement.startswith(f"INSERT INTO {table} "):
            inserting.add(cursor.connection.info.backend_pid)

    @event.listens_for(engine, "commit")
    def end(connection):
        pid = connection.connection.dbapi_connection.info.backend_pid
        if pid in inserting and not ended:
            ended.append(backends.end(pid))

    return ended


def test_authentication_and_reads_survive_lost_connections(app):
    client, _, backends, officer, _, tid = app
    session = client.post("/api/v1/login", json={"name": "officer",
                                                 "password": "a long passphrase"})  # fmt: skip
    assert session.status_code == 200, session.text
    by_session = {"Authorization": f"Bearer {session.json()['token']}"}
    for path, headers in [
        (f"/api/v1/travellers/{tid}/crossings", officer),
        (f"/api/v1/travellers/{tid}/stay", officer),
        (f"/api/v1/travellers/{tid}/stay", by_session),
        ("/api/v1/documents/crossings", by_session),
    ]:
        ended = backends.end()
        if path.startswith("/api/v1/documents"):
            document = {"issuing_state": "UZB", "number": "FA7654321"}
            response = client.post(path, headers=headers, json=document)
        else:
            response = client.get(path, headers=headers)
        assert response.status_code == 200, (path, response.text)
        assert backends.pids - ended, "the request did not need a fresh connection"
    assert client.get(f"/api/v1/travellers/{tid}/stay", headers=officer).json()["days_used"] == 4


def test_a_permit_is_stored_once_after_lost_connections(app):
    client, engine, backends, _, supervisor, tid = app
    backends.end()
    made = client.post(f"/api/v1/travellers/{tid}/permits", json=PERMIT, headers=supervisor)
    assert made.status_code == 201, made.text
    assert _count(engine, permits) == 1
    assert _count(engine, audit_log, audit_log.c.action == "permits.add") == 1


def test_a_permit_whose_connection_died_before_its_commit_is_stored_once(app):
    client, engine, backends, _, supervisor, tid = app
    ended = []

    @event.listens_for(engine, "before_cursor_execute")
    def end_before_insert(_conn, cursor, statement, *_):
        if statement.startswith("INSERT INTO permits ") and not ended:
            ended.append(backends.end(cursor.connection.info.backend_pid))

    made = client.post(f"/api/v1/travellers/{tid}/permits", json=PERMIT, headers=supervisor)
    assert ended and made.status_code == 201, made.text
    assert _count(engine, permits) == 1


def test_a_permit_whose_commit_failed_is_not_run_again(app):
    # Had the COMMIT gone through, running the request again would store the permit twice: the
    # client is told it failed, and may look before sending it again.
    client, engine, backends, _, supervisor, tid = app
    ended = _end_at_commit(engine, backends, "permits")
    made = client.post(f"/api/v1/travellers/{tid}/permits", json=PERMIT, headers=supervisor)
    assert ended and made.status_code == 500
    assert _count(engine, permits) == 0  # the process ended before the COMMIT reached it
    later = client.post(f"/api/v1/travellers/{tid}/permits", json=PERMIT, headers=supervisor)
    assert later.status_code == 201 and _count(engine, permits) == 1


def test_a_crossing_whose_commit_failed_is_recorded_once(app):
    # Recording finds a crossing by its id, so it is run again even after a failed COMMIT.
    client, engine, backends, officer, _, _ = app
    ended = _end_at_commit(engine, backends, "crossings")
    entry = _entry() | {"occurred_at": (NOW - timedelta(days=1)).isoformat()}
    made = client.post("/api/v1/crossings", json=entry, headers=officer)
    assert ended and made.status_code == 201, made.text
    assert _count(engine, crossings, crossings.c.id == entry["id"]) == 1


def test_every_api_router_runs_its_requests_again_on_a_fresh_connection():
    for module in pkgutil.iter_modules(rmis.web.api.__path__, "rmis.web.api."):
        for name, value in vars(importlib.import_module(module.name)).items():
            if isinstance(value, APIRouter):
                assert value.route_class is FreshConnectionRoute, f"{module.name}.{name}"
