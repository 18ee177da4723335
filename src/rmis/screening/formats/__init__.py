"""Alert lists read as their publishers write them, into the shared model (ListEntry).

    reading = read(Path("consolidated.xml"))          # the format told from the file
    for item in reading:                              # ListEntry or MalformedEntry
        ...
    reading.stats.persons, reading.stats.skipped      # final once the loop has run

`read` streams: entries come one at a time, and a malformed entry is yielded as a
MalformedEntry (its position and the reason) while the rest of the list goes on. A file that is
not in the format at all raises ValueError. Records that are not travellers (organisations,
vessels, aircraft) are skipped and counted in `stats.skipped` by kind
(`stats.skipped_non_persons` is their total; `stats.summary()` one line for an import).

Writing: `write_ftm(entries, out)` writes any stream of entries as FollowTheMoney JSON lines
(rmis's exchange format), `write_documents_csv(entries, out)` a documents list as its CSV.
"""

from __future__ import annotations

import csv
import json
from collections.abc import Callable, Iterator
from pathlib import Path

from rmis.screening.entries import ListEntry, MalformedEntry
from rmis.screening.formats import documents_csv, ofac_csv
from rmis.screening.formats.documents_csv import read_documents_csv, write_documents_csv
from rmis.screening.formats.ftm import read_ftm, write_ftm
from rmis.screening.formats.ofac_csv import read_ofac_csv
from rmis.screening.formats.stats import ReadStats
from rmis.screening.formats.un_xml import read_un_xml

Item = ListEntry | MalformedEntry
Reader = Callable[[Path, ReadStats], Iterator[Item]]

FORMATS: dict[str, Reader] = {
    "un-xml": read_un_xml,
    "ofac-csv": read_ofac_csv,
    "ftm": read_ftm,
    "documents-csv": read_documents_csv,
}


class Reading(Iterator[Item]):
    """The entries of one list, read lazily, with the counts kept as they are read."""

    def __init__(self, items: Iterator[Item], stats: ReadStats, format: str, path: Path) -> None:
        self._items = items
        self.stats = stats
        self.format = format
        self.path = path

    def __iter__(self) -> Reading:
        return self

    def __next__(self) -> Item:
        try:
            item = next(self._items)
        except UnicodeDecodeError as error:
            # Lists are read as UTF-8 (the UN's XML says its own encoding): say so plainly.
            raise ValueError(
                f"{self.path}: not UTF-8 text ({error.reason} at byte {error.start}); "
                "convert the file to UTF-8 first"
            ) from None
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
    return Reading(items, stats, format, path)


def detect_format(path: Path) -> str:
    """The format of the list at `path`, told from its first bytes: XML with the UN's root
    element, a JSON object with an FtM schema, the documents CSV's header, or OFAC's
    headerless twelve-column rows starting with a number. Raises ValueError otherwise."""
    path = Path(path)
    with path.open("rb") as file:
        head = file.read(8192)
    text = head.decode("utf-8", errors="replace").lstrip("\ufeff \t\r\n")
    if text.startswith("<"):
        if "<CONSOLIDATED_LIST" in text:
            return "un-xml"
        raise ValueError(f"{path}: XML, but not the UN consolidated list (no <CONSOLIDATED_LIST>)")
    first_line = text.splitlines()[0] if text else ""
    if first_line.startswith("{"):
        try:
            entity = json.loads(first_line)
        except ValueError:
            entity = None
        if isinstance(entity, dict) and "schema" in entity and "id" in entity:
            return "ftm"
        raise ValueError(f"{path}: JSON, but its first line is not an FtM entity (id, schema)")
    row = next(csv.reader([first_line]), [])
    if tuple(cell.strip().casefold() for cell in row) == documents_csv.HEADER:
        return "documents-csv"
    if len(row) == ofac_csv.SDN_COLUMNS and row[0].strip().isdigit():
        return "ofac-csv"
    if len(row) == ofac_csv.ALT_COLUMNS and row[2].strip().casefold() in ("aka", "fka", "nka"):
        raise ValueError(f"{path}: OFAC's alt.csv (aliases only): read it with its sdn.csv, as alt")
    raise ValueError(
        f"{path}: cannot tell the list format from the file (not the UN XML, FtM JSON lines, "
        f"OFAC's sdn.csv or the documents CSV); give one of {', '.join(FORMATS)}"
    )


__all__ = [
    "FORMATS",
    "ReadStats",
    "Reading",
    "detect_format",
    "read",
    "write_documents_csv",
    "write_ftm",
]
