"""Alert lists read as their publishers write them, into the shared model (ListEntry).

    reading = read(Path("consolidated.xml"))          # the format told from the file
    for item in reading:                              # ListEntry or MalformedEntry
        ...
    reading.stats.persons, reading.stats.skipped      # final once the loop has run

`read` streams: entries come one at a time, and a malformed entry is yielded as a
MalformedEntry (its position and the reason) while the rest of the list goes on. A file that is
not in the format at all raises ValueError. Records that are not travellers (organisations,
vessels, aircraft) are skipped and counted in `stats.skipped` by kind.
"""

from __future__ import annotations

from collections.abc import Callable, Iterator
from pathlib import Path

from rmis.screening.entries import ListEntry, MalformedEntry
from rmis.screening.formats.stats import ReadStats
from rmis.screening.formats.un_xml import read_un_xml

Item = ListEntry | MalformedEntry
Reader = Callable[[Path, ReadStats], Iterator[Item]]

FORMATS: dict[str, Reader] = {
    "un-xml": read_un_xml,
}


class Reading(Iterator[Item]):
    """The entries of one list, read lazily, with the counts kept as they are read."""

    def __init__(self, items: Iterator[Item], stats: ReadStats, format: str) -> None:
        self._items = items
        self.stats = stats
        self.format = format

    def __iter__(self) -> Reading:
        return self

    def __next__(self) -> Item:
        item = next(self._items)
        self.stats.count(item)
        return item


def read(path: Path, format: str | None = None, alt: Path | None = None) -> Reading:
    """Read the alert list at `path` (format told from the file unless given; `alt` is OFAC's
    alt.csv of strong aliases and only goes with ofac-csv)."""
    path = Path(path)
    format = format or detect_format(path)
    if format not in FORMATS:
        raise ValueError(f"unknown list format {format!r}; known: {', '.join(FORMATS)}")
    if alt is not None and format != "ofac-csv":
        raise ValueError(f"an alt file (OFAC's alt.csv) goes with ofac-csv, not {format}")
    stats = ReadStats()
    if alt is not None:
        items = FORMATS[format](path, stats, alt=Path(alt))  # type: ignore[call-arg]
    else:
        items = FORMATS[format](path, stats)
    return Reading(items, stats, format)


def detect_format(path: Path) -> str:
    """The format of the list at `path`, told from its first bytes (and its suffix where the
    content alone cannot say). Raises ValueError when it is none of FORMATS."""
    path = Path(path)
    with path.open("rb") as file:
        head = file.read(4096)
    text = head.decode("utf-8", errors="replace").lstrip("\ufeff \t\r\n")
    if text.startswith("<"):
        if "<CONSOLIDATED_LIST" in text:
            return "un-xml"
        raise ValueError(f"{path}: XML, but not the UN consolidated list (no <CONSOLIDATED_LIST>)")
    raise ValueError(
        f"{path}: cannot tell the list format from the file; give one of {', '.join(FORMATS)}"
    )


__all__ = ["FORMATS", "ReadStats", "Reading", "detect_format", "read"]
