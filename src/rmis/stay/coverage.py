"""Which days of presence a permit makes lawful, and which days are left to count.

Days covered by a permit the rule accepts are lawful and do not use up the visa-free
allowance (as with a long-stay visa or residence permit under the Schengen count).
"""

from __future__ import annotations

from bisect import bisect_left
from collections.abc import Sequence

from rmis.stay.model import Permit, PermitKind
from rmis.stay.rules import RuleSchedule

Interval = tuple[int, int]


def covered(
    stays: Sequence[Interval], permits: Sequence[Permit], schedule: RuleSchedule
) -> list[tuple[int, int, Permit]]:
    """Intervals of presence covered by each permit, where the rule in force accepts its kind.

    `stays` are sorted disjoint (entry, exit) ordinals. A visa covers only stays entered while
    it is valid, the first `entries` of them, each for at most `duration_days` from entry.
    """
    ends = [b for _, b in stays]
    out: list[tuple[int, int, Permit]] = []
    for permit in permits:
        vf, vt = permit.valid_from.toordinal(), permit.valid_to.toordinal()
        if permit.kind is PermitKind.VISA:
            entered = stays[bisect_left([a for a, _ in stays], vf) :]
            for used, (entry, exit_) in enumerate(entered):
                if entry > vt or (permit.entries is not None and used >= permit.entries):
                    break
                last = min(exit_, vt)
                if permit.duration_days is not None:
                    last = min(last, entry + permit.duration_days - 1)
                out.extend(_accepted(entry, last, permit, schedule))
        else:
            for entry, exit_ in stays[bisect_left(ends, vf) :]:
                if entry > vt:
                    break
                out.extend(_accepted(max(entry, vf), min(exit_, vt), permit, schedule))
    out.sort(key=lambda c: (c[0], c[1]))
    return out


def _accepted(
    first: int, last: int, permit: Permit, schedule: RuleSchedule
) -> list[tuple[int, int, Permit]]:
    """The parts of [first, last] where the rule in force lets this kind of permit count."""
    return [
        (piece.start, piece.end, permit)
        for piece in schedule.between(first, last)
        # A pending asylum claim makes presence lawful whatever the rule (non-refoulement).
        if piece.rule is None
        or permit.kind in piece.rule.permits
        or permit.kind is PermitKind.ASYLUM
    ]


def uncovered(
    stays: Sequence[Interval], cover: Sequence[tuple[int, int, Permit]]
) -> list[Interval]:
    """Presence minus covered days, as sorted disjoint intervals (two pointers)."""
    merged: list[list[int]] = []
    for a, b, _ in cover:
        if merged and a <= merged[-1][1] + 1:
            merged[-1][1] = max(merged[-1][1], b)
        else:
            merged.append([a, b])
    out: list[Interval] = []
    j = 0
    for a, b in stays:
        start = a
        while j < len(merged) and merged[j][1] < start:
            j += 1
        k = j
        while k < len(merged) and merged[k][0] <= b:
            ca, cb = merged[k]
            if ca > start:
                out.append((start, ca - 1))
            start = max(start, cb + 1)
            if cb >= b:
                break
            k += 1
        if start <= b:
            out.append((start, b))
    return out
