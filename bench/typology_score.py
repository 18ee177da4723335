"""Movement types and overstays scored against the synthetic region's ground truth, by person:
the record's links (person_key) against the exact holder key of before, in one run.

    rmis synth --travellers N --years Y --seed S --end DATE --out DIR --load
    rmis warehouse sync
    python bench/typology_score.py --truth DIR --warehouse D/warehouse [--on DATE]

Movement types are given per person as an analysis sees people (a key): the warehouse's
person_key, or documents joined by holder key as before (bench/overstay_score.py's analyses).
The truth names the person behind every document (truth/recorded_documents.parquet), so each
key is scored as its person; a key whose documents belong to several people is dropped and
counted. `people_counted` is how many people the analysis counts (the number the report's
movement-type table adds up to) against `true_people`, the people with a recorded document.
Overstays are scored by bench/overstay_score.py (per person and host state, every false
positive and negative put down to a cause); its report is printed under "overstays". Prints
JSON.
"""

from __future__ import annotations

import argparse
import json
import os
import time
from datetime import date
from pathlib import Path

import ibis
import pandas as pd
import pyarrow.parquet as pq

from overstay_score import (  # bench/, beside this script
    ANALYSES,
    Record,
    document_keys,
    keyed_record,
    linking_summary,
    overall_only,
    public,
    read_record,
    read_truth,
    score,
)
from rmis.analytics import MOVEMENT_TYPES, connect, movement_types, open_warehouse
from rmis.reference.stay_rules import load_stay_rules


def f1_scores(truth: pd.Series, predicted: pd.Series) -> dict[str, dict[str, float]]:
    scores = {}
    for label in MOVEMENT_TYPES:
        tp = int(((truth == label) & (predicted == label)).sum())
        fp = int(((truth != label) & (predicted == label)).sum())
        fn = int(((truth == label) & (predicted != label)).sum())
        precision = tp / (tp + fp) if tp + fp else 0.0
        recall = tp / (tp + fn) if tp + fn else 0.0
        f1 = 2 * precision * recall / (precision + recall) if precision + recall else 0.0
        scores[label] = {
            "support": int((truth == label).sum()),
            "precision": round(precision, 4),
            "recall": round(recall, 4),
            "f1": round(f1, 4),
        }
    return scores


def typology_of(record: Record, analysis: str, people: pd.DataFrame) -> dict[str, object]:
    """Movement types with people as `analysis` sees them, scored against the truth."""
    keys = document_keys(record, analysis)
    crossings, _ = keyed_record(record, keys)
    started = time.perf_counter()
    typed = movement_types(ibis.memtable(crossings)).to_pandas()
    seconds = time.perf_counter() - started
    docs = record.documents.assign(person_key=record.documents.document_id.map(keys))
    owners = docs.groupby("person_key").person.agg(["nunique", "first"])
    single = owners[owners["nunique"] == 1]["first"].rename("person")
    scored = typed.merge(single, left_on="person_key", right_index=True).merge(
        people[["person", "behaviour"]], on="person"
    )
    per_class = f1_scores(scored.behaviour, scored.movement_type)
    confusion = pd.crosstab(scored.behaviour, scored.movement_type)
    return {
        "people_counted": int(typed.person_key.nunique()),
        "true_people": int(docs.person.nunique()),
        "people_scored": len(scored),
        "keys_with_mixed_people": int((owners["nunique"] > 1).sum()),
        "true_people_counted_more_than_once": int(
            (scored.groupby("person").person_key.nunique() > 1).sum()
        ),
        "macro_f1": round(sum(c["f1"] for c in per_class.values()) / len(per_class), 4),
        "per_class": per_class,
        "confusion": {t: row.to_dict() for t, row in confusion.iterrows()},
        "seconds": round(seconds, 2),
    }


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--truth", type=Path, required=True, help="the synth output directory")
    parser.add_argument("--warehouse", type=Path, required=True)
    parser.add_argument("--on", type=date.fromisoformat, help="overstays on (default: last day)")
    parser.add_argument("--engine", default=os.environ.get("RMIS_ENGINE", "duckdb"))
    args = parser.parse_args()

    warehouse = open_warehouse(args.warehouse, connect(args.engine))
    truth, rules = read_truth(args.truth), load_stay_rules()
    record = read_record(warehouse, truth)
    people = pq.read_table(args.truth / "truth" / "people.parquet").to_pandas()
    people["person"] = people.person_id.astype("int64").astype(str)
    on = args.on or warehouse.crossings.local_date.max().to_pyarrow().as_py()
    out = {
        "engine": args.engine,
        "linking": linking_summary(record),
        "movement_types": {a: typology_of(record, a, people) for a in ANALYSES},
        "overstays": {
            **{a: public(score(record, truth, rules, on, a)) for a in ANALYSES[:2]},
            "per_document": overall_only(record, truth, rules, on, "per_document"),
        },
    }
    print(json.dumps(out, indent=1, default=str))


if __name__ == "__main__":
    main()
