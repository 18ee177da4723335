"""Where the warehouse's files are, and the manifest that says which of them make it up.

Every Parquet file is written once under a fresh name and never changed. The manifest
(`_manifest.json`) lists the files of the current state with the export cursors; it is
replaced atomically and last, so a sync that dies leaves the previous state whole. Files that
the manifest does not list are leftovers of such a sync and are removed by the next one.
"""

from __future__ import annotations

import json
import os
import uuid
from dataclasses import dataclass, field
from datetime import date
from pathlib import Path

from rmis.warehouse.cursor import SeqCursor

MANIFEST = "_manifest.json"
FORMAT = 1


@dataclass(frozen=True, slots=True, order=True)
class Partition:
    host_state: str
    year: int
    month: int

    @classmethod
    def of(cls, host_state: str, day: date) -> Partition:
        return cls(host_state, day.year, day.month)

    @property
    def path(self) -> str:
        return f"crossings/host_state={self.host_state}/year={self.year}/month={self.month}"

    @property
    def first_day(self) -> date:
        return date(self.year, self.month, 1)

    @property
    def next_first_day(self) -> date:
        return date(self.year + self.month // 12, self.month % 12 + 1, 1)


@dataclass
class Summaries:
    """What the analyses read instead of every crossing (made by rmis.analytics.summaries, kept
    by each sync that is handed a summariser): a cube of counts per crossings partition, the
    stays of every person and one row of movement features per person."""

    version: int
    flows: dict[Partition, str] = field(default_factory=dict)  # partition -> its cube
    rollups: dict[str, str] = field(default_factory=dict)  # coarser cubes of all partitions
    stays: str | None = None
    people: str | None = None

    def files(self) -> set[str]:
        kept = (*self.flows.values(), *self.rollups.values(), self.stays, self.people)
        return {f for f in kept if f}

    def to_json(self) -> dict:
        return {
            "version": self.version,
            "flows": [
                {"host_state": p.host_state, "year": p.year, "month": p.month, "file": f}
                for p, f in sorted(self.flows.items())
            ],
            "rollups": self.rollups,
            "stays": self.stays,
            "people": self.people,
        }

    @classmethod
    def from_json(cls, data: dict) -> Summaries:
        return cls(
            version=data["version"],
            flows={
                Partition(p["host_state"], p["year"], p["month"]): p["file"] for p in data["flows"]
            },
            rollups=dict(data.get("rollups", {})),
            stays=data["stays"],
            people=data["people"],
        )


@dataclass
class Manifest:
    crossings: SeqCursor = field(default_factory=SeqCursor)
    corrections: SeqCursor = field(default_factory=SeqCursor)
    links: SeqCursor = field(default_factory=SeqCursor)  # person_links: who is whom
    partitions: dict[Partition, list[str]] = field(default_factory=dict)
    documents: list[str] = field(default_factory=list)
    permits: str | None = None
    bcps: str | None = None
    reviews: str | None = None  # None in a warehouse synced before it was kept
    synced_at: str | None = None
    # The fingerprint of the key the documents' holder_key values were made under (never the
    # key itself); None in a warehouse written before holder keys were keyed.
    key_fingerprint: str | None = None
    # columns.COLUMNS_VERSION of the tables written; None in a warehouse from before it was kept.
    columns_version: int | None = None
    # The pre-aggregates of the files listed here; None when the last sync made none.
    summaries: Summaries | None = None

    def files(self) -> set[str]:
        listed = {f for files in self.partitions.values() for f in files} | set(self.documents)
        if self.summaries is not None:
            listed |= self.summaries.files()
        return listed | {f for f in (self.permits, self.bcps, self.reviews) if f}

    def crossing_files(self) -> list[str]:
        return [f for p in sorted(self.partitions) for f in self.partitions[p]]

    def to_json(self) -> dict:
        return {
            "format": FORMAT,
            "synced_at": self.synced_at,
            "key_fingerprint": self.key_fingerprint,
            "columns": self.columns_version,
            "cursors": {
                "crossings": self.crossings.to_json(),
                "corrections": self.corrections.to_json(),
                "person_links": self.links.to_json(),
            },
            "partitions": [
                {"host_state": p.host_state, "year": p.year, "month": p.month, "files": files}
                for p, files in sorted(self.partitions.items())
            ],
            "documents": self.documents,
            "permits": self.permits,
            "bcps": self.bcps,
            "reviews": self.reviews,
            "summaries": self.summaries.to_json() if self.summaries else None,
        }

    @classmethod
    def from_json(cls, data: dict) -> Manifest:
        if data.get("format") != FORMAT:
            raise ValueError(f"warehouse manifest format {data.get('format')!r} is not {FORMAT}")
        return cls(
            crossings=SeqCursor.from_json(data["cursors"]["crossings"]),
            corrections=SeqCursor.from_json(data["cursors"]["corrections"]),
            links=SeqCursor.from_json(data["cursors"].get("person_links", {})),
            partitions={
                Partition(p["host_state"], p["year"], p["month"]): list(p["files"])
                for p in data["partitions"]
            },
            documents=list(data["documents"]),
            permits=data["permits"],
            bcps=data["bcps"],
            reviews=data.get("reviews"),
            synced_at=data["synced_at"],
            key_fingerprint=data.get("key_fingerprint"),
            columns_version=data.get("columns"),
            summaries=Summaries.from_json(data["summaries"]) if data.get("summaries") else None,
        )


def new_file(root: Path, directory: str) -> str:
    """A fresh relative file name under `directory` (created)."""
    (root / directory).mkdir(parents=True, exist_ok=True)
    return f"{directory}/part-{uuid.uuid4().hex}.parquet"


def read_manifest(root: Path) -> Manifest:
    path = root / MANIFEST
    if not path.is_file():
        return Manifest()
    return Manifest.from_json(json.loads(path.read_text(encoding="utf-8")))


def write_manifest(root: Path, manifest: Manifest) -> None:
    """Replace the manifest atomically: write beside it, flush to disk, rename over it."""
    root.mkdir(parents=True, exist_ok=True)
    temporary = root / f".{MANIFEST}.{uuid.uuid4().hex}"
    with temporary.open("w", encoding="utf-8") as f:
        json.dump(manifest.to_json(), f, indent=1)
        f.flush()
        os.fsync(f.fileno())
    os.replace(temporary, root / MANIFEST)


def remove_unlisted(root: Path, manifest: Manifest) -> int:
    """Delete Parquet files and manifest drafts the manifest does not list; how many."""
    listed = manifest.files()
    removed = 0
    drafts = [*root.rglob("*.parquet.tmp"), *root.glob(f".{MANIFEST}.*")]
    for path in [*root.rglob("*.parquet"), *drafts]:
        if path.relative_to(root).as_posix() not in listed:
            path.unlink()
            removed += 1
    return removed
