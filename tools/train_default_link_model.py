"""Train the linkage model rmis ships (src/rmis/persons/data/default_link_model.json), so that a
fresh installation links documents from its first crossing.

The model is Splink's, trained without labels (u by random sampling, m and the prior by EM:
rmis.persons.splink_model.train) on the documents a synthetic region's crossings would put in
the record. The region, its size and seed are fixed here, so that the same command makes the
same model; docs/linkage.md says which seeds the accuracy figures were measured on (never this
one alone). Twelve years of crossings, not two: a record that has run that long holds people's
passports two renewals apart, and a model trained on two years would never have seen them
(EM would take twenty years between two passports for proof of two people).

  .venv/bin/python tools/train_default_link_model.py [--travellers 50000 --years 12 --seed 7]
"""

from __future__ import annotations

import argparse
import json
import subprocess
import sys
import tempfile
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
OUT = ROOT / "src/rmis/persons/data/default_link_model.json"
END = "2026-06-30"


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--travellers", type=int, default=50_000)
    parser.add_argument("--years", type=int, default=12)
    parser.add_argument("--seed", type=int, default=7)
    parser.add_argument("--out", type=Path, default=OUT)
    args = parser.parse_args()

    from rmis.persons.documents_table import documents_from_crossings
    from rmis.persons.splink_model import train

    with tempfile.TemporaryDirectory() as work:
        subprocess.run(
            [str(ROOT / ".venv/bin/rmis"), "synth", "--travellers", str(args.travellers),
             "--years", str(args.years), "--seed", str(args.seed), "--end", END, "--out", work],
            check=True, capture_output=True,
        )  # fmt: skip
        documents = documents_from_crossings(Path(work) / "crossings.parquet")
    model = train(documents, seed=args.seed)
    data = model.to_json()
    data["trained_on"] = {
        "region": f"rmis synth --travellers {args.travellers} --years {args.years} "
        f"--seed {args.seed} --end {END}",
        "documents": documents.num_rows,
    }
    args.out.write_text(json.dumps(data, indent=1, ensure_ascii=False) + "\n", encoding="utf-8")
    print(f"wrote {args.out} ({documents.num_rows} documents; untrained levels: "
          f"{', '.join(model.untrained) or 'none'})")  # fmt: skip
    return 0


if __name__ == "__main__":
    sys.exit(main())
