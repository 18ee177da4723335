"""The synthetic region end to end: people, their stays, documents, crossings and the truth.

`generate(config)` is deterministic: the same config (seed, size, end date) gives the same
tables, byte for byte once written (`write`). Stages report progress through `on_stage`.
"""

from __future__ import annotations

import os
import tempfile
from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import date
from pathlib import Path

import numpy as np
import pyarrow as pa
import pyarrow.compute as pc
import pyarrow.parquet as pq

from rmis.reference.stay_rules import StayRulesTable, load_stay_rules
from rmis.synth import behaviours
from rmis.synth.allowance import Allowances
from rmis.synth.behaviours import YEAR, Cohort, Period
from rmis.synth.calibration import BEHAVIOURS
from rmis.synth.documents import Documents, issue_documents
from rmis.synth.geography import STATE, STATES
from rmis.synth.groups import GroupScenario, draw_groups
from rmis.synth.name_pools import KAZ_LATIN_MRZ_FROM
from rmis.synth.people import People, draw_people
from rmis.synth.population import CohortPlan, allocate, plan_cohorts, state_path
from rmis.synth.recording import EPOCH_DAY, Noise, record, refusals
from rmis.synth.stays import OPEN, PERMIT_KINDS, PURPOSES, Stays
from rmis.synth.truth import overstay_days


@dataclass(frozen=True, slots=True)
class SynthConfig:
    travellers: int
    years: float
    seed: int
    end: date  # last day of the period
    noise: Noise = field(default_factory=Noise)
    minor_rate: float = 0.003
    trafficking_rate: float = 0.01
    # Kazakh passports issued from this day spell names in the 2021 Latin alphabet (None: never).
    kaz_latin_from: date | None = KAZ_LATIN_MRZ_FROM
    # Rounds of labelled parties at the border for protection's group patterns (synth/groups.py:
    # trafficking patterns beside families, tours, school trips, drivers); 0 leaves the region
    # as it always was.
    protection_groups: int = 0

    @property
    def period(self) -> Period:
        end = self.end.toordinal()
        return Period(end - round(self.years * YEAR) + 1, end)


@dataclass(slots=True)
class Region:
    config: SynthConfig
    scale: float  # real people each synthetic traveller stands for
    plans: list[CohortPlan]
    crossings: pa.Table
    people: pa.Table
    documents: pa.Table
    stays: pa.Table
    permits: pa.Table
    # Every (issuing state, document number, type) the crossings name, misread ones included,
    # with the person whose document it is: what a linkage bench scores the record against.
    recorded_documents: pa.Table
    # With protection_groups: the parties and who was in them (truth/groups.parquet).
    groups: pa.Table | None = None


def generate(
    config: SynthConfig,
    rules: StayRulesTable | None = None,
    on_stage: Callable[[str], None] = lambda stage: None,
) -> Region:
    if config.travellers < 1:
        raise ValueError("--travellers must be at least 1")
    if not 0 < config.years <= 20:
        raise ValueError("--years must be more than 0 and at most 20")
    if problems := config.noise.problems():
        raise ValueError("; ".join(problems))
    rng = np.random.default_rng(config.seed)
    table = rules or load_stay_rules()
    period = config.period
    on_stage("people")
    plans, scale = allocate(plan_cohorts(period), config.travellers)
    people = draw_people(rng, plans, period, config.minor_rate, config.trafficking_rate)
    on_stage("journeys")
    stays = _journeys(rng, plans, people, period, Allowances(table))
    on_stage("documents")
    docs = issue_documents(rng, people, period, config.kaz_latin_from)
    on_stage("crossings")
    refused = refusals(rng, stays, people)
    recorded = record(rng, stays, refused, people, docs, period, config.noise)
    on_stage("truth")
    lived = stays.take(np.flatnonzero(~refused))  # a refused entry is no stay
    over = overstay_days(lived, people.nationality[lived.person], period, table)
    region = Region(
        config=config, scale=scale, plans=plans, crossings=recorded.crossings,
        people=_people_table(people, lived, over),
        documents=_documents_table(docs, people),
        stays=_stays_table(lived, over),
        permits=_permits_table(lived, docs),
        recorded_documents=recorded.documents,
    )  # fmt: skip
    if config.protection_groups:
        on_stage("groups")
        _add_groups(region, draw_groups(config.seed, period, config.protection_groups,
                                        first_id=len(people)))  # fmt: skip
    return region


