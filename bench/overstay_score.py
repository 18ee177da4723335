"""Overstays scored against the synthetic region's ground truth, by person, every miss put down to
a cause; the record's links (person_key) against the exact holder key of before, in one run.

    rmis synth --travellers N --years Y --seed S --end DATE --out DIR --load
    rmis warehouse sync
    python bench/overstay_score.py --truth DIR --warehouse W [--on DATE]

The unit is a person and a host state: truly overstayed there (truth stays with
overstay_days > 0, entered by `--on`) against found overstaying there (open on `--on`, or left
late by then). A found row names a person as the analysis saw them (a key); it counts for every
true person whose documents carry that key and were used in that host state (the truth,
truth/recorded_documents.parquet, names the person of every document number the crossings
carry, misread ones included), so a wrong link that makes an innocent person overstay is a
false positive for them.

Three analyses of the same warehouse, each judging a person's whole timeline:
- `person_key`: people as the record links their documents (the warehouse's person_key);
- `holder_key`: each document its own person, then documents that share a holder key joined
  (issuing state, nationality, birth date, sex and names exactly equal): the analysis before
  the record linked people, kept as the peer;
- `per_document`: no links at all (reported overall only).

To tell why an analysis differs from the truth, its record is repaired one noise source at a
time, cumulatively, and the analysis run again on each repaired record; a false positive or
negative is put down to the first repair that makes it right:
1. `misread_number`: a document number misread at the border is given the key of the genuine
   document (the person the record gives the genuine one);
2. `split_person`: every document of one person gets one key (what a perfect linker does),
   permits included;
3. `unrecorded_exit`: exits lost at the under-recording BCPs are put back.
A miss mended by 1 or 2 is refined by why the documents were apart: for person_key, whether one
of the person's documents waits in the review queue (`_pending_review`) or was left unlinked
(`_not_linked`); for holder_key, whether the names or birth data differ (`_names_differ`). A
miss of a person whose key another true person shares is `wrongly_joined` (a wrong link, or
namesakes born the same day under the holder key). What no repair explains is
`visa_required_no_visa` (a visa-required national with no visa on record) or `other`. The
repairs use the truth; the analyses never do. Prints JSON.

Figures and commands: docs/overstays.md.
"""

from __future__ import annotations

import argparse
import json
import os
import time
from collections import Counter
from dataclasses import dataclass
from datetime import date
from pathlib import Path

import ibis
import pandas as pd
import pyarrow.parquet as pq

from rmis.analytics import Overstays, Warehouse, connect, find_overstays_on, open_warehouse
from rmis.reference.stay_rules import StayRulesTable, load_stay_rules
from rmis.stay import Regime

ANALYSES = ("person_key", "holder_key", "per_document")
STAGES = ("as_recorded", "misread_number", "split_person", "unrecorded_exit")
Pair = tuple[str, str]  # (true person, host state)


@dataclass(frozen=True)
class Truth:
    people: pd.DataFrame
    stays: pd.DataFrame
    recorded: pd.DataFrame  # every document number the crossings carry, with its true person


def read_truth(region: Path) -> Truth:
    def read(name: str, columns: list[str] | None = None) -> pd.DataFrame:
        return pq.read_table(region / name, columns=columns).to_pandas()

    recorded = read("truth/recorded_documents.parquet")
    recorded["person"] = recorded.person_id.astype("int64").astype(str)
    return Truth(read("truth/people.parquet"), read("truth/stays.parquet"), recorded)


@dataclass(frozen=True)
class Record:
    """The warehouse as pandas, each document with its true person."""

    crossings: pd.DataFrame  # the warehouse's crossings (document_id, person_key, ...)
    permits: pd.DataFrame  # person_key, host_state, ...
    documents: pd.DataFrame  # document_id, person_key, link, holder_key, ..., person, misread
    reviews: pd.DataFrame | None  # the review queue's open proposals


