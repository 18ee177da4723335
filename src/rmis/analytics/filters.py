"""The filters an analyst narrows every analysis by: one set for the CLI's flags
(`rmis analytics flows --nationality TJK --host RUS --purpose work`), the dashboard's form and
the metadata of every file downloaded, so that a figure on the page and a figure in the terminal
answer the same question.

A filter holds the values to keep per dimension (empty: all). It applies to the crossings, to the
summaries' cube and rollups (summaries.py) and to stays, each of which names some columns
differently (`bcp` is `bcp_code` on a crossing, `entry_bcp`/`exit_bcp` on a stay).
"""

from __future__ import annotations

import re
from collections.abc import Iterable, Mapping
from dataclasses import dataclass, fields, replace
from datetime import date

import ibis

from rmis.analytics.dimensions import AGE_BANDS, age_band, date_filter
from rmis.analytics.stays import partner
from rmis.analytics.typology import MOVEMENT_TYPES

DIRECTIONS = ("entry", "exit")
SEXES = ("F", "M", "X")
AGE_BAND_LABELS = (*(label for _, label in AGE_BANDS), "65+", "unknown")
_STATE = re.compile(r"^[A-Z][A-Z<]{2}$")  # ICAO three-letter codes (D<< is Germany)
_BCP = re.compile(r"^[A-Z]{3}-[A-Z0-9-]{1,40}$")
_WORD = re.compile(r"^[a-z_]{1,20}$")


class FilterError(ValueError):
    """A filter value that names nothing rmis records (the message says which and why)."""