def _add_groups(region: Region, scenario: GroupScenario) -> None:
    """The parties' crossings merged in time order, their people in the people table (not
    judged for overstays: `overstay_days` null), and the parties as truth."""
    crossings = pa.concat_tables([region.crossings,
                                  scenario.crossings.cast(region.crossings.schema)])
    order = pc.sort_indices(crossings, [("occurred_at", "ascending")])  # stable
    region.crossings = crossings.take(order)
    truth = scenario.groups.to_pylist()
    group_of = {r["person_id"]: 1_000_000 + r["party"] for r in truth
                if r["trafficking"] and r["role"] == "member"}  # fmt: skip
    ids = [p["person_id"] for p in scenario.people]
    n = len(ids)
    extra = pa.table({
        "person_id": pa.array(ids, pa.int64()),
        "behaviour": pa.array(["group_scenario"] * n, pa.string()),
        "nationality": pa.array([p["nationality"] for p in scenario.people], pa.string()),
        "sex": pa.array([p["sex"] for p in scenario.people], pa.string()),
        "birth_date": pa.array([p["birth_date"] for p in scenario.people], pa.date32()),
        "overstay_days": pa.nulls(n, pa.int32()),
        "irregular_work": pa.array([False] * n, pa.bool_()),
        "asylum_seeker": pa.array([False] * n, pa.bool_()),
        "unaccompanied_minor": pa.array([False] * n, pa.bool_()),
        "trafficking_group": pa.array([group_of.get(i) for i in ids], pa.int64()),
    })  # fmt: skip
    region.people = pa.concat_tables([region.people, extra.cast(region.people.schema)])
    region.groups = scenario.groups


def _journeys(rng, plans, people: People, period: Period, allowances: Allowances) -> Stays:
    parts: list[Stays] = []
    for index, plan in enumerate(plans):
        members = people.person[people.cohort == index]
        cohort = Cohort(members, STATE[plan.nationality], STATE[plan.host], plan.visit_purposes)
        if plan.behaviour == "short_visit":
            group = people.trafficking_group[members]
            parts.append(behaviours.short_visits(rng, cohort, period, allowances, group))
        elif plan.behaviour == "seasonal":
            stays, irregular = behaviours.seasonal(rng, cohort, period, allowances)
            people.irregular_work[members] = irregular
            parts.append(stays)
        elif plan.behaviour == "circular":
            parts.append(behaviours.circular(rng, cohort, period, allowances))
        elif plan.behaviour == "local_border":
            parts.append(behaviours.local_border(rng, cohort, period, allowances))
        elif plan.behaviour == "transit":
            parts.append(behaviours.transit(rng, members, state_path(plan), period, allowances))
        elif plan.asylum:
            parts.append(behaviours.asylum_arrivals(rng, cohort, period))
        else:
            parts.append(behaviours.long_term(rng, cohort, period, plan.purpose))
    return Stays.concat(parts).sorted()


def _days(ordinals: np.ndarray) -> pa.Array:
    return pa.array(np.asarray(ordinals, np.int64) - EPOCH_DAY, pa.int32()).cast(pa.date32())


def _codes(indexes: np.ndarray) -> pa.Array:
    return pa.array(np.asarray(STATES, object)[indexes], pa.string())


def _people_table(people: People, stays: Stays, over: np.ndarray) -> pa.Table:
    worst = np.zeros(len(people), np.int64)
    np.maximum.at(worst, stays.person, over)
    group = people.trafficking_group
    return pa.table({
        "person_id": pa.array(people.person, pa.int64()),
        "behaviour": pa.array(np.asarray(BEHAVIOURS, object)[people.behaviour], pa.string()),
        "nationality": _codes(people.nationality),
        "sex": pa.array(people.sex.astype(object), pa.string()),
        "birth_date": _days(people.birth),
        "overstay_days": pa.array(worst, pa.int32()),
        "irregular_work": pa.array(people.irregular_work, pa.bool_()),
        "asylum_seeker": pa.array(people.asylum_seeker, pa.bool_()),
        "unaccompanied_minor": pa.array(people.unaccompanied_minor, pa.bool_()),
        "trafficking_group": pa.array(group, pa.int64(), mask=group < 0),
    })  # fmt: skip


