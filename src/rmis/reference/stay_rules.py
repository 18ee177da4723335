"""The stay-rules table: which rule applies to which nationality in which host state, when.

The rules are data (`data/stay_rules.toml`, documented in its header). A state replaces its
own rules with a file in the same format: `load_stay_rules(path)` returns the built-in table
with the hosts in that file replaced. Reading `RMIS_STAY_RULES` is left to the edge (the CLI).
"""

from __future__ import annotations

import re
import tomllib
from collections.abc import Mapping
from dataclasses import dataclass
from datetime import date
from functools import cache
from importlib.resources import files
from pathlib import Path
from types import MappingProxyType
from typing import Any

from rmis.stay.model import PermitKind
from rmis.stay.rules import DayCount, Regime, RuleSchedule, StayRule, WindowKind

DEFAULT = "default"
CODE = re.compile(r"^[A-Z]{3}$")
# ICAO 9303 writes Germany as "D" in machine readable zones; the table uses DEU.
ICAO_ALIASES = {"D": "DEU"}
DAYS = {"mon": 0, "tue": 1, "wed": 2, "thu": 3, "fri": 4, "sat": 5, "sun": 6}
RULE_KEYS = {
    "host",
    "applies_to",
    "regime",
    "window",
    "max_days",
    "window_days",
    "max_days_per_stay",
    "registration_days",
    "registration_count",
    "registration_exempt_up_to",
    "rest_days",
    "permits",
    "valid_from",
    "valid_to",
    "source",
    "registration_source",
    "notes",
}
RANK = {"nationality": 3, "group": 2, DEFAULT: 1}


class StayRulesError(ValueError):
    """A rules file that rmis cannot use; the message names the rule and the field."""


@dataclass(frozen=True, slots=True)
class NationalityGroup:
    name: str
    members: frozenset[str]
    complete: bool  # False: the source names only examples, or none
    source: str
    notes: str = ""


@dataclass(frozen=True, slots=True)
class OmittedRule:
    """A row of the sources that rmis cannot select by nationality, kept with the reason."""

    host: str
    citizenship: str
    reason: str
    source: str


@dataclass(frozen=True)
class StayRulesTable:
    rules: tuple[StayRule, ...]
    groups: Mapping[str, NationalityGroup]
    omitted: tuple[OmittedRule, ...] = ()
    origin: str = ""

    def __post_init__(self) -> None:
        # The built-in table is shared (cached): nobody may change its groups in place.
        object.__setattr__(self, "groups", MappingProxyType(dict(self.groups)))
        _check_table(self)

    def hosts(self) -> frozenset[str]:
        return frozenset(r.host for r in self.rules)

    def schedule(self, host: str, nationality: str) -> RuleSchedule:
        """Every rule that can apply to this nationality in this host state, cut by date.

        A state's own citizens are not foreigners there: no rule limits their stay.
        """
        host, nationality = _norm(host), _norm(nationality)
        if host == nationality:
            return RuleSchedule.single(None)
        ranked = []
        for rule in self.rules:
            if rule.host != host:
                continue
            if rule.applies_to == nationality:
                ranked.append((RANK["nationality"], rule))
            elif rule.applies_to == DEFAULT:
                ranked.append((RANK[DEFAULT], rule))
            elif nationality in self.groups.get(rule.applies_to, _EMPTY).members:
                ranked.append((RANK["group"], rule))
        return RuleSchedule.of(ranked)

    def lookup(self, host: str, nationality: str, on: date) -> StayRule | None:
        """The rule in force on `on` for this nationality in this host state, if any."""
        return self.schedule(host, nationality).rule_on(on)

    def replaced_by(self, other: StayRulesTable) -> StayRulesTable:
        """This table with every host that `other` defines replaced by `other`'s rules."""
        hosts = other.hosts() | {o.host for o in other.omitted}
        return StayRulesTable(
            rules=tuple(r for r in self.rules if r.host not in hosts) + other.rules,
            groups={**self.groups, **other.groups},
            omitted=tuple(o for o in self.omitted if o.host not in hosts) + other.omitted,
            origin=f"{self.origin} with {other.origin}",
        )


_EMPTY = NationalityGroup("", frozenset(), True, "")


def _norm(code: str) -> str:
    code = code.strip().upper().rstrip("<")
    return ICAO_ALIASES.get(code, code)


@cache
def builtin_stay_rules() -> StayRulesTable:
    text = files("rmis.reference").joinpath("data/stay_rules.toml").read_text(encoding="utf-8")
    return parse_stay_rules(text, origin="built-in stay_rules.toml")


def load_stay_rules(path: str | Path | None = None) -> StayRulesTable:
    """The built-in table; with `path`, the hosts in that file replace the built-in ones."""
    base = builtin_stay_rules()
    if path is None:
        return base
    p = Path(path)
    try:
        text = p.read_text(encoding="utf-8")
    except OSError as exc:
        raise StayRulesError(f"cannot read stay rules file {p}: {exc.strerror}") from None
    own = parse_stay_rules(text, origin=str(p), known_groups=base.groups)
    return base.replaced_by(own)