@dataclass(frozen=True)
class Filters:
    """What to keep; each tuple lists the values allowed for its dimension (empty: any)."""

    start: date | None = None
    end: date | None = None
    host_state: tuple[str, ...] = ()
    from_state: tuple[str, ...] = ()  # a corridor's side (flows.py): AIR and SEA for airports
    to_state: tuple[str, ...] = ()
    bcp: tuple[str, ...] = ()
    direction: tuple[str, ...] = ()
    nationality: tuple[str, ...] = ()
    purpose: tuple[str, ...] = ()
    sex: tuple[str, ...] = ()
    age_band: tuple[str, ...] = ()
    movement_type: tuple[str, ...] = ()

    def __post_init__(self) -> None:
        if self.start and self.end and self.start > self.end:
            raise FilterError(f"the period starts ({self.start}) after it ends ({self.end})")
        checks = {
            "host_state": (_STATE.match, "an ICAO three-letter code, e.g. KAZ"),
            "nationality": (_STATE.match, "an ICAO three-letter code, e.g. TJK"),
            "from_state": (_STATE.match, "an ICAO three-letter code, AIR or SEA"),
            "to_state": (_STATE.match, "an ICAO three-letter code, AIR or SEA"),
            "bcp": (_BCP.match, "a BCP code, e.g. UZB-TMJ"),
            "purpose": (_WORD.match, "a purpose, e.g. work"),
            "direction": (DIRECTIONS.__contains__, " or ".join(DIRECTIONS)),
            "sex": (SEXES.__contains__, ", ".join(SEXES)),
            "age_band": (AGE_BAND_LABELS.__contains__, ", ".join(AGE_BAND_LABELS)),
            "movement_type": (MOVEMENT_TYPES.__contains__, ", ".join(MOVEMENT_TYPES)),
        }
        for name, (valid, expected) in checks.items():
            for value in getattr(self, name):
                if not isinstance(value, str) or not valid(value):
                    raise FilterError(f"{name.replace('_', ' ')} {value!r}: expected {expected}")

    @classmethod
    def parse(cls, given: Mapping[str, str | Iterable[str] | date | None]) -> Filters:
        """From text as typed (comma-separated lists; codes in any case; dates ISO), e.g. a
        query string or the CLI's flags; unknown names are refused."""
        known = {f.name for f in fields(cls)}
        unknown = sorted(set(given) - known)
        if unknown:
            raise FilterError(f"no filter named {', '.join(unknown)}")
        values: dict = {}
        for name, raw in given.items():
            if raw is None or raw == "":
                continue
            if name in ("start", "end"):
                values[name] = raw if isinstance(raw, date) else _iso_date(name, str(raw))
                continue
            items = raw.split(",") if isinstance(raw, str) else list(raw)
            cleaned = tuple(dict.fromkeys(i.strip() for i in items if i and i.strip()))
            upper = name in ("host_state", "from_state", "to_state", "nationality", "bcp", "sex")
            values[name] = tuple(v.upper() if upper else v.lower() for v in cleaned)
        return cls(**values)

    def narrowed(self, **changes: str | date | None) -> Filters:
        """These filters with one more dimension fixed (a drill-down link's target)."""
        updates = {k: ((v,) if isinstance(v, str) else v) for k, v in changes.items()}
        return replace(self, **updates)

    def as_text(self) -> dict[str, str]:
        """The filters in force, as text (query strings, the metadata of a downloaded file)."""
        out: dict[str, str] = {}
        if self.start:
            out["start"] = self.start.isoformat()
        if self.end:
            out["end"] = self.end.isoformat()
        for name in _LISTS:
            if values := getattr(self, name):
                out[name] = ",".join(values)
        return out

    def describe(self) -> str:
        """One line for a caption or a file's header: `nationality=TJK; host_state=RUS`."""
        return "; ".join(f"{k}={v}" for k, v in self.as_text().items()) or "none"

    @property
    def by_person(self) -> bool:
        """A filter only the per-person results can answer (the cube has no movement type)."""
        return bool(self.movement_type)

    # -- applying -------------------------------------------------------------------------

    def on_crossings(self, t: ibis.Table, with_age_band: bool = False) -> ibis.Table:
        """Crossings (or a cube: `with_age_band` when the table stores the band) kept."""
        condition = date_filter(t.local_date, self.start, self.end)
        for name, column in (
            ("host_state", "host_state"), ("bcp", "bcp_code"), ("direction", "direction"),
            ("nationality", "nationality"), ("purpose", "purpose"), ("sex", "sex"),
        ):  # fmt: skip
            if values := getattr(self, name):
                condition &= t[column].isin(values)
        if self.age_band:
            band = t.age_band if with_age_band else age_band(t.birth_year, t.year)
            condition &= band.isin(self.age_band)
        if self.from_state or self.to_state:
            entry = t.direction == "entry"
            across = partner(t)
            if self.from_state:
                condition &= ibis.ifelse(entry, across, t.host_state).isin(self.from_state)
            if self.to_state:
                condition &= ibis.ifelse(entry, t.host_state, across).isin(self.to_state)
        return t.filter(condition)

    def columns(self) -> set[str]:
        """The cube columns these filters read (a rollup must hold them to answer)."""
        names = {
            "host_state": "host_state", "bcp": "bcp_code", "direction": "direction",
            "nationality": "nationality", "purpose": "purpose", "sex": "sex",
            "age_band": "age_band",
        }  # fmt: skip
        used = {column for name, column in names.items() if getattr(self, name)}
        if self.from_state or self.to_state:
            used |= {"host_state", "neighbour", "mode", "direction"}
        return used | ({"local_date"} if self.start or self.end else set())

    def on_stays(self, s: ibis.Table, side: str) -> ibis.Table:
        """Stays (analytics.stays) whose entry (`side` "entry") or recorded exit ("exit")
        is a crossing these filters keep; stays carry no refusal."""
        when = s.entry_date if side == "entry" else s.exit_date
        bcp = s.entry_bcp if side == "entry" else s.exit_bcp
        condition = date_filter(when, self.start, self.end)
        if side == "exit":
            condition &= s.exit_recorded
        if self.direction and side not in self.direction:
            return s.filter(ibis.literal(False))
        for name in ("host_state", "nationality", "purpose", "sex"):
            if values := getattr(self, name):
                condition &= s[name].isin(values)
        if self.bcp:
            condition &= bcp.isin(self.bcp)
        across = s.entry_partner if side == "entry" else s.exit_partner
        if self.from_state:
            condition &= (across if side == "entry" else s.host_state).isin(self.from_state)
        if self.to_state:
            condition &= (s.host_state if side == "entry" else across).isin(self.to_state)
        if self.age_band:
            condition &= age_band(s.birth_year, when.year()).isin(self.age_band)
        return s.filter(condition)


_LISTS = tuple(f.name for f in fields(Filters) if f.name not in ("start", "end"))
NONE = Filters()


def _iso_date(name: str, text: str) -> date:
    try:
        return date.fromisoformat(text.strip())
    except ValueError:
        raise FilterError(f"{name} {text!r}: expected a date as YYYY-MM-DD") from None
