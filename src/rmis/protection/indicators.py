"""What an officer may see or hear at first contact, the needs each suggests and the agencies
that meet them: data, not code, with plain descriptions an officer reads at the desk.

The trafficking indicators follow the IOM and UNODC indicator lists (documents held by someone
else, debt bondage, restricted movement, a controlling companion); statelessness follows ICAO
9303's codes for a person of no or unspecified nationality (XXA, XXB, XXC, XXX). No indicator
uses ethnicity, religion or the like: each is something the person did, said or carries.
"""

from __future__ import annotations

from dataclasses import dataclass

from rmis.locales import N_

NEEDS = ("asylum", "child_protection", "trafficking", "medical", "statelessness", "violence")
NEED_NAMES = {
    "asylum": N_("Asylum"),
    "child_protection": N_("Child protection"),
    "trafficking": N_("Trafficking"),
    "medical": N_("Medical care"),
    "statelessness": N_("Statelessness"),
    "violence": N_("Survivor of violence"),
}
# ICAO 9303 codes for no or unspecified nationality: stateless (XXA), refugee under the 1951
# Convention (XXB), refugee otherwise (XXC), unspecified (XXX).
STATELESS_CODES = frozenset({"XXA", "XXB", "XXC", "XXX"})
ADULT_AGE = 18


@dataclass(frozen=True, slots=True)
class Indicator:
    code: str
    description: str  # marked with N_, translated where shown
    needs: tuple[str, ...]


INDICATORS: tuple[Indicator, ...] = (
    Indicator("asks_asylum", N_("Asks for asylum or says they fear going back"), ("asylum",)),
    Indicator(
        "child_alone",
        N_("A child alone or separated: no parent or carer travels with them"),
        ("child_protection",),
    ),
    Indicator(
        "documents_held",
        N_("Someone else holds their passport or documents"),
        ("trafficking",),
    ),
    Indicator(
        "debt_to_recruiter",
        N_("Owes money to a recruiter or to whoever organised the journey"),
        ("trafficking",),
    ),
    Indicator(
        "not_free",
        N_("Not free to move or to speak for themselves"),
        ("trafficking",),
    ),
    Indicator(
        "controlling_companion",
        N_("Travels in a group with one companion who speaks and decides for all"),
        ("trafficking",),
    ),
    Indicator(
        "stateless",
        N_("Stateless, or without any travel document"),
        ("statelessness",),
    ),
    Indicator("medical_need", N_("Needs medical care now"), ("medical",)),
    Indicator(
        "survivor_of_violence",
        N_("Has survived violence, or says so"),
        ("violence", "medical"),
    ),
)
BY_CODE = {i.code: i for i in INDICATORS}


@dataclass(frozen=True, slots=True)
class Agency:
    code: str
    name: str  # marked with N_
    needs: tuple[str, ...]


# The kinds of receiving agency every state has (UNHCR 10-Point Plan, chapter 5); a state's own
# list names its own bodies under these codes.
AGENCIES: tuple[Agency, ...] = (
    Agency("asylum_authority", N_("Asylum authority"), ("asylum", "statelessness")),
    Agency("child_protection_service", N_("Child-protection service"), ("child_protection",)),
    Agency("anti_trafficking_unit", N_("Anti-trafficking unit"), ("trafficking",)),
    Agency("medical_service", N_("Medical service"), ("medical", "violence")),
    Agency(
        "unhcr_partner",
        N_("UNHCR partner"),
        ("asylum", "statelessness", "child_protection", "violence"),
    ),
    Agency("iom_partner", N_("IOM partner"), ("trafficking", "child_protection", "violence")),
)
AGENCY_BY_CODE = {a.code: a for a in AGENCIES}


def needs_of(codes: list[str] | tuple[str, ...]) -> list[str]:
    """The needs the indicators suggest, in NEEDS' order, each once."""
    wanted = {need for code in codes for need in BY_CODE[code].needs}
    return [need for need in NEEDS if need in wanted]


def agencies_for(need: str) -> list[Agency]:
    return [a for a in AGENCIES if need in a.needs]
