"""Sharing agreements: which state sends what to whom, at what granularity, with what
suppression, from which date. Data, read from a TOML file (RMIS_AGREEMENTS; docs/exchange.md);
the hub refuses anything no agreement covers."""

from __future__ import annotations

import tomllib
from dataclasses import dataclass
from datetime import date
from pathlib import Path

from rmis.reference.countries import is_icao_code

KINDS = ("aggregates", "journey_keys")
GRANULARITIES = ("month", "year")
# The dataflows a node can build: aggregates (exchange/aggregates.py) and journey keys.
AGGREGATES = ("RMIS_FLOWS", "RMIS_STOCK", "RMIS_OVERSTAYS")
JOURNEY_KEYS = "RMIS_JOURNEY_KEYS"
DATAFLOWS = (*AGGREGATES, JOURNEY_KEYS)


class AgreementError(ValueError):
    """The agreements file is not one rmis can hold states to."""


@dataclass(frozen=True, slots=True)
class Agreement:
    id: str
    kind: str
    senders: frozenset[str]
    to: str  # "HUB", the regional hub
    dataflows: tuple[str, ...]
    granularity: str
    suppress_below: int  # k: cells of fewer people are suppressed (aggregates)
    start: date  # periods beginning before this day are not covered
    end: date | None = None
    # Journey keys: the states that agreed the linkage secret (the hub links among them only).
    partners: frozenset[str] = frozenset()

    def period_start(self, period: str) -> date | None:
        """The first day of `period` written at this agreement's granularity, None if it is not."""
        try:
            if self.granularity == "month" and len(period) == 7:
                return date(int(period[:4]), int(period[5:7]), 1)
            if self.granularity == "year" and len(period) == 4:
                return date(int(period), 1, 1)
        except ValueError:
            return None
        return None

    def covers(self, sender: str, kind: str, dataflow: str, period: str) -> bool:
        first = self.period_start(period)
        return (
            first is not None
            and sender in self.senders
            and kind == self.kind
            and dataflow in self.dataflows
            and first >= self.start
            and (self.end is None or first <= self.end)
        )


@dataclass(frozen=True, slots=True)
class Agreements:
    items: tuple[Agreement, ...]

    def covering(self, sender: str, kind: str, dataflow: str, period: str) -> Agreement | None:
        """The agreement under which `sender` may send this, or None."""
        for agreement in self.items:
            if agreement.covers(sender, kind, dataflow, period):
                return agreement
        return None

    def of_sender(self, sender: str) -> list[Agreement]:
        return [a for a in self.items if sender in a.senders]

    def by_id(self, agreement_id: str) -> Agreement | None:
        return next((a for a in self.items if a.id == agreement_id), None)


def load_agreements(path: Path) -> Agreements:
    try:
        text = path.read_text(encoding="utf-8")
    except OSError as error:
        raise AgreementError(f"cannot read the agreements file {path}: {error}") from error
    return parse_agreements(text)


def parse_agreements(text: str) -> Agreements:
    try:
        data = tomllib.loads(text)
    except tomllib.TOMLDecodeError as error:
        raise AgreementError(f"the agreements file is not TOML: {error}") from error
    items = data.get("agreement")
    if not isinstance(items, list) or not items:
        raise AgreementError("the agreements file has no [[agreement]]")
    out = [_agreement(i, item) for i, item in enumerate(items, 1)]
    ids = [a.id for a in out]
    if len(set(ids)) != len(ids):
        raise AgreementError("two agreements have the same id")
    return Agreements(tuple(out))


def _agreement(number: int, item: dict) -> Agreement:
    where = f"agreement {number}"

    def need(key: str, kind: type):
        value = item.get(key)
        if not isinstance(value, kind):
            raise AgreementError(f"{where}: {key} must be a {kind.__name__}")
        return value

    known = {
        "id",
        "kind",
        "senders",
        "to",
        "dataflows",
        "granularity",
        "suppress_below",
        "from",
        "until",
        "partners",
    }
    if unknown := sorted(set(item) - known):
        raise AgreementError(f"{where}: unknown keys {', '.join(unknown)}")
    agreement_id = need("id", str)
    if not agreement_id or len(agreement_id) > 64:
        raise AgreementError(f"{where}: id must be 1 to 64 characters")
    where = f"agreement {agreement_id}"
    kind = need("kind", str)
    if kind not in KINDS:
        raise AgreementError(f"{where}: kind must be one of {', '.join(KINDS)}")
    senders = _states(where, "senders", need("senders", list))
    dataflows = item.get("dataflows", [JOURNEY_KEYS] if kind == "journey_keys" else None)
    allowed = [JOURNEY_KEYS] if kind == "journey_keys" else AGGREGATES
    if not isinstance(dataflows, list) or not dataflows or any(d not in allowed for d in dataflows):
        raise AgreementError(f"{where}: dataflows must be among {', '.join(allowed)}")
    partners = _states(where, "partners", item.get("partners", sorted(senders)))
    if kind == "journey_keys" and (len(partners) < 2 or not partners <= senders):
        raise AgreementError(f"{where}: journey keys need two or more partners, all senders")
    granularity = item.get("granularity", "month")
    if granularity not in GRANULARITIES:
        raise AgreementError(f"{where}: granularity must be one of {', '.join(GRANULARITIES)}")
    k = item.get("suppress_below", 5)
    if not isinstance(k, int) or isinstance(k, bool) or k < 1:
        raise AgreementError(f"{where}: suppress_below must be a whole number of 1 or more")
    start = need("from", date)
    end = item.get("until")
    if end is not None and (not isinstance(end, date) or end < start):
        raise AgreementError(f"{where}: until must be a date on or after from")
    to = item.get("to", "HUB")
    if to != "HUB":
        raise AgreementError(f"{where}: to must be HUB (nodes send only to the regional hub)")
    return Agreement(
        agreement_id, kind, senders, to, tuple(dataflows), granularity, k, start, end, partners
    )


def _states(where: str, key: str, values) -> frozenset[str]:
    if not isinstance(values, list) or not all(isinstance(v, str) for v in values):
        raise AgreementError(f"{where}: {key} must be a list of ICAO state codes")
    bad = [v for v in values if not is_icao_code(v)]
    if bad:
        raise AgreementError(f"{where}: {key} has unknown state codes {', '.join(bad)}")
    return frozenset(values)