def read_record(warehouse: Warehouse, truth: Truth) -> Record:
    crossings = warehouse.crossings.to_pandas()
    crossings["local_date"] = pd.to_datetime(crossings.local_date).dt.date
    documents = warehouse.documents.to_pandas().merge(
        truth.recorded[["issuing_state", "document_number", "document_type", "person",
                        "genuine_document_number", "misread"]],
        on=["issuing_state", "document_number", "document_type"], how="left",
    )  # fmt: skip
    if documents.person.isna().any():
        raise ValueError(f"{int(documents.person.isna().sum())} documents name no true person")
    reviews = None if warehouse.reviews is None else warehouse.reviews.to_pandas()
    return Record(crossings, warehouse.permits.to_pandas(), documents, reviews)


def document_keys(record: Record, analysis: str) -> pd.Series:
    """document_id -> the key an analysis judges the document's crossings under."""
    docs = record.documents.set_index("document_id")
    if analysis == "person_key":
        return docs.person_key
    if analysis == "per_document":
        return pd.Series("d" + docs.index, index=docs.index)
    # holder_key: each document its own person, joined with those sharing its holder key (one
    # hop, under the smallest document id), as the analysis did before the record linked people.
    keyed = docs[docs.holder_key.notna()]
    first = keyed.reset_index().groupby("holder_key").document_id.min()
    joined = keyed.holder_key.map(first)
    return "d" + joined.reindex(docs.index).fillna(pd.Series(docs.index, index=docs.index))


def stage_keys(record: Record, keys: pd.Series, stage: str) -> pd.Series:
    """document_id -> key after the repairs up to `stage` (module doc)."""
    if stage == "as_recorded":
        return keys
    docs = record.documents.set_index("document_id")
    if stage in ("split_person", "unrecorded_exit"):
        return "p" + docs.person
    genuine = docs.reset_index().set_index(["issuing_state", "document_number"]).document_id
    misread = docs[docs.misread.fillna(False)]
    wanted = pd.MultiIndex.from_arrays([misread.issuing_state, misread.genuine_document_number])
    genuine_ids = genuine.reindex(wanted).to_numpy()
    repaired = keys.copy()
    repaired[misread.index] = [
        keys[g] if isinstance(g, str) else "g" + n  # a genuine number never recorded
        for g, n in zip(genuine_ids, misread.genuine_document_number, strict=True)
    ]
    return repaired


def keyed_record(
    record: Record, keys: pd.Series, exits: pd.DataFrame | None = None
) -> tuple[pd.DataFrame, pd.DataFrame]:
    """(crossings, permits) with person_key replaced by the stage's keys. A permit goes with
    its record person's documents (to each of their keys)."""
    crossings = record.crossings.assign(person_key=record.crossings.document_id.map(keys))
    if exits is not None and len(exits):
        crossings = pd.concat([crossings, exits], ignore_index=True)
    owners = (
        record.documents[["person_key", "document_id"]]
        .assign(key=record.documents.document_id.map(keys))[["person_key", "key"]]
        .drop_duplicates()
    )
    permits = record.permits.merge(owners, on="person_key").drop(columns="person_key")
    return crossings, permits.rename(columns={"key": "person_key"}).drop_duplicates()


