"""The report's referrals: read from the record through the protection room's door (its
need-to-know check, its audit, its disclosure control), small cells suppressed on the page."""

from __future__ import annotations

import dataclasses
from datetime import UTC, date, datetime, timedelta

import pandas as pd
import pytest
from sqlalchemy import select
from uuid6 import uuid7

from rmis.protection import refer
from rmis.registry import Direction, DocumentSeen, NewCrossing, Outcome, Purpose, record_crossings
from rmis.report.data import gather_referrals
from rmis.report.render import render
from rmis.security import AccessDenied, Principal, Role
from rmis.store.schema import audit_log, crossings

NOW = datetime(2026, 11, 20, 9, 0, tzinfo=UTC)
MADE = datetime(2026, 10, 15, 6, 0, tzinfo=UTC)
OFFICER = Principal("officer", Role.BORDER_OFFICER, "KAZ", frozenset({"KAZ-ALA"}))
ANALYST = Principal("analyst", Role.ANALYST, "KAZ")
UZB_PROTECTION = Principal("uzb.protection", Role.PROTECTION_OFFICER, "UZB")


def document(number: str, surname: str = "RAHIMI", born: date = date(1990, 5, 1)):
    return DocumentSeen(
        issuing_state="AFG", number=number, document_type="P", surname=surname,
        given_names="AHMAD", nationality="AFG", birth_date=born, sex="M",
        expiry_date=date(2030, 1, 1),
    )  # fmt: skip


def traveller(engine, doc: DocumentSeen):
    """Record the person's entry at KAZ-ALA; their traveller id."""
    entry = NewCrossing(
        id=uuid7(), direction=Direction.ENTRY, bcp_code="KAZ-ALA",
        occurred_at=NOW - timedelta(days=20), document=doc, purpose=Purpose.PRIVATE,
        outcome=Outcome.ADMITTED, refusal_reason=None,
    )  # fmt: skip
    [recorded] = record_crossings(engine, OFFICER, [entry], now=NOW)
    with engine.connect() as connection:
        return connection.execute(
            select(crossings.c.traveller_id).where(crossings.c.id == recorded.id)
        ).scalar_one()


def _referrals(engine):
    person = traveller(engine, document("P6000001"))
    child = traveller(engine, document("P6000002", surname="NOORI", born=date(2013, 1, 1)))
    for _ in range(6):
        refer(engine, OFFICER, person, need="medical", agency="medical_service", consent=True,
              basis=None, now=NOW - timedelta(days=10))  # fmt: skip
    for _ in range(8):
        refer(engine, OFFICER, person, need="violence", agency="medical_service", consent=True,
              basis=None, now=NOW - timedelta(days=10))  # fmt: skip
    refer(engine, OFFICER, child, need="child_protection", agency="child_protection_service",
          consent=False, basis="alone", now=NOW - timedelta(days=10))  # fmt: skip
    # After the report's day: not in it.
    refer(engine, OFFICER, child, need="medical", agency="medical_service", consent=False,
          basis="alone", now=NOW + timedelta(days=5))  # fmt: skip


def test_the_section_shows_counts_with_the_small_cell_suppressed(engine, report_data):
    _referrals(engine)
    counts = gather_referrals(engine, ANALYST, NOW.date(), NOW)
    assert counts.state == "KAZ" and counts.since == date(2025, 12, 1)
    need = counts.tables["need"].set_index("need")
    assert need.referrals["violence"] == 8 and not need.confidential["violence"]
    # One child: suppressed; and the smallest other cell with it, or the month's total (not
    # printed, but public elsewhere) would give the child away.
    assert need.confidential["child_protection"] and pd.isna(need.referrals["child_protection"])
    assert need.confidential["medical"] and pd.isna(need.referrals["medical"])
    # 6 + 8 + 1 by the report's day; the referral made after it is not counted.
    assert counts.tables["nationality"].to_dict("records") == [
        {"month": "2026-11", "nationality": "AFG", "referrals": 15, "confidential": False}
    ]
    page = render(dataclasses.replace(report_data, referrals=counts), MADE)
    section = page[page.index('id="referrals"') : page.index('id="notes"')]
    assert "Referrals per month by need" in section and "Referrals per month by BCP" in section
    assert '<th scope="col">child protection</th>' in section
    by_need = section[: section.index("by receiving agency")]
    assert by_need.count("<td>C</td>") == 2 and '<td class="num">8</td>' in by_need
    assert "<td>2026-11</td>" in section
    assert "NOORI" not in page and "RAHIMI" not in page
    with engine.connect() as connection:
        audited = connection.execute(
            select(audit_log.c.principal, audit_log.c.purpose).where(
                audit_log.c.action == "protection.counts"
            )
        ).all()
    assert len(audited) == 5 and {tuple(a) for a in audited} == {("analyst", "statistics")}


def test_only_the_principals_state_and_only_who_may_count(engine):
    _referrals(engine)
    uzb = gather_referrals(engine, UZB_PROTECTION, NOW.date(), NOW)
    assert all(table.empty for table in uzb.tables.values())
    with pytest.raises(AccessDenied):
        gather_referrals(engine, OFFICER, NOW.date(), NOW)


def test_without_a_principal_the_section_says_why(page):
    section = page[page.index('id="referrals"') : page.index('id="notes"')]
    assert "Not shown" in section and "--as" in section and "<table" not in section


def test_the_report_command_reads_them_as_the_principal_named(tmp_path, monkeypatch):
    from typer.testing import CliRunner

    from rmis.cli import app
    from rmis.security.accounts import create_principal
    from rmis.store import open_database
    from rmis.warehouse.sync import sync_warehouse
    from warehouse.scenario import Person, record

    engine = open_database(f"sqlite:///{tmp_path / 'rmis.sqlite3'}")
    visitor = Person("V1", "UZB")
    visitor.stay("KAZ-ALA", date(2026, 9, 1), 20)
    record(engine, tmp_path, [visitor])
    _referrals(engine)
    for name, role in (("analyst", Role.ANALYST), ("auditor", Role.AUDITOR)):
        create_principal(engine, name=name, role=role, state="KAZ", bcp_codes=[], now=NOW)
    sync_warehouse(engine, tmp_path / "warehouse", NOW)
    engine.dispose()
    monkeypatch.setenv("RMIS_DATA_DIR", str(tmp_path))
    monkeypatch.setenv("RMIS_DATABASE_URL", f"sqlite:///{tmp_path / 'rmis.sqlite3'}")
    monkeypatch.delenv("RMIS_ENGINE", raising=False)
    out = tmp_path / "report.html"
    done = CliRunner().invoke(app, ["report", "--out", str(out), "--as", "analyst",
                                    "--on", "2026-11-20"])  # fmt: skip
    assert done.exit_code == 0, done.output
    section = out.read_text(encoding="utf-8")
    section = section[section.index('id="referrals"') : section.index('id="notes"')]
    assert "Referrals made in KAZ" in section and "<td>C</td>" in section
    denied = CliRunner().invoke(app, ["report", "--out", str(tmp_path / "no.html"),
                                      "--as", "auditor", "--on", "2026-11-20"])  # fmt: skip
    assert denied.exit_code == 2 and not (tmp_path / "no.html").exists()
