"""Group patterns against the synthetic region's labelled parties: precision and recall.

A region (`SynthConfig(protection_groups=U)`: U rounds of one companion, one adult with
unrelated minors, four families, two tours, two school trips and one bus driver, with solo
travellers at the same booths, beside the region's own traffic) is imported into a fresh
SQLite record the way every client loads one (registry.import_crossings); the record's admitted
crossings of Kazakhstan are read back (protection.seen_crossings) and judged by
protection.find_patterns. Scored per party an adult crossed in with (the unit an officer is
asked about): a flagged party is right when the truth labels it trafficking; recall is over
every labelled trafficking party. Also per adult.

Baseline, in the same run, on the same crossings: the entry-only rule a desk could apply
without the record's way back ("entry rule"): flag a party with a child of another family than
every adult in it, and an adult who crossed in with different parties twice or more.

  .venv/bin/python bench/protection_patterns.py [--travellers 3000 --units 8 --seed 7]
"""

from __future__ import annotations

import argparse
import io
import json
import tempfile
import time
from collections import defaultdict
from datetime import UTC, date, datetime, timedelta
from pathlib import Path

import pyarrow.parquet as pq
from sqlalchemy import select

from rmis.protection import (
    find_group_patterns,
    find_patterns,
    patterns_about,
    seen_crossings,
    stored_patterns,
)
from rmis.protection.patterns import _age, _distinct, family_root, parties
from rmis.registry import import_crossings
from rmis.store.database import open_database
from rmis.store.schema import documents
from rmis.synth.region import SynthConfig, generate, write

END = date(2026, 6, 30)


def entry_rule(crossings) -> list[tuple[object, object]]:
    """(adult, party) pairs the entry-only baseline flags."""
    facts = {c.traveller: c for c in crossings}
    flagged, by_adult = set(), defaultdict(list)
    for party in parties(crossings):
        if party.direction != "entry":
            continue
        on = party.at.date()
        ages = {m: _age(facts[m].birth_date, on) for m in party.members}
        adults = [m for m, a in ages.items() if a is not None and a >= 18]
        roots = {family_root(facts[a].surname) for a in adults}
        children = [m for m, a in ages.items() if a is not None and a < 18]
        for adult in adults:
            by_adult[adult].append((party, set(party.members) - {adult}))
            if any(family_root(facts[c].surname) not in roots for c in children):
                flagged.add((adult, party))
    for adult, chosen in by_adult.items():
        distinct = _distinct([c for c in chosen if len(c[1]) >= 2])
        if len(distinct) >= 2:
            flagged.update((adult, p) for p in distinct)
    return sorted(flagged, key=lambda x: x[1].at)


