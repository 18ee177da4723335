"""The warehouse's summaries answer every analysis as the crossings do, and a sync keeps them
so: after new crossings, a correction, a merge and a split, the summaries made incrementally
equal both the analyses over the crossings and summaries made from scratch."""

from __future__ import annotations

import io
from datetime import UTC, date, datetime
from uuid import UUID

import pandas as pd
import pyarrow.parquet as pq
import pytest
from sqlalchemy import select
from typer.testing import CliRunner

from rmis.analytics import (
    connect,
    find_overstays_on,
    flows,
    mirror,
    movement_types,
    open_warehouse,
    quick,
)
from rmis.analytics.filters import Filters
from rmis.analytics.state_roles import roles_of_events, state_roles
from rmis.analytics.stock import stock_curve, stock_on
from rmis.analytics.summaries import ROLES_BY_TYPE, TYPED_ROLLUPS, TYPES, summarise
from rmis.cli import app
from rmis.reference.stay_rules import load_stay_rules
from rmis.registry import import_crossings
from rmis.registry.corrections import correct_crossing
from rmis.security.principals import Principal, Role
from rmis.store.database import open_database
from rmis.store.schema import bcps, documents
from rmis.store.schema import crossings as crossings_table
from rmis.synth.region import SynthConfig, generate, write
from rmis.warehouse import read_manifest, sync_warehouse
from warehouse.scenario import merge, split

END = date(2026, 6, 30)
NOW = datetime(2026, 7, 1, tzinfo=UTC)
KEY = b"summaries-test-key-000000000000!"


def frame(expr) -> pd.DataFrame:
    return expr.to_pandas().reset_index(drop=True)


def same(a: pd.DataFrame, b: pd.DataFrame) -> None:
    pd.testing.assert_frame_equal(a, b, check_dtype=False)


def numbers(types: pd.DataFrame) -> pd.DataFrame:
    """Features as floats: a person without a foreign stay has nulls, None or NaN by engine."""
    features = [c for c in types.columns if c not in ("person_key", "movement_type")]
    return types.astype({c: "float64" for c in features})


def check_agree(root) -> None:
    """Every quick answer equals the analysis over the crossings."""
    backend = connect()
    warehouse = open_warehouse(root, backend)
    summary = quick.open_summary(root, backend)
    assert summary is not None
    c = warehouse.crossings
    for by in (
        ["corridor", "month"],
        ["bcp", "day"],
        ["nationality", "sex", "age_band", "week"],
        ["host_state", "purpose", "mode", "month"],
        ["nationality", "bcp"],
        [],
    ):
        for start, end in (
            (None, None),
            (date(2026, 1, 1), date(2026, 3, 31)),
            (date(2025, 11, 17), date(2026, 2, 3)),
        ):
            same(frame(quick.flows(summary, by, start, end)), frame(flows(c, by, start, end)))
    same(frame(quick.mirror(summary)), frame(mirror(c)))
    same(
        frame(quick.mirror(summary, date(2026, 2, 1), date(2026, 4, 30))),
        frame(mirror(c, date(2026, 2, 1), date(2026, 4, 30))),
    )
    # Days on which someone is present in two stays (people counted once) and one without.
    shared = summary.rollups["stock_overlaps"].day.to_pandas()
    days = sorted({pd.Timestamp(d).date() for d in shared.head(60)})[:3]
    assert days, "the region has people in two stays on one day"
    for on in [date(2026, 4, 15), *days]:
        for by in ([], ["nationality", "sex"], ["host_state", "purpose"]):
            same(frame(quick.stock_on(summary, on, by)), frame(stock_on(c, on, by)))
    same(
        frame(quick.stock_curve(summary, date(2026, 1, 1), date(2026, 3, 1), ["host_state"], 7)),
        frame(stock_curve(c, date(2026, 1, 1), date(2026, 3, 1), ["host_state"], 7)),
    )
    rules = load_stay_rules()
    judged = 0
    for on in (date(2026, 3, 31), date(2026, 6, 30)):
        by_summary = quick.overstays(summary, warehouse, rules, on)
        by_crossings = find_overstays_on(c, warehouse.permits, rules, on, warehouse.documents,
                                         warehouse.reviews)  # fmt: skip
        same(by_summary.open, by_crossings.open)
        same(by_summary.late_exits, by_crossings.late_exits)
        judged += len(by_summary.open) + len(by_summary.late_exits)
    assert judged > 0
    raw_types = frame(movement_types(c))
    same(numbers(frame(quick.movement_types(summary))[raw_types.columns]), numbers(raw_types))
    mix = frame(quick.movement_mix(summary)).set_index("movement_type").people
    counted = raw_types.movement_type.value_counts()
    assert {k: v for k, v in mix.items() if v} == counted.to_dict()
    assert mix.sum() == len(raw_types) > 0
    events = summary.rollups["role_events"]
    for start, end in ((None, None), (date(2026, 2, 1), date(2026, 4, 30))):
        same(frame(roles_of_events(events, start, end)), frame(state_roles(c, start, end)))
    # The rollups by movement type: each type's flows as over its people's crossings.
    typed = movement_types(c).select("person_key", "movement_type")
    for kind in counted.index:
        only = Filters(movement_type=(kind,))
        theirs = c.semi_join(typed.filter(typed.movement_type == kind), "person_key")
        for by in (["corridor", "month"], ["nationality", "sex", "age_band", "week"], ["bcp"]):
            same(frame(quick.flows(summary, by, filters=only)), frame(flows(theirs, by)))
        same(frame(quick.mirror(summary, filters=only)), frame(mirror(theirs)))