def lost_exits(record: Record, truth: Truth, on: date) -> pd.DataFrame:
    """Exit rows, keyed by true person ("p" + id), for the truth stays that ended by `on` with
    no exit from that state recorded within a day of the true exit."""
    keys = "p" + record.documents.set_index("document_id").person
    crossings = record.crossings.assign(person_key=record.crossings.document_id.map(keys))
    s = truth.stays[truth.stays.exit_date.notna()].copy()
    s["exit_date"] = pd.to_datetime(s.exit_date).dt.date
    s = s[s.exit_date <= on]
    s["person_key"] = "p" + s.person_id.astype(str)
    admitted = crossings[crossings.outcome == "admitted"]
    exits = admitted[admitted.direction == "exit"][["person_key", "host_state", "local_date"]]
    near = s.merge(exits, on=["person_key", "host_state"], how="left")
    near["close"] = (
        pd.to_datetime(near.local_date) - pd.to_datetime(near.exit_date)
    ).dt.days.abs() <= 1
    closed = near.groupby(["person_key", "host_state", "entry_date"]).close.any()
    s = s.set_index(["person_key", "host_state", "entry_date"])
    unrecorded = s[~closed.reindex(s.index, fill_value=False)].reset_index()
    if unrecorded.empty:
        return crossings.iloc[:0]
    entries = admitted[admitted.direction == "entry"].copy()
    entries["entry_date"] = entries.local_date
    template = unrecorded.merge(
        entries, on=["person_key", "host_state", "entry_date"], how="inner",
        suffixes=("_truth", ""),
    ).drop_duplicates(["person_key", "host_state", "entry_date"])  # fmt: skip
    # The exit comes just before the person's next crossing (an entry elsewhere that day), or
    # at noon of the exit day when nothing follows within a day.
    after = crossings[["person_key", "occurred_at", "local_date"]].rename(
        columns={"occurred_at": "next_at", "local_date": "next_date"}
    )
    nxt = template[["person_key", "occurred_at", "exit_date"]].merge(after, on="person_key")
    nxt = nxt[nxt.next_at > nxt.occurred_at].sort_values("next_at")
    nxt = nxt.drop_duplicates(["person_key", "occurred_at"])
    template = template.merge(nxt[["person_key", "occurred_at", "next_at", "next_date"]],
                              on=["person_key", "occurred_at"], how="left")  # fmt: skip
    noon = pd.to_datetime(template.exit_date).dt.tz_localize("UTC") + pd.Timedelta(hours=12)
    soon = template.next_date.notna() & (
        (pd.to_datetime(template.next_date) - pd.to_datetime(template.exit_date)).dt.days <= 1
    )
    out = template[crossings.columns].copy()
    out["direction"] = "exit"
    out["local_date"] = template.exit_date
    out["occurred_at"] = noon.where(~soon, template.next_at - pd.Timedelta(seconds=1))
    out["seq"] = crossings.seq.max() + 1 + pd.RangeIndex(len(out))
    out["crossing_id"] = "restored-" + out.seq.astype(str)
    return out


def found_rows(found: Overstays) -> pd.DataFrame:
    return pd.concat(
        [found.open.assign(kind="open"), found.late_exits.assign(kind="late")], ignore_index=True
    )


def pairs_of(rows: pd.DataFrame, crossings: pd.DataFrame, people_of: pd.Series) -> set[Pair]:
    """The (true person, host) pairs of found rows: every true person whose crossings under the
    row's key were in its host state. `people_of`: document_id -> true person."""
    used = crossings[["person_key", "document_id", "host_state"]].drop_duplicates()
    used = used.assign(person=used.document_id.map(people_of))
    if used.person.isna().any():  # restored exits carry a true person's document
        raise ValueError("a crossing maps to no true person")
    hits = rows[["person_key", "host_state"]].merge(used, on=["person_key", "host_state"])
    return set(zip(hits.person, hits.host_state, strict=True))


def true_pairs(truth: Truth, on: date) -> set[Pair]:
    s = truth.stays
    s = s[(s.overstay_days > 0) & (s.entry_date <= on)]
    return set(zip(s.person_id.astype(str), s.host_state, strict=True))


def precision_recall(found: set[Pair], true: set[Pair]) -> dict[str, float | int | None]:
    hits = len(found & true)
    return {
        "found_pairs": len(found),
        "true_pairs": len(true),
        "true_positives": hits,
        "false_positives": len(found - true),
        "false_negatives": len(true - found),
        "precision": round(hits / len(found), 4) if found else None,
        "recall": round(hits / len(true), 4) if true else None,
    }


def visa_required(rules: StayRulesTable, host: str, nationality: str, on: date) -> bool:
    schedule = rules.schedule(host, nationality)
    return any(
        piece.rule is not None and piece.rule.regime is Regime.VISA_REQUIRED
        for piece in schedule.pieces
        if piece.start <= on.toordinal()
    )


