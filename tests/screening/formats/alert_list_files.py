"""Where the format tests find their files: small fixtures made for them, and the real lists."""

from __future__ import annotations

from pathlib import Path

import pytest

DATA = Path(__file__).resolve().parents[1] / "data"
REAL_LISTS = Path(__file__).resolve().parents[4] / "shared" / "data" / "alert-lists"
UN_REAL = REAL_LISTS / "un_sc_consolidated_2026-02-27.xml"
OFAC_SDN_REAL = REAL_LISTS / "ofac_sdn_2021-07.csv"
OFAC_ALT_REAL = REAL_LISTS / "ofac_alt_2021-07.csv"


def real_list(path: Path) -> Path:
    """The real list at `path`, or skip the test when the shared folder is not there."""
    if not path.exists():
        pytest.skip(f"real alert list not available: {path} (the shared data folder is absent)")
    return path
