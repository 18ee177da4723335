"""The screen as a service: one ScreeningIndex of every entry on a list now, kept current, and
a screening that records its hits as cases in the same call (what POST /api/v1/checks and
POST /api/v1/screenings call).

The index is built from the record (lists.active_entries) and built again when any list's
version in force changes: one small query before each screen tells (lists.lists_in_force), so a
new version, and the entries it withdrew, count from the next screen on. Hits are recorded only
for entries still listed when they are recorded (hits.record_hits), which closes the gap of a
list loaded between the check and the build.
"""

from __future__ import annotations

import gc
import threading
from collections.abc import Callable, Iterable, Iterator, Sequence
from dataclasses import dataclass
from datetime import UTC, date, datetime
from uuid import UUID

from sqlalchemy import Engine

from rmis.screening.conditions import ConditionsByEntry, apply_conditions, noting_conditions
from rmis.screening.entries import ListEntry
from rmis.screening.hits import ScreenedHit, record_hits, screening_place, subject_key
from rmis.screening.index import DEFAULT_THRESHOLD, ScreeningIndex
from rmis.screening.lists import active_entries, lists_in_force
from rmis.screening.subjects import Hit, ScreenedTraveller
from rmis.security import Principal, append_audit

IndexBuilder = Callable[[Iterable[tuple[str, ListEntry]]], ScreeningIndex]


@dataclass(frozen=True, slots=True)
class Screening:
    """One traveller screened and their hits recorded: each as a new case, a case still open
    on the same data, or one dismissed before on the same data (ScreenedHit.standing)."""

    subject_key: str
    host_state: str
    hits: tuple[ScreenedHit, ...]
    lists: tuple[tuple[str, int], ...]  # the lists and versions screened against
    threshold: float


class Screener:
    """Screens travellers against every list in force, with an index it rebuilds when a list's
    version changes. Safe to share between threads (an API server's workers)."""

    def __init__(
        self,
        engine: Engine,
        *,
        threshold: float | None = None,
        build: IndexBuilder = ScreeningIndex.build,
    ) -> None:
        self._engine = engine
        self.threshold = DEFAULT_THRESHOLD if threshold is None else _valid_threshold(threshold)
        self._build = build
        self._lock = threading.Lock()
        # The index, the versions it was built on and its entries' conditions (bans' validity,
        # children), swapped as one (threads read it unlocked).
        self._built: _Built | None = None
        self.builds = 0  # how many times the index was built (tests and benches read it)

    def current(self) -> tuple[ScreeningIndex, tuple[tuple[str, int], ...]]:
        """The index of the lists in force now and their versions, built again if stale."""
        built = self._current()
        return built.index, built.lists

    def _current(self) -> _Built:
        in_force = lists_in_force(self._engine)
        built = self._built
        if built is not None and built.lists == in_force:
            return built
        with self._lock:
            built = self._built
            if built is None or built.lists != in_force:
                # Versions read before the entries: a list loaded in between leaves the index
                # newer than its label, so the next call builds it again (never the other way).
                # Screens wait for the build rather than use an index with withdrawn entries.
                conditions: ConditionsByEntry = {}
                entries = noting_conditions(active_entries(self._engine), conditions)
                built = self._built = _Built(self._build(entries), in_force, conditions)
                self.builds += 1
                _settle()
            return built

    def screen(
        self,
        traveller: ScreenedTraveller,
        *,
        threshold: float | None = None,
        lists: Sequence[str] | None = None,
        on: date | None = None,
    ) -> list[Hit]:
        """The traveller's hits at or above the threshold, best first, on entries in force on
        `on` (default: today, UTC); only on `lists` when given. Records nothing."""
        built = self._current()
        found = built.index.screen(traveller, self._threshold(threshold))
        return _only(apply_conditions(found, built.conditions, _day(on)), lists)

    def screen_many(
        self,
        travellers: Iterable[ScreenedTraveller],
        *,
        threshold: float | None = None,
        lists: Sequence[str] | None = None,
        on: date | None = None,
    ) -> Iterator[list[Hit]]:
        """The hits of each traveller in order, against the lists as they were when the batch
        began (one check of the versions for the whole batch), on entries in force on `on`
        (default: today, UTC): the batch contract, `rmis screen`."""
        built = self._current()
        limit, day = self._threshold(threshold), _day(on)
        for hits in built.index.screen_many(travellers, limit):
            yield _only(apply_conditions(hits, built.conditions, day), lists)

    def screen_and_record(
        self,
        traveller: ScreenedTraveller,
        principal: Principal,
        *,
        now: datetime,
        traveller_id: UUID | None = None,
        bcp_code: str | None = None,
        check_id: UUID | None = None,
        threshold: float | None = None,
        purpose: str = "screening",
    ) -> Screening:
        """Screen one traveller and make each hit a case of the BCP's state (the principal's
        own without a BCP), in one transaction with its audit rows. `traveller_id` is the
        record's traveller when the check found one; `check_id` ties the hits to the check.
        Nothing is refused: the officer decides (hits.decide_hit).

        Raises AccessDenied (who may not screen there) and HitError('unknown_bcp').
        """
        limit = self._threshold(threshold)
        built = self._current()
        with self._engine.begin() as connection:
            host_state = screening_place(connection, principal, bcp_code)
            found = apply_conditions(
                built.index.screen(traveller, limit), built.conditions, now.date()
            )
            shown = record_hits(
                connection, traveller, found, principal=principal, host_state=host_state,
                now=now, traveller_id=traveller_id, bcp_code=bcp_code, check_id=check_id,
                purpose=purpose,
            )  # fmt: skip
        return Screening(
            subject_key(traveller, traveller_id), host_state, tuple(shown), built.lists, limit
        )

    def _threshold(self, threshold: float | None) -> float:
        return self.threshold if threshold is None else _valid_threshold(threshold)


