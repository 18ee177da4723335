"""What an entry says about when and how it hits, beyond who it names: an entry ban holds from
`valid_from` until `valid_until` (a ban not yet in force or expired hits no one), and a
missing-person entry flagged `child` tells the officer it is a child's case.

The index matches identities only; the screen applies these on the day it screens, so a ban
that lapses stops hitting on its last day's morrow without a new version of its list.
"""

from __future__ import annotations

from collections.abc import Iterable, Iterator
from dataclasses import dataclass, replace
from datetime import date

from rmis.screening.entries import ListEntry
from rmis.screening.subjects import Hit

CHILD_REASON = (
    "listed as a missing child: handle as a child's case (a protection referral, the child's "
    "safety first)"
)


@dataclass(frozen=True, slots=True)
class Conditions:
    valid_from: date | None
    valid_until: date | None
    child: bool

    def in_force_on(self, on: date) -> bool:
        return (self.valid_from is None or self.valid_from <= on) and (
            self.valid_until is None or on <= self.valid_until
        )


ConditionsByEntry = dict[tuple[str, str], Conditions]


def noting_conditions(
    entries: Iterable[tuple[str, ListEntry]], into: ConditionsByEntry
) -> Iterator[tuple[str, ListEntry]]:
    """Pass the entries through, keeping the conditions of those that have any in `into`."""
    for list_name, entry in entries:
        if entry.valid_from or entry.valid_until or entry.child:
            into[list_name, entry.entry_id] = Conditions(
                entry.valid_from, entry.valid_until, entry.child
            )
        yield list_name, entry


def apply_conditions(hits: list[Hit], conditions: ConditionsByEntry, on: date) -> list[Hit]:
    """The hits whose entries are in force on `on`, a child's entry saying so."""
    if not conditions:
        return hits
    kept = []
    for hit in hits:
        found = conditions.get((hit.list, hit.entry_id))
        if found is None:
            kept.append(hit)
        elif found.in_force_on(on):
            kept.append(replace(hit, reasons=(CHILD_REASON, *hit.reasons)) if found.child else hit)
    return kept
