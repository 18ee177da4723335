"""Overstays scored against the synthetic region's ground truth, every miss put down to a cause.

    rmis synth --travellers N --years Y --seed S --end DATE --out DIR --load
    rmis warehouse sync
    python bench/overstay_score.py --truth DIR --warehouse W [--on DATE]

The unit is a person and a host state: truly overstayed there (truth stays with
overstay_days > 0, entered by `--on`) against found overstaying there (open on `--on`, or left
late by then, by any traveller whose crossings belong to that person). The truth is the stay
engine's verdict on the true timelines; the analysis sees the record. To tell why they differ,
the record is repaired one noise source at a time, cumulatively, and the analysis is run again
on each repaired record; a false positive or negative is put down to the first repair that
makes it right:

1. `misread_number`: crossings recorded under an OCR-misread document number (a "phantom"
   traveller) are given back to the traveller of the genuine document.
2. `renewed_passport`: all the documents of one person are linked into one traveller (the
   registry makes a new traveller for each new passport number), permits included.
3. `unrecorded_exit`: exits lost at the under-recording BCPs are put back (a truth stay that
   ended with no recorded exit from that state within a day of its true exit).

The analysis joins a person's travellers by holder key (docs/overstays.md); a miss mended by
repair 1 or 2 where the person's documents carry different holder keys is
`<cause>_names_differ` (a surname mistyped where the document was first seen), and a miss of a
person whose holder key another person shares is `namesakes_joined`. What no repair explains
is `visa_required_no_visa` (a visa-required national with no visa on record) or `other`. The
repairs use the truth; the analysis never does. `found_by_category` gives the precision of
what the analysis reports by what it says of each row (open / late, joined travellers,
without a permit); `without_holder_links` the figures of the analysis run traveller by
traveller. Prints JSON.

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

from rmis.analytics.engine import Warehouse, connect, open_warehouse
from rmis.analytics.overstays import Overstays, find_overstays_on
from rmis.reference.stay_rules import StayRulesTable, load_stay_rules
from rmis.stay import Regime

STAGES = ("as_recorded", "misread_number", "renewed_passport", "unrecorded_exit")
Pair = tuple[str, str]  # (person, host state)


@dataclass(frozen=True)
class Truth:
    people: pd.DataFrame
    documents: pd.DataFrame
    stays: pd.DataFrame
    recorded: pd.DataFrame  # the region's crossings file: crossing_id -> document as recorded


def read_truth(region: Path) -> Truth:
    def read(name: str, columns: list[str] | None = None) -> pd.DataFrame:
        return pq.read_table(region / name, columns=columns).to_pandas()

    return Truth(
        people=read("truth/people.parquet"),
        documents=read(
            "truth/documents.parquet",
            ["person_id", "issuing_state", "document_number", "expiry_date"],
        ),
        stays=read("truth/stays.parquet"),
        recorded=read(
            "crossings.parquet",
            ["crossing_id", "issuing_state", "document_number", "expiry_date", "mrz_valid"],
        ),
    )


def genuine_documents(truth: Truth) -> pd.DataFrame:
    """crossing_id -> the genuine (issuing_state, document_number) and its person.

    A misread number (the MRZ check failed) is matched to the document of the same issuing
    state and expiry date whose number differs from it in one character."""
    docs = truth.documents.rename(columns={"document_number": "genuine_number"})
    rec = truth.recorded
    exact = rec.merge(
        docs, left_on=["issuing_state", "document_number"],
        right_on=["issuing_state", "genuine_number"], how="left", suffixes=("", "_doc"),
    )  # fmt: skip
    missing = exact[exact.person_id.isna()].drop(
        columns=["person_id", "genuine_number", "expiry_date_doc"]
    )
    near = missing.merge(docs, on=["issuing_state", "expiry_date"])
    near = near[
        [
            len(a) == len(b) and sum(x != y for x, y in zip(a, b, strict=True)) == 1
            for a, b in zip(near.document_number, near.genuine_number, strict=True)
        ]
    ].drop_duplicates("crossing_id")
    found = exact[exact.person_id.notna()]
    both = pd.concat([found, near], ignore_index=True)
    both["person_id"] = both.person_id.astype("int64").astype(str)
    return both[["crossing_id", "issuing_state", "document_number", "genuine_number", "person_id"]]


def person_pairs(found: Overstays, traveller_person: pd.Series) -> set[Pair]:
    detected = pd.concat([found.open, found.late_exits])[["traveller_id", "host_state"]]
    persons = detected.traveller_id.map(traveller_person)
    if persons.isna().any():
        raise ValueError(f"{int(persons.isna().sum())} overstaying travellers map to no person")
    return set(zip(persons, detected.host_state, strict=True))


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


def lost_exits(crossings: pd.DataFrame, truth: Truth, on: date) -> pd.DataFrame:
    """Exit rows for the truth stays that ended (by `on`) with no exit from that state
    recorded within a day; `crossings` must already carry person ids as traveller ids."""
    s = truth.stays
    s = s[s.exit_date.notna()].copy()
    s["exit_date"] = pd.to_datetime(s.exit_date).dt.date
    s = s[s.exit_date <= on]
    s["traveller_id"] = "p" + s.person_id.astype(str)
    admitted = crossings[crossings.outcome == "admitted"]
    exits = admitted[admitted.direction == "exit"][["traveller_id", "host_state", "local_date"]]
    near = s.merge(exits, on=["traveller_id", "host_state"], how="left")
    near["close"] = (
        pd.to_datetime(near.local_date) - pd.to_datetime(near.exit_date)
    ).dt.days.abs() <= 1
    closed = near.groupby(["traveller_id", "host_state", "entry_date"]).close.any()
    s = s.set_index(["traveller_id", "host_state", "entry_date"])
    unrecorded = s[~closed.reindex(s.index, fill_value=False)].reset_index()
    if unrecorded.empty:
        return crossings.iloc[:0]
    entries = admitted[admitted.direction == "entry"].copy()
    entries["entry_date"] = entries.local_date
    template = unrecorded.merge(
        entries, on=["traveller_id", "host_state", "entry_date"], how="inner",
        suffixes=("_truth", ""),
    ).drop_duplicates(["traveller_id", "host_state", "entry_date"])  # fmt: skip
    # The exit comes just before the traveller's next crossing (an entry elsewhere that day),
    # or at noon of the exit day when nothing follows within a day.
    after = crossings[["traveller_id", "occurred_at", "local_date"]].rename(
        columns={"occurred_at": "next_at", "local_date": "next_date"}
    )
    nxt = template[["traveller_id", "occurred_at", "exit_date"]].merge(after, on="traveller_id")
    nxt = nxt[nxt.next_at > nxt.occurred_at].sort_values("next_at")
    nxt = nxt.drop_duplicates(["traveller_id", "occurred_at"])
    template = template.merge(nxt[["traveller_id", "occurred_at", "next_at", "next_date"]],
                              on=["traveller_id", "occurred_at"], how="left")  # fmt: skip
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


def staged_records(
    warehouse: Warehouse, truth: Truth, on: date
) -> tuple[list[tuple[str, pd.DataFrame, pd.DataFrame]], pd.Series, pd.DataFrame]:
    """The record as recorded and after each cumulative repair, as (stage, crossings, permits);
    with traveller -> person for the record as recorded, and the restored exits."""
    crossings = warehouse.crossings.to_pandas()
    crossings["local_date"] = pd.to_datetime(crossings.local_date).dt.date
    permits = warehouse.permits.to_pandas()
    docs = warehouse.documents.to_pandas()
    genuine = genuine_documents(truth)
    crossings = crossings.merge(
        genuine[["crossing_id", "issuing_state", "genuine_number", "person_id"]],
        on="crossing_id", how="left",
    )  # fmt: skip
    if crossings.person_id.isna().any():
        raise ValueError(f"{int(crossings.person_id.isna().sum())} crossings map to no person")
    traveller_person = crossings.groupby("traveller_id").person_id.first()
    columns = [c for c in crossings.columns if c not in ("issuing_state", "genuine_number",
                                                          "person_id")]  # fmt: skip
    stages = [("as_recorded", crossings[columns], permits)]

    genuine_traveller = docs.set_index(["issuing_state", "document_number"]).traveller_id
    keys = pd.MultiIndex.from_arrays([crossings.issuing_state, crossings.genuine_number])
    resolved = crossings.copy()
    resolved["traveller_id"] = (
        genuine_traveller.reindex(keys)
        .fillna(pd.Series("d" + crossings.genuine_number, index=crossings.index))
        .to_numpy()
    )  # a genuine number never recorded: its own traveller
    stages.append(("misread_number", resolved[columns], permits))

    linked = crossings.copy()
    linked["traveller_id"] = "p" + linked.person_id
    linked_permits = permits.copy()
    linked_permits["traveller_id"] = "p" + linked_permits.traveller_id.map(traveller_person)
    stages.append(("renewed_passport", linked[columns], linked_permits))

    restored = lost_exits(linked[columns], truth, on)
    with_exits = pd.concat([linked[columns], restored], ignore_index=True)
    stages.append(("unrecorded_exit", with_exits, linked_permits))
    return stages, traveller_person, restored


def stage_documents(
    stage: str, documents: pd.DataFrame, traveller_person: pd.Series
) -> pd.DataFrame:
    if stage in ("renewed_passport", "unrecorded_exit"):
        person = documents.traveller_id.map(traveller_person)
        documents = documents[person.notna()].assign(traveller_id="p" + person.dropna())
    return documents


def _stage_person(stage: str, traveller_person: pd.Series):
    if stage in ("renewed_passport", "unrecorded_exit"):
        return lambda ids: ids.str[1:]
    return lambda ids: ids.map(traveller_person)


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


def _found_pairs(found: Overstays, to_person) -> pd.DataFrame:
    rows = pd.concat([found.open.assign(kind="open"), found.late_exits.assign(kind="late")])
    return rows.assign(person=to_person(rows.traveller_id)).reset_index(drop=True)


def by_category(rows: pd.DataFrame, true: set[Pair]) -> dict[str, dict[str, float | int]]:
    """Precision of the found pairs by what the analysis says of them."""
    rows = rows.assign(
        category=rows.kind
        + rows.travellers.gt(1).map({True: "+linked", False: ""})
        + rows.without_permit.map({True: "+without_permit", False: ""})
    )
    out = {}
    for category, group in rows.groupby("category"):
        pairs = set(zip(group.person, group.host_state, strict=True))
        hits = len(pairs & true)
        out[category] = {
            "pairs": len(pairs),
            "true": hits,
            "precision": round(hits / len(pairs), 4),
        }
    return out


def score(
    warehouse: Warehouse, truth: Truth, rules: StayRulesTable, on: date, link: bool = True
) -> dict[str, object]:
    """The analysis (with holder links unless `link` is false) against the truth, each miss
    put down to a cause (module doc)."""
    true = true_pairs(truth, on)
    stages, traveller_person, restored = staged_records(warehouse, truth, on)
    documents = warehouse.documents.to_pandas()
    per_stage: dict[str, set[Pair]] = {}
    results: dict[str, pd.DataFrame] = {}
    seconds = None
    for stage, crossings, permits in stages:
        started = time.perf_counter()
        if stage == "as_recorded":
            found = find_overstays_on(warehouse.crossings, warehouse.permits, rules, on,
                                      warehouse.documents if link else None)  # fmt: skip
            seconds = time.perf_counter() - started
        else:
            docs = ibis.memtable(stage_documents(stage, documents, traveller_person))
            found = find_overstays_on(ibis.memtable(crossings), ibis.memtable(permits), rules,
                                      on, docs if link else None)  # fmt: skip
        rows = _found_pairs(found, _stage_person(stage, traveller_person))
        results[stage] = rows
        per_stage[stage] = set(zip(rows.person, rows.host_state, strict=True))

    people = truth.people.set_index(truth.people.person_id.astype(str))
    permits_linked = stages[-1][2]
    visas = permits_linked[permits_linked.kind == "visa"]
    visas = set(zip(visas.traveller_id.str[1:], visas.host_state, strict=True))
    residual_fn = {}
    for person, host in true - per_stage[STAGES[-1]]:
        nationality = people.nationality[person]
        if visa_required(rules, host, nationality, on) and (person, host) not in visas:
            residual_fn[(person, host)] = "visa_required_no_visa"
    fp, fn = classify(per_stage, true, residual_fn)
    _refine(fp, fn, results["as_recorded"], documents, traveller_person, link)
    return {
        "on": on.isoformat(),
        "holder_links": link,
        "overall": precision_recall(per_stage[STAGES[0]], true),
        "false_positives_by_cause": dict(Counter(fp.values()).most_common()),
        "false_negatives_by_cause": dict(Counter(fn.values()).most_common()),
        "after_repairs": {stage: precision_recall(per_stage[stage], true) for stage in STAGES[1:]},
        "found_by_category": by_category(results["as_recorded"], true),
        "exits_restored": len(restored),
        "seconds": round(seconds or 0.0, 2),
        "_fp": fp,
        "_fn": fn,
        "_results": results,
    }


def _refine(
    fp: dict[Pair, str],
    fn: dict[Pair, str],
    found: pd.DataFrame,
    documents: pd.DataFrame,
    traveller_person: pd.Series,
    link: bool,
) -> None:
    """Finer causes: a link that joined namesakes (two people, one holder key), and a split
    the holder key could not mend because the names differ (a typo where the document was
    first seen, or another transliteration on the new passport)."""
    documents = documents.assign(person=documents.traveller_id.map(traveller_person))
    if link:
        key_people = documents.groupby("holder_key").person.nunique()
        shared = set(key_people[key_people > 1].index)
        joined = documents[documents.holder_key.isin(shared)]
        namesakes = set(joined.person)
        for pair in fp:
            if pair[0] in namesakes:
                fp[pair] = "namesakes_joined"
        for pair in fn:
            if pair[0] in namesakes:
                fn[pair] = "namesakes_joined"
    keys = documents.groupby("person").holder_key.nunique()
    for causes in (fp, fn):
        for pair, cause in causes.items():
            if cause in ("misread_number", "renewed_passport") and keys.get(pair[0], 1) > 1:
                causes[pair] = f"{cause}_names_differ" if link else cause


def public(report: dict[str, object]) -> dict[str, object]:
    return {k: v for k, v in report.items() if not k.startswith("_")}


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--truth", type=Path, required=True, help="the synth output directory")
    parser.add_argument("--warehouse", type=Path, required=True)
    parser.add_argument("--on", type=date.fromisoformat, help="overstays on (default: last day)")
    parser.add_argument("--engine", default=os.environ.get("RMIS_ENGINE", "duckdb"))
    parser.add_argument("--examples", type=int, default=0, help="print N examples per cause")
    parser.add_argument(
        "--no-compare", action="store_true", help="skip the run without holder links"
    )
    args = parser.parse_args()
    warehouse = open_warehouse(args.warehouse, connect(args.engine))
    on = args.on or warehouse.crossings.local_date.max().to_pyarrow().as_py()
    truth, rules = read_truth(args.truth), load_stay_rules()
    report = score(warehouse, truth, rules, on)
    out = {"engine": args.engine, **public(report)}
    if not args.no_compare:
        unlinked = public(score(warehouse, truth, rules, on, link=False))
        out["without_holder_links"] = {
            k: unlinked[k]
            for k in ("overall", "false_positives_by_cause", "false_negatives_by_cause")
        }
    if args.examples:
        out["examples"] = {
            kind: {
                cause: sorted(p for p, c in report[f"_{kind}"].items() if c == cause)[
                    : args.examples
                ]
                for cause in set(report[f"_{kind}"].values())
            }
            for kind in ("fp", "fn")
        }
    print(json.dumps(out, indent=1, default=str))


if __name__ == "__main__":
    main()