@dataclass(frozen=True, slots=True)
class _Built:
    index: ScreeningIndex
    lists: tuple[tuple[str, int], ...]
    conditions: ConditionsByEntry


def _settle() -> None:
    """The index lives until the next list version: millions of objects at a border service's
    scale, which every full collection of the garbage collector would walk again (about 350 ms
    at 1M listed persons, measured: the check's slowest answers). Frozen, the collector leaves
    them alone; they are still freed by their reference counts when the next index replaces
    this one (the index holds no reference cycles). What an earlier build froze is thawed and
    collected first, so cyclic garbage frozen with it is not kept for good."""
    gc.unfreeze()
    gc.collect()
    gc.freeze()


def _day(on: date | None) -> date:
    # A batch is screened for today unless the caller says which day.
    return datetime.now(UTC).date() if on is None else on


def _valid_threshold(threshold: float) -> float:
    value = float(threshold)
    if not 0.0 < value <= 1.0:
        raise ValueError(f"a screening threshold is in (0, 1], not {threshold}")
    return value


def _only(hits: list[Hit], lists: Sequence[str] | None) -> list[Hit]:
    if lists is None:
        return hits
    wanted = set(lists)
    return [h for h in hits if h.list in wanted]


def audit_batch_screening(
    engine: Engine,
    *,
    principal: str,
    now: datetime,
    travellers: int,
    hits: int,
    lists: Sequence[tuple[str, int]],
) -> None:
    """One audit row for a batch screened without recording cases (`rmis screen`): who, how
    many travellers and hits, against which lists and versions."""
    with engine.begin() as connection:
        append_audit(
            connection, at=now, principal=principal, action="screening.batch",
            subject=",".join(f"{name} v{version}" for name, version in lists) or "-",
            purpose="batch screening",
            detail={"travellers": travellers, "hits": hits,
                    "lists": [[name, version] for name, version in lists]},
        )  # fmt: skip
