from __future__ import annotations

import itertools
import tomllib
from datetime import date
from importlib.resources import files
from pathlib import Path

import pycountry
import pytest

from rmis.reference.stay_rules import (
    StayRulesError,
    builtin_stay_rules,
    load_stay_rules,
    parse_stay_rules,
)
from rmis.stay import Regime, WindowKind

D = date.fromisoformat
RAW = tomllib.loads(
    files("rmis.reference").joinpath("data/stay_rules.toml").read_text(encoding="utf-8")
)


def _alpha3(code: str) -> bool:
    return pycountry.countries.get(alpha_3=code) is not None


def test_every_rule_group_and_omission_says_where_it_came_from() -> None:
    for rule in RAW["rule"]:
        assert rule.get("source", "").strip(), rule
    for name, group in RAW["groups"].items():
        assert group.get("source", "").strip(), name
    for omitted in RAW["omitted"]:
        assert omitted.get("source", "").strip() and omitted.get("reason", "").strip()
    sources = [r["source"] for r in RAW["rule"]]
    assert sum(s.startswith("http") for s in sources) >= len(sources) - 2  # two "not found"


def test_codes_are_iso_alpha3() -> None:
    for rule in RAW["rule"]:
        assert _alpha3(rule["host"]), rule["host"]
        target = rule["applies_to"]
        assert target == "default" or target in RAW["groups"] or _alpha3(target), target
    for name, group in RAW["groups"].items():
        assert all(_alpha3(m) for m in group["members"]), name


def test_validity_does_not_overlap_for_the_same_host_and_group() -> None:
    spans: dict[tuple[str, str], list[tuple[date, date]]] = {}
    for rule in RAW["rule"]:
        spans.setdefault((rule["host"], rule["applies_to"]), []).append(
            (rule.get("valid_from", date.min), rule.get("valid_to", date.max))
        )
    for key, periods in spans.items():
        periods.sort()
        for (_, end), (start, _) in itertools.pairwise(periods):
            assert end < start, key


def test_the_six_host_states_are_covered() -> None:
    assert builtin_stay_rules().hosts() == {"KAZ", "KGZ", "RUS", "TJK", "TKM", "UZB"}


def test_russia_for_uzbek_citizens_before_and_after_2025() -> None:
    table = builtin_stay_rules()
    before = table.lookup("RUS", "UZB", D("2024-06-01"))
    after = table.lookup("RUS", "UZB", D("2025-06-01"))
    assert before is not None and after is not None
    assert (before.window, before.max_days, before.window_days) == (WindowKind.ROLLING, 90, 180)
    assert (after.window, after.max_days) == (WindowKind.CALENDAR_YEAR, 90)
    assert before.registration_days == after.registration_days == 15
    # Before the RU-UZ agreement came into force, the general rule: 7 working days.
    general = table.lookup("RUS", "UZB", D("2021-06-01"))
    assert general is not None and general.applies_to == "default"
    assert general.registration_days == 7


def test_nationality_beats_group_beats_default() -> None:
    table = builtin_stay_rules()
    group = table.lookup("KGZ", "KAZ", D("2025-01-01"))
    assert group is not None and group.applies_to == "EAEU"
    assert table.lookup("KGZ", "KAZ", D("2024-01-01")) is None  # before the 2024 resolution
    assert table.lookup("KAZ", "CHN", D("2023-06-01")).applies_to == "KAZ-14-day-list"
    assert table.lookup("KAZ", "CHN", D("2024-06-01")).applies_to == "CHN"
    assert table.lookup("RUS", "FRA", D("2025-06-01")).applies_to == "default"
    assert table.lookup("KAZ", "D", D("2025-06-01")).applies_to == "KAZ-unilateral-visa-free"


def test_honest_rows_visa_required_and_not_found() -> None:
    table = builtin_stay_rules()
    assert table.lookup("TKM", "KAZ", D("2025-01-01")).regime is Regime.VISA_REQUIRED
    assert table.lookup("KAZ", "AFG", D("2025-01-01")).regime is Regime.VISA_REQUIRED
    unknown = table.lookup("RUS", "TKM", D("2025-06-01"))
    assert unknown is not None and unknown.regime is Regime.UNKNOWN
    no_limit = table.lookup("TJK", "RUS", D("2025-06-01"))
    assert no_limit is not None and not no_limit.limited and no_limit.registration_days == 10


RULE = """
[[rule]]
host = "KAZ"
applies_to = "UZB"
window = "rolling"
max_days = 60
window_days = 180
source = "https://example.gov.kz/order-1"
"""


def test_a_state_replaces_its_own_rules_and_keeps_the_others(tmp_path: Path) -> None:
    path = tmp_path / "kaz.toml"
    path.write_text("format = 1\n" + RULE, encoding="utf-8")
    table = load_stay_rules(path)
    rule = table.lookup("KAZ", "UZB", D("2025-06-01"))
    assert rule is not None and rule.max_days == 60
    assert table.lookup("KAZ", "RUS", D("2025-06-01")) is None  # the whole KAZ table replaced
    assert table.lookup("RUS", "UZB", D("2025-06-01")) is not None  # other hosts kept


@pytest.mark.parametrize(
    ("text", "message"),
    [
        ("format = 2\n", "format = 1"),
        ("format = 1\n" + RULE + RULE, "overlap in time"),
        ("format = 1\n" + RULE.replace("max_days = 60", "max_day = 60"), "unknown field"),
        ("format = 1\n" + RULE.replace('"KAZ"', '"KZ"'), "three-letter"),
        (
            "format = 1\n" + RULE.replace('source = "https://example.gov.kz/order-1"', ""),
            "`source` is required",
        ),
        ("format = 1\n" + RULE.replace('window = "rolling"', 'window = "monthly"'), "monthly"),
        ("format = 1\n" + RULE.replace('"UZB"', '"NoSuchGroup"'), "applies_to"),
        ("format = 1\n" + RULE.replace("max_days = 60", 'max_days = "60"'), "whole number"),
        ("format = 1\nrule = [", "not valid TOML"),
    ],
)
def test_bad_rule_files_are_refused_with_a_reason(text: str, message: str) -> None:
    with pytest.raises(StayRulesError, match=message):
        parse_stay_rules(text, origin="test.toml")


def test_groups_that_share_a_member_at_the_same_time_are_refused() -> None:
    text = """format = 1
[groups.A]
members = ["UZB"]
source = "s"
[groups.B]
members = ["UZB", "TJK"]
source = "s"
[[rule]]
host = "KAZ"
applies_to = "A"
source = "s"
[[rule]]
host = "KAZ"
applies_to = "B"
source = "s"
"""
    with pytest.raises(StayRulesError, match="both hold UZB"):
        parse_stay_rules(text)
    # Not at the same time: fine.
    parse_stay_rules(
        text.replace('applies_to = "B"', 'applies_to = "B"\nvalid_from = 2020-01-01').replace(
            'applies_to = "A"', 'applies_to = "A"\nvalid_to = 2019-12-31'
        )
    )


def test_missing_replacement_file_is_an_error(tmp_path: Path) -> None:
    with pytest.raises(StayRulesError, match="cannot read"):
        load_stay_rules(tmp_path / "nope.toml")


def test_citizens_have_no_stay_limit_in_their_own_state():
    table = load_stay_rules()
    for host in ("RUS", "KAZ", "UZB", "TKM"):
        assert table.lookup(host, host, date(2026, 1, 1)) is None
    assert table.lookup("RUS", "UZB", date(2026, 1, 1)) is not None
