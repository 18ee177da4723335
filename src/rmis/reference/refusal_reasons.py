"""Refusal-of-entry reason codes, from package data (each with its source)."""

from __future__ import annotations

import csv
from functools import cache
from importlib.resources import files


@cache
def load_refusal_reasons() -> dict[str, dict[str, str]]:
    """Reason code -> {description, source}."""
    path = files("rmis.reference").joinpath("data/refusal_reasons.csv")
    rows = csv.DictReader(path.read_text(encoding="utf-8").splitlines())
    return {
        row["code"]: {"description": row["description"], "source": row["source"]} for row in rows
    }