def score(flagged, person_of, truth_parties, trafficking_adults) -> dict:
    """Party level: a flag (adult, party) is true when the truth has that adult entering that day
    in a trafficking party."""
    hits, flagged_parties = set(), set()
    for adult, party in flagged:
        key = (person_of.get(adult), party.at.date())
        flagged_parties.add(key)
        if truth_parties.get(key):
            hits.add(key)
    positives = {k for k, v in truth_parties.items() if v}
    adults = {person_of.get(a) for a, _ in flagged}
    return {
        "flagged_parties": len(flagged_parties),
        "precision": round(len(hits) / len(flagged_parties), 4) if flagged_parties else None,
        "recall": round(len(hits) / len(positives), 4) if positives else None,
        "flagged_adults": len(adults),
        "adult_precision": round(len(adults & trafficking_adults) / len(adults), 4)
        if adults
        else None,
        "adult_recall": round(len(adults & trafficking_adults) / len(trafficking_adults), 4),
    }


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--travellers", type=int, default=3000)
    parser.add_argument("--units", type=int, default=8)
    parser.add_argument("--seed", type=int, default=7)
    args = parser.parse_args()
    config = SynthConfig(travellers=args.travellers, years=2, seed=args.seed, end=END,
                         protection_groups=args.units)  # fmt: skip
    started = time.perf_counter()
    region = generate(config)
    with tempfile.TemporaryDirectory() as tmp:
        out = Path(tmp)
        files = write(region, out)
        engine = open_database(f"sqlite:///{out / 'rmis.sqlite3'}")
        now = datetime(2026, 7, 1, tzinfo=UTC)
        summary = import_crossings(engine, files["crossings"], io.StringIO(), now=now)
        groups = pq.read_table(files["groups"]).to_pylist()
        with engine.connect() as connection:
            number_to_person = {}
            for row in groups:
                number_to_person[f"G{row['person_id']:08d}"] = row["person_id"]
            person_of = {
                tid: number_to_person.get(number)
                for tid, number in connection.execute(
                    select(documents.c.traveller_id, documents.c.number)
                )
            }
            since = datetime.combine(date.fromordinal(config.period.start), datetime.min.time(),
                                     UTC)  # fmt: skip
            t0 = time.perf_counter()
            crossings = seen_crossings(connection, "KAZ", since, now + timedelta(days=1))
            read_s = time.perf_counter() - t0
        # The nightly job end to end (read, find, keep), and what the check then pays: one
        # indexed lookup of the person's stored patterns.
        t0 = time.perf_counter()
        run = find_group_patterns(engine, "KAZ", now=now, years=2)
        job_s = time.perf_counter() - t0
        with engine.connect() as connection:
            people = list(person_of)[:2000]
            t0 = time.perf_counter()
            for tid in people:
                stored_patterns(connection, [tid], "KAZ")
            lookup_ms = (time.perf_counter() - t0) * 1000 / max(len(people), 1)
            # Peer for the check's cost: searching the crossings around the person's entries
            # live (patterns_about), for the labelled adults (many entries each).
            adults = [t for t, p in person_of.items()
                      if p is not None and p in {r["person_id"] for r in groups
                                                 if r["role"] == "adult"}][:200]  # fmt: skip
            t0 = time.perf_counter()
            for tid in adults:
                patterns_about(connection, tid, "KAZ", now, years=2)
            live_ms = (time.perf_counter() - t0) * 1000 / max(len(adults), 1)
        loaded_s = time.perf_counter() - started
    entry_day = {}
    by_party = defaultdict(list)
    for row in groups:
        by_party[row["party"]].append(row)
    for c in crossings:
        pid = person_of.get(c.traveller)
        if pid is not None and c.direction == "entry":
            entry_day.setdefault(pid, []).append(c.at.date())
    truth_parties: dict[tuple[int, date], bool] = {}
    trafficking_adults = set()
    for rows in by_party.values():
        adult = next(r for r in rows if r["role"] == "adult")
        member = next(r for r in rows if r["role"] == "member")
        # The party's day: the member's entry (each member enters once, with their party).
        day = entry_day[member["person_id"]][0]
        truth_parties[(adult["person_id"], day)] = adult["trafficking"]
        if adult["trafficking"]:
            trafficking_adults.add(adult["person_id"])
    t0 = time.perf_counter()
    patterns = find_patterns(crossings)
    ours_s = time.perf_counter() - t0
    ours = [(p.traveller, party) for p in patterns for party in p.parties]
    t0 = time.perf_counter()
    base = entry_rule(crossings)
    base_s = time.perf_counter() - t0
    ours_score = score(ours, person_of, truth_parties, trafficking_adults)
    base_score = score(base, person_of, truth_parties, trafficking_adults)
    kinds = defaultdict(int)
    for adult, party in ours:
        key = (person_of.get(adult), party.at.date())
        kind = next((r["kind"] for r in groups if r["person_id"] == key[0]
                     and r["role"] == "adult"), "region traveller")  # fmt: skip
        kinds[kind] += 1
    print(json.dumps({
        "bench": "protection_patterns",
        "region": {"travellers": args.travellers, "units": args.units, "seed": args.seed,
                   "crossings_recorded": summary.recorded, "crossings_read": len(crossings),
                   "parties_labelled": len(truth_parties),
                   "trafficking_parties": sum(truth_parties.values())},
        "patterns": {**ours_score, "seconds": round(ours_s, 3),
                     "flags_by_kind": dict(sorted(kinds.items()))},
        "peer_entry_rule": {**base_score, "seconds": round(base_s, 3)},
        "ratio_precision_vs_entry_rule": round(ours_score["precision"] / base_score["precision"], 2)
        if ours_score["precision"] and base_score["precision"] else None,
        "ratio_recall_vs_entry_rule": round(ours_score["recall"] / base_score["recall"], 2)
        if ours_score["recall"] and base_score["recall"] else None,
        "read_seconds": round(read_s, 3), "generate_and_load_seconds": round(loaded_s, 1),
        "job": {"seconds": round(job_s, 2), "crossings": run.crossings, "found": run.found},
        "check_lookup_ms_mean": round(lookup_ms, 3),
        "peer_live_search_ms_mean": round(live_ms, 3),
        "ratio_live_vs_lookup": round(live_ms / lookup_ms, 1) if lookup_ms else None,
    }, indent=2))  # fmt: skip


if __name__ == "__main__":
    main()
