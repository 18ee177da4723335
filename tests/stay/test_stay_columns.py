"""The engine's column front (find_overstays_in_columns) gives find_overstays' answer, in its
order, on the same timelines; TimelineColumns holds a Timeline's rules as whole columns."""

from __future__ import annotations

from datetime import date, timedelta

import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st
from test_stay_property import BASE, rolling_rules, stays

from rmis.reference.stay_rules import load_stay_rules
from rmis.stay import (
    Permit,
    PermitKind,
    RuleSchedule,
    Stay,
    Timeline,
    TimelineError,
    TravellerTimeline,
    find_overstays,
)
from rmis.stay.columns import STILL_PRESENT, TimelineColumns, find_overstays_in_columns


def as_columns(travellers: list[TravellerTimeline]) -> TimelineColumns:
    entry, exit_, bounds, permits, permit_bounds = [], [], [0], [], [0]
    for t in travellers:
        for s in t.timeline.stays:
            entry.append(s.entry.toordinal())
            exit_.append(STILL_PRESENT if s.exit is None else s.exit.toordinal())
        bounds.append(len(entry))
        permits.extend(t.timeline.permits)
        permit_bounds.append(len(permits))
    return TimelineColumns(
        travellers=[t.traveller for t in travellers],
        nationalities=[t.nationality for t in travellers],
        bounds=np.array(bounds),
        entry=np.array(entry, dtype=np.int64),
        exit=np.array(exit_, dtype=np.int64),
        permits=permits,
        permit_bounds=np.array(permit_bounds),
    )


@st.composite
def permits(draw) -> tuple[Permit, ...]:
    out = []
    for _ in range(draw(st.integers(0, 3))):
        start = BASE + timedelta(days=draw(st.integers(0, 700)))
        kind = draw(st.sampled_from(list(PermitKind)))
        visa = kind is PermitKind.VISA
        out.append(
            Permit(
                kind,
                start,
                start + timedelta(days=draw(st.integers(0, 300))),
                entries=draw(st.none() | st.integers(1, 3)) if visa else None,
                duration_days=draw(st.none() | st.integers(1, 90)) if visa else None,
            )
        )
    return tuple(out)


@settings(max_examples=80, deadline=None)
@given(data=st.data())
def test_the_column_front_answers_as_the_engine(data) -> None:
    table = load_stay_rules()
    nationalities = ["UZB", "AFG", "RUS", "TJK"]  # visa-free, visa-required, no limit, ...
    travellers = [
        TravellerTimeline(
            f"T{i}",
            data.draw(st.sampled_from(nationalities)),
            Timeline(data.draw(stays(max_stays=6)), data.draw(permits())),
        )
        for i in range(data.draw(st.integers(0, 6)))
    ]
    on = data.draw(st.dates(BASE, BASE + timedelta(days=1200)))
    host = data.draw(st.sampled_from(["KAZ", "RUS", "TJK"]))
    columns = as_columns(travellers)
    assert columns.timelines() == travellers

    def rules_for(nationality: str) -> RuleSchedule:
        return table.schedule(host, nationality)

    assert find_overstays_in_columns(columns, rules_for, on) == find_overstays(
        travellers, rules_for, on
    )


@settings(max_examples=40, deadline=None)
@given(data=st.data())
def test_the_column_front_answers_as_the_engine_under_any_rolling_rule(data) -> None:
    travellers = [
        TravellerTimeline(f"T{i}", "UZB", Timeline(data.draw(stays(max_stays=5)))) for i in range(3)
    ]
    rule = data.draw(rolling_rules())
    on = data.draw(st.dates(BASE, BASE + timedelta(days=1200)))

    def rules_for(_nationality: str) -> RuleSchedule:
        return RuleSchedule.single(rule)

    got = find_overstays_in_columns(as_columns(travellers), rules_for, on)
    assert got == find_overstays(travellers, rules_for, on)


D = date.fromisoformat


def _one(stays_: list[tuple[str, str | None]]) -> dict:
    entry = [D(e).toordinal() for e, _ in stays_]
    exit_ = [STILL_PRESENT if x is None else D(x).toordinal() for _, x in stays_]
    return {
        "travellers": ["A"],
        "nationalities": ["UZB"],
        "bounds": np.array([0, len(stays_)]),
        "entry": np.array(entry, dtype=np.int64),
        "exit": np.array(exit_, dtype=np.int64),
    }


@pytest.mark.parametrize(
    ("stays_", "words"),
    [
        ([("2025-05-01", "2025-04-30")], "exit 2025-04-30 is before entry 2025-05-01"),
        ([("2025-05-01", None), ("2025-06-01", "2025-06-02")], "out of order or overlapping"),
        ([("2025-05-01", "2025-05-10"), ("2025-05-10", None)], "out of order or overlapping"),
        ([("2025-05-01", "2025-05-10"), ("2025-04-01", "2025-04-02")], "out of order"),
    ],
)
def test_columns_that_cannot_be_a_timeline_are_refused(stays_, words) -> None:
    with pytest.raises(TimelineError, match=words):
        TimelineColumns(**_one(stays_))
    # The same stays as a Timeline: refused too, but for the order, which a Timeline sorts.
    if words != "out of order":
        with pytest.raises(TimelineError):
            Timeline(tuple(Stay(D(e), None if x is None else D(x)) for e, x in stays_))


def test_columns_say_which_traveller_is_wrong() -> None:
    ok = _one([("2025-01-01", "2025-01-05")])
    with pytest.raises(TimelineError, match="traveller B"):
        TimelineColumns(
            travellers=["A", "B"],
            nationalities=["UZB", "UZB"],
            bounds=np.array([0, 1, 3]),
            entry=np.append(ok["entry"], [D("2025-03-01").toordinal()] * 2),
            exit=np.append(ok["exit"], [STILL_PRESENT, STILL_PRESENT]),
        )


def test_columns_of_the_wrong_shape_are_refused() -> None:
    one = _one([("2025-01-01", "2025-01-05")])
    with pytest.raises(TimelineError, match="bounds"):
        TimelineColumns(**{**one, "bounds": np.array([0, 2])})
    with pytest.raises(TimelineError, match="nationalities"):
        TimelineColumns(**{**one, "nationalities": []})
    with pytest.raises(TimelineError, match="permit_bounds"):
        TimelineColumns(**one, permits=[Permit(PermitKind.WORK, D("2025-01-01"), D("2025-02-01"))])
