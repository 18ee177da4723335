"""The page's fixed vocabulary, marked for the `stay` catalogue and translated where shown,
and the countries named in the reader's language (Babel's CLDR names, nothing to maintain)."""

from __future__ import annotations

from functools import cache

from babel import Locale
from markupsafe import Markup

from rmis.locales import N_
from rmis.reference.countries import lookup
from rmis.reference.stay_rules import StayRulesTable

STATUS = {
    "lawful": N_("Your stay is lawful."),
    "covered_by_permit": N_("A permit covers your stay."),
    "registration_overdue": N_(
        "Your registration was due. If you have not registered yet, do it now."
    ),
    "overstay": N_("You are over the allowed stay. Get advice now."),
    "no_allowance": N_("You have no days left. If you enter now, you break the rule."),
    "undetermined": N_("We do not know the stay limit for you. Ask the migration service."),
}
STATUS_CLASS = {
    "lawful": "ok",
    "covered_by_permit": "ok",
    "registration_overdue": "warn",
    "overstay": "bad",
    "no_allowance": "bad",
    "undetermined": "info",
}
OPTION = {
    "eaeu_work": N_("Work as a citizen of the Eurasian Economic Union"),
    "patent": N_("Work patent"),
    "work_permit": N_("Work permit"),
    "residence": N_("Longer stay and residence"),
    "no_work": N_("No work on a visit"),
}
NEEDS = {
    "passport": N_("passport"),
    "migration_card": N_("migration card"),
    "employment_contract": N_("employment contract"),
    "medical_certificate": N_("medical certificate"),
    "language_test": N_("language, history and law test"),
    "fingerprints": N_("fingerprints and photo at the migration office"),
    "health_insurance": N_("health insurance"),
    "tax_payment": N_("monthly tax payment"),
    "photo": N_("photo"),
    "host_notification": N_("notice of arrival by your host"),
}
WHERE = {
    "migration_service": N_("the migration service"),
    "labour_authority": N_("the labour office"),
    "employer": N_("your employer"),
    "local_executive": N_("the local administration (akimat)"),
}
HELP = {
    "migration_service": N_("Migration service"),
    "international": N_("International organisation"),
    "hotline": N_("Hotline"),
}
# The region first in the lists: who the page is for, then everyone else by name.
REGION = ("TJK", "UZB", "KGZ", "KAZ", "TKM", "RUS", "AFG")


@cache
def _names(language: str) -> dict[str, str]:
    return Locale.parse(language).territories


def country(code: str, language: str) -> str:
    """A country's name in the reader's language; the code when CLDR has no name for it."""
    found = lookup(code)
    alpha2 = found.alpha2 if found else None
    if alpha2:
        name = _names(language).get(alpha2)
        if name:
            return name
    return found.name if found else code


@cache
def _all_nationalities() -> tuple[str, ...]:
    from rmis.reference.countries import recordable_codes

    return tuple(sorted(c for c in recordable_codes() if len(c) == 3 and lookup(c).alpha2))


@cache
def nationalities(language: str) -> tuple[tuple[str, str], ...]:
    """(code, name) for the citizenship list: the region, then the rest by name."""
    rest = sorted(
        ((c, country(c, language)) for c in _all_nationalities() if c not in REGION),
        key=lambda cn: cn[1],
    )
    return tuple((c, country(c, language)) for c in REGION) + tuple(rest)


def hosts(table: StayRulesTable, language: str) -> tuple[tuple[str, str], ...]:
    ordered = [c for c in REGION if c in table.hosts()]
    ordered += sorted(table.hosts() - set(ordered))
    return tuple((c, country(c, language)) for c in ordered)


@cache
def _option_lines(items: tuple[tuple[str, str], ...]) -> tuple[Markup, ...]:
    return tuple(Markup('<option value="{}">{}</option>').format(c, n) for c, n in items)


def options_html(items: tuple[tuple[str, str], ...], chosen: str) -> Markup:
    """A country list's <option>s, built once per language (half a page's rendering time)."""
    lines = list(_option_lines(items))
    for i, (code, name) in enumerate(items):
        if code == chosen:
            lines[i] = Markup('<option value="{}" selected>{}</option>').format(code, name)
            break
    return Markup("\n").join(lines)