def classify(
    per_stage: dict[str, set[Pair]], true: set[Pair], residual_fn: dict[Pair, str]
) -> tuple[dict[Pair, str], dict[Pair, str]]:
    """Each false positive and negative of the first stage, by the first repair that fixes it."""
    first = per_stage[STAGES[0]]
    fp, fn = {}, {}
    for pair in first - true:
        fp[pair] = next((s for s in STAGES[1:] if pair not in per_stage[s]), "other")
    for pair in true - first:
        fn[pair] = next(
            (s for s in STAGES[1:] if pair in per_stage[s]), residual_fn.get(pair, "other")
        )
    return fp, fn


def refine(
    causes: dict[Pair, str], record: Record, keys: pd.Series, analysis: str
) -> dict[Pair, str]:
    """Finer causes (module doc): why a person's documents were apart, or joined wrongly."""
    docs = record.documents.assign(key=record.documents.document_id.map(keys))
    shared = docs.groupby("key").person.nunique()
    joined = set(docs[docs.key.isin(shared[shared > 1].index)].person)
    waiting = set(docs.document_id[docs.link == "pending"])
    if record.reviews is not None:
        waiting |= set(record.reviews.document_id) | set(record.reviews.candidate_id)
    pending = set(docs[docs.document_id.isin(waiting)].person)
    holders = docs.groupby("person").holder_key.nunique()
    out = {}
    for pair, cause in causes.items():
        person = pair[0]
        if person in joined:
            cause = "wrongly_joined"
        elif cause in ("misread_number", "split_person") and analysis == "person_key":
            cause += "_pending_review" if person in pending else "_not_linked"
        elif cause in ("misread_number", "split_person") and holders.get(person, 1) > 1:
            cause += "_names_differ"
        out[pair] = cause
    return out


def score(
    record: Record, truth: Truth, rules: StayRulesTable, on: date, analysis: str = "person_key"
) -> dict[str, object]:
    """One analysis against the truth, each miss put down to a cause (module doc)."""
    true = true_pairs(truth, on)
    keys = document_keys(record, analysis)
    people_of = record.documents.set_index("document_id").person
    restored = lost_exits(record, truth, on)
    per_stage: dict[str, set[Pair]] = {}
    first_rows, seconds = None, 0.0
    # The record's links say how each person's documents were joined, and which wait in the
    # review queue: only its own analysis has them to say.
    mine = analysis == "person_key"
    documents = ibis.memtable(record.documents) if mine else None
    reviews = ibis.memtable(record.reviews) if mine and record.reviews is not None else None
    for stage in STAGES:
        stage_map = stage_keys(record, keys, stage)
        exits = restored if stage == "unrecorded_exit" else None
        crossings, permits = keyed_record(record, stage_map, exits)
        started = time.perf_counter()
        first = stage == "as_recorded"
        found = find_overstays_on(
            ibis.memtable(crossings), ibis.memtable(permits), rules, on,
            documents if first else None, reviews if first else None,
        )  # fmt: skip
        if first:
            seconds = time.perf_counter() - started
        rows = found_rows(found)
        per_stage[stage] = pairs_of(rows, crossings, people_of)
        if first:
            first_rows = (rows, crossings)
    visas = record.permits[record.permits.kind == "visa"].merge(
        record.documents[["person_key", "person"]].drop_duplicates(), on="person_key"
    )
    visas = set(zip(visas.person, visas.host_state, strict=True))
    nationality = truth.people.set_index(truth.people.person_id.astype(str)).nationality
    residual_fn = {
        pair: "visa_required_no_visa"
        for pair in true - per_stage[STAGES[-1]]
        if visa_required(rules, pair[1], nationality[pair[0]], on) and pair not in visas
    }
    fp, fn = classify(per_stage, true, residual_fn)
    fp, fn = refine(fp, record, keys, analysis), refine(fn, record, keys, analysis)
    rows, crossings = first_rows
    linked = rows.documents.gt(1).map({True: "+linked", False: ""})
    link = rows.link.map(lambda v: f"+{v}" if v in ("automatic", "confirmed", "pending") else "")
    rows = rows.assign(
        category=rows.kind
        + linked
        + link
        + rows.without_permit.map({True: "+without_permit", False: ""})
    )
    category_pairs = {
        name: pairs_of(group, crossings, people_of) for name, group in rows.groupby("category")
    }
    return {
        "analysis": analysis,
        "on": on.isoformat(),
        "people_judged": int(keys.nunique()),
        "overall": precision_recall(per_stage[STAGES[0]], true),
        "false_positives_by_cause": dict(Counter(fp.values()).most_common()),
        "false_negatives_by_cause": dict(Counter(fn.values()).most_common()),
        "after_repairs": {stage: precision_recall(per_stage[stage], true) for stage in STAGES[1:]},
        "found_by_category": {
            name: _precision(found, true) for name, found in sorted(category_pairs.items())
        },
        "exits_restored": len(restored),
        "seconds": round(seconds, 2),
        "_fp": fp,
        "_fn": fn,
    }


