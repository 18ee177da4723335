"""What an alert list says about one person or one document: the model every list format is
read into, the screen indexes, and the store keeps (as JSON, with a hash of its content so a
re-import can tell an entry that changed from one that did not).

Pure: no I/O. Country codes are ICAO 9303 codes (a list's country names are mapped by the
reader; what cannot be mapped stays in `remarks`, never guessed).
"""

from __future__ import annotations

import dataclasses
import hashlib
import json
from dataclasses import dataclass, field
from datetime import date
from enum import StrEnum
from typing import Any, Literal


class ListKind(StrEnum):
    """What a list is for (the import's --kind): it decides what an officer does on a hit."""

    DOCUMENTS = "documents"  # lost, stolen and revoked travel documents
    WANTED = "wanted"  # wanted persons (arrest warrants, INTERPOL red notices)
    ENTRY_BAN = "entry_ban"  # the state's own bans on entry, with their legal basis
    MISSING = "missing"  # missing persons; children flagged
    SANCTIONS = "sanctions"  # UN Security Council, OFAC...


NameKind = Literal["primary", "alias", "original_script"]


@dataclass(frozen=True)
class EntryName:
    """One name the entry is known by, as the list writes it."""

    full: str
    kind: NameKind = "primary"
    weak: bool = False  # a low-quality alias (UN "Low", OFAC's a.k.a. in the remarks)
    surname: str | None = None  # where the list says which part is the surname
    given_names: str | None = None


@dataclass(frozen=True)
class BirthDate:
    """A listed birth date, as precise as the list gives it: a year alone, a year and month,
    a whole date, a range of years (`year` to `to_year`), possibly only approximate."""

    year: int
    month: int | None = None
    day: int | None = None
    to_year: int | None = None
    approximate: bool = False

    def __post_init__(self) -> None:
        if self.day is not None and self.month is None:
            raise ValueError("a birth day needs its month")
        if self.month is not None:
            date(self.year, self.month, self.day or 1)  # raises on an impossible date
        if self.to_year is not None and (self.to_year < self.year or self.month is not None):
            raise ValueError("a range of birth years runs from a year to a later one")

    @classmethod
    def parse(cls, text: str, *, approximate: bool = False) -> BirthDate:
        """`YYYY`, `YYYY-MM` or `YYYY-MM-DD`; ValueError on anything else."""
        parts = text.strip().split("-")
        if not 1 <= len(parts) <= 3 or not all(p.isdigit() for p in parts) or len(parts[0]) != 4:
            raise ValueError(f"not a birth date (YYYY, YYYY-MM or YYYY-MM-DD): {text!r}")
        numbers = [int(p) for p in parts] + [None, None]
        return cls(numbers[0], numbers[1], numbers[2], approximate=approximate)

    def __str__(self) -> str:
        if self.to_year is not None:
            text = f"{self.year} to {self.to_year}"
        elif self.month is None:
            text = f"{self.year}"
        elif self.day is None:
            text = f"{self.year}-{self.month:02d}"
        else:
            text = f"{self.year}-{self.month:02d}-{self.day:02d}"
        return f"about {text}" if self.approximate else text


@dataclass(frozen=True)
class EntryDocument:
    """A travel or identity document the entry names (for a documents list: the entry itself)."""

    number: str  # as the list writes it
    issuing_state: str | None = None  # ICAO code, when the list says and it maps
    document_type: str | None = None  # ICAO 9303 type letter (P, I, A, C, V) when known
    note: str | None = None  # what the list says about it ("expired", "national ID"...)


Subject = Literal["person", "document"]


