"""A region kept on disk for reuse: what config made it, and which records it was loaded into.

The demo generates its region once and loads it once; run again, it finds both done.
"""

from __future__ import annotations

import hashlib
import json
from dataclasses import dataclass
from pathlib import Path

from rmis.synth.region import SynthConfig

CONFIG_FILE = "region.json"
LOADED_FILE = "loaded-into.json"
# Bumped when the files a region holds change, so that a region written before is made again.
# 2: personal numbers, national names and previous numbers; truth/recorded_documents.parquet.
FORMAT = 2


@dataclass(frozen=True, slots=True)
class RegionStore:
    path: Path

    def _key(self, config: SynthConfig) -> dict[str, object]:
        return {"travellers": config.travellers, "years": config.years, "seed": config.seed,
                "format": FORMAT}  # fmt: skip

    def holds(self, config: SynthConfig) -> bool:
        """True when the region on disk was made with this size and seed, and is complete."""
        try:
            saved = json.loads((self.path / CONFIG_FILE).read_text(encoding="utf-8"))
        except (OSError, ValueError):
            return False
        complete = all(
            (self.path / name).is_file()
            for name in ("crossings.parquet", "truth/stays.parquet",
                         "truth/recorded_documents.parquet")
        )  # fmt: skip
        key = self._key(config)
        return complete and {k: saved.get(k) for k in key} == key

    def saved_end(self) -> str | None:
        try:
            return json.loads((self.path / CONFIG_FILE).read_text(encoding="utf-8")).get("end")
        except (OSError, ValueError):
            return None

    def remember(self, config: SynthConfig) -> None:
        """Written after the region's files, so a region cut off halfway is made again."""
        record = {**self._key(config), "end": config.end.isoformat()}
        (self.path / CONFIG_FILE).write_text(json.dumps(record), encoding="utf-8")
        (self.path / LOADED_FILE).unlink(missing_ok=True)

    def _loaded(self) -> list[str]:
        try:
            return json.loads((self.path / LOADED_FILE).read_text(encoding="utf-8"))
        except (OSError, ValueError):
            return []

    def loaded_into(self, database_url: str) -> bool:
        return _digest(database_url) in self._loaded()

    def mark_loaded(self, database_url: str) -> None:
        loaded = [*self._loaded(), _digest(database_url)]
        (self.path / LOADED_FILE).write_text(json.dumps(loaded), encoding="utf-8")


def _digest(database_url: str) -> str:
    # The URL may hold a password: keep only a digest of it on disk.
    return hashlib.sha256(database_url.encode()).hexdigest()
