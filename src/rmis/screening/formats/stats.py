"""What a reader met in a list besides the entries it yields: the import reports these."""

from __future__ import annotations

from collections import Counter
from dataclasses import dataclass, field


@dataclass
class ReadStats:
    """Counts kept while a list is read; final once the reading is exhausted.

    `skipped` counts the records that are not travellers (organisations, vessels, aircraft) by
    the list's own word for them ("entity", "vessel", "aircraft"): they are read past, never
    yielded.
    """

    persons: int = 0
    documents: int = 0
    malformed: int = 0
    skipped: Counter[str] = field(default_factory=Counter)
    # People a file mentions without listing them (FtM persons marked "target": false).
    not_listed: int = 0

    @property
    def skipped_non_persons(self) -> int:
        return sum(self.skipped.values())

    def count(self, item: object) -> None:
        """Count one yielded item (a ListEntry or a MalformedEntry)."""
        subject = getattr(item, "subject", None)
        if subject == "person":
            self.persons += 1
        elif subject == "document":
            self.documents += 1
        else:
            self.malformed += 1

    def summary(self) -> str:
        """One line an import can print: "730 persons, 273 skipped (273 entity), 0 malformed"."""
        parts = []
        if self.persons or not self.documents:
            parts.append(f"{self.persons} persons")
        if self.documents:
            parts.append(f"{self.documents} documents")
        kinds = ", ".join(f"{n} {kind}" for kind, n in sorted(self.skipped.items()))
        parts.append(f"{self.skipped_non_persons} skipped" + (f" ({kinds})" if kinds else ""))
        if self.not_listed:
            parts.append(f"{self.not_listed} persons mentioned but not listed")
        parts.append(f"{self.malformed} malformed")
        return ", ".join(parts)
