"""Names for the codes the analyses keep: what the page and the terminal show an analyst.

Data files keep the codes (`UZB-TMJ`, `short_visit`, `AIR`): scripts join on them and they do
not change with a translation. Tables for people read names beside them: a BCP's name from the
reference BCPs, a movement type in words, a refusal reason's description, an airport's or a
seaport's side of a corridor said for what it is (the other state is not recorded).
"""

from __future__ import annotations

from functools import cache

import pandas as pd

from rmis.reference.bcps import load_bcps
from rmis.reference.refusal_reasons import load_refusal_reasons

# What an airport or seaport records instead of the state across the line (analytics.stays).
UNRECORDED_SIDE = {"AIR": "by air", "SEA": "by sea"}
BCP_COLUMNS = ("bcp", "bcp_code", "entry_bcp", "exit_bcp")


@cache
def _bcp_names() -> dict[str, str]:
    return {code: bcp.name for code, bcp in load_bcps().items()}


def bcp_label(code: str) -> str:
    """`UZB-TMJ Termez Airport`: the code (what a file or a filter uses) and its name."""
    name = _bcp_names().get(code)
    return f"{code} {name}" if name else code


def movement_type_label(code: str) -> str:
    """`short_visit` -> `short visit`."""
    return code.replace("_", " ")


def refusal_reason_label(code: str | None) -> str:
    """`C` -> `C: has no valid visa or residence permit`; no reason recorded said so."""
    if code is None or code == "" or (not isinstance(code, str) and pd.isna(code)):
        return "no reason recorded"
    reason = load_refusal_reasons().get(code)
    return f"{code}: {reason['description']}" if reason else code


def corridor_label(from_state: str, to_state: str) -> str:
    """`KAZ → RUS`; `RUS → by air (destination not recorded)`; `by air (origin not recorded)
    → UZB`: an airport records a departure, not where the flight lands."""
    if from_state in UNRECORDED_SIDE:
        return f"{UNRECORDED_SIDE[from_state]} (origin not recorded) → {to_state}"
    if to_state in UNRECORDED_SIDE:
        return f"{from_state} → {UNRECORDED_SIDE[to_state]} (destination not recorded)"
    return f"{from_state} → {to_state}"


def side_label(state: str) -> str:
    """One side of a corridor in a column of its own: `AIR` -> `by air (not recorded)`."""
    side = UNRECORDED_SIDE.get(state)
    return f"{side} (not recorded)" if side else state


def labelled(frame: pd.DataFrame) -> pd.DataFrame:
    """The frame with names for the codes a person reads (a copy; the codes' columns keep
    their names, so a table still says which dimension each is)."""
    out = frame.copy()
    for column in out.columns:
        if column in BCP_COLUMNS:
            out[column] = out[column].map(_each(bcp_label))
        elif column == "movement_type":
            out[column] = out[column].map(_each(movement_type_label))
        elif column == "refusal_reason":
            out[column] = out[column].map(refusal_reason_label)
        elif column in ("from_state", "to_state"):
            out[column] = out[column].map(_each(side_label))
    return out


def _each(label):
    return lambda v: v if not isinstance(v, str) else label(v)
