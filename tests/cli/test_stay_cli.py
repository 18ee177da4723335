"""`rmis stay check`: JSON and readable output, and clear errors with exit code 2."""

from __future__ import annotations

import json
from pathlib import Path

import pytest
import typer
from typer.testing import CliRunner

from rmis.cli import stay

# Mount the group as the `rmis` command does, without depending on the other groups.
root = typer.Typer()
root.add_typer(stay.app, name="stay")
runner = CliRunner()

WINDOW = ["--window-days", "180", "--max-days", "90"]


def _stays(tmp_path: Path, text: str) -> str:
    path = tmp_path / "stays.csv"
    path.write_text(text, encoding="utf-8")
    return str(path)


def _run(*args: str, env: dict[str, str | None] | None = None):
    # A developer's own RMIS_STAY_RULES must not leak into the tests.
    return runner.invoke(root, ["stay", "check", *args], env=env or {"RMIS_STAY_RULES": None})


def _json(result) -> dict:
    assert result.exit_code == 0, result.stderr + result.stdout
    return json.loads(result.stdout)


def test_still_present_past_the_limit(tmp_path: Path) -> None:
    path = _stays(tmp_path, "entry,exit\n2026-01-01,\n")
    out = _json(_run(*WINDOW, "--stays", path, "--on", "2026-04-10", "--json"))
    assert {
        k: out[k] for k in ("days_used", "days_remaining", "overstay_days", "latest_legal_exit")
    } == {
        "days_used": 100,
        "days_remaining": 0,
        "overstay_days": 10,
        "latest_legal_exit": "2026-03-31",
    }
    assert out["status"] == "overstay" and out["status_days"] == 10


def test_window_counts_earlier_stays_and_only_up_to_the_day(tmp_path: Path) -> None:
    path = _stays(tmp_path, "entry,exit\n2025-10-01,2025-11-29\n2026-02-01,\n")
    out = _json(_run(*WINDOW, "--stays", path, "--on", "2026-02-10", "--json"))
    assert (out["days_used"], out["days_remaining"], out["overstay_days"]) == (70, 20, 0)
    assert out["latest_legal_exit"] == "2026-03-02"


def test_days_per_stay(tmp_path: Path) -> None:
    path = _stays(tmp_path, "entry,exit\n2026-01-01,\n")
    out = _json(
        _run(*WINDOW, "--max-days-per-stay", "30", "--stays", path, "--on", "2026-01-20", "--json")
    )
    assert (out["days_used"], out["days_remaining"], out["latest_legal_exit"]) == (
        20,
        10,
        "2026-01-30",
    )


def test_rules_table_kazakhstan_for_uzbek_citizens(tmp_path: Path) -> None:
    path = _stays(tmp_path, "entry,exit\n2026-01-01,\n")
    out = _json(
        _run(
            "--host", "KAZ", "--nationality", "UZB", "--stays", path, "--on", "2026-01-20", "--json"
        )
    )
    assert out["latest_legal_exit"] == "2026-01-30"  # 30 days per entry
    assert out["registration_due"] == "2026-01-06"  # 3 working days after Thursday 1 Jan
    assert out["status"] == "registration_overdue"
    assert out["rule"]["source"].startswith("https://")


def test_rules_table_russia_calendar_year(tmp_path: Path) -> None:
    path = _stays(tmp_path, "entry,exit\n2025-12-01,\n")
    out = _json(
        _run(
            "--host", "rus", "--nationality", "uzb", "--stays", path, "--on", "2025-12-15", "--json"
        )
    )
    assert out["rule"]["window"] == "calendar_year"
    assert (out["days_used"], out["latest_legal_exit"]) == (15, "2026-03-31")


def test_a_state_file_from_the_environment_replaces_the_built_in_rules(tmp_path: Path) -> None:
    rules = tmp_path / "kaz.toml"
    rules.write_text(
        'format = 1\n[[rule]]\nhost = "KAZ"\napplies_to = "default"\n'
        'max_days_per_stay = 10\nsource = "https://example.gov.kz/1"\n',
        encoding="utf-8",
    )
    path = _stays(tmp_path, "entry,exit\n2026-01-01,\n")
    args = (
        "--host",
        "KAZ",
        "--nationality",
        "UZB",
        "--stays",
        path,
        "--on",
        "2026-01-05",
        "--json",
    )
    out = _json(_run(*args, env={"RMIS_STAY_RULES": str(rules)}))
    assert out["latest_legal_exit"] == "2026-01-10"
    out = _json(_run(*args, "--rules", str(rules)))
    assert out["latest_legal_exit"] == "2026-01-10"


