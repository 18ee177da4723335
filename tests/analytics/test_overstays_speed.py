"""The overstay analysis reads the stays once as whole columns and filters the candidates
without a self-join; its verdicts are those of the implementation before it
(bench/overstays_before.py, the oracle) on a synthetic region with permits, on several days,
over the crossings and over the summaries' stays."""

from __future__ import annotations

import sys
from datetime import UTC, date, datetime
from pathlib import Path

import ibis
import numpy as np
import pandas as pd
import pyarrow as pa
import pytest

from rmis.analytics import connect, find_overstays_on, open_warehouse, quick, summarise
from rmis.analytics import overstays as overstays_module
from rmis.analytics.stays import foreign, stays
from rmis.reference.stay_rules import load_stay_rules
from rmis.store.database import open_database
from rmis.synth.loading import load_region
from rmis.synth.region import SynthConfig, generate, write
from rmis.warehouse import sync_warehouse

sys.path.insert(0, str(Path(__file__).resolve().parents[2] / "bench"))

from overstays_before import find_overstays_before

END = date(2026, 6, 30)
NOW = datetime(2026, 7, 1, tzinfo=UTC)


@pytest.fixture(scope="module")
def region_warehouse(tmp_path_factory):
    base = tmp_path_factory.mktemp("overstays")
    made = generate(SynthConfig(travellers=1500, years=2, seed=5, end=END))
    write(made, base / "synth")
    engine = open_database(f"sqlite:///{base / 'rmis.sqlite3'}")
    load_region(engine, base / "synth", now=NOW)
    sync_warehouse(
        engine, base / "warehouse", NOW, key=b"overstays-speed-test-key-0000000",
        summarise=summarise,
    )  # fmt: skip
    engine.dispose()
    return base / "warehouse"


def test_the_verdicts_are_those_of_the_implementation_before(region_warehouse):
    warehouse = open_warehouse(region_warehouse, connect())
    summary = quick.open_summary(region_warehouse, warehouse.backend)
    assert summary is not None
    rules = load_stay_rules()
    found_any = {"open": 0, "late": 0, "several_documents": 0}
    for on in (date(2025, 3, 1), date(2025, 12, 31), END):
        args = (warehouse.crossings, warehouse.permits, rules, on, warehouse.documents,
                warehouse.reviews)  # fmt: skip
        before = find_overstays_before(*args)
        for now in (find_overstays_on(*args), quick.overstays(summary, warehouse, rules, on)):
            pd.testing.assert_frame_equal(now.open, before.open)
            pd.testing.assert_frame_equal(now.late_exits, before.late_exits)
            assert now.candidates == before.candidates  # the same filter, without the self-join
        found_any["open"] += len(now.open)
        found_any["late"] += len(now.late_exits)
        found_any["several_documents"] += int((now.late_exits.documents > 1).sum())
    assert all(found_any.values()), found_any  # the comparison judged something of each kind


def test_without_the_documents_the_links_are_counted_over_the_crossings(region_warehouse):
    warehouse = open_warehouse(region_warehouse, connect())
    rules = load_stay_rules()
    args = (warehouse.crossings, warehouse.permits, rules, END)
    now, before = find_overstays_on(*args), find_overstays_before(*args)
    pd.testing.assert_frame_equal(now.open, before.open)
    pd.testing.assert_frame_equal(now.late_exits, before.late_exits)
    assert now.open.link.isna().all()


