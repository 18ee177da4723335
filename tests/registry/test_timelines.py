from datetime import date

from hypothesis import given
from hypothesis import strategies as st

from rmis.registry.timelines import stays_from_crossings
from rmis.stay import Stay, Timeline

D = date.fromisoformat


def test_regular_entries_and_exits_pair_up():
    moves = [("entry", D("2026-01-01")), ("exit", D("2026-01-10")), ("entry", D("2026-02-01"))]
    assert stays_from_crossings(moves) == [
        Stay(D("2026-01-01"), D("2026-01-10")),
        Stay(D("2026-02-01"), None),
    ]


def test_data_problems_neither_invent_nor_lose_days():
    moves = [
        ("exit", D("2026-01-01")),  # exit without entry: closes nothing
        ("entry", D("2026-01-05")),
        ("entry", D("2026-01-07")),  # entry while inside: the stay began on the 5th
        ("exit", D("2026-01-09")),
    ]
    assert stays_from_crossings(moves) == [Stay(D("2026-01-05"), D("2026-01-09"))]


def test_a_same_day_return_continues_the_stay():
    moves = [
        ("entry", D("2026-03-01")),
        ("exit", D("2026-03-04")),
        ("entry", D("2026-03-04")),
        ("exit", D("2026-03-06")),
    ]
    assert stays_from_crossings(moves) == [Stay(D("2026-03-01"), D("2026-03-06"))]


@given(st.lists(st.tuples(st.sampled_from(["entry", "exit"]), st.integers(0, 60)), max_size=40))
def test_any_sequence_of_crossings_makes_a_valid_timeline(raw):
    days = sorted(day for _, day in raw)
    moves = [
        (direction, date.fromordinal(739_000 + day))
        for (direction, _), day in zip(raw, days, strict=True)
    ]
    stays = stays_from_crossings(moves)
    Timeline(stays=tuple(stays))  # raises on overlaps or an open stay before another
    admitted_days = {day for _, day in moves}
    for stay in stays:
        assert stay.entry in admitted_days
        assert stay.exit is None or stay.exit in admitted_days
