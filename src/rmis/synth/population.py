"""Who the synthetic region's travellers are: cohorts sized on the published figures.

A cohort is the people of one behaviour on one corridor (or transit route, or resident stock).
Its share of the synthetic travellers is its share of the real people the published figures
imply, so every synthetic traveller stands for the same number of real ones (`scale`).
"""

from __future__ import annotations

from dataclasses import dataclass, field
from types import MappingProxyType

import numpy as np

from rmis.synth.behaviours import Period, local_crossings_per_month
from rmis.synth.calibration import (
    ASYLUM_ARRIVALS_PER_YEAR,
    CORRIDORS,
    LONG_TERM_STOCKS,
    TRANSIT_ROUTES,
)
from rmis.synth.geography import STATE, has_land_border

TRANSIT_JOURNEYS_PER_PERSON = 1.3


def entries_per_person_year(behaviour: str, host: str, period: Period) -> float:
    """Entries into the host state one person of a behaviour makes in a year (behaviours.py)."""
    if behaviour == "short_visit":
        return (1 + 3 * min(0.9, 0.1 * period.years)) / period.years
    return {
        "local_border": 12 * local_crossings_per_month(host),
        "circular": 9.0,
        "seasonal": 0.95,
        "long_term": 1.5,
    }[behaviour]


@dataclass(frozen=True, slots=True)
class CohortPlan:
    behaviour: str
    nationality: str
    host: str  # destination for transit
    real_people: float
    path: tuple[str, ...] = ()  # transit only
    purpose: str = ""  # long_term: residence or study
    asylum: bool = False
    visit_purposes: MappingProxyType = field(default_factory=lambda: MappingProxyType({}))
    people: int = 0  # synthetic travellers, set by allocate()


def plan_cohorts(period: Period) -> list[CohortPlan]:
    plans: list[CohortPlan] = []
    for c in CORRIDORS:
        mix = dict(c.mix)
        if "local_border" in mix and not has_land_border(c.nationality, c.host):
            mix["short_visit"] = mix.get("short_visit", 0) + mix.pop("local_border")
        for behaviour, share in mix.items():
            rate = entries_per_person_year(behaviour, c.host, period)
            plans.append(CohortPlan(behaviour, c.nationality, c.host,
                                    c.entries_per_year * share / rate,
                                    visit_purposes=c.visit_purposes))  # fmt: skip
    for route in TRANSIT_ROUTES:
        people = route.journeys_per_year * period.years / TRANSIT_JOURNEYS_PER_PERSON
        plans.append(CohortPlan("transit", route.nationality, route.path[-1], people,
                                path=route.path))  # fmt: skip
    for stock in LONG_TERM_STOCKS:
        plans.append(CohortPlan("long_term", stock.nationality, stock.host, stock.people,
                                purpose=stock.purpose))  # fmt: skip
    for (nationality, host), per_year in ASYLUM_ARRIVALS_PER_YEAR.items():
        plans.append(CohortPlan("long_term", nationality, host, per_year * period.years,
                                asylum=True))  # fmt: skip
    return plans


# Asylum seekers are a few thousand among millions of travellers: at the published rate a
# region of thousands would hold none, and protection screening would have nothing to find.
# They are oversampled to one per this many travellers (the realism table is unaffected).
ASYLUM_OVERSAMPLE_PER = 1_000


def allocate(plans: list[CohortPlan], travellers: int) -> tuple[list[CohortPlan], float]:
    """Synthetic travellers per cohort (largest remainder), and real people per traveller."""
    real = np.array([p.real_people for p in plans])
    asylum = np.array([p.asylum for p in plans])
    floor_ = np.where(asylum, travellers // ASYLUM_OVERSAMPLE_PER // max(asylum.sum(), 1), 0)
    exact = travellers * real / real.sum()
    exact = np.maximum(exact, floor_)
    exact *= travellers / exact.sum()
    counts = np.floor(exact).astype(np.int64)
    short = travellers - counts.sum()
    counts[np.argsort(-(exact - counts), kind="stable")[:short]] += 1
    sized = [
        CohortPlan(**{**{f: getattr(p, f) for f in p.__dataclass_fields__}, "people": int(k)})
        for p, k in zip(plans, counts, strict=True)
    ]
    return [p for p in sized if p.people > 0], float(real.sum() / travellers)


def state_path(plan: CohortPlan) -> tuple[int, ...]:
    return tuple(STATE[s] for s in plan.path)
