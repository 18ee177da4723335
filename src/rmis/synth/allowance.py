"""How long a stay may last under the rules table, asked for many stays at once.

The generator keeps lawful travellers within their allowance and sends the ones labelled as
overstayers past it; the verdict on each labelled stay is the stay engine's own (truth.py).
"""

from __future__ import annotations

import numpy as np

from rmis.reference.stay_rules import StayRulesTable
from rmis.stay.rules import Regime, RuleSchedule
from rmis.synth.geography import STATES

UNLIMITED = 100_000


class Allowances:
    def __init__(self, table: StayRulesTable) -> None:
        self._table = table
        self._cache: dict[tuple[int, int, int], tuple[int, bool]] = {}
        self._schedules: dict[tuple[int, int], RuleSchedule] = {}

    def _one(self, host: int, nationality: int, day: int) -> tuple[int, bool]:
        key = (host, nationality, day)
        if key not in self._cache:
            if (host, nationality) not in self._schedules:
                self._schedules[host, nationality] = self._table.schedule(
                    STATES[host], STATES[nationality]
                )
            rule = self._schedules[host, nationality].rule_on(day)
            if rule is None or rule.regime is Regime.UNKNOWN:
                self._cache[key] = (UNLIMITED, False)
            elif rule.regime is Regime.VISA_REQUIRED:
                self._cache[key] = (0, True)
            else:
                limits = [x for x in (rule.max_days, rule.max_days_per_stay) if x is not None]
                self._cache[key] = (min(limits, default=UNLIMITED), False)
        return self._cache[key]

    def lookup(
        self, host: np.ndarray, nationality: np.ndarray, day: np.ndarray
    ) -> tuple[np.ndarray, np.ndarray]:
        """(days a stay entered on `day` may last, whether a visa is required) per row.

        Days are the single-stay allowance: the per-stay limit or the window's maximum,
        whichever is smaller; UNLIMITED where no rule limits the stay or the table does not
        know (the engine does not judge those either); 0 with visa required.
        """
        n = len(host)
        if n == 0:
            return np.zeros(0, np.int32), np.zeros(0, bool)
        # One int64 key per (host, nationality, day): days are ordinals below 2**20.
        keys = (host.astype(np.int64) * 1024 + nationality) << 20 | day.astype(np.int64)
        unique, inverse = np.unique(keys, return_inverse=True)
        answers = [
            self._one(int(k >> 20) // 1024, int(k >> 20) % 1024, int(k & 0xFFFFF)) for k in unique
        ]
        days = np.array([a[0] for a in answers], np.int32)[inverse]
        visa = np.array([a[1] for a in answers], bool)[inverse]
        return days, visa
