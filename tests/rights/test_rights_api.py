"""The data subject's rights: subject access in the person's language, and redress that
clears a contested overstay everywhere it went; the auditor's search."""

from datetime import UTC, datetime

import pyarrow.parquet as pq
import pytest
from fastapi.testclient import TestClient
from sqlalchemy import select
from uuid6 import uuid7

from rmis.security.accounts import create_principal
from rmis.security.principals import Role
from rmis.store.schema import audit_log
from rmis.warehouse import read_manifest, sync_warehouse
from rmis.web.app import create_app

NOW = datetime(2026, 11, 23, 3, 0, tzinfo=UTC)
KEY = b"w" * 32


@pytest.fixture
def client(engine):
    return TestClient(create_app(engine, clock=lambda: NOW))


@pytest.fixture
def people(engine):
    def token(name, role, state="KAZ", bcps=()):
        made = create_principal(engine, name=name, role=role, state=state, bcp_codes=list(bcps),
                                now=NOW)  # fmt: skip
        return {"Authorization": f"Bearer {made}"}

    return {
        "officer": token("officer", Role.BORDER_OFFICER, bcps=["KAZ-ALA"]),
        "sup.a": token("sup.a", Role.SUPERVISOR),
        "sup.b": token("sup.b", Role.SUPERVISOR),
        "sup.uzb": token("sup.uzb", Role.SUPERVISOR, "UZB"),
        "auditor": token("aud", Role.AUDITOR),
    }


def overstayer(client, people) -> str:
    body = {
        "id": str(uuid7()), "direction": "entry", "bcp": "KAZ-ALA",
        "occurred_at": "2026-08-01T09:00:00+00:00", "purpose": "work",
        "document": {"issuing_state": "UZB", "number": "FA7654321", "surname": "TOSHEV",
                     "given_names": "BOBUR", "nationality": "UZB", "sex": "M",
                     "birth_date": "1991-04-12"},
    }  # fmt: skip
    assert client.post("/api/v1/crossings", json=body, headers=people["officer"]).status_code == 201
    listed = client.get("/api/v1/overstays", headers=people["sup.a"]).json()["open"]
    [stay] = listed
    return stay["traveller_id"]


def test_subject_access_gives_everything_held_in_the_persons_language(client, people, engine):
    traveller = overstayer(client, people)
    url = f"/api/v1/travellers/{traveller}/subject-access"
    asked = people["sup.a"] | {"RMIS-Purpose": "request of the person, letter 12/2026"}
    answer = client.get(url, params={"language": "ru"}, headers=asked)
    assert answer.status_code == 200, answer.text
    data = answer.json()
    assert data["language"] == "ru" and data["translation_reviewed"]
    assert [d["number"] for d in data["documents"]] == ["FA7654321"]
    assert [c["direction"] for c in data["crossings"]] == ["entry"]
    assert data["stay"]["overstay_days"] > 0
    assert "travellers.history" in {r["action"] for r in data["reads"]}
    page = client.get(url, params={"language": "ky", "format": "html"}, headers=asked)
    assert page.status_code == 200 and "Реестрде сиз тууралуу" in page.text
    assert "текшерилген эмес" in page.text  # unreviewed translation said so
    assert "FA7654321" in page.text
    # Only a supervisor, only of a state that knows the person, and only saying why.
    assert client.get(url, headers=people["officer"] | {"RMIS-Purpose": "x"}).status_code == 403
    assert client.get(url, headers=people["sup.uzb"] | {"RMIS-Purpose": "x"}).status_code == 404
    assert client.get(url, headers=people["sup.a"]).status_code == 422
    with engine.connect() as connection:
        logged = connection.execute(
            select(audit_log.c.principal, audit_log.c.purpose).where(
                audit_log.c.action == "rights.subject_access"
            )
        ).all()
    assert tuple(logged[0]) == ("sup.a", "request of the person, letter 12/2026")


