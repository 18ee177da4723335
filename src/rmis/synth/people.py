"""The synthetic travellers themselves: behaviour, nationality, sex, birth date, names, labels."""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np

from rmis.synth.behaviours import YEAR, Period
from rmis.synth.calibration import BEHAVIOURS
from rmis.synth.geography import STATE
from rmis.synth.population import CohortPlan

BEHAVIOUR = {name: i for i, name in enumerate(BEHAVIOURS)}
# Age ranges (years) by behaviour: labour migrants and transit travellers are young adults.
AGES = {
    "short_visit": (18, 70), "transit": (19, 45), "local_border": (20, 70),
    "circular": (22, 60), "seasonal": (19, 48), "long_term": (18, 55),
}  # fmt: skip
MALE_SHARE = {"seasonal": 0.85, "transit": 0.75, "circular": 0.6}
# Groups that fit trafficking indicators travel from these states to these (FACTS.md 3.2:
# victims identified in KAZ, UZB, TJK; most from UZB and TJK; destinations KAZ and RUS).
TRAFFICKING_FROM = ("UZB", "KGZ", "TJK")
TRAFFICKING_TO = ("KAZ", "RUS")


@dataclass(slots=True)
class People:
    person: np.ndarray  # int64, 0..n-1
    cohort: np.ndarray  # int32 index into the allocated plans
    behaviour: np.ndarray  # int8 index into BEHAVIOURS
    nationality: np.ndarray  # int16 state index
    sex: np.ndarray  # '<U1': M or F
    birth: np.ndarray  # int32 day
    asylum_seeker: np.ndarray  # bool
    unaccompanied_minor: np.ndarray  # bool
    trafficking_group: np.ndarray  # int64, -1 when none
    irregular_work: np.ndarray  # bool, set by the seasonal generator

    def __len__(self) -> int:
        return len(self.person)


def draw_people(
    rng: np.random.Generator,
    plans: list[CohortPlan],
    period: Period,
    minor_rate: float,
    trafficking_rate: float,
) -> People:
    counts = np.array([p.people for p in plans], np.int64)
    n = int(counts.sum())
    cohort = np.repeat(np.arange(len(plans), dtype=np.int32), counts)
    behaviour = np.array([BEHAVIOUR[p.behaviour] for p in plans], np.int8)[cohort]
    nationality = np.array([STATE[p.nationality] for p in plans], np.int16)[cohort]
    lo = np.array([AGES[p.behaviour][0] for p in plans])[cohort]
    hi = np.array([AGES[p.behaviour][1] for p in plans])[cohort]
    asylum = np.array([p.asylum for p in plans], bool)[cohort]
    lo = np.where(asylum, 0, lo)
    age = lo + rng.random(n) * (hi - lo + 1)
    male_share = np.array([MALE_SHARE.get(p.behaviour, 0.55) for p in plans])[cohort]
    sex = np.where(rng.random(n) < male_share, "M", "F")

    # Children travelling alone: a few short visitors and transit travellers aged 14 to 17.
    can_be_minor = np.isin(behaviour, [BEHAVIOUR["short_visit"], BEHAVIOUR["transit"]])
    minor = can_be_minor & (rng.random(n) < minor_rate)
    age = np.where(minor, 14 + rng.random(n) * 4, age)

    group = _trafficking_groups(rng, plans, cohort, behaviour, trafficking_rate)
    in_group = group >= 0
    age = np.where(in_group, 18 + rng.random(n) * 7, age)
    sex = np.where(in_group & (rng.random(n) < 0.7), "F", sex)
    minor &= ~in_group
    birth = (period.start - np.floor(age * YEAR)).astype(np.int32)
    return People(
        person=np.arange(n, dtype=np.int64), cohort=cohort, behaviour=behaviour,
        nationality=nationality, sex=sex, birth=birth, asylum_seeker=asylum,
        unaccompanied_minor=minor, trafficking_group=group, irregular_work=np.zeros(n, bool),
    )  # fmt: skip


def _trafficking_groups(
    rng: np.random.Generator,
    plans: list[CohortPlan],
    cohort: np.ndarray,
    behaviour: np.ndarray,
    rate: float,
) -> np.ndarray:
    """Groups of 3 to 6 short visitors of one corridor who travel together and stay."""
    group = np.full(len(cohort), -1, np.int64)
    next_id = 0
    for index, plan in enumerate(plans):
        if not (plan.behaviour == "short_visit" and plan.nationality in TRAFFICKING_FROM
                and plan.host in TRAFFICKING_TO):  # fmt: skip
            continue
        members = np.flatnonzero(cohort == index)
        chosen = members[rng.random(len(members)) < rate]
        size = int(rng.integers(3, 7))
        for start in range(0, len(chosen) - 2, size):
            block = chosen[start : start + size]
            if len(block) >= 3:
                group[block] = next_id
                next_id += 1
    return group
