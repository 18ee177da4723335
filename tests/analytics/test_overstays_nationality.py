"""A person is judged under the nationality of their latest stay in a host state (they may hold
documents of two states). When that nationality's rules publish no limit there while an
earlier stay's did, the person passes the filter (the earlier stay was over its limit) and is
judged under rules that bind nothing: no row, and no KeyError (there was one, in the
implementation before too: bench/overstays_before.py)."""

from __future__ import annotations

import sys
from datetime import date
from pathlib import Path

import ibis
import pyarrow as pa

from rmis.analytics import find_overstays_on
from rmis.analytics.overstays import strictest_limit
from rmis.reference.stay_rules import load_stay_rules

sys.path.insert(0, str(Path(__file__).resolve().parents[2] / "bench"))

from overstays_before import find_overstays_before

ON = date(2025, 12, 31)


def _tables():
    # KAZ allows Uzbeks 30 days per stay; it publishes no limit for Turkish citizens.
    stays_ = [
        # Entered on an Uzbek passport for 90 days, then on a Turkish one, still there.
        ("P-TWO", "KAZ", "UZB", date(2025, 1, 1), date(2025, 3, 31)),
        ("P-TWO", "KAZ", "TUR", date(2025, 6, 1), None),
        # An Uzbek still present since 1 November: over the 30 days on the report day.
        ("P-UZB", "KAZ", "UZB", date(2025, 11, 1), None),
    ]
    columns = ["person_key", "host_state", "nationality", "entry_date", "exit_date"]
    made = pa.table({
        **{c: [row[i] for row in stays_] for i, c in enumerate(columns)},
        "documents": pa.array([1] * len(stays_), pa.int64()),
    })  # fmt: skip
    crossings = pa.table({
        "person_key": ["P-TWO", "P-TWO", "P-TWO", "P-UZB"],
        "document_id": ["P-TWO", "P-TWO", "P-TWO", "P-UZB"],
    })  # fmt: skip
    permits = pa.table({
        "person_key": pa.array([], pa.string()), "host_state": pa.array([], pa.string()),
        "kind": pa.array([], pa.string()), "valid_from": pa.array([], pa.date32()),
        "valid_to": pa.array([], pa.date32()), "entries_allowed": pa.array([], pa.int64()),
        "duration_days": pa.array([], pa.int64()),
    })  # fmt: skip
    return ibis.memtable(crossings), ibis.memtable(permits), ibis.memtable(made)


def test_a_latest_stay_under_rules_without_a_limit_is_judged_under_them():
    rules = load_stay_rules()
    assert strictest_limit(rules.schedule("KAZ", "TUR")) is None  # the case's premise
    assert strictest_limit(rules.schedule("KAZ", "UZB")).days == 30
    crossings, permits, made = _tables()
    now = find_overstays_on(crossings, permits, rules, ON, made=made)
    before = find_overstays_before(crossings, permits, rules, ON, made=made)
    # Both judged (the Turkish-Uzbek national passed the filter on the Uzbek stay) ...
    assert now.candidates == before.candidates == 2
    # ... and only the Uzbek is found: the other is judged as a Turkish citizen.
    assert now.open.person_key.tolist() == ["P-UZB"]
    assert now.open.lawful_until.tolist() == [date(2025, 11, 30)]
    assert now.late_exits.empty
    assert now.open.equals(before.open)
    assert len(before.late_exits) == 0
