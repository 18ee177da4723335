"""Legal options and help contacts for the migrant's page: package data beside the stay rules.

`data/legal_options.toml` (documented in its header) says, per host state and nationality,
the legal ways to stay and work (EAEU workers' rights, patent, work permit, residence), what
each needs, where to apply and by when, and where to get help, each with its source and the
date it was true. The length of stay and the registration deadline come from the stay rules,
never from here. Groups are the stay rules' groups (EAEU...), so the two files share members.
"""

from __future__ import annotations

import re
import tomllib
from collections.abc import Mapping
from dataclasses import dataclass
from datetime import date
from functools import cache
from importlib.resources import files
from typing import Any

from rmis.reference.stay_rules import NationalityGroup, builtin_stay_rules

KINDS = ("eaeu_work", "patent", "work_permit", "residence", "no_work")
NEEDS = (
    "passport",
    "migration_card",
    "employment_contract",
    "medical_certificate",
    "language_test",
    "fingerprints",
    "health_insurance",
    "tax_payment",
    "photo",
    "host_notification",
)
WHERE = ("migration_service", "labour_authority", "employer", "local_executive")
DEADLINE_FROM = ("entry", "contract_end")
HELP_KINDS = ("migration_service", "international", "hotline")
CODE = re.compile(r"^[A-Z]{3}$")
ANY = "any"
DEFAULT = "default"


class LegalOptionsError(ValueError):
    """A legal-options file rmis cannot use; the message names the row and the field."""


@dataclass(frozen=True, slots=True)
class LegalOption:
    host: str
    applies_to: tuple[str, ...]
    kind: str
    needs: tuple[str, ...]
    where: str
    source: str
    as_of: date
    deadline_days: int | None = None
    deadline_from: str = "entry"
    notes: str = ""


@dataclass(frozen=True, slots=True)
class HelpContact:
    host: str  # a state, or "any"
    name: str
    kind: str
    url: str
    source: str
    as_of: date
    applies_to: tuple[str, ...] = ()  # empty: everyone
    notes: str = ""


@dataclass(frozen=True)
class LegalOptions:
    options: tuple[LegalOption, ...]
    help: tuple[HelpContact, ...]
    groups: Mapping[str, NationalityGroup]

    def _rank(self, applies_to: tuple[str, ...], nationality: str) -> int:
        """3: names the nationality; 2: a group holding it; 1: default; 0: not for them."""
        best = 0
        for who in applies_to:
            if who == nationality:
                best = max(best, 3)
            elif who in self.groups and nationality in self.groups[who].members:
                best = max(best, 2)
            elif who == DEFAULT:
                best = max(best, 1)
        return best

    def for_person(self, host: str, nationality: str) -> tuple[LegalOption, ...]:
        """The options for this nationality in this host state: per kind, the most specific."""
        if host == nationality:
            return ()
        chosen: dict[str, tuple[int, list[LegalOption]]] = {}
        for option in self.options:
            if option.host != host:
                continue
            rank = self._rank(option.applies_to, nationality)
            if rank == 0:
                continue
            have = chosen.get(option.kind)
            if have is None or rank > have[0]:
                chosen[option.kind] = (rank, [option])
            elif rank == have[0]:
                have[1].append(option)
        # EAEU workers need no patent: a default patent row gives way to an EAEU work right.
        if "eaeu_work" in chosen:
            chosen.pop("patent", None)
            chosen.pop("work_permit", None)
        order = {kind: i for i, kind in enumerate(KINDS)}
        return tuple(o for kind in sorted(chosen, key=order.__getitem__) for o in chosen[kind][1])

    def help_for(self, host: str, nationality: str) -> tuple[HelpContact, ...]:
        return tuple(
            h
            for h in self.help
            if h.host in (host, ANY) and (not h.applies_to or nationality in h.applies_to)
        )


@cache
def builtin_legal_options() -> LegalOptions:
    text = files("rmis.reference").joinpath("data/legal_options.toml").read_text("utf-8")
    return parse_legal_options(text, builtin_stay_rules().groups, "built-in legal_options.toml")