@pytest.fixture
def region(tmp_path):
    made = generate(SynthConfig(travellers=300, years=1, seed=11, end=END))
    files = write(made, tmp_path / "synth")
    table = pq.read_table(files["crossings"]).to_pandas()
    table = table.sort_values("occurred_at", kind="stable")
    halves = []
    for i, part in enumerate(
        (table.iloc[: len(table) * 2 // 3], table.iloc[len(table) * 2 // 3 :])
    ):
        path = tmp_path / f"half{i}.parquet"
        part.to_parquet(path, index=False)
        halves.append(path)
    return halves


def test_summaries_agree_with_the_crossings_through_incremental_syncs(region, tmp_path):
    engine = open_database(f"sqlite:///{tmp_path / 'rmis.sqlite3'}")
    root = tmp_path / "warehouse"
    import_crossings(engine, region[0], io.StringIO(), now=NOW)
    sync_warehouse(engine, root, NOW, key=KEY, summarise=summarise)
    check_agree(root)
    first = read_manifest(root).summaries
    # Nothing new: every summary file is kept as it was.
    sync_warehouse(engine, root, NOW, key=KEY, summarise=summarise)
    again = read_manifest(root).summaries
    assert (again.flows, again.stays, again.people) == (first.flows, first.stays, first.people)

    import_crossings(engine, region[1], io.StringIO(), now=NOW)
    with engine.connect() as connection:
        first_crossing = connection.execute(
            select(crossings_table.c.id, bcps.c.state)
            .join(bcps, bcps.c.code == crossings_table.c.bcp_code)
            .order_by(crossings_table.c.seq)
            .limit(1)
        ).one()
        numbers = (
            connection.execute(select(documents.c.number).order_by(documents.c.number).limit(2))
            .scalars()
            .all()
        )
    supervisor = Principal("sup.test", Role.SUPERVISOR, first_crossing.state)
    correct_crossing(
        engine, supervisor, UUID(str(first_crossing.id)), "void", {}, "recorded twice", now=NOW
    )
    merge(engine, numbers[0], numbers[1])
    synced = sync_warehouse(engine, root, NOW, key=KEY, summarise=summarise)
    assert synced.exported > 0 and synced.rewritten >= 1
    incremental = read_manifest(root).summaries
    kept = set(incremental.flows.values()) & set(first.flows.values())
    assert kept, "partitions the sync did not touch keep their cubes"
    check_agree(root)

    split(engine, numbers[0])
    sync_warehouse(engine, root, NOW, key=KEY, summarise=summarise)
    check_agree(root)
    # The same as summaries made from scratch.
    after = read_manifest(root)
    scratch = summarise(root, None, after)
    backend = connect()
    pairs = [(after.summaries.stays, scratch.stays), (after.summaries.people, scratch.people)]
    made_again = (*TYPED_ROLLUPS, TYPES, "role_events", ROLES_BY_TYPE)
    pairs += [(after.summaries.rollups[n], scratch.rollups[n]) for n in made_again]
    for a, b in pairs:
        x = backend.read_parquet(str(root / a)).to_pandas()
        y = backend.read_parquet(str(root / b)).to_pandas()
        keys = list(x.columns)
        same(x.sort_values(keys, ignore_index=True), y.sort_values(keys, ignore_index=True))


def test_a_sync_without_a_summariser_lists_none(region, tmp_path):
    engine = open_database(f"sqlite:///{tmp_path / 'rmis.sqlite3'}")
    root = tmp_path / "warehouse"
    import_crossings(engine, region[0], io.StringIO(), now=NOW)
    sync_warehouse(engine, root, NOW, key=KEY, summarise=summarise)
    assert quick.open_summary(root, connect()) is not None
    sync_warehouse(engine, root, NOW, key=KEY)
    assert read_manifest(root).summaries is None
    assert quick.open_summary(root, connect()) is None
    assert not list((root / "summaries").rglob("*.parquet"))


def test_the_cli_reads_the_summaries_and_answers_as_without(region, tmp_path, monkeypatch):
    engine = open_database(f"sqlite:///{tmp_path / 'rmis.sqlite3'}")
    import_crossings(engine, region[0], io.StringIO(), now=NOW)
    data = tmp_path / "data"
    monkeypatch.setenv("RMIS_DATA_DIR", str(data))
    runner = CliRunner()
    commands = [
        ["flows", "--by", "corridor,month"],
        ["flows", "--by", "nationality,age_band", "--from", "2026-01-05", "--to", "2026-02-10"],
        ["stock", "--by", "nationality"],
        ["stock", "--by", "host_state", "--from", "2026-01-01", "--to", "2026-02-01"],
        ["mirror"],
        ["typology", "--summary"],
    ]

    def answers() -> list[str]:
        out = []
        for command in commands:
            result = runner.invoke(app, ["analytics", *command, "--format", "csv"])
            assert result.exit_code == 0, result.output
            out.append(result.stdout)
        return out

    sync_warehouse(engine, data / "warehouse", NOW, key=KEY, summarise=summarise)
    quick_answers = answers()
    sync_warehouse(engine, data / "warehouse", NOW, key=KEY)  # no summaries: the crossings
    assert read_manifest(data / "warehouse").summaries is None
    assert answers() == quick_answers
