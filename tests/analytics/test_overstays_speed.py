"""The overstay analysis reads the candidates' timelines as whole columns; its verdicts are
those of the implementation before it (bench/overstays_before.py, the oracle) on a synthetic
region with permits, on several days."""

from __future__ import annotations

import sys
from datetime import UTC, date, datetime
from pathlib import Path

import pandas as pd
import pytest

from rmis.analytics import connect, find_overstays_on, open_warehouse
from rmis.analytics import overstays as overstays_module
from rmis.reference.stay_rules import load_stay_rules
from rmis.store.database import open_database
from rmis.synth.loading import load_region
from rmis.synth.region import SynthConfig, generate, write
from rmis.warehouse import sync_warehouse

sys.path.insert(0, str(Path(__file__).resolve().parents[2] / "bench"))

from overstays_before import judge_before

END = date(2026, 6, 30)
NOW = datetime(2026, 7, 1, tzinfo=UTC)


@pytest.fixture(scope="module")
def region_warehouse(tmp_path_factory):
    base = tmp_path_factory.mktemp("overstays")
    made = generate(SynthConfig(travellers=1500, years=2, seed=5, end=END))
    write(made, base / "synth")
    engine = open_database(f"sqlite:///{base / 'rmis.sqlite3'}")
    load_region(engine, base / "synth", now=NOW)
    sync_warehouse(engine, base / "warehouse", NOW, key=b"overstays-speed-test-key-0000000")
    engine.dispose()
    return base / "warehouse"


def test_the_verdicts_are_those_of_the_implementation_before(region_warehouse, monkeypatch):
    warehouse = open_warehouse(region_warehouse, connect())
    rules = load_stay_rules()
    found_any = {"open": 0, "late": 0}
    for on in (date(2025, 3, 1), date(2025, 12, 31), END):
        args = (warehouse.crossings, warehouse.permits, rules, on, warehouse.documents,
                warehouse.reviews)  # fmt: skip
        now = find_overstays_on(*args)
        with monkeypatch.context() as patched:
            patched.setattr(overstays_module, "_judge", judge_before)
            before = find_overstays_on(*args)
        pd.testing.assert_frame_equal(now.open, before.open)
        pd.testing.assert_frame_equal(now.late_exits, before.late_exits)
        assert now.candidates == before.candidates
        found_any["open"] += len(now.open)
        found_any["late"] += len(now.late_exits)
    assert all(found_any.values()), found_any  # the comparison judged something of each kind


def test_permits_reach_the_timelines(region_warehouse):
    warehouse = open_warehouse(region_warehouse, connect())
    permits = warehouse.permits.to_pandas()
    assert len(permits) > 0
    person, host = permits.iloc[0].person_key, permits.iloc[0].host_state
    candidates = pd.DataFrame({"person_key": [person], "host_state": [host]})
    from rmis.analytics.overstays import Limit
    from rmis.analytics.stays import stays

    s = stays(warehouse.crossings)
    nationalities = s.filter(s.person_key == person).nationality.to_pandas().unique()
    limits = {(host, n): Limit(0, 366, True) for n in nationalities}
    by_host, without = overstays_module.timelines(s, warehouse.permits, candidates, limits)
    (timeline,) = by_host[host]
    theirs = permits[(permits.person_key == person) & (permits.host_state == host)]
    assert len(timeline.timeline.permits) == len(theirs)
    assert {p.valid_from for p in timeline.timeline.permits} == set(
        pd.to_datetime(theirs.valid_from).dt.date
    )
    assert without == set()