@dataclass(frozen=True)
class ListEntry:
    """One entry of an alert list. `entry_id` is the list's own id (UN REFERENCE_NUMBER, OFAC
    ent_num, the FtM entity id, the documents CSV's entry_id)."""

    entry_id: str
    subject: Subject
    names: tuple[EntryName, ...] = ()
    birth_dates: tuple[BirthDate, ...] = ()
    sex: Literal["M", "F"] | None = None
    nationalities: tuple[str, ...] = ()
    documents: tuple[EntryDocument, ...] = ()
    listed_on: date | None = None
    # Documents lists: the document's status (lost, stolen, revoked, invalidated).
    status: str | None = None
    # Missing persons: flagged so that a hit on a child is handled as a child's.
    child: bool = False
    # Entry bans: the law it rests on, when it holds, when it must be reviewed.
    legal_basis: str | None = None
    valid_from: date | None = None
    valid_until: date | None = None
    review_on: date | None = None
    remarks: str | None = None
    extra: dict[str, Any] = field(default_factory=dict, hash=False, compare=False)

    def __post_init__(self) -> None:
        if not self.entry_id.strip():
            raise ValueError("an entry needs the list's id for it")
        if self.subject == "person" and not self.names:
            raise ValueError(f"entry {self.entry_id}: a listed person needs a name")
        if self.subject == "document" and not self.documents:
            raise ValueError(f"entry {self.entry_id}: a listed document needs its number")

    def to_json(self) -> dict[str, Any]:
        """The entry as plain JSON values (what the store keeps and the hash is made of)."""
        return _plain(self)

    @classmethod
    def from_json(cls, data: dict[str, Any]) -> ListEntry:
        def day(value: str | None) -> date | None:
            return None if value is None else date.fromisoformat(value)

        return cls(
            entry_id=data["entry_id"],
            subject=data["subject"],
            names=tuple(EntryName(**n) for n in data.get("names", ())),
            birth_dates=tuple(BirthDate(**b) for b in data.get("birth_dates", ())),
            sex=data.get("sex"),
            nationalities=tuple(data.get("nationalities", ())),
            documents=tuple(EntryDocument(**d) for d in data.get("documents", ())),
            listed_on=day(data.get("listed_on")),
            status=data.get("status"),
            child=bool(data.get("child", False)),
            legal_basis=data.get("legal_basis"),
            valid_from=day(data.get("valid_from")),
            valid_until=day(data.get("valid_until")),
            review_on=day(data.get("review_on")),
            remarks=data.get("remarks"),
            extra=dict(data.get("extra") or {}),
        )

    def content_hash(self) -> str:
        """Changes exactly when what the entry says changes (a re-import compares these)."""
        return json_hash(self.to_json())


@dataclass(frozen=True)
class MalformedEntry:
    """An entry a reader could not read: where it is in the file and what was wrong. The
    import reports it and goes on with the rest of the list."""

    position: str  # "line 12", "INDIVIDUAL 31 (DATAID 6908555)"...
    reason: str


def json_hash(content: dict[str, Any]) -> str:
    """The content hash of an entry whose to_json() is `content` (an import makes the JSON
    once per entry, for the store and the hash both)."""
    text = json.dumps(content, sort_keys=True, ensure_ascii=False)
    return hashlib.sha256(text.encode("utf-8")).hexdigest()


_FIELDS: dict[type, tuple[str, ...]] = {}


def _plain(value: Any) -> Any:
    # Not dataclasses.asdict: its deep copies were two thirds of an import's time. Generic over
    # the model's dataclasses, so a field added to them is written too.
    kind = type(value)
    if kind is str or kind is int or kind is float or kind is bool or value is None:
        return value
    names = _FIELDS.get(kind)
    if names is None and dataclasses.is_dataclass(value):
        names = _FIELDS[kind] = tuple(f.name for f in dataclasses.fields(value))
    if names is not None:
        return {name: _plain(getattr(value, name)) for name in names}
    if isinstance(value, list | tuple):
        return [_plain(v) for v in value]
    if isinstance(value, dict):
        return {k: _plain(v) for k, v in value.items()}
    if isinstance(value, date):
        return value.isoformat()
    return value