def parse_legal_options(
    text: str, groups: Mapping[str, NationalityGroup], origin: str = "legal options"
) -> LegalOptions:
    try:
        doc = tomllib.loads(text)
    except tomllib.TOMLDecodeError as exc:
        raise LegalOptionsError(f"{origin}: not valid TOML: {exc}") from None
    if doc.get("format") != 1:
        raise LegalOptionsError(f"{origin}: expected `format = 1`, found {doc.get('format')!r}")
    options = tuple(
        _option(f"{origin}: option #{i}", row, groups)
        for i, row in enumerate(doc.get("option", []), 1)
    )
    contacts = tuple(
        _help(f"{origin}: help #{i}", row, groups) for i, row in enumerate(doc.get("help", []), 1)
    )
    return LegalOptions(options, contacts, dict(groups))


def _option(ctx: str, row: dict[str, Any], groups: Mapping[str, NationalityGroup]) -> LegalOption:
    _known(ctx, row, {"host", "applies_to", "kind", "needs", "where", "deadline_days",
                      "deadline_from", "source", "as_of", "notes"})  # fmt: skip
    deadline = row.get("deadline_days")
    if deadline is not None and (not isinstance(deadline, int) or deadline < 0):
        raise LegalOptionsError(f"{ctx}: deadline_days must be a whole number of days")
    return LegalOption(
        host=_code(ctx, row.get("host")),
        applies_to=_who(ctx, row.get("applies_to"), groups, required=True),
        kind=_one_of(ctx, "kind", row.get("kind"), KINDS),
        needs=tuple(_one_of(ctx, "needs", n, NEEDS) for n in row.get("needs", [])),
        where=_one_of(ctx, "where", row.get("where"), WHERE),
        deadline_days=deadline,
        deadline_from=_one_of(
            ctx, "deadline_from", row.get("deadline_from", "entry"), DEADLINE_FROM
        ),
        source=_required(ctx, row, "source"),
        as_of=_date(ctx, row.get("as_of")),
        notes=str(row.get("notes", "")),
    )


def _help(ctx: str, row: dict[str, Any], groups: Mapping[str, NationalityGroup]) -> HelpContact:
    _known(ctx, row, {"host", "name", "kind", "url", "applies_to", "source", "as_of", "notes"})
    host = row.get("host")
    url = _required(ctx, row, "url")
    if not url.startswith("https://"):
        raise LegalOptionsError(f"{ctx}: url must be an https:// address")
    return HelpContact(
        host=ANY if host == ANY else _code(ctx, host),
        name=_required(ctx, row, "name"),
        kind=_one_of(ctx, "kind", row.get("kind"), HELP_KINDS),
        url=url,
        applies_to=_who(ctx, row.get("applies_to", []), groups, required=False),
        source=_required(ctx, row, "source"),
        as_of=_date(ctx, row.get("as_of")),
        notes=str(row.get("notes", "")),
    )


def _known(ctx: str, row: dict[str, Any], keys: set[str]) -> None:
    unknown = set(row) - keys
    if unknown:
        raise LegalOptionsError(f"{ctx}: unknown field(s) {', '.join(sorted(unknown))}")


def _code(ctx: str, value: Any) -> str:
    if not isinstance(value, str) or not CODE.match(value):
        raise LegalOptionsError(f"{ctx}: host `{value}` is not a three-letter ICAO code")
    return value


def _who(
    ctx: str, value: Any, groups: Mapping[str, NationalityGroup], *, required: bool
) -> tuple[str, ...]:
    if not isinstance(value, list) or (required and not value):
        raise LegalOptionsError(f"{ctx}: applies_to must be a list of codes, groups or default")
    for who in value:
        if who != DEFAULT and who not in groups and not CODE.match(str(who)):
            raise LegalOptionsError(f"{ctx}: applies_to `{who}` is no code, group or default")
    return tuple(value)


def _one_of(ctx: str, name: str, value: Any, allowed: tuple[str, ...]) -> str:
    if value not in allowed:
        raise LegalOptionsError(f"{ctx}: {name} `{value}` is not one of {', '.join(allowed)}")
    return value


def _required(ctx: str, row: dict[str, Any], key: str) -> str:
    value = str(row.get(key, "")).strip()
    if not value:
        raise LegalOptionsError(f"{ctx}: `{key}` is required")
    return value


def _date(ctx: str, value: Any) -> date:
    if isinstance(value, date):
        return value
    try:
        return date.fromisoformat(str(value))
    except ValueError:
        raise LegalOptionsError(f"{ctx}: as_of `{value}` is not a date (YYYY-MM-DD)") from None
