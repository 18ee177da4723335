"""Stays as columns: what each behaviour generator returns, and what crossings are made from.

One row per stay of one person in one host state. Days are date ordinals (local calendar days
of the host). Column arrays keep generation vectorised: no Python object per stay.
"""

from __future__ import annotations

from dataclasses import dataclass, fields

import numpy as np

OPEN = np.iinfo(np.int32).max  # exit day of a stay with no exit by the end of the period

PURPOSES = ("tourism", "business", "work", "study", "private", "transit", "residence", "other")
PURPOSE = {name: i for i, name in enumerate(PURPOSES)}
PERMIT_KINDS = ("", "visa", "residence", "work", "patent")
PERMIT = {name: i for i, name in enumerate(PERMIT_KINDS)}


@dataclass(slots=True)
class Stays:
    person: np.ndarray  # int64
    host: np.ndarray  # int16 index into the region's states
    entry: np.ndarray  # int32 day
    exit: np.ndarray  # int32 day, OPEN when still present at the end of the period
    came_from: np.ndarray  # int16 state the person arrived from
    going_to: np.ndarray  # int16 state the person leaves for
    purpose: np.ndarray  # int8 index into PURPOSES
    # True when the departure of this stay is the arrival of the person's next stay (transit):
    # one leg, not two.
    chained: np.ndarray  # bool
    # Stays with the same key >= 0 take the same BCPs at the same minutes (a group travelling
    # together; a border resident's own crossing point); -1: chosen freely.
    route_key: np.ndarray  # int64
    permit: np.ndarray  # int8 index into PERMIT_KINDS
    permit_from: np.ndarray  # int32 day
    permit_to: np.ndarray  # int32 day
    intends_overstay: np.ndarray  # bool: generated to stay past the lawful stay

    @classmethod
    def empty(cls) -> Stays:
        return cls.build(0)

    @classmethod
    def build(cls, n: int, **columns: np.ndarray) -> Stays:
        """n stays; columns not given take their neutral value."""
        neutral = {
            "person": np.zeros(n, np.int64), "host": np.zeros(n, np.int16),
            "entry": np.zeros(n, np.int32), "exit": np.full(n, OPEN, np.int32),
            "came_from": np.zeros(n, np.int16), "going_to": np.zeros(n, np.int16),
            "purpose": np.zeros(n, np.int8), "chained": np.zeros(n, bool),
            "route_key": np.full(n, -1, np.int64), "permit": np.zeros(n, np.int8),
            "permit_from": np.zeros(n, np.int32), "permit_to": np.zeros(n, np.int32),
            "intends_overstay": np.zeros(n, bool),
        }  # fmt: skip
        for name, values in columns.items():
            neutral[name] = np.broadcast_to(values, (n,)).astype(neutral[name].dtype)
        return cls(**neutral)

    def __len__(self) -> int:
        return len(self.person)

    def take(self, index: np.ndarray) -> Stays:
        return Stays(**{f.name: getattr(self, f.name)[index] for f in fields(self)})

    @staticmethod
    def concat(parts: list[Stays]) -> Stays:
        parts = [p for p in parts if len(p)] or [Stays.empty()]
        return Stays(
            **{f.name: np.concatenate([getattr(p, f.name) for p in parts]) for f in fields(Stays)}
        )

    def sorted(self) -> Stays:
        """By person, then entry day: the order timelines and legs are read in."""
        return self.take(np.lexsort((self.entry, self.person)))

    def days(self, end: int) -> np.ndarray:
        """Days of each stay up to `end`, entry and exit day both counted."""
        return np.minimum(self.exit, end) - self.entry + 1
