"""The synthetic region: deterministic, valid documents, both sides recorded, truth that the
stay engine agrees with."""

from __future__ import annotations

from collections import defaultdict
from datetime import date, timedelta

import pyarrow.compute as pc
import pytest

from rmis.documents import parse
from rmis.reference.bcps import load_bcps
from rmis.reference.stay_rules import load_stay_rules
from rmis.registry.timelines import stays_from_crossings
from rmis.stay import Permit, PermitKind, Timeline
from rmis.stay.overstays import TravellerTimeline, find_overstays
from rmis.synth.calibration import BEHAVIOURS
from rmis.synth.recording import Noise
from rmis.synth.region import SynthConfig, generate, write

END = date(2026, 10, 31)
# docs/import-format.md
IMPORT_COLUMNS = (
    "crossing_id", "direction", "bcp", "occurred_at", "issuing_state", "document_number",
    "document_type", "surname", "given_names", "nationality", "birth_date", "sex", "expiry_date",
    "purpose", "outcome", "refusal_reason", "officer", "mrz_valid", "optional_data",
    "national_surname", "national_given_names", "previous_document_number",
)  # fmt: skip
CLEAN = Noise(typo_rate=0, ocr_rate=0, unrecorded_exit_rate=0, given_typo_rate=0, birth_slip_rate=0)


@pytest.fixture(scope="module")
def region():
    return generate(SynthConfig(travellers=3000, years=2, seed=7, end=END))


@pytest.fixture(scope="module")
def clean_region():
    return generate(SynthConfig(travellers=3000, years=2, seed=11, end=END, noise=CLEAN))


def test_same_seed_same_bytes(tmp_path):
    config = SynthConfig(travellers=800, years=1, seed=3, end=END)
    a = write(generate(config), tmp_path / "a")
    b = write(generate(config), tmp_path / "b")
    for name in a:
        assert a[name].read_bytes() == b[name].read_bytes(), name
    other = write(generate(SynthConfig(travellers=800, years=1, seed=4, end=END)), tmp_path / "c")
    assert other["crossings"].read_bytes() != a["crossings"].read_bytes()


def test_every_document_has_a_valid_mrz(region):
    docs = region.documents.to_pylist()
    assert docs
    for doc in docs:
        mrz = parse([doc["mrz_line1"], doc["mrz_line2"]], today=END)
        assert mrz.valid, (doc, mrz.errors)
        assert mrz.document_number == doc["document_number"]
        assert mrz.issuing_state == doc["issuing_state"]


def test_document_numbers_are_unique_per_issuing_state(region):
    keys = list(zip(region.documents["issuing_state"].to_pylist(),
                    region.documents["document_number"].to_pylist(), strict=True))  # fmt: skip
    assert len(keys) == len(set(keys))


def test_every_behaviour_and_label_is_there(region):
    people = region.people.to_pylist()
    assert {p["behaviour"] for p in people} == set(BEHAVIOURS)
    assert any(p["asylum_seeker"] for p in people)
    assert any(p["irregular_work"] for p in people)
    assert any(p["overstay_days"] > 0 for p in people)
    start = date.fromordinal(region.config.period.start)
    for p in people:
        if p["unaccompanied_minor"]:
            assert (start - p["birth_date"]).days < 18 * 366


def test_groups_travel_together(region):
    people = {p["person_id"]: p for p in region.people.to_pylist()}
    groups = defaultdict(list)
    for p in people.values():
        if p["trafficking_group"] is not None:
            groups[p["trafficking_group"]].append(p["person_id"])
    assert groups, "expected at least one group in 3,000 travellers"
    first_entry = {}
    for stay in region.stays.to_pylist():
        first_entry.setdefault(stay["person_id"], stay["entry_date"])
    for members in groups.values():
        assert len(members) >= 3
        assert len({first_entry[m] for m in members}) == 1


def test_crossings_are_in_the_import_format_and_time_order(region):
    table = region.crossings
    assert table.column_names == list(IMPORT_COLUMNS)
    times = table["occurred_at"]
    assert pc.all(pc.greater_equal(times.slice(1), times.slice(0, len(times) - 1))).as_py()
    bcps = load_bcps()
    assert set(table["bcp"].to_pylist()) <= set(bcps)
    refused = table.filter(pc.equal(table["outcome"], "refused"))
    assert pc.all(pc.is_valid(refused["refusal_reason"])).as_py() if len(refused) else True


def test_each_state_records_its_own_side_of_a_land_crossing(clean_region):
    """An entry over land from a recording state has the exit of the state left, at the
    counterpart BCP, shortly before (or, turned back, its own refusal there)."""
    bcps = load_bcps()
    rows = clean_region.crossings.to_pylist()
    exits = defaultdict(list)
    for r in rows:
        if r["direction"] == "exit" or r["outcome"] == "refused":
            exits[(r["document_number"], r["bcp"])].append(r["occurred_at"])
    checked = 0
    for r in rows:
        bcp = bcps[r["bcp"]]
        if r["direction"] != "entry" or bcp.mode == "air" or r["outcome"] == "refused":
            continue
        times = exits[(r["document_number"], bcp.counterpart)]
        assert any(timedelta(0) < r["occurred_at"] - t <= timedelta(hours=4) for t in times), r
        checked += 1
    assert checked > 100


def test_labelled_overstays_are_what_the_stay_engine_finds_in_the_crossings(clean_region):
    """Rebuild every timeline from the recorded crossings and permits the way the record does,
    and judge it with the stay engine on the last day: the same overstays as the truth."""
    region = clean_region
    rules = load_stay_rules()
    on = region.config.end
    owner = {(d["issuing_state"], d["document_number"]): d["person_id"]
             for d in region.documents.to_pylist()}  # fmt: skip
    moves = defaultdict(list)
    nationality = {}
    for r in region.crossings.to_pylist():
        host = r["bcp"][:3]
        if r["outcome"] != "admitted" or r["nationality"] == host:
            continue
        person = owner[(r["issuing_state"], r["document_number"])]
        local = r["occurred_at"].astimezone(load_bcps()[r["bcp"]].zone).date()
        moves[(person, host)].append((r["direction"], local))
        nationality[person] = r["nationality"]
    permits = defaultdict(list)
    for p in region.permits.to_pylist():
        permits[(p["person_id"], p["host_state"])].append(
            Permit(PermitKind(p["kind"]), p["valid_from"], p["valid_to"])
        )
    found = {}
    for host in {h for _, h in moves}:
        timelines = [
            TravellerTimeline(str(person), nationality[person],
                              Timeline(tuple(stays_from_crossings(m)), tuple(permits[(person, h)])))
            for (person, h), m in moves.items() if h == host
        ]  # fmt: skip
        report = find_overstays(timelines, lambda nat, host=host: rules.schedule(host, nat), on)
        for item in report.open:
            found[(int(item.traveller), host, item.entry)] = item.days
        for item in report.late_exits:
            found[(int(item.traveller), host, item.entry)] = item.days_late
    labelled = {
        (s["person_id"], s["host_state"], s["entry_date"]): s["overstay_days"]
        for s in region.stays.to_pylist()
        if s["overstay_days"] > 0
    }
    assert labelled, "expected overstays in 3,000 travellers"
    assert found == labelled


def test_bad_size_is_a_clear_error():
    with pytest.raises(ValueError, match="travellers"):
        generate(SynthConfig(travellers=0, years=1, seed=1, end=END))
