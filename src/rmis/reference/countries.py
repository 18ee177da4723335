"""ICAO 9303 country codes: ISO 3166-1 alpha-3 plus the codes only ICAO uses.

An MRZ names its issuing state and the holder's nationality with three letters (Doc 9303
Part 3, section 5). Most are ISO 3166-1 alpha-3, read here from pycountry rather than
transcribed. The rest are listed in Doc 9303 Part 3 (8th edition, 2021), section 5, tables
A-H, transcribed below table by table: Germany's one-letter ``D``, the British nationality
classes, UN and other issuing organisations, the codes for people with no nationality to
state, two ISO codes withdrawn but still found on documents, and ``UTO`` (Utopia), the
fictional state of the specimens printed in Doc 9303 itself.

Codes are given without MRZ filler: Germany is ``"D"``, not ``"D<<"``.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Literal

import pycountry

Kind = Literal["iso", "icao", "specimen"]


@dataclass(frozen=True, slots=True)
class Country:
    """One code an MRZ may carry, what it names and where the code comes from."""

    code: str
    name: str
    kind: Kind
    alpha2: str | None = None


# Doc 9303 Part 3 (8th ed.), section 5. (code, name, ISO alpha-2 of the state it belongs to).
_ICAO_ONLY: tuple[tuple[str, str, str | None], ...] = (
    # Table A: codes that are not ISO 3166-1 alpha-3. Germany writes D in the MRZ, not DEU.
    ("D", "Germany", "DE"),
    ("GBD", "British Overseas Territories Citizen", "GB"),
    ("GBN", "British National (Overseas)", "GB"),
    ("GBO", "British Overseas Citizen", "GB"),
    ("GBP", "British Protected Person", "GB"),
    ("GBS", "British Subject", "GB"),
    # Kosovo: listed by ICAO; XK is only a user-assigned ISO alpha-2 element.
    ("RKS", "Kosovo", "XK"),
    # Table B: reserved by the ISO 3166 maintenance agency.
    ("EUE", "European Union", None),
    # Table C: United Nations travel documents.
    ("UNO", "United Nations Organization or one of its officials", None),
    ("UNA", "Specialized agency of the United Nations or one of its officials", None),
    ("UNK", "Resident of Kosovo with a travel document issued by UNMIK", None),
    # Table D: other issuing organisations.
    ("XBA", "African Development Bank (AfDB)", None),
    ("XIM", "African Export-Import Bank (AFREXIM Bank)", None),
    ("XCC", "Caribbean Community or one of its emissaries (CARICOM)", None),
    ("XCE", "Council of Europe", None),
    ("XCO", "Common Market for Eastern and Southern Africa (COMESA)", None),
    ("XEC", "Economic Community of West African States (ECOWAS)", None),
    ("XPO", "International Criminal Police Organization (INTERPOL)", None),
    ("XES", "Organization of Eastern Caribbean States (OECS)", None),
    ("XMP", "Parliamentary Assembly of the Mediterranean (PAM)", None),
    ("XOM", "Sovereign Military Order of Malta or one of its emissaries", None),
    ("XDC", "Southern African Development Community (SADC)", None),
    # Table E: persons without a defined nationality (nationality field only, in practice).
    ("XXA", "Stateless person (1954 Convention)", None),
    ("XXB", "Refugee (1951 Convention and 1967 Protocol)", None),
    ("XXC", "Refugee, other than under XXB", None),
    ("XXX", "Person of unspecified nationality", None),
    # Table F: withdrawn from ISO 3166-1, kept because documents outlive the registry.
    ("ANT", "Netherlands Antilles", "AN"),
    ("NTZ", "Neutral Zone", "NT"),
    # Table H: used by ICAO itself (master lists).
    ("IAO", "International Civil Aviation Organization", None),
)

# Table G: the specimen state. A document from Utopia is a sample, never a traveller's.
SPECIMEN_CODE = "UTO"


def _build() -> tuple[dict[str, Country], dict[str, str]]:
    table: dict[str, Country] = {}
    by_alpha2: dict[str, str] = {}
    for c in pycountry.countries:
        name = getattr(c, "common_name", None) or c.name
        table[c.alpha_3] = Country(c.alpha_3, name, "iso", c.alpha_2)
        by_alpha2[c.alpha_2] = c.alpha_3
    for code, name, alpha2 in _ICAO_ONLY:
        table[code] = Country(code, name, "icao", alpha2)
    table[SPECIMEN_CODE] = Country(SPECIMEN_CODE, "Utopia (ICAO specimen)", "specimen")
    # ICAO, not ISO, decides what a German MRZ says: DE maps to D (DEU stays a known code).
    by_alpha2["DE"] = "D"
    by_alpha2["XK"] = "RKS"
    return table, by_alpha2


_TABLE, _BY_ALPHA2 = _build()


def lookup(code: str) -> Country | None:
    """The country or organisation an MRZ code names, or None if the code is unknown.

    Trailing MRZ filler is ignored, so ``lookup("D<<")`` finds Germany.
    """
    return _TABLE.get(code.rstrip("<"))


def is_icao_code(code: str) -> bool:
    """True if `code` may appear as issuing state or nationality in an MRZ (UTO included)."""
    return code.rstrip("<") in _TABLE


def country_name(code: str) -> str | None:
    """English short name for an MRZ code, or None if unknown."""
    found = _TABLE.get(code.rstrip("<"))
    return found.name if found else None


def code_kind(code: str) -> Kind | None:
    """``"iso"``, ``"icao"`` or ``"specimen"``; None if unknown."""
    found = _TABLE.get(code.rstrip("<"))
    return found.kind if found else None


def is_specimen(code: str) -> bool:
    return code.rstrip("<") == SPECIMEN_CODE


def icao_from_alpha2(alpha2: str) -> str:
    """ICAO code for an ISO 3166-1 alpha-2 code (the reference CSVs use alpha-2).

    ``KZ -> KAZ``, ``DE -> D`` (ICAO's code for Germany), ``XK -> RKS``.
    Raises KeyError for an unknown alpha-2 code.
    """
    try:
        return _BY_ALPHA2[alpha2.upper()]
    except KeyError:
        raise KeyError(f"unknown ISO 3166-1 alpha-2 code: {alpha2!r}") from None


def all_codes() -> frozenset[str]:
    """Every code accepted in an MRZ."""
    return frozenset(_TABLE)


# What the record takes as a state (issuing state, nationality, host state). Every code of
# Doc 9303 but the specimen UTO: a Utopian document at a live BCP is a test or a training card,
# not a person's, and counting it as a traveller would put fiction into the statistics. The MRZ
# reader still reads UTO and shows it as a finding (documents/); the record refuses it.
UNKNOWN_COUNTRY = "unknown_country"
SPECIMEN_COUNTRY = "specimen_country"
_RECORDABLE = frozenset(_TABLE) - {SPECIMEN_CODE}


def recordable_codes() -> frozenset[str]:
    """Every code the record accepts as a state: as written in Doc 9303, without MRZ filler."""
    return _RECORDABLE


def code_problem(field: str, code: str) -> tuple[str, str] | None:
    """Why `code`, given as `field`, cannot name a state in the record: (stable code, reason).

    None when it can. Codes are taken exactly as Doc 9303 writes them (``KAZ``, ``D``): a
    lower-case or filler-padded spelling of a real code is refused with a hint, because storing
    two spellings would make two documents of one passport.
    """
    if code in _RECORDABLE:
        return None
    if is_specimen(code.upper()):
        return SPECIMEN_COUNTRY, (
            f"{field} {code!r} is ICAO's specimen state (Utopia), found only on sample "
            "documents: it names no real state, and a document from it is a test, not a traveller's"
        )
    reason = f"{field} {code!r} is not an ICAO 9303 country code"
    canonical = code.strip().upper().rstrip("<")
    if canonical in _RECORDABLE:
        reason += f" as the record writes them; write {canonical!r}"
    return UNKNOWN_COUNTRY, reason
