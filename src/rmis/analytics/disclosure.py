"""The one disclosure control of rmis: cells of fewer than k people are suppressed (primary),
and more cells with them (secondary), so that no suppressed cell can be worked out from the
cells left and the table's totals. The exports, the report, the dashboard and the hub use it.

Secondary suppression is the hypercube method (Repsilber; tau-Argus and sdcTable's HYPERCUBE):
each primary cell is made a corner of a box of 2^n cells, one value on each side of every
dimension the table varies by, and all the box's corners are suppressed. Adding +t to the
corners an even number of steps from the primary and -t to the others changes no sum along any
line of the table, so every total over any set of dimensions stays what was published while the
cell moves: the cell is not determined by the totals. The box is chosen so that no additive
measure is pinned by zero (t can move one way or the other without a cell going negative) and
so that the fewest people are hidden besides. A measure may stay pinned only where it is zero
in every primary corner: as in the agencies' practice, a zero is not protected. A corner the
table lacks (a zero) is published as a suppressed cell, as agencies publish suppressed zeros.
When every box around some cell pins a measure, that measure's totals are not published.

Protection holds for one table and all its totals. Different cuts of the same data published
side by side (linked tables) are not protected against each other: the hub serves each agreed
dataflow at one granularity (docs/exchange.md).
"""

from __future__ import annotations

import itertools
from dataclasses import dataclass

import numpy as np
import pandas as pd

TOTAL = "_T"  # SDMX's code for "all values of this dimension"
# Candidate boxes tried per primary cell: enough to find a cheap one, bounded for wide tables.
_MAX_BOXES = 512


@dataclass(frozen=True)
class Protected:
    """A table after disclosure control: suppressed cells keep their keys and lose every
    measure; `confidential` marks them (C in SDMX), `primary` those under k themselves."""

    frame: pd.DataFrame
    confidential: pd.Series
    primary: pd.Series
    # Measures some box could not free (every box around a cell pins them by zeros): their
    # totals are not published, so there is no equation to solve them from.
    totals_withheld: frozenset[str]

    def publishable(self, additive: list[str]) -> list[str]:
        """The measures of `additive` whose totals may be printed beside this table."""
        return [m for m in additive if m not in self.totals_withheld]


def protect(
    frame: pd.DataFrame,
    dimensions: list[str],
    people: str,
    measures: list[str],
    k: int,
    additive: list[str] | None = None,
) -> Protected:
    """Suppress the cells of `frame` (one row per cell of `dimensions`) with fewer than `k`
    people (column `people`, counted when above zero), then the box corners that keep them from
    being recovered. `measures` are blanked with them; `additive` (default: the whole-number
    measures and `people`) are the ones totals may be published of."""
    if k < 1:
        raise ValueError(f"k must be at least 1, not {k}")
    missing = [c for c in [*dimensions, people, *measures] if c not in frame.columns]
    if missing:
        raise ValueError(f"no such column: {', '.join(missing)}")
    if frame.duplicated(dimensions).any():
        raise ValueError("the table has two rows for one cell of " + ", ".join(dimensions))
    blanked = list(dict.fromkeys([people, *measures]))
    if additive is None:
        additive = [c for c in blanked if pd.api.types.is_integer_dtype(frame[c])]
    table = frame.reset_index(drop=True)
    count = table[people].fillna(0).to_numpy(dtype=float)
    primary = (count > 0) & (count < k)
    if not primary.any():
        return _result(table, blanked, np.zeros(len(table), bool), primary, frozenset())
    varying = [d for d in dimensions if table[d].nunique(dropna=False) > 1]
    chosen, extra, withheld = _boxes(table, varying, count, primary, additive)
    if extra:  # zeros the boxes need: published as suppressed cells
        keys = pd.DataFrame(extra, columns=varying)
        for d in dimensions:
            if d not in varying:
                keys[d] = table[d].iloc[0]
        for c in table.columns:
            if c not in keys:
                keys[c] = 0 if c in blanked else None
        table = pd.concat([table, keys[table.columns]], ignore_index=True)
        chosen = np.concatenate([chosen, np.ones(len(extra), bool)])
        primary = np.concatenate([primary, np.zeros(len(extra), bool)])
    return _result(table, blanked, chosen, primary, withheld)


def suppress(frame: pd.DataFrame, people: str, counts: list[str], k: int) -> pd.DataFrame:
    """`protect` for an analysis' frame whose other columns are its dimensions: the frame with
    its suppressed cells blanked (their count of people missing marks them)."""
    dimensions = [c for c in frame.columns if c not in (people, *counts)]
    return protect(frame, dimensions, people, counts, k).frame


