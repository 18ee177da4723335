"""Property: for any timeline, the page's Plan answer is `rmis stay check`'s answer."""

from __future__ import annotations

import json
import tempfile
from datetime import date, timedelta
from pathlib import Path

import pytest
import typer
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from stay_helpers import NOW, answer_of, plan_form, stay_client
from typer.testing import CliRunner

from rmis.cli import stay

root = typer.Typer()
root.add_typer(stay.app, name="stay")
runner = CliRunner()

# Host and citizenship pairs that cover every kind of rule: 90/180 turning into 90 per
# calendar year (RUS), per-trip limits (KAZ), 60/120 (KGZ), no published limit (RUS/KGZ),
# a visa (TJK/AFG), unknown (RUS/TKM), working-day registration with Sundays off (UZB).
PAIRS = [("RUS", "TJK"), ("RUS", "UZB"), ("RUS", "KGZ"), ("RUS", "TKM"), ("KAZ", "UZB"),
         ("KAZ", "KGZ"), ("KGZ", "KAZ"), ("KGZ", "TJK"), ("UZB", "TJK"), ("TJK", "AFG"),
         ("KAZ", "TJK"), ("UZB", "KAZ")]  # fmt: skip


@st.composite
def timelines(draw):
    start = date(2024, 6, 1) + timedelta(days=draw(st.integers(0, 700)))
    trips, day = [], start
    for _ in range(draw(st.integers(1, 5))):
        entry = day + timedelta(days=draw(st.integers(1, 60)))
        length = draw(st.integers(0, 120))
        trips.append((entry, entry + timedelta(days=length)))
        day = entry + timedelta(days=length)
    if draw(st.booleans()):
        trips[-1] = (trips[-1][0], None)  # still there
    on = trips[0][0] + timedelta(days=draw(st.integers(0, 500)))
    return trips, on


def cli_answer(host: str, nationality: str, trips, on: date) -> dict:
    with tempfile.TemporaryDirectory() as d:
        path = Path(d) / "stays.csv"
        lines = ["entry,exit"] + [f"{a},{b or ''}" for a, b in trips]
        path.write_text("\n".join(lines) + "\n", encoding="utf-8")
        result = runner.invoke(root, ["stay", "check", "--host", host, "--nationality",
                                      nationality, "--stays", str(path), "--on", on.isoformat(),
                                      "--json"], env={"RMIS_STAY_RULES": None})  # fmt: skip
    assert result.exit_code == 0, result.output
    return json.loads(result.output)


@pytest.fixture(scope="module")
def client(tmp_path_factory):
    from rmis.store.database import open_database

    path = tmp_path_factory.mktemp("stay") / "rmis.sqlite3"
    engine = open_database(f"sqlite:///{path}")
    yield stay_client(engine, NOW)
    engine.dispose()


@settings(
    max_examples=60, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture]
)
@given(timeline=timelines(), pair=st.sampled_from(PAIRS))
def test_the_page_answers_as_rmis_stay_check(client, timeline, pair) -> None:
    trips, on = timeline
    host, nationality = pair
    response = client.post("/stay/plan", data=plan_form(nationality, host, trips, on))
    assert response.status_code == 200, response.text
    page = answer_of(response.text)
    cli = cli_answer(host, nationality, trips, on)

    def text(value):
        return None if value is None else str(value)

    assert page == {
        "status": cli["status"],
        "days-used": text(cli["days_used"]),
        "days-left": text(cli["days_remaining"]),
        "exit": cli["latest_legal_exit"],
        "due": cli["registration_due"],
        "on": cli["on"],
    }
