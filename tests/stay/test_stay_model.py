from __future__ import annotations

from datetime import date

import pytest

from rmis.stay import (
    Permit,
    PermitKind,
    Stay,
    StayRule,
    StaysFileError,
    Timeline,
    TimelineError,
    parse_stays_csv,
)

D = date.fromisoformat


def test_timeline_sorts_stays_and_refuses_impossible_ones() -> None:
    t = Timeline((Stay(D("2026-03-01")), Stay(D("2026-01-01"), D("2026-01-31"))))
    assert [s.entry for s in t.stays] == [D("2026-01-01"), D("2026-03-01")]
    with pytest.raises(TimelineError, match="overlap"):
        Timeline((Stay(D("2026-01-01"), D("2026-01-31")), Stay(D("2026-01-31"))))
    with pytest.raises(TimelineError, match="no exit"):
        Timeline((Stay(D("2026-01-01")), Stay(D("2026-02-01"))))
    with pytest.raises(TimelineError, match="before entry"):
        Stay(D("2026-01-02"), D("2026-01-01"))


def test_permits_and_rules_refuse_nonsense() -> None:
    with pytest.raises(TimelineError):
        Permit(PermitKind.VISA, D("2026-02-01"), D("2026-01-01"))
    with pytest.raises(TimelineError):
        Permit(PermitKind.VISA, D("2026-01-01"), D("2026-02-01"), entries=0)
    with pytest.raises(ValueError):
        StayRule.rolling(0, 90)
    with pytest.raises(ValueError):
        StayRule(max_days=90)  # a maximum needs a window


def test_stays_csv_in_any_order_with_bom_spaces_and_blank_lines() -> None:
    text = "\ufeffentry, exit\n\n 2026-03-01 ,\n2026-01-01,2026-01-31\n"
    assert parse_stays_csv(text) == (Stay(D("2026-01-01"), D("2026-01-31")), Stay(D("2026-03-01")))
    with pytest.raises(StaysFileError, match="line 2: entry date is empty"):
        parse_stays_csv("entry,exit\n,2026-01-01\n")
