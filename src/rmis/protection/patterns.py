"""Group patterns the record itself shows, offered to an officer and never acted on alone.

Two patterns of the IOM and UNODC indicator lists, read from crossings:

- a companion who crosses in with one group after another and leaves without them, and the
  groups never leave (`companion`): at least MIN_PARTIES parties of different people;
- an adult who crosses in with children not of their family, different children each time,
  and leaves without them (`unrelated_minors`).

A party is the people one officer cleared at one BCP in one direction one after another, each
within PARTY_GAP of the one before (a family, a tour, a group at the booth). What sets the
patterns apart from their innocent look-alikes is the way back: a family, a tour guide and a
teacher leave with the people they came with; the companion leaves alone. A party is judged
only once its adult has left, so an open journey is never a pattern. Surnames are compared
only to tell a child's family (the same root, a feminine ending aside); nothing here reads
ethnicity, religion or the like.
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Hashable, Iterable, Sequence
from dataclasses import dataclass
from datetime import date, datetime, timedelta

from rmis.locales import N_
from rmis.protection.indicators import ADULT_AGE

PARTY_GAP = timedelta(seconds=90)
MAX_PARTY = 40  # a longer run at one booth is a queue, not a group
MIN_PARTIES = 2
# Left behind: more than this share of the party has not left since (with the adult or later).
LEFT_WITH = 0.5
# Two parties are "different people" when they share less than this share of members.
SAME_PEOPLE = 0.5
PATTERN_NAMES = {
    "companion": N_("Crossed in with different groups and left without them"),
    "unrelated_minors": N_("Crossed in with children of other families and left without them"),
}
# Endings that differ between a family's men and women (Karimov, Karimova; Kazakh -uly and
# -qyzy, Kyrgyz uulu and kyzy: son and daughter of the same father).
_FEMININE = ("SKAYA", "SKIY", "SKII", "OVNA", "EVNA", "UULU", "KYZY", "QYZY", "ULY", "OVA",
             "EVA", "YEVA", "INA", "OV", "EV", "YEV", "IN", "A")  # fmt: skip


@dataclass(frozen=True, slots=True)
class Seen:
    """One admitted crossing as the patterns read it."""

    traveller: Hashable
    bcp: str
    direction: str
    at: datetime
    officer: str
    surname: str
    birth_date: date | None


@dataclass(frozen=True, slots=True)
class Party:
    bcp: str
    direction: str
    at: datetime
    members: tuple[Hashable, ...]


@dataclass(frozen=True, slots=True)
class GroupPattern:
    kind: str  # companion, unrelated_minors
    traveller: Hashable  # the adult the pattern is about
    parties: tuple[Party, ...]  # the parties left behind that show it

    @property
    def people(self) -> set[Hashable]:
        return {m for p in self.parties for m in p.members} - {self.traveller}


def family_root(surname: str) -> str:
    name = surname.upper().replace(" ", "").replace("-", "")
    for ending in _FEMININE:
        if name.endswith(ending) and len(name) - len(ending) >= 3:
            return name[: -len(ending)]
    return name


def _age(born: date | None, on: date) -> int | None:
    if born is None:
        return None
    return on.year - born.year - ((on.month, on.day) < (born.month, born.day))


def parties(crossings: Iterable[Seen]) -> list[Party]:
    """Runs of crossings one officer cleared at a BCP, each within PARTY_GAP of the last."""
    booths: dict[tuple[str, str, str], list[Seen]] = defaultdict(list)
    for c in crossings:
        booths[(c.bcp, c.direction, c.officer)].append(c)
    found: list[Party] = []
    for (bcp, direction, _), seen in booths.items():
        seen.sort(key=lambda c: c.at)
        run: list[Seen] = []
        for c in [*seen, None]:
            if c is not None and run and c.at - run[-1].at <= PARTY_GAP:
                run.append(c)
                continue
            if 2 <= len(run) <= MAX_PARTY:
                members = tuple(dict.fromkeys(r.traveller for r in run))
                if len(members) >= 2:
                    found.append(Party(bcp, direction, run[0].at, members))
            run = [c] if c is not None else []
    found.sort(key=lambda p: p.at)
    return found


def _different(a: set, b: set) -> bool:
    return len(a & b) < SAME_PEOPLE * min(len(a), len(b))


def _distinct(chosen: list[tuple[Party, set]]) -> list[Party]:
    """The parties whose people differ from every earlier one kept."""
    kept: list[tuple[Party, set]] = []
    for party, people in chosen:
        if all(_different(people, other) for _, other in kept):
            kept.append((party, people))
    return [p for p, _ in kept]


def find_patterns(
    crossings: Sequence[Seen], *, min_parties: int = MIN_PARTIES
) -> list[GroupPattern]:
    """Every companion and unrelated-minors pattern the crossings show."""
    exits: dict[Hashable, list[datetime]] = defaultdict(list)
    facts: dict[Hashable, Seen] = {}
    for c in crossings:
        facts.setdefault(c.traveller, c)
        if c.direction == "exit":
            exits[c.traveller].append(c.at)
    for times in exits.values():
        times.sort()

    def exit_after(who: Hashable, at: datetime) -> datetime | None:
        return next((t for t in exits.get(who, ()) if t > at), None)

    left_behind: dict[Hashable, list[tuple[Party, set]]] = defaultdict(list)
    minors_left: dict[Hashable, list[tuple[Party, set]]] = defaultdict(list)
    for party in parties(crossings):
        if party.direction != "entry":
            continue
        on = party.at.date()
        for adult in party.members:
            age = _age(facts[adult].birth_date, on)
            if age is None or age < ADULT_AGE:
                continue
            gone = exit_after(adult, party.at)
            if gone is None:
                continue  # not judged while the adult is still inside
            others = [m for m in party.members if m != adult]
            # Left behind: no exit since the party came in, with the adult or on their own
            # later (labour migrants a driver brought go home after the season).
            stayed = {m for m in others if exit_after(m, party.at) is None}
            # More than half stayed behind (a companion's group has two people at least).
            if len(others) >= 2 and len(stayed) > (1 - LEFT_WITH) * len(others):
                left_behind[adult].append((party, set(others)))
            root = family_root(facts[adult].surname)
            children = {
                m for m in stayed
                if (a := _age(facts[m].birth_date, on)) is not None and a < ADULT_AGE
                and family_root(facts[m].surname) != root
            }  # fmt: skip
            if children:
                minors_left[adult].append((party, children))
    found = []
    for kind, table in (("companion", left_behind), ("unrelated_minors", minors_left)):
        for adult, chosen in table.items():
            distinct = _distinct(chosen)
            if len(distinct) >= min_parties:
                found.append(GroupPattern(kind, adult, tuple(distinct)))
    return found