def _documents_table(docs: Documents, people: People) -> pa.Table:
    lines = docs.mrz_lines(people)
    return pa.table({
        "person_id": pa.array(docs.person, pa.int64()),
        "issuing_state": _codes(docs.issuing_state),
        "document_number": pa.array(docs.number, pa.string()),
        "document_type": pa.array(np.full(len(docs), "P", object), pa.string()),
        "surname": pa.array(docs.surname, pa.string()),
        "given_names": pa.array(docs.given_names, pa.string()),
        "national_surname": pa.array(docs.national_surname, pa.string()),
        "national_given_names": pa.array(docs.national_given_names, pa.string()),
        "issued": _days(docs.issued),
        "expiry_date": _days(docs.expiry),
        "mrz_line1": pa.array([a for a, _ in lines], pa.string()),
        "mrz_line2": pa.array([b for _, b in lines], pa.string()),
        "optional_data": pa.array(docs.optional_data, pa.string()),
        "previous_document_number": pa.array(docs.previous_number, pa.string()),
    })  # fmt: skip


def _stays_table(stays: Stays, over: np.ndarray) -> pa.Table:
    open_ = stays.exit == OPEN
    return pa.table({
        "person_id": pa.array(stays.person, pa.int64()),
        "host_state": _codes(stays.host),
        "entry_date": _days(stays.entry),
        "exit_date": pa.array(np.where(open_, 0, stays.exit - EPOCH_DAY), pa.int32(),
                              mask=open_).cast(pa.date32()),
        "overstay_days": pa.array(over, pa.int32()),
        "purpose": pa.array(np.asarray(PURPOSES, object)[stays.purpose], pa.string()),
    })  # fmt: skip


def _permits_table(stays: Stays, docs: Documents) -> pa.Table:
    """One row per permit and passport it was registered on: a permit follows its holder to a
    renewed passport, as the holder has it re-registered."""
    has = np.flatnonzero(stays.permit > 0)
    columns = (stays.person, stays.host, stays.permit, stays.permit_from, stays.permit_to)
    key = np.stack([c[has] for c in columns], axis=1).astype(np.int64)
    unique = np.unique(key, axis=0) if len(key) else key.reshape(0, 5)
    first = np.searchsorted(docs.person, unique[:, 0], side="left")
    last = np.searchsorted(docs.person, unique[:, 0], side="right") - 1
    rows, held = [], []
    for step in range(4):  # a person holds a few passports at most over the period
        doc = np.minimum(first + step, len(docs) - 1)
        ok = (first + step <= last) & (docs.issued[doc] <= unique[:, 4])
        ok &= docs.expiry[doc] >= unique[:, 3]
        rows.append(np.flatnonzero(ok))
        held.append(doc[ok])
    row, doc = np.concatenate(rows), np.concatenate(held)
    order = np.lexsort((doc, row))
    row, doc = row[order], doc[order]
    person, host, kind, valid_from, valid_to = (unique[row, i] for i in range(5))
    return pa.table({
        "person_id": pa.array(person, pa.int64()),
        "issuing_state": _codes(docs.issuing_state[doc]),
        "document_number": pa.array(docs.number[doc], pa.string()),
        "host_state": _codes(host),
        "kind": pa.array(np.asarray(PERMIT_KINDS, object)[kind], pa.string()),
        "valid_from": _days(valid_from),
        "valid_to": _days(valid_to),
    })  # fmt: skip


def write(region: Region, out: Path) -> dict[str, Path]:
    """Write the region under `out`; each file appears whole or not at all."""
    files = {
        "crossings": (out / "crossings.parquet", region.crossings),
        "permits": (out / "permits.parquet", region.permits),
        "people": (out / "truth" / "people.parquet", region.people),
        "documents": (out / "truth" / "documents.parquet", region.documents),
        "stays": (out / "truth" / "stays.parquet", region.stays),
        "recorded_documents": (out / "truth" / "recorded_documents.parquet",
                               region.recorded_documents),
    }  # fmt: skip
    if region.groups is not None:
        files["groups"] = (out / "truth" / "groups.parquet", region.groups)
    for path, table in files.values():
        path.parent.mkdir(parents=True, exist_ok=True)
        fd, tmp = tempfile.mkstemp(dir=path.parent, prefix=f".{path.name}.", suffix=".tmp")
        os.close(fd)
        try:
            pq.write_table(table, tmp, compression="zstd")
            os.replace(tmp, path)
        finally:
            if os.path.exists(tmp):
                os.unlink(tmp)
    return {name: path for name, (path, _) in files.items()}