def parse_stay_rules(
    text: str, origin: str = "", known_groups: Mapping[str, NationalityGroup] | None = None
) -> StayRulesTable:
    """A table from TOML text in the format of data/stay_rules.toml."""
    where = origin or "stay rules"
    try:
        doc = tomllib.loads(text)
    except tomllib.TOMLDecodeError as exc:
        raise StayRulesError(f"{where}: not valid TOML: {exc}") from None
    if doc.get("format") != 1:
        raise StayRulesError(f"{where}: expected `format = 1`, found {doc.get('format')!r}")
    defaults = doc.get("defaults", {})
    groups = {name: _group(name, g, where) for name, g in doc.get("groups", {}).items()}
    own = {**(known_groups or {}), **groups}
    rules = tuple(_rule(i, r, defaults, own, where) for i, r in enumerate(doc.get("rule", []), 1))
    omitted = tuple(
        OmittedRule(
            _code(o.get("host", ""), f"{where}: omitted #{i} host"),
            str(o.get("citizenship", "")),
            str(o.get("reason", "")),
            _required(o, "source", f"{where}: omitted #{i}"),
        )
        for i, o in enumerate(doc.get("omitted", []), 1)
    )
    return StayRulesTable(rules, groups, omitted, origin)


def _group(name: str, g: dict[str, Any], where: str) -> NationalityGroup:
    ctx = f"{where}: group {name}"
    if name == DEFAULT or CODE.match(name):
        raise StayRulesError(f"{ctx}: a group name may not be 'default' or look like a code")
    members = frozenset(_code(m, f"{ctx} member") for m in g.get("members", []))
    return NationalityGroup(
        name,
        members,
        bool(g.get("complete", False)),
        _required(g, "source", ctx),
        str(g.get("notes", "")),
    )


def _rule(
    i: int,
    r: dict[str, Any],
    defaults: dict[str, Any],
    groups: dict[str, NationalityGroup],
    where: str,
) -> StayRule:
    ctx = f"{where}: rule #{i} ({r.get('host', '?')}, {r.get('applies_to', '?')})"
    unknown = set(r) - RULE_KEYS
    if unknown:
        raise StayRulesError(f"{ctx}: unknown field(s) {', '.join(sorted(unknown))}")
    applies_to = str(_required(r, "applies_to", ctx))
    if applies_to != DEFAULT and not CODE.match(applies_to) and applies_to not in groups:
        raise StayRulesError(f"{ctx}: applies_to must be an ICAO code, a group or 'default'")
    merged = {**defaults, **r}
    try:
        return StayRule(
            host=_code(_required(r, "host", ctx), f"{ctx} host"),
            applies_to=applies_to,
            regime=Regime(merged.get("regime", "visa_free")),
            window=WindowKind(merged["window"]) if "window" in merged else None,
            max_days=_int(merged, "max_days", ctx),
            window_days=_int(merged, "window_days", ctx),
            max_days_per_stay=_int(merged, "max_days_per_stay", ctx),
            registration_days=_int(merged, "registration_days", ctx),
            registration_count=DayCount(merged.get("registration_count", "calendar")),
            registration_exempt_up_to=_int(merged, "registration_exempt_up_to", ctx),
            rest_days=frozenset(DAYS[d] for d in merged.get("rest_days", ["sat", "sun"])),
            permits=frozenset(PermitKind(p) for p in merged.get("permits", list(PermitKind))),
            valid_from=_date(merged.get("valid_from"), ctx),
            valid_to=_date(merged.get("valid_to"), ctx),
            source=_required(r, "source", ctx),
            registration_source=str(r.get("registration_source", "")),
            notes=str(r.get("notes", "")),
        )
    except (ValueError, KeyError) as exc:
        raise StayRulesError(f"{ctx}: {exc}") from None


def _required(d: dict[str, Any], key: str, ctx: str) -> str:
    value = str(d.get(key, "")).strip()
    if not value:
        raise StayRulesError(f"{ctx}: `{key}` is required")
    return value


def _code(value: str, ctx: str) -> str:
    if not CODE.match(str(value)):
        raise StayRulesError(f"{ctx}: `{value}` is not a three-letter ICAO code")
    return str(value)


def _int(d: dict[str, Any], key: str, ctx: str) -> int | None:
    value = d.get(key)
    if value is None:
        return None
    if not isinstance(value, int) or isinstance(value, bool):
        raise StayRulesError(f"{ctx}: `{key}` must be a whole number of days")
    return value


def _date(value: Any, ctx: str) -> date | None:
    if value is None or isinstance(value, date):
        return value
    try:
        return date.fromisoformat(str(value))
    except ValueError:
        raise StayRulesError(f"{ctx}: `{value}` is not a date (YYYY-MM-DD)") from None


def _overlap(a: StayRule, b: StayRule) -> bool:
    return (a.valid_from or date.min) <= (b.valid_to or date.max) and (
        b.valid_from or date.min
    ) <= (a.valid_to or date.max)


def _check_table(table: StayRulesTable) -> None:
    """Rules for the same host and nationality group may not overlap in time, nor may two
    groups that share a member in one host state (the lookup could not choose)."""
    rules = table.rules
    for i, a in enumerate(rules):
        for b in rules[i + 1 :]:
            if a.host != b.host or not _overlap(a, b):
                continue
            if a.applies_to == b.applies_to:
                raise StayRulesError(
                    f"{table.origin}: two rules for {a.applies_to} in {a.host} overlap in time "
                    f"({a.valid_from or '...'}..{a.valid_to or '...'} and "
                    f"{b.valid_from or '...'}..{b.valid_to or '...'})"
                )
            ga, gb = table.groups.get(a.applies_to), table.groups.get(b.applies_to)
            if ga and gb and ga.members & gb.members:
                shared = ", ".join(sorted(ga.members & gb.members))
                raise StayRulesError(
                    f"{table.origin}: groups {ga.name} and {gb.name} both hold {shared} in "
                    f"{a.host} at the same time"
                )