def test_an_upheld_redress_clears_the_overstay_in_the_record_and_the_warehouse(
    client, people, engine, tmp_path
):
    traveller = overstayer(client, people)
    root = tmp_path / "warehouse"
    sync_warehouse(engine, root, NOW, key=KEY)
    case = {
        "traveller_id": traveller, "flag": "overstay",
        "claim": "I left on 2026-08-20; the exit was not recorded",
        "evidence": [{"kind": "exit_stamp", "note": "KAZ-ALA exit stamp dated 2026-08-20"}],
        "remedy": {"kind": "missing_exit", "bcp": "KAZ-ALA",
                   "occurred_at": "2026-08-20T10:00:00+00:00"},
    }  # fmt: skip
    raised = client.post("/api/v1/redress", json=case, headers=people["sup.a"])
    assert raised.status_code == 201, raised.text
    case_id = raised.json()["id"]
    decide = f"/api/v1/redress/{case_id}/decision"
    upheld = {"uphold": True, "decision": "the stamp is genuine"}
    own = client.post(decide, json=upheld, headers=people["sup.a"])
    assert (own.status_code, own.json()["code"]) == (403, "own_case")
    done = client.post(decide, json=upheld, headers=people["sup.b"])
    assert done.status_code == 200, done.text
    assert done.json()["status"] == "upheld" and "recorded_exit" in done.json()["correction"]
    again = client.post(decide, json=upheld, headers=people["sup.b"])
    assert again.status_code == 409
    # The record: no longer an overstayer.
    assert client.get("/api/v1/overstays", headers=people["sup.a"]).json()["open"] == []
    # The warehouse, at its next sync: the exit is there for every analysis and export.
    sync_warehouse(engine, root, NOW, key=KEY)
    manifest = read_manifest(root)
    directions = [
        d for f in manifest.crossing_files()
        for d in pq.read_table(root / f, columns=["direction"])["direction"].to_pylist()
    ]  # fmt: skip
    assert sorted(directions) == ["entry", "exit"]


def test_a_rejected_case_changes_nothing_and_bad_cases_are_refused(client, people):
    traveller = overstayer(client, people)
    case = {"traveller_id": traveller, "flag": "overstay", "claim": "a permit",
            "evidence": [{"kind": "permit", "note": "work permit 123"}],
            "remedy": {"kind": "dismiss_hit", "hit_id": str(uuid7())}}  # fmt: skip
    assert client.post("/api/v1/redress", json=case, headers=people["sup.a"]).status_code == 422
    case["remedy"] = {"kind": "missing_permit", "permit_kind": "work_permit",
                      "valid_from": "2026-08-01", "valid_to": "2027-08-01"}  # fmt: skip
    case_id = client.post("/api/v1/redress", json=case, headers=people["sup.a"]).json()["id"]
    no = {"uphold": False, "decision": "no such permit was issued"}
    decided = client.post(f"/api/v1/redress/{case_id}/decision", json=no, headers=people["sup.b"])
    assert decided.json()["status"] == "rejected" and decided.json()["correction"] is None
    assert len(client.get("/api/v1/overstays", headers=people["sup.a"]).json()["open"]) == 1


def test_the_auditor_finds_who_read_a_persons_record_and_why(client, people, engine):
    traveller = overstayer(client, people)
    why = {"RMIS-Purpose": "secondary inspection"}
    client.get(f"/api/v1/travellers/{traveller}/crossings", headers=people["sup.b"] | why)
    search = people["auditor"] | {"RMIS-Purpose": "complaint 3/2026"}
    found = client.get("/api/v1/audit", params={"person": traveller, "from": "2026-11-01"},
                       headers=search)  # fmt: skip
    assert found.status_code == 200, found.text
    reads = [(r["principal"], r["action"], r["purpose"]) for r in found.json()]
    assert ("sup.b", "travellers.history", "secondary inspection") in reads
    assert ("sup.a", "overstays.list", "overstay report") in reads  # named in the list's row
    refused = client.get("/api/v1/audit", headers=people["sup.a"] | {"RMIS-Purpose": "x"})
    assert refused.status_code == 403


def test_a_documents_details_are_rectified_on_evidence_and_the_old_values_kept(
    client, people, engine
):
    from rmis.store.schema import documents

    overstayer(client, people)
    with engine.connect() as connection:
        document_id = connection.execute(select(documents.c.id)).scalar_one()
    url = f"/api/v1/documents/{document_id}/rectification"
    fix = {"changes": {"surname": "TOSHEVA", "birth_date": "1991-04-21"},
           "evidence": "birth certificate I-AH 123456"}  # fmt: skip
    assert client.post(url, json=fix, headers=people["sup.uzb"]).status_code == 404
    wrong = fix | {"changes": {"number": "FA0000000"}}
    assert client.post(url, json=wrong, headers=people["sup.a"]).json()["code"] == "not_rectifiable"
    done = client.post(url, json=fix, headers=people["sup.a"])
    assert done.status_code == 200, done.text
    assert done.json()["before"] == {"surname": "TOSHEV", "birth_date": "1991-04-12"}
    with engine.connect() as connection:
        row = connection.execute(select(documents.c.surname, documents.c.birth_date)).one()
        detail = connection.execute(
            select(audit_log.c.detail).where(audit_log.c.action == "rights.rectify")
        ).scalar_one()
    assert row.surname == "TOSHEVA" and str(row.birth_date) == "1991-04-21"
    assert detail["before"]["surname"] == "TOSHEV" and detail["after"]["surname"] == "TOSHEVA"
