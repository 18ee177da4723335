"""Movement types and overstays scored against the synthetic region's ground truth.

    rmis synth --travellers N --years Y --seed S --out DIR
    RMIS_DATA_DIR=D rmis crossings import DIR/crossings.parquet && rmis warehouse sync
    python bench/typology_score.py --truth DIR --warehouse D/warehouse [--on DATE]

A warehouse traveller is a set of linked documents; the truth names the person behind each
document, so each traveller is scored as the person its documents belong to (a traveller
whose documents belong to several people is dropped and counted). Overstays are scored by
bench/overstay_score.py (per person and host state, every false positive and negative put
down to a cause); its report is printed under "overstays". Prints JSON.
"""

from __future__ import annotations

import argparse
import json
import os
import time
from datetime import date
from pathlib import Path

import pandas as pd
import pyarrow.parquet as pq

from overstay_score import public, read_truth, score  # bench/, beside this script
from rmis.analytics.engine import connect, open_warehouse
from rmis.analytics.typology import MOVEMENT_TYPES, typology_with_documents
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


def person_of_traveller(typed: pd.DataFrame, documents: pd.DataFrame) -> pd.DataFrame:
    """traveller_id -> person_id (travellers whose documents name one person only)."""
    linked = typed.merge(documents, on=["issuing_state", "document_number"], how="inner")
    people = linked.groupby("traveller_id").person_id.nunique()
    single = people[people == 1].index
    return linked[linked.traveller_id.isin(single)].drop_duplicates("traveller_id")[
        ["traveller_id", "person_id", "movement_type"]
    ]


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--truth", type=Path, required=True, help="the synth output directory")
    parser.add_argument("--warehouse", type=Path, required=True)
    parser.add_argument("--on", type=date.fromisoformat, help="overstays on (default: last day)")
    parser.add_argument("--engine", default=os.environ.get("RMIS_ENGINE", "duckdb"))
    args = parser.parse_args()

    warehouse = open_warehouse(args.warehouse, connect(args.engine))
    started = time.perf_counter()
    typed = typology_with_documents(warehouse.crossings, warehouse.documents).to_pandas()
    typology_seconds = time.perf_counter() - started
    people = pq.read_table(args.truth / "truth" / "people.parquet").to_pandas()
    documents = pq.read_table(args.truth / "truth" / "documents.parquet").to_pandas()
    scored = person_of_traveller(typed, documents).merge(
        people[["person_id", "behaviour"]], on="person_id"
    )
    per_class = f1_scores(scored.behaviour, scored.movement_type)
    confusion = pd.crosstab(scored.behaviour, scored.movement_type)

    on = args.on or warehouse.crossings.local_date.max().to_pyarrow().as_py()
    truth, rules = read_truth(args.truth), load_stay_rules()
    overstays = public(score(warehouse, truth, rules, on))
    unlinked = public(score(warehouse, truth, rules, on, link=False))
    overstays["without_holder_links"] = {
        k: unlinked[k] for k in ("overall", "false_positives_by_cause", "false_negatives_by_cause")
    }
    print(
        json.dumps(
            {
                "engine": args.engine,
                "travellers_scored": len(scored),
                "travellers_with_mixed_people": int(typed.traveller_id.nunique() - len(scored)),
                "macro_f1": round(sum(c["f1"] for c in per_class.values()) / len(per_class), 4),
                "per_class": per_class,
                "confusion": {t: row.to_dict() for t, row in confusion.iterrows()},
                "typology_seconds": round(typology_seconds, 2),
                "overstays": overstays,
            },
            indent=1,
        )
    )


if __name__ == "__main__":
    main()
