"""Parties at the border with their truth: trafficking patterns beside their innocent
look-alikes, for the protection room's group patterns (bench/protection_patterns.py).

Asked for by `SynthConfig.protection_groups` (0: none, and the region is as it always was);
drawn from a generator of its own, so the region's other tables do not change when it is on.
Each unit is one adult and the parties they cross in with, cleared one after another by one
officer at one BCP of the host state (KAZ):

- `companion` (trafficking): crosses in with different groups of young adults, a child now and
  then, and leaves alone days later; the groups never leave;
- `unrelated_minors` (trafficking): an adult who crosses in with children of other families,
  different ones each time, and leaves alone;
- `family`: parents (a mother with her own surname now and then) and their children, the same
  people every trip, leaving together (now and then a parent goes home first);
- `tour`: a guide with a different tour each time, leaving with them (one may stay on);
- `school`: a teacher with a different class of children each time, leaving with them;
- `driver`: a bus driver who brings different labour migrants each trip and drives home alone;
  they leave months later, after the season (the hardest look-alike: only time tells);

and solo travellers at the same booths, so that strangers are sometimes cleared next to a party.
Parties are labelled in the truth (`groups`: one row per party member), the trafficking ones
with `trafficking` true.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import UTC, date, datetime, timedelta

import numpy as np
import pyarrow as pa

from rmis.synth.behaviours import Period
from rmis.synth.name_pools import feminine, mrz_spelling, mrz_system, pool_for
from rmis.synth.recording import uuid7_strings

HOST_BCPS = ("KAZ-ZHIBEK-ZHOLY-ROAD", "KAZ-KORDAI-ROAD", "KAZ-ALA")
OFFICERS = 6  # booths per BCP
# Units of each kind per `protection_groups` unit: the innocent ones outnumber the others.
MIX = {"companion": 1, "unrelated_minors": 1, "family": 4, "tour": 2, "school": 2, "driver": 1}
TRAFFICKING = frozenset({"companion", "unrelated_minors"})
FROM = {
    "companion": ("UZB", "TJK", "KGZ"), "unrelated_minors": ("UZB", "TJK", "KGZ"),
    "family": ("UZB", "KGZ", "RUS", "TJK"), "tour": ("RUS", "TUR", "CHN", "KGZ", "UZB"),
    "school": ("KGZ", "UZB", "RUS"), "driver": ("UZB", "TJK", "KGZ"),
}  # fmt: skip
BACKGROUND_PER_PARTY = 6  # solo crossings at the same booths for each party


@dataclass
class _Person:
    id: int
    nationality: str
    sex: str
    born: date
    surname: str  # as the MRZ writes it
    given: str
    number: str


@dataclass
class _Draw:
    rng: np.random.Generator
    period: Period
    first_id: int
    people: list[_Person] = field(default_factory=list)
    rows: list[dict] = field(default_factory=list)
    truth: list[dict] = field(default_factory=list)
    parties: int = 0

    def person(self, nationality: str, sex: str, age: float, on: date,
               surname: str | None = None) -> _Person:  # fmt: skip
        rng = self.rng
        pool = pool_for(nationality)
        system = mrz_system(nationality, on - timedelta(days=700))
        if surname is None:
            i = int(pool.surnames.pick(rng.random(1))[0])
            native = pool.female_surnames[i] if sex == "F" else pool.surnames.names[i]
            surname = mrz_spelling(native, system)
        given_pool = pool.female if sex == "F" else pool.male
        given = mrz_spelling(given_pool.names[int(given_pool.pick(rng.random(1))[0])], system)
        born = on - timedelta(days=int(age * 365.25))
        pid = self.first_id + len(self.people)
        person = _Person(pid, nationality, sex, born, surname, given, f"G{pid:08d}")
        self.people.append(person)
        return person

    def cross(self, person: _Person, direction: str, bcp: str, officer: int, at: datetime,
              purpose: str) -> None:  # fmt: skip
        self.rows.append({
            "direction": direction, "bcp": bcp, "occurred_at": at,
            "issuing_state": person.nationality, "document_number": person.number,
            "surname": person.surname, "given_names": person.given,
            "nationality": person.nationality, "birth_date": person.born, "sex": person.sex,
            "expiry_date": date(2035, 1, 1), "purpose": purpose,
            "officer": f"{bcp}-G{officer:02d}",
        })  # fmt: skip

    def party(self, members: list[_Person], direction: str, bcp: str, at: datetime,
              purpose: str) -> None:  # fmt: skip
        """One booth clears the party one after another, 20 to 60 seconds each."""
        officer = int(self.rng.integers(1, OFFICERS + 1))
        for member in members:
            self.cross(member, direction, bcp, officer, at, purpose)
            at += timedelta(seconds=int(self.rng.integers(20, 61)))
        # Strangers at the same booth just before or after, now and then.
        for _ in range(int(self.rng.integers(0, 3))):
            stranger = self.person(str(self.rng.choice(["KAZ", "UZB", "RUS"])), "M",
                                   float(self.rng.uniform(20, 60)), at.date())  # fmt: skip
            gap = timedelta(seconds=int(self.rng.integers(30, 240)))
            self.cross(stranger, direction, bcp, officer,
                       at + gap if self.rng.random() < 0.5 else at - gap * 8, "private")

    def label(self, kind: str, party: int, members: list[_Person], roles: list[str]) -> None:
        for member, role in zip(members, roles, strict=True):
            self.truth.append({"party": party, "kind": kind, "person_id": member.id,
                               "role": role, "trafficking": kind in TRAFFICKING})  # fmt: skip

    def moment(self, day: int) -> datetime:
        start = datetime.fromordinal(day).replace(tzinfo=UTC)
        return start + timedelta(minutes=int(self.rng.integers(60, 17 * 60)))


def _days(draw: _Draw, trips: int) -> list[int]:
    """Trip days spread over the period, the last a month before its end: the adults have
    left by then (a driver's passengers, who stay for the season, may not have)."""
    lo = draw.period.start
    hi = max(draw.period.end - 30, lo + 2 * trips)
    step = max(1, min(30, (hi - lo) // trips))
    days = np.sort(draw.rng.choice(np.arange(lo, hi, step), trips, replace=False))
    return [int(d) for d in days]


def _unit(draw: _Draw, kind: str) -> None:
    rng = draw.rng
    nat = str(rng.choice(FROM[kind]))
    bcp = str(rng.choice(HOST_BCPS))
    trips = {"companion": rng.integers(2, 5), "unrelated_minors": rng.integers(2, 4),
             "family": rng.integers(1, 4), "tour": rng.integers(2, 6),
             "school": rng.integers(1, 4), "driver": rng.integers(2, 6)}[kind]  # fmt: skip
    days = _days(draw, int(trips))
    on = date.fromordinal(days[0])
    adult = draw.person(nat, "M" if rng.random() < 0.7 else "F", rng.uniform(26, 55), on)
    family: list[_Person] = []
    if kind == "family":
        other = draw.person(nat, "F" if adult.sex == "M" else "M", rng.uniform(26, 50), on,
                            surname=None if rng.random() < 0.3 else _partner(adult))
        children = [draw.person(nat, s, rng.uniform(2, 17), on, surname=_child(adult, other, s))
                    for s in rng.choice(["M", "F"], int(rng.integers(1, 4)))]  # fmt: skip
        family = [other, *children]
    for day in days:
        at, on = draw.moment(day), date.fromordinal(day)
        if kind == "family":
            members = family
        elif kind == "companion":
            members = [draw.person(nat, "F" if rng.random() < 0.7 else "M", rng.uniform(18, 25),
                                   on) for _ in range(int(rng.integers(3, 7)))]  # fmt: skip
            if rng.random() < 0.3:
                members.append(draw.person(nat, "F", rng.uniform(15, 17.9), on))
        elif kind == "unrelated_minors":
            members = [draw.person(nat, str(rng.choice(["M", "F"])), rng.uniform(12, 17.9), on)
                       for _ in range(int(rng.integers(1, 4)))]  # fmt: skip
        elif kind == "tour":
            members = [draw.person(str(rng.choice(FROM["tour"])), str(rng.choice(["M", "F"])),
                                   rng.uniform(20, 70), on)
                       for _ in range(int(rng.integers(8, 26)))]  # fmt: skip
        elif kind == "school":
            members = [draw.person(nat, str(rng.choice(["M", "F"])), rng.uniform(12, 17.5), on)
                       for _ in range(int(rng.integers(10, 21)))]  # fmt: skip
        else:  # driver
            members = [draw.person(nat, "M", rng.uniform(19, 45), on)
                       for _ in range(int(rng.integers(6, 15)))]  # fmt: skip
        purpose = {"tour": "tourism", "school": "study", "driver": "work",
                   "companion": "tourism", "unrelated_minors": "private"}.get(kind, "private")
        party = draw.parties
        draw.parties += 1
        draw.party([adult, *members], "entry", bcp, at, purpose)
        draw.label(kind, party, [adult, *members],
                   ["adult", *["member"] * len(members)])  # fmt: skip
        _leave(draw, kind, adult, members, bcp, at, purpose)


def _partner(adult: _Person) -> str:
    # The same family name: the MRZ spelling of the feminine form where it has one.
    if adult.sex == "M":
        return feminine(adult.surname.capitalize()).upper()
    root = adult.surname
    return root[:-1] if root.endswith(("OVA", "EVA", "INA")) else root


def _child(adult: _Person, other: _Person, sex: str) -> str:
    father = adult if adult.sex == "M" else other
    name = father.surname
    return feminine(name.capitalize()).upper() if sex == "F" else name


def _leave(draw: _Draw, kind: str, adult: _Person, members: list[_Person], bcp: str,
           at: datetime, purpose: str) -> None:  # fmt: skip
    rng = draw.rng
    back = at + timedelta(days=int(rng.integers(2, 15)), hours=int(rng.integers(0, 8)))
    if kind in TRAFFICKING:
        draw.party([adult], "exit", bcp, back, purpose)  # alone; the others stay
        return
    if kind == "driver":
        draw.party([adult], "exit", bcp, at + timedelta(hours=int(rng.integers(5, 30))), purpose)
        for member in members:  # home after the season
            later = at + timedelta(days=int(rng.integers(60, 270)))
            draw.party([member], "exit", bcp, later, purpose)
        return
    staying = set()
    if kind == "tour" and rng.random() < 0.15:
        staying = {members[int(rng.integers(0, len(members)))].id}
    if kind == "family" and rng.random() < 0.2:  # a parent goes home first
        draw.party([adult], "exit", bcp, back - timedelta(days=1), purpose)
        draw.party(members, "exit", bcp, back + timedelta(days=int(rng.integers(1, 10))),
                   purpose)  # fmt: skip
        return
    draw.party([adult, *(m for m in members if m.id not in staying)], "exit", bcp, back, purpose)


def _background(draw: _Draw, count: int) -> None:
    """Solo travellers at the same BCPs and booths, in and out again."""
    rng = draw.rng
    for _ in range(count):
        day = int(rng.integers(draw.period.start, draw.period.end - 30))
        at = draw.moment(day)
        person = draw.person(str(rng.choice(["KAZ", "UZB", "KGZ", "RUS", "TJK", "TUR"])),
                             str(rng.choice(["M", "F"])), rng.uniform(1, 80), at.date())
        bcp = str(rng.choice(HOST_BCPS))
        draw.cross(person, "entry", bcp, int(rng.integers(1, OFFICERS + 1)), at, "private")
        out = at + timedelta(days=int(rng.integers(1, 60)))
        if rng.random() < 0.9 and out.toordinal() <= draw.period.end:
            draw.cross(person, "exit", bcp, int(rng.integers(1, OFFICERS + 1)), out, "private")


@dataclass(slots=True)
class GroupScenario:
    crossings: pa.Table  # the import format, in time order
    people: list[dict]  # person_id, nationality, sex, birth_date
    groups: pa.Table  # truth: party, kind, person_id, role, trafficking


def draw_groups(seed: int, period: Period, units: int, first_id: int) -> GroupScenario:
    """`units` rounds of MIX (one companion, one adult with unrelated minors, four families...),
    people numbered from `first_id`."""
    draw = _Draw(np.random.default_rng([seed, 14]), period, first_id)
    for _ in range(units):
        for kind, count in MIX.items():
            for _ in range(count):
                _unit(draw, kind)
    _background(draw, draw.parties * BACKGROUND_PER_PARTY)
    # A short period ends before some came back: what has not happened yet is not recorded.
    end = datetime.fromordinal(draw.period.end + 1).replace(tzinfo=UTC)
    rows = sorted((r for r in draw.rows if r["occurred_at"] < end), key=lambda r: r["occurred_at"])
    ms = np.array([int(r["occurred_at"].timestamp() * 1000) for r in rows], np.int64)
    n = len(rows)
    crossings = pa.table({
        "crossing_id": uuid7_strings(draw.rng, ms),
        "direction": [r["direction"] for r in rows],
        "bcp": [r["bcp"] for r in rows],
        "occurred_at": pa.array(ms, pa.timestamp("ms", tz="UTC")),
        "issuing_state": [r["issuing_state"] for r in rows],
        "document_number": [r["document_number"] for r in rows],
        "document_type": ["P"] * n,
        "surname": [r["surname"] for r in rows],
        "given_names": [r["given_names"] for r in rows],
        "nationality": [r["nationality"] for r in rows],
        "birth_date": pa.array([r["birth_date"] for r in rows], pa.date32()),
        "sex": [r["sex"] for r in rows],
        "expiry_date": pa.array([r["expiry_date"] for r in rows], pa.date32()),
        "purpose": [r["purpose"] for r in rows],
        "outcome": ["admitted"] * n,
        "refusal_reason": pa.nulls(n, pa.string()),
        "officer": [r["officer"] for r in rows],
        "mrz_valid": pa.array([True] * n, pa.bool_()),
        "optional_data": pa.nulls(n, pa.string()),
        "national_surname": pa.nulls(n, pa.string()),
        "national_given_names": pa.nulls(n, pa.string()),
        "previous_document_number": pa.nulls(n, pa.string()),
    })  # fmt: skip
    people = [{"person_id": p.id, "nationality": p.nationality, "sex": p.sex,
               "birth_date": p.born} for p in draw.people]  # fmt: skip
    groups = pa.Table.from_pylist(draw.truth, schema=pa.schema([
        ("party", pa.int64()), ("kind", pa.string()), ("person_id", pa.int64()),
        ("role", pa.string()), ("trafficking", pa.bool_()),
    ]))  # fmt: skip
    return GroupScenario(crossings, people, groups)