def test_the_filter_sums_each_window_as_pairs_of_stays_would():
    """candidates() against the sum over every pair of the group's stays (the self-join)."""
    rng = np.random.default_rng(7)
    on = date(2025, 6, 30)
    day_on = (on - overstays_module.EPOCH).days
    rows = []
    for person in range(300):
        day = day_on - int(rng.integers(200, 900))
        for _stay in range(int(rng.integers(1, 12))):
            day += int(rng.integers(0, 60))
            length = int(rng.integers(0, 120))
            exit_ = None if rng.random() < 0.1 else day + length
            rows.append((f"p{person:03d}", "KAZ", "UZB" if person % 3 else "AFG", day, exit_))
            day += length
    frame = pd.DataFrame(rows, columns=["person_key", "host_state", "nationality", "e", "x"])
    frame = frame[frame.e <= day_on]
    frame["entry_date"] = pd.to_datetime(frame.e, unit="D")
    frame["exit_date"] = pd.to_datetime(frame.x, unit="D")  # NaT while open
    columns = ["person_key", "host_state", "nationality", "entry_date", "exit_date"]
    table = ibis.memtable(frame[columns])
    table = table.mutate(entry_date=table.entry_date.date(), exit_date=table.exit_date.date())
    judged = overstays_module.read_stays(table)
    limits = {("KAZ", "UZB"): overstays_module.Limit(90, 180, False),
              ("KAZ", "AFG"): overstays_module.Limit(30, 366, True)}  # fmt: skip
    used, limit_days = overstays_module.days_present(judged, limits, on)
    chosen = set(overstays_module.candidates(judged, limits, on).tolist())
    expected = set()
    for g in range(len(judged.first) - 1):
        a, b = judged.first[g], judged.first[g + 1]
        entries = judged.entry[a:b]
        ends = np.minimum(judged.exit[a:b], day_on)
        for i in range(b - a):
            limit = limits[("KAZ", judged.nationalities[judged.nationality[a + i]])]
            check, start = ends[i], ends[i] - limit.window + 1
            days = sum(
                min(ends[j], check) - max(entries[j], start) + 1
                for j in range(b - a)
                if entries[j] <= check and ends[j] >= start
            )
            assert (used[a + i], limit_days[a + i]) == (days, limit.days)
            if days > limit.days:
                expected.add(g)
    assert chosen == expected
    assert 0 < len(chosen) < len(judged.first) - 1  # some kept, some not


def test_permits_reach_the_timelines(region_warehouse):
    """Every person-host pair's timeline carries exactly that pair's permits."""
    warehouse = open_warehouse(region_warehouse, connect())
    permits = warehouse.permits.to_pandas()
    assert len(permits) > 0
    s = stays(warehouse.crossings)
    judged = overstays_module.read_stays(s.filter(foreign(s)))
    chosen = np.arange(len(judged.first) - 1)  # every group
    limits = {
        (h, n): overstays_module.Limit(0, 366, True)
        for h in judged.hosts
        for n in judged.nationalities
    }
    people = pa.array(judged.strings("person_key", judged.first[chosen])).unique()
    held = overstays_module.held_permits(warehouse.permits, people, judged, chosen)
    by_host, without = overstays_module.timelines(judged, chosen, held, limits)
    expected = {
        pair: sorted(
            (str(p.kind), p.valid_from.date(), p.valid_to.date()) for p in rows.itertuples()
        )
        for pair, rows in permits.assign(
            valid_from=pd.to_datetime(permits.valid_from), valid_to=pd.to_datetime(permits.valid_to)
        ).groupby(["person_key", "host_state"])
    }
    with_permits = 0
    for host, columns in by_host.items():
        for t in columns.timelines():
            got = sorted((p.kind.value, p.valid_from, p.valid_to) for p in t.timeline.permits)
            assert got == expected.get((t.traveller, host), []), (t.traveller, host)
            assert ((t.traveller, host) in without) == (not got)
            with_permits += bool(got)
    assert with_permits > 0 and without
    assert sum(len(t.travellers) for t in by_host.values()) == len(chosen)


def test_stays_are_merged_as_the_registry_reads_them():
    """merged_stays, over many groups at once, against the oracle's one group at a time."""
    from overstays_before import _merged

    rng = np.random.default_rng(11)
    groups, entries, exits = [], [], []
    for g in range(400):
        day = int(rng.integers(19000, 19500))
        for _ in range(int(rng.integers(1, 9))):
            day += int(rng.integers(-3, 20))  # re-entries before, on and after the last exit
            length = int(rng.integers(0, 15))
            groups.append(g)
            entries.append(day)
            exits.append(overstays_module.NO_EXIT if rng.random() < 0.05 else day + length)
    order = np.lexsort((np.array(entries), np.array(groups)))
    group, entry, exit_ = (np.array(c, dtype=np.int64)[order] for c in (groups, entries, exits))
    run_group, run_entry, run_exit = overstays_module.merged_stays(group, entry, exit_)

    def day(n: int) -> date | None:
        return None if n == overstays_module.NO_EXIT else date.fromordinal(719163 + n)

    merged_somewhere = False
    for g in range(400):
        mine, theirs = group == g, run_group == g
        spans = [(day(e), day(x)) for e, x in zip(entry[mine], exit_[mine], strict=True)]
        expected = [(s.entry, s.exit) for s in _merged(spans)]
        got = [(day(e), day(x)) for e, x in zip(run_entry[theirs], run_exit[theirs], strict=True)]
        assert got == expected, g
        merged_somewhere |= len(expected) < len(spans)
    assert merged_somewhere
