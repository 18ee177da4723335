"""`rmis protection counts`: counts with small cells suppressed, as a table and SDMX-CSV; only
for those who may count."""

from __future__ import annotations

import csv
import io
from datetime import date

from typer.testing import CliRunner

from rmis.cli import app
from rmis.protection import refer
from rmis.security.accounts import create_principal
from rmis.security.principals import Role
from rmis.store import open_database

from .helpers import NOW, OFFICER, document, traveller

runner = CliRunner()


def test_counts_as_a_table_and_sdmx(tmp_path, monkeypatch):
    url = f"sqlite:///{tmp_path / 'rmis.sqlite3'}"
    monkeypatch.setenv("RMIS_DATABASE_URL", url)
    engine = open_database(url)
    for name, role, bcps in (("analyst", Role.ANALYST, []),
                             ("officer", Role.BORDER_OFFICER, ["KAZ-ALA"])):  # fmt: skip
        create_principal(engine, name=name, role=role, state="KAZ", bcp_codes=bcps, now=NOW)
    person = traveller(engine, document("P5000001"))
    child = traveller(engine, document("P5000002", surname="NOORI", born=date(2013, 1, 1)))
    for _ in range(6):
        refer(engine, OFFICER, person, need="medical", agency="medical_service", consent=True,
              basis=None, now=NOW)  # fmt: skip
    refer(engine, OFFICER, child, need="child_protection", agency="child_protection_service",
          consent=False, basis="alone", now=NOW)  # fmt: skip
    engine.dispose()
    table = runner.invoke(app, ["protection", "counts", "--as", "analyst", "--by", "need",
                                "--format", "csv"])  # fmt: skip
    assert table.exit_code == 0, table.output
    rows = {r["need"]: r["referrals"] for r in csv.DictReader(io.StringIO(table.stdout))}
    assert rows["child_protection"] == "C"  # one child: suppressed
    sdmx = runner.invoke(app, ["protection", "counts", "--as", "analyst", "--by", "month,need",
                               "--format", "sdmx"])  # fmt: skip
    assert sdmx.exit_code == 0, sdmx.output
    lines = list(csv.DictReader(io.StringIO(sdmx.stdout)))
    assert {line["TIME_PERIOD"] for line in lines} == {"2026-11"}
    assert any(line["CONF_STATUS"] == "C" and line["OBS_VALUE"] == "" for line in lines)
    assert "NOORI" not in sdmx.stdout
    denied = runner.invoke(app, ["protection", "counts", "--as", "officer"])
    assert denied.exit_code == 2 and "may not" in denied.output


def test_the_patterns_job(tmp_path, monkeypatch):
    url = f"sqlite:///{tmp_path / 'rmis.sqlite3'}"
    monkeypatch.setenv("RMIS_DATABASE_URL", url)
    open_database(url).dispose()
    done = runner.invoke(app, ["protection", "patterns", "--host", "kaz"])
    assert done.exit_code == 0, done.output
    assert '"host_state": "KAZ"' in done.stdout and '"found": {}' in done.stdout
    bad = runner.invoke(app, ["protection", "patterns", "--host", "KAZ", "--years", "0"])
    assert bad.exit_code == 2
