"""How far a table has been exported, by sequence number, allowing for late commits.

PostgreSQL hands out sequence numbers when a row is inserted, not when its transaction
commits: a lower seq can become visible after a higher one. Each sync therefore remembers the
numbers below its high-water mark that it did not see ("holes") and looks for them again on
every later sync, until a grace period has passed (a rolled-back insert leaves a hole forever).
"""

from __future__ import annotations

from bisect import bisect_left, bisect_right
from collections.abc import Iterable
from dataclasses import dataclass, field
from datetime import datetime, timedelta

HOLE_GRACE = timedelta(days=1)


@dataclass(frozen=True, slots=True)
class Hole:
    first: int
    last: int
    seen_at: datetime  # when a sync first noticed the numbers missing

    def holds(self, seq: int) -> bool:
        return self.first <= seq <= self.last


@dataclass(frozen=True, slots=True)
class SeqCursor:
    last: int = 0
    holes: tuple[Hole, ...] = field(default=())

    def is_pending(self, seq: int) -> bool:
        """Not exported yet: above the mark, or in a hole."""
        return seq > self.last or any(h.holds(seq) for h in self.holes)

    def advanced(self, seen: Iterable[int], now: datetime) -> SeqCursor:
        """The cursor after exporting the pending numbers in `seen`."""
        seen = sorted(set(seen))
        top = max([self.last, *seen])
        holes: list[Hole] = []
        for hole in self.holes:
            if now - hole.seen_at <= HOLE_GRACE:
                holes.extend(_minus(hole, seen))
        fresh = [s for s in seen if s > self.last]
        expected = self.last + 1
        for seq in fresh:
            if seq > expected:
                holes.append(Hole(expected, seq - 1, now))
            expected = seq + 1
        return SeqCursor(top, tuple(holes))

    def to_json(self) -> dict:
        return {
            "last": self.last,
            "holes": [[h.first, h.last, h.seen_at.isoformat()] for h in self.holes],
        }

    @classmethod
    def from_json(cls, data: dict) -> SeqCursor:
        holes = tuple(Hole(a, b, datetime.fromisoformat(t)) for a, b, t in data.get("holes", []))
        return cls(int(data.get("last", 0)), holes)


def _minus(hole: Hole, seen: list[int]) -> list[Hole]:
    """What is left of a hole once the sorted numbers in `seen` are filled in."""
    left, start = [], hole.first
    for seq in seen[bisect_left(seen, hole.first) : bisect_right(seen, hole.last)]:
        if seq > start:
            left.append(Hole(start, seq - 1, hole.seen_at))
        start = seq + 1
    if start <= hole.last:
        left.append(Hole(start, hole.last, hole.seen_at))
    return left