def margins(truth: pd.DataFrame, dimensions: list[str], additive: list[str]) -> pd.DataFrame:
    """Every marginal total of `truth` (the table before suppression): one row per cell of each
    proper subset of `dimensions`, the others set to TOTAL, summing the `additive` measures."""
    rows = []
    varying = {d for d in dimensions if truth[d].nunique(dropna=False) > 1}
    for size in range(len(dimensions)):
        for kept in itertools.combinations(dimensions, size):
            if varying <= set(kept):  # over a dimension of one value: the cells themselves
                continue
            if kept:
                part = truth.groupby(list(kept), as_index=False, dropna=False)[additive].sum()
            else:
                part = truth[additive].sum().to_frame().T
            for d in dimensions:
                if d not in kept:
                    part[d] = TOTAL
            rows.append(part[[*dimensions, *additive]])
    if not rows:
        return pd.DataFrame({c: pd.Series(dtype=object) for c in [*dimensions, *additive]})
    out = pd.concat(rows, ignore_index=True)
    for d in dimensions:
        out[d] = out[d].astype(str)
    for m in additive:
        out[m] = out[m].astype("int64")
    return out


def _result(table, blanked, suppressed, primary, withheld) -> Protected:
    out = table.copy()
    mask = pd.Series(suppressed, index=out.index)
    for column in blanked:
        whole = pd.api.types.is_integer_dtype(out[column]) or (
            mask.any() and pd.api.types.is_integer_dtype(out.loc[~mask, column])
        )
        out[column] = out[column].astype("Int64" if whole else "Float64").mask(mask)
    return Protected(out, mask, pd.Series(primary, index=out.index), totals_withheld=withheld)


def _boxes(table, varying, count, primary, additive):
    """Choose a box for every primary cell not already inside a chosen one. Returns the rows
    suppressed, the keys of zero corners to add, and the measures some box leaves pinned."""
    n = len(table)
    suppressed = primary.copy()
    covered = np.zeros(n, bool)
    if not varying:  # one cell: its total is itself
        return suppressed, [], frozenset(additive)
    withheld: set[str] = set()
    keys = list(zip(*(table[d].tolist() for d in varying), strict=True))
    where = {key: i for i, key in enumerate(keys)}
    values = np.column_stack([table[m].fillna(0).to_numpy(dtype=float) for m in additive]) \
        if additive else np.zeros((n, 0))  # fmt: skip
    weight = {d: table.groupby(d, dropna=False)[table.columns[0]].size() for d in varying}
    per_dim = max(2, int(_MAX_BOXES ** (1 / len(varying))))
    corners = list(itertools.product((0, 1), repeat=len(varying)))
    signs = np.array([sum(c) % 2 == 0 for c in corners])
    zeros: dict[tuple, int] = {}  # zero corners added, by key -> their row number past n

    for p in np.flatnonzero(primary):
        if covered[p]:
            continue
        base = keys[p]
        options = []
        for j, d in enumerate(varying):
            others = [v for v in weight[d].sort_values(ascending=False).index if v != base[j]]
            # Values whose cell on the primary's line exists first: a box of real cells.
            on_line = [v for v in others if (*base[:j], v, *base[j + 1 :]) in where]
            rest = [v for v in others if v not in set(on_line)]
            options.append((on_line + rest)[:per_dim])
        best, best_cost = None, None
        for alt in itertools.product(*options):
            rows = []
            for corner in corners:
                key = tuple(alt[j] if c else base[j] for j, c in enumerate(corner))
                rows.append(where.get(key, -1))
            rows_a = np.array(rows)
            present = rows_a >= 0
            v = np.zeros((len(rows), values.shape[1]))
            v[present] = values[rows_a[present]]
            # Every measure can move one way (one side's corners all above zero), or else is
            # zero on every primary corner: then only that zero, and the secondary corners'
            # values (cells of k people or more), can be worked out.
            small = present & primary[np.maximum(rows_a, 0)]
            pinned = frozenset(
                additive[m]
                for m in range(v.shape[1])
                if not (
                    (v[signs, m] > 0).all() or (v[~signs, m] > 0).all() or not v[small, m].any()
                )
            )
            fresh = rows_a[present & ~suppressed[np.maximum(rows_a, 0)]]
            cost = (len(pinned), count[fresh].sum(), int((~present).sum()))
            if best_cost is None or cost < best_cost:
                best, best_cost = (alt, rows_a, pinned), cost
        alt, rows_a, pinned = best
        withheld |= pinned
        for corner, row in zip(corners, rows_a, strict=True):
            if row >= 0:
                suppressed[row] = covered[row] = True
            else:
                key = tuple(alt[j] if c else base[j] for j, c in enumerate(corner))
                zeros.setdefault(key, len(zeros))
    return suppressed, list(zeros), frozenset(withheld)
