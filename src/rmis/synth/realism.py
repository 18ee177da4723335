"""The generated yearly volumes next to the published figures they were calibrated on."""

from __future__ import annotations

from dataclasses import dataclass

import pyarrow as pa
import pyarrow.compute as pc

from rmis.synth.calibration import CORRIDORS


@dataclass(frozen=True, slots=True)
class VolumeCheck:
    nationality: str
    host: str
    published: int
    basis: str
    generated: int  # admitted entries per year, scaled to real people

    @property
    def assumed_basis(self) -> bool:
        return self.basis.startswith("assumed")

    @property
    def ratio(self) -> float:
        return self.generated / self.published if self.published else float("nan")


def admitted_entries(crossings: pa.Table) -> dict[tuple[str, str], int]:
    """Admitted entries per (nationality, host state) in the whole table."""
    entries = crossings.filter(
        pc.and_(
            pc.equal(crossings["direction"], "entry"), pc.equal(crossings["outcome"], "admitted")
        )
    )
    host = pc.utf8_slice_codeunits(entries["bcp"], 0, 3)
    counted = (
        pa.table({"nationality": entries["nationality"], "host": host})
        .group_by(["nationality", "host"])
        .aggregate([([], "count_all")])
    )
    return {
        (n, h): c
        for n, h, c in zip(
            counted["nationality"].to_pylist(),
            counted["host"].to_pylist(),
            counted["count_all"].to_pylist(),
            strict=True,
        )
    }


def volume_checks(crossings: pa.Table, scale: float, years: float) -> list[VolumeCheck]:
    counts = admitted_entries(crossings)
    return [
        VolumeCheck(
            c.nationality,
            c.host,
            c.entries_per_year,
            c.basis,
            round(counts.get((c.nationality, c.host), 0) * scale / years),
        )
        for c in CORRIDORS
    ]