def test_readable_output(tmp_path: Path) -> None:
    path = _stays(tmp_path, "entry,exit\n2026-01-01,\n")
    result = _run(*WINDOW, "--stays", path, "--on", "2026-04-10")
    assert result.exit_code == 0
    assert "overstay of 10 days" in result.stdout
    assert "2026-03-31" in result.stdout


@pytest.mark.parametrize(
    ("csv", "args", "message"),
    [
        (
            "entry,exit\n2026-01-01,\n",
            ("--host", "KAZ", "--nationality", "UZB", *WINDOW),
            "not both",
        ),
        ("entry,exit\n2026-01-01,\n", (), "give either"),
        ("entry,exit\n2026-01-01,\n", ("--window-days", "180"), "go together"),
        ("entry,exit\n2026-01-01,\n", ("--host", "KAZ"), "go together"),
        (
            "entry,exit\n2026-01-01,\n",
            ("--host", "FRA", "--nationality", "UZB"),
            "no stay rules for `FRA`",
        ),
        (
            "entry,exit\n2026-01-01,\n",
            ("--host", "KAZ", "--nationality", "ABC"),
            "--nationality 'ABC' is not an ICAO 9303 country code",
        ),
        ("start,end\n2026-01-01,\n", WINDOW, "header must be `entry,exit`"),
        ("", WINDOW, "empty"),
        (
            "entry,exit\n2026-01-01,2026-01-05\n2026-13-01,\n",
            WINDOW,
            "line 3: cannot read entry date `2026-13-01`",
        ),
        ("entry,exit\n2026-01-10,2026-01-05\n", WINDOW, "line 2: exit 2026-01-05 is before entry"),
        (
            "entry,exit\n2026-01-01,2026-01-10\n2026-01-10,\n",
            WINDOW,
            "lines 2 and 3: stays overlap",
        ),
        ("entry,exit\n2026-01-01,\n2026-02-01,2026-02-05\n", WINDOW, "has no exit"),
        ("entry,exit\n2026-01-01\n", WINDOW, "line 2: expected 2 fields"),
    ],
)
def test_bad_input_exits_2_with_a_message(
    tmp_path: Path, csv: str, args: tuple, message: str
) -> None:
    path = _stays(tmp_path, csv)
    result = _run(*args, "--stays", path, "--on", "2026-02-01", "--json")
    assert result.exit_code == 2
    assert message in result.stderr
    assert result.stdout == ""


def test_missing_stays_file_and_bad_day(tmp_path: Path) -> None:
    result = _run(*WINDOW, "--stays", str(tmp_path / "nope.csv"), "--on", "2026-02-01")
    assert result.exit_code == 2 and "file not found" in result.stderr
    path = _stays(tmp_path, "entry,exit\n2026-01-01,\n")
    result = _run(*WINDOW, "--stays", path, "--on", "01/02/2026")
    assert result.exit_code == 2 and "--on: cannot read date" in result.stderr


def test_bad_rules_file_exits_2(tmp_path: Path) -> None:
    rules = tmp_path / "bad.toml"
    rules.write_text('format = 1\n[[rule]]\nhost = "KAZ"\n', encoding="utf-8")
    path = _stays(tmp_path, "entry,exit\n2026-01-01,\n")
    result = _run(
        "--host",
        "KAZ",
        "--nationality",
        "UZB",
        "--rules",
        str(rules),
        "--stays",
        path,
        "--on",
        "2026-02-01",
    )
    assert result.exit_code == 2 and "applies_to" in result.stderr


def test_negative_window_is_refused_by_the_option_itself(tmp_path: Path) -> None:
    path = _stays(tmp_path, "entry,exit\n2026-01-01,\n")
    result = _run("--window-days", "0", "--max-days", "90", "--stays", path)
    assert result.exit_code == 2
