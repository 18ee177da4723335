"""The disclosure control against an attacker who has the published cells and every total.

The attacker solves, for each suppressed cell, the smallest and largest value it can take given
the published cells, the totals and that counts are not negative (linear programming). A cell
is recovered when the two meet. Primary suppression alone loses cells to this attack (the
control case); with secondary suppression none is recovered.
"""

from __future__ import annotations

import numpy as np
import pandas as pd
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st
from scipy.optimize import linprog

from rmis.analytics.disclosure import TOTAL, margins, protect, suppress


def attack(published: pd.DataFrame, confidential: pd.Series, sums: pd.DataFrame,
           dimensions: list[str], measure: str) -> list[tuple[float, float, float]]:  # fmt: skip
    """(lowest, highest) each suppressed cell's `measure` can be, per suppressed cell."""
    hidden = np.flatnonzero(confidential.to_numpy())
    if len(hidden) == 0:
        return []
    keys = published[dimensions].astype(str)
    a_eq, b_eq = [], []
    for _, total in sums.iterrows():
        match = np.ones(len(published), bool)
        for d in dimensions:
            if total[d] != TOTAL:
                match &= (keys[d] == total[d]).to_numpy()
        known = published.loc[match & ~confidential.to_numpy(), measure].fillna(0).sum()
        a_eq.append([1.0 if match[i] else 0.0 for i in hidden])
        b_eq.append(float(total[measure]) - float(known))
    bounds = []
    for j in range(len(hidden)):
        c = np.zeros(len(hidden))
        c[j] = 1.0
        low = linprog(c, A_eq=a_eq, b_eq=b_eq, bounds=(0, None), method="highs")
        high = linprog(-c, A_eq=a_eq, b_eq=b_eq, bounds=(0, None), method="highs")
        assert low.status == 0 and high.status == 0
        bounds.append((low.fun, -high.fun))
    return bounds


def _table(seed: int, fill: float = 0.8) -> pd.DataFrame:
    rng = np.random.default_rng(seed)
    rows = []
    for a in ["KAZ", "KGZ", "TJK", "UZB", "RUS"]:
        for b in ["2026-01", "2026-02", "2026-03", "2026-04"]:
            for c in ["F", "M"]:
                if rng.random() < fill:
                    people = int(rng.integers(1, 25))
                    rows.append((a, b, c, people, people + int(rng.integers(0, 4)),
                                 int(rng.integers(0, 15))))  # fmt: skip
    return pd.DataFrame(rows, columns=["nationality", "month", "sex", "people", "entries", "exits"])


DIMS = ["nationality", "month", "sex"]


@pytest.mark.parametrize("seed", range(6))
def test_no_suppressed_cell_is_recovered_from_the_totals(seed):
    truth = _table(seed)
    protected = protect(truth, DIMS, "people", ["entries", "exits"], k=5)
    assert protected.primary.sum() > 0
    sums = margins(truth, DIMS, ["people", "entries", "exits"])
    _holds(truth, protected, sums, DIMS, ["people", "entries", "exits"])


def _holds(truth, protected, sums, dimensions, measures):
    """No primary cell's non-zero measure, nor any cell's people, is recovered."""
    assert protected.confidential[protected.primary].all()
    rows = np.flatnonzero(protected.confidential.to_numpy())
    for measure in protected.publishable(measures):  # the others get no totals
        bounds = attack(protected.frame, protected.confidential, sums, dimensions, measure)
        for (low, high), row in zip(bounds, rows, strict=True):
            value = truth[measure].iloc[row] if row < len(truth) else 0
            if measure == "people" or (protected.primary.iloc[row] and value > 0):
                assert high - low >= 1 - 1e-6, (measure, row)


def test_primary_suppression_alone_is_recovered():
    """The attack works: without secondary suppression it finds a suppressed cell exactly."""
    recovered = 0
    for seed in range(6):
        truth = _table(seed)
        frame = truth.copy()
        small = frame.people < 5
        for m in ["people", "entries", "exits"]:
            frame[m] = frame[m].astype("Int64").mask(small)
        sums = margins(truth, DIMS, ["people", "entries", "exits"])
        bounds = attack(frame, small, sums, DIMS, "people")
        recovered += sum(abs(high - low) < 1e-6 for low, high in bounds)
    assert recovered > 0


def test_a_primary_cell_can_be_seen_reaching_k():
    """The attacker cannot prove a primary cell small: its people may be k or more."""
    truth = _table(3)
    protected = protect(truth, DIMS, "people", ["entries", "exits"], k=5)
    sums = margins(truth, DIMS, ["people", "entries", "exits"])
    bounds = attack(protected.frame, protected.confidential, sums, DIMS, "people")
    rows = np.flatnonzero(protected.confidential.to_numpy())
    for (low, high), row in zip(bounds, rows, strict=True):
        if protected.primary.iloc[row]:
            assert low < truth.people.iloc[row] or high > truth.people.iloc[row]


def test_zero_corners_are_published_as_suppressed_cells():
    truth = _table(11, fill=0.6)
    protected = protect(truth, DIMS, "people", ["entries", "exits"], k=5)
    assert len(protected.frame) >= len(truth)
    added = protected.frame.iloc[len(truth) :]
    assert protected.confidential.iloc[len(truth) :].all()
    assert added.people.isna().all()
    assert not protected.totals_withheld
    sums = margins(truth, DIMS, ["people", "entries", "exits"])
    _holds(truth, protected, sums, DIMS, ["people", "entries", "exits"])


def test_one_cell_is_withheld():
    truth = pd.DataFrame({"sex": ["F"], "people": [2], "entries": [3]})
    protected = protect(truth, ["sex"], "people", ["entries"], k=5)
    assert protected.totals_withheld == {"people", "entries"} and protected.confidential.all()


def test_nothing_small_changes_nothing():
    truth = _table(2)
    truth["people"] += 10
    protected = protect(truth, DIMS, "people", ["entries", "exits"], k=5)
    assert not protected.confidential.any()
    assert (protected.frame.people.astype(int) == truth.people).all()


def test_bad_input_is_refused():
    truth = _table(1)
    with pytest.raises(ValueError, match="k must be"):
        protect(truth, DIMS, "people", ["entries"], k=0)
    with pytest.raises(ValueError, match="no such column"):
        protect(truth, ["nope"], "people", ["entries"], k=5)
    with pytest.raises(ValueError, match="two rows"):
        protect(pd.concat([truth, truth]), DIMS, "people", ["entries"], k=5)


def test_suppress_blanks_what_protect_suppresses():
    truth = _table(4)
    frame = suppress(truth, "people", ["entries", "exits"], 5)
    assert frame.people.isna().sum() >= (truth.people < 5).sum()


@settings(max_examples=25, deadline=None)
@given(
    cells=st.lists(
        st.tuples(st.sampled_from("abcd"), st.sampled_from("wxyz"), st.integers(1, 12)),
        min_size=1,
        max_size=16,
        unique_by=lambda t: (t[0], t[1]),
    )
)
def test_any_two_way_table_keeps_its_suppressed_cells(cells):
    truth = pd.DataFrame(cells, columns=["a", "b", "people"])
    truth["entries"] = truth.people
    protected = protect(truth, ["a", "b"], "people", ["entries"], k=5)
    sums = margins(truth, ["a", "b"], ["people", "entries"])
    _holds(truth, protected, sums, ["a", "b"], ["people", "entries"])
