"""Border crossing points (BCPs): one per state and side of a crossing, from package data.

The data file is made from the workplace's researched list by tools/import_bcps.py; every row
keeps the source it came from. A land crossing appears twice (one BCP per state), linked
through `counterpart`, because each state records its own side of a crossing.
"""

from __future__ import annotations

import csv
from dataclasses import dataclass
from functools import cache
from importlib.resources import files
from zoneinfo import ZoneInfo

MODES = ("air", "road", "rail", "sea")


@dataclass(frozen=True, slots=True)
class BCP:
    code: str
    state: str  # ICAO three-letter code of the state that operates this side
    name: str
    mode: str
    neighbour: str | None  # the state across the line; None for airports and seaports
    counterpart: str | None  # the neighbour's BCP code for the same crossing
    name_known: bool  # False when no source named this side; the name is then descriptive
    lat: float | None
    lon: float | None
    coord_basis: str
    time_zone: str
    source: str

    @property
    def zone(self) -> ZoneInfo:
        return ZoneInfo(self.time_zone)


def _optional_float(text: str) -> float | None:
    return float(text) if text else None


@cache
def load_bcps() -> dict[str, BCP]:
    """All BCPs by code, in the order of the data file."""
    text = files("rmis.reference").joinpath("data/bcps.csv").read_text(encoding="utf-8")
    bcps: dict[str, BCP] = {}
    for row in csv.DictReader(text.splitlines()):
        bcps[row["code"]] = BCP(
            code=row["code"],
            state=row["state"],
            name=row["name"],
            mode=row["mode"],
            neighbour=row["neighbour"] or None,
            counterpart=row["counterpart"] or None,
            name_known=row["name_known"] == "true",
            lat=_optional_float(row["lat"]),
            lon=_optional_float(row["lon"]),
            coord_basis=row["coord_basis"],
            time_zone=row["time_zone"],
            source=row["source"],
        )
    return bcps


def bcps_of_state(state: str) -> list[BCP]:
    return [bcp for bcp in load_bcps().values() if bcp.state == state]