def _precision(found: set[Pair], true: set[Pair]) -> dict[str, float | int]:
    hits = len(found & true)
    return {"pairs": len(found), "true": hits, "precision": round(hits / len(found), 4)}


def overall_only(record: Record, truth: Truth, rules: StayRulesTable, on: date, analysis: str):
    keys = document_keys(record, analysis)
    crossings, permits = keyed_record(record, keys)
    found = find_overstays_on(ibis.memtable(crossings), ibis.memtable(permits), rules, on)
    people_of = record.documents.set_index("document_id").person
    return precision_recall(
        pairs_of(found_rows(found), crossings, people_of), true_pairs(truth, on)
    )


def public(report: dict[str, object]) -> dict[str, object]:
    return {k: v for k, v in report.items() if not k.startswith("_")}


def linking_summary(record: Record) -> dict[str, int]:
    docs = record.documents
    return {
        "documents": len(docs),
        "true_people": int(docs.person.nunique()),
        "people_in_record": int(docs.person_key.nunique()),
        "documents_pending_review": int((docs.link == "pending").sum()),
        "documents_linked_automatic": int((docs.link == "automatic").sum()),
        "documents_linked_certain": int((docs.link == "certain").sum()),
        "documents_linked_confirmed": int((docs.link == "confirmed").sum()),
    }


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--truth", type=Path, required=True, help="the synth output directory")
    parser.add_argument("--warehouse", type=Path, required=True)
    parser.add_argument("--on", type=date.fromisoformat, help="overstays on (default: last day)")
    parser.add_argument("--engine", default=os.environ.get("RMIS_ENGINE", "duckdb"))
    parser.add_argument("--examples", type=int, default=0, help="print N examples per cause")
    args = parser.parse_args()
    warehouse = open_warehouse(args.warehouse, connect(args.engine))
    on = args.on or warehouse.crossings.local_date.max().to_pyarrow().as_py()
    truth, rules = read_truth(args.truth), load_stay_rules()
    record = read_record(warehouse, truth)
    reports = {a: score(record, truth, rules, on, a) for a in ANALYSES[:2]}
    out = {
        "engine": args.engine,
        "on": on.isoformat(),
        "linking": linking_summary(record),
        **{a: public(r) for a, r in reports.items()},
        "per_document": overall_only(record, truth, rules, on, "per_document"),
    }
    if args.examples:
        out["examples"] = {
            analysis: {
                kind: {
                    cause: sorted(p for p, c in report[f"_{kind}"].items() if c == cause)[
                        : args.examples
                    ]
                    for cause in set(report[f"_{kind}"].values())
                }
                for kind in ("fp", "fn")
            }
            for analysis, report in reports.items()
        }
    print(json.dumps(out, indent=1, default=str))


if __name__ == "__main__":
    main()
