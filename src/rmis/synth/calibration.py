"""What the synthetic region is calibrated on: published yearly entries per corridor and stocks.

Every corridor carries the figure it was sized from and where that figure was published (the
rows of ../shared/data/flows.csv and migrant_stocks.csv). Where no figure was found the corridor
says `assumed` and why; those are the generator's own guesses, kept small and listed so that a
reader can tell them apart. The behaviour mix of a corridor (which share of its entries comes
from seasonal workers, border residents, shuttle traders...) is likewise tied to a published
share where one exists (Russia's work entries by citizenship, Q1 2023).
"""

from __future__ import annotations

from dataclasses import dataclass, field
from types import MappingProxyType

BEHAVIOURS = ("short_visit", "transit", "local_border", "circular", "seasonal", "long_term")

FSB_2023 = (
    "https://hurriyet.de/news/aktuelles/russland-zahl-der-auslaendischen-touristen-steigt-"
    "tuerkei-auf-platz-3-13378596 (RBC/FSB, 2023 entries into Russia)"
)
WORK_Q1_2023 = "https://fergana.media/news/130084/?country=uz (work entries, Q1 2023)"
MVD_KZ_2022 = "https://www.inform.kz/en/over-5-mln-foreigners-entered-kazakhstan-this-year_a4016822"
KZ_TOURISM_2023 = "flows.csv: KZ foreign tourists accommodated Jan-Sep 2023 (stat.gov.kz via press)"
UZ_VISITORS_2023 = "flows.csv: UZ foreign visitors Jan-Jul 2023 (Statistics Agency via press)"
UZ_KG_2022 = "flows.csv: UZ visits from Kyrgyzstan, full year 2022"
KG_STUDENTS = (
    "https://24.kg/english/228582_Most_foreign_students_in_Kyrgyz_universities_are_citizens"
    " (foreign students in Kyrgyzstan, 2022)"
)
KZ_PERMITS = (
    "https://inform.kz/ru/gde-v-kazahstane-prozhivaet-bol-she-vsego-inostrancev_a4109475"
    " (temporary residence permits 2023)"
)
UNHCR_2022 = "refugees_asylum.csv: UNHCR end-2022 stocks (Afghan asylum seekers and refugees)"


@dataclass(frozen=True, slots=True)
class Corridor:
    """Entries of citizens of `nationality` into `host` in a year, and who makes them."""

    nationality: str  # ICAO code
    host: str  # ICAO code
    entries_per_year: int  # published (or annualised, or assumed: see `basis`)
    basis: str  # how the figure was read: "2023 full year", "Jan-Jul 2023 x 12/7", "assumed: ..."
    source: str
    # Share of the corridor's entries made by each behaviour (sums to 1).
    mix: MappingProxyType = field(default_factory=lambda: MappingProxyType({}))
    # Purposes of short visits on this corridor (sums to 1).
    visit_purposes: MappingProxyType = field(
        default_factory=lambda: MappingProxyType({"private": 0.6, "tourism": 0.3, "business": 0.1})
    )

    @property
    def assumed(self) -> bool:
        return self.basis.startswith("assumed")


def _c(nat, host, entries, basis, source, mix, purposes=None) -> Corridor:
    extra = {} if purposes is None else {"visit_purposes": MappingProxyType(purposes)}
    return Corridor(nat, host, entries, basis, source, MappingProxyType(mix), **extra)


# Russia's work entries were 77 % (UZB), 68 % (TJK), 71 % (KGZ) and 6 % (KAZ) of all entries in
# Q1 2023 (derived in FACTS.md from WORK_Q1_2023): the seasonal share below follows them, less
# the part that long-term residents and shuttle traders make.
CORRIDORS: tuple[Corridor, ...] = (
    _c(
        "KAZ",
        "RUS",
        3_160_000,
        "2023 full year",
        FSB_2023,
        {
            "short_visit": 0.62,
            "local_border": 0.18,
            "circular": 0.12,
            "seasonal": 0.04,
            "long_term": 0.04,
        },
    ),
    _c(
        "UZB",
        "RUS",
        3_110_000,
        "2023 full year",
        FSB_2023,
        {"seasonal": 0.72, "short_visit": 0.18, "circular": 0.05, "long_term": 0.05},
        {"private": 0.8, "tourism": 0.1, "business": 0.1},
    ),
    _c(
        "TJK",
        "RUS",
        2_150_000,
        "2023 full year",
        FSB_2023,
        {"seasonal": 0.64, "short_visit": 0.27, "circular": 0.04, "long_term": 0.05},
        {"private": 0.85, "tourism": 0.05, "business": 0.1},
    ),
    _c(
        "KGZ",
        "RUS",
        1_140_000,
        "2023 full year",
        FSB_2023,
        {"seasonal": 0.66, "short_visit": 0.25, "circular": 0.04, "long_term": 0.05},
        {"private": 0.8, "tourism": 0.1, "business": 0.1},
    ),
    _c(
        "CHN",
        "RUS",
        790_000,
        "2023 full year",
        FSB_2023,
        {"short_visit": 0.85, "circular": 0.1, "long_term": 0.05},
        {"tourism": 0.75, "business": 0.2, "study": 0.05},
    ),
    _c(
        "RUS",
        "KAZ",
        2_900_000,
        "2022 to 26 Dec",
        MVD_KZ_2022,
        {"short_visit": 0.62, "local_border": 0.2, "circular": 0.1, "long_term": 0.08},
    ),
    _c(
        "UZB",
        "KAZ",
        2_300_000,
        "2022 to 26 Dec",
        MVD_KZ_2022,
        {
            "seasonal": 0.3,
            "short_visit": 0.3,
            "local_border": 0.25,
            "circular": 0.1,
            "long_term": 0.05,
        },
    ),
    _c(
        "KGZ",
        "KAZ",
        730_000,
        "2022 to 26 Dec",
        MVD_KZ_2022,
        {
            "short_visit": 0.38,
            "local_border": 0.35,
            "circular": 0.12,
            "seasonal": 0.1,
            "long_term": 0.05,
        },
    ),
    _c(
        "TJK",
        "KAZ",
        330_000,
        "2022 to 26 Dec",
        MVD_KZ_2022,
        {"seasonal": 0.4, "short_visit": 0.52, "long_term": 0.08},
    ),
    _c(
        "TUR",
        "KAZ",
        90_000,
        "2022 to 26 Dec",
        MVD_KZ_2022,
        {"short_visit": 0.9, "long_term": 0.1},
        {"business": 0.5, "tourism": 0.4, "private": 0.1},
    ),
    _c(
        "CHN",
        "KAZ",
        100_000,
        "Jan-Sep 2023 tourists (75,131) x 12/9",
        KZ_TOURISM_2023,
        {"short_visit": 0.7, "circular": 0.25, "long_term": 0.05},
        {"tourism": 0.5, "business": 0.5},
    ),
    _c(
        "IND",
        "KAZ",
        46_000,
        "Jan-Sep 2023 tourists (34,757) x 12/9",
        KZ_TOURISM_2023,
        {"short_visit": 1.0},
        {"tourism": 0.8, "business": 0.2},
    ),
    _c(
        "USA",
        "KAZ",
        37_500,
        "Jan-Sep 2023 tourists (28,160) x 12/9",
        KZ_TOURISM_2023,
        {"short_visit": 1.0},
        {"tourism": 0.7, "business": 0.3},
    ),
    _c(
        "TJK",
        "UZB",
        1_974_000,
        "Jan-Jul 2023 (1,151,400) x 12/7",
        UZ_VISITORS_2023,
        {"short_visit": 0.55, "local_border": 0.35, "circular": 0.1},
        {"private": 0.9, "tourism": 0.05, "business": 0.05},
    ),
    _c(
        "KGZ",
        "UZB",
        1_350_000,
        "2022 full year",
        UZ_KG_2022,
        {"short_visit": 0.45, "local_border": 0.4, "circular": 0.15},
        {"private": 0.9, "tourism": 0.05, "business": 0.05},
    ),
    _c(
        "KAZ",
        "UZB",
        1_507_000,
        "Jan-Jul 2023 (879,000) x 12/7",
        UZ_VISITORS_2023,
        {"short_visit": 0.6, "local_border": 0.3, "circular": 0.1},
        {"private": 0.85, "tourism": 0.1, "business": 0.05},
    ),
    _c(
        "RUS",
        "UZB",
        716_000,
        "Jan-Jul 2023 (417,400) x 12/7",
        UZ_VISITORS_2023,
        {"short_visit": 0.92, "long_term": 0.08},
        {"private": 0.5, "tourism": 0.4, "business": 0.1},
    ),
    _c(
        "TKM",
        "UZB",
        68_000,
        "Jan-Jul 2023 (39,600) x 12/7",
        UZ_VISITORS_2023,
        {"short_visit": 0.45, "circular": 0.45, "local_border": 0.1},
        {"private": 0.5, "business": 0.4, "tourism": 0.1},
    ),
    _c(
        "TUR",
        "UZB",
        99_000,
        "Jan-Jul 2023 (58,000) x 12/7",
        UZ_VISITORS_2023,
        {"short_visit": 1.0},
        {"business": 0.5, "tourism": 0.5},
    ),
    _c(
        "IND",
        "UZB",
        34_000,
        "Jan-Jul 2023 (20,000) x 12/7",
        UZ_VISITORS_2023,
        {"short_visit": 1.0},
        {"tourism": 0.8, "business": 0.2},
    ),
    _c(
        "CHN",
        "UZB",
        30_000,
        "Jan-Jul 2023 (17,700) x 12/7",
        UZ_VISITORS_2023,
        {"short_visit": 1.0},
        {"business": 0.6, "tourism": 0.4},
    ),
    _c(
        "KAZ",
        "KGZ",
        700_000,
        "assumed: no published figure; the mirror of KGZ entries into KAZ (730,000 in 2022)",
        "",
        {"short_visit": 0.6, "local_border": 0.3, "circular": 0.1},
        {"tourism": 0.5, "private": 0.4, "business": 0.1},
    ),
    _c(
        "UZB",
        "KGZ",
        1_000_000,
        "assumed: no published figure; below the mirror (1.35 M KGZ visits to UZB, 2022)",
        "",
        {"short_visit": 0.4, "local_border": 0.45, "circular": 0.15},
        {"private": 0.85, "business": 0.15},
    ),
    _c(
        "CHN",
        "KGZ",
        60_000,
        "assumed: no published figure (Torugart, Irkeshtam traders)",
        "",
        {"circular": 0.6, "short_visit": 0.4},
        {"business": 0.8, "tourism": 0.2},
    ),
    _c(
        "UZB",
        "TJK",
        900_000,
        "assumed: no published figure; below the mirror (1.97 M TJK visits to UZB)",
        "",
        {"short_visit": 0.55, "local_border": 0.35, "circular": 0.1},
        {"private": 0.9, "business": 0.1},
    ),
    _c(
        "AFG",
        "TJK",
        12_000,
        "assumed: no published figure; small cross-river trade and visits",
        "",
        {"short_visit": 0.6, "circular": 0.4},
        {"business": 0.6, "private": 0.4},
    ),
    _c(
        "AFG",
        "UZB",
        9_000,
        "flows.csv: AFG commerce visits to UZB Jan-Oct 2023 (1,400), assumed x6 for all purposes",
        UZ_VISITORS_2023,
        {"short_visit": 0.5, "circular": 0.5},
        {"business": 0.7, "private": 0.3},
    ),
    _c(
        "UZB",
        "TKM",
        30_000,
        "assumed: no published figure (visa regime; transit and trade)",
        "",
        {"short_visit": 0.7, "circular": 0.3},
        {"business": 0.6, "private": 0.4},
    ),
    _c(
        "IRN",
        "TKM",
        25_000,
        "assumed: no published figure (Sarakhs, Bajgiran traders)",
        "",
        {"circular": 0.6, "short_visit": 0.4},
        {"business": 0.8, "private": 0.2},
    ),
    _c(
        "AZE",
        "KAZ",
        30_550 * 3,
        "1 Jan-10 May 2024 (30,550) x 3",
        "flows.csv: NSC Border Service entries into KAZ, 1 Jan-10 May 2024",
        {"short_visit": 0.8, "circular": 0.2},
        {"business": 0.6, "private": 0.4},
    ),
)


# Journeys through a transit state within days (no published figures: FACTS.md section 5
# found none, only an IOM study of 2006). Yearly journeys, assumed, kept modest.
@dataclass(frozen=True, slots=True)
class TransitRoute:
    nationality: str
    path: tuple[str, ...]  # origin, transit state(s), destination
    journeys_per_year: int
    basis: str


TRANSIT_ROUTES: tuple[TransitRoute, ...] = (
    TransitRoute("KGZ", ("KGZ", "KAZ", "RUS"), 60_000, "assumed: road route Bishkek-Almaty-Russia"),
    TransitRoute("UZB", ("UZB", "KAZ", "RUS"), 90_000, "assumed: road and rail Tashkent-Russia"),
    TransitRoute(
        "TJK", ("TJK", "UZB", "KAZ", "RUS"), 30_000, "assumed: road route Dushanbe-Tashkent-Russia"
    ),
    TransitRoute(
        "IND",
        ("IND", "KGZ", "KAZ", "RUS"),
        6_000,
        "assumed: South Asian route through Kyrgyzstan and Kazakhstan (FACTS.md 5)",
    ),
    TransitRoute(
        "PAK",
        ("PAK", "KGZ", "KAZ", "RUS"),
        4_000,
        "assumed: South Asian route through Kyrgyzstan and Kazakhstan (FACTS.md 5)",
    ),
    TransitRoute("AFG", ("AFG", "UZB", "KAZ"), 3_000, "assumed: Termez-Tashkent-Kazakhstan"),
    TransitRoute("CHN", ("CHN", "KAZ", "RUS"), 20_000, "assumed: Khorgos-Russia road freight"),
)


@dataclass(frozen=True, slots=True)
class LongTermStock:
    nationality: str
    host: str
    people: int
    purpose: str  # residence or study
    basis: str


# Residents and students present for the whole period (stocks, not entries).
LONG_TERM_STOCKS: tuple[LongTermStock, ...] = (
    LongTermStock("UZB", "KGZ", 38_857, "study", KG_STUDENTS),
    LongTermStock("IND", "KGZ", 14_461, "study", KG_STUDENTS),
    LongTermStock("PAK", "KGZ", 9_758, "study", KG_STUDENTS),
    LongTermStock("UZB", "KAZ", 212_445, "residence", KZ_PERMITS),
    LongTermStock(
        "RUS",
        "KAZ",
        40_000,
        "residence",
        "assumed: part of the 314,741 temporary residence permits of 2023 not to UZB",
    ),
)

# Asylum seekers arriving in a year (UNHCR end-2022 stocks: TJK 1,113 Afghan asylum seekers,
# UZB 13,026 Afghan refugees; a yearly inflow of a fraction of those stocks is assumed).
ASYLUM_ARRIVALS_PER_YEAR = MappingProxyType({("AFG", "TJK"): 1_500, ("AFG", "UZB"): 800})

# Entry refusals: 55,000 in Q1 2023 against 3.27 M entries into Russia (FACTS.md 2.6): 1.7 %.
REFUSAL_RATE = MappingProxyType({"RUS": 0.017, "KAZ": 0.004, "UZB": 0.003, "KGZ": 0.003,
                                 "TJK": 0.004, "TKM": 0.02})  # fmt: skip
# Reasons of refusals (codes of reference/refusal_reasons.csv): entry bans dominate at the
# Russian border (FACTS.md 2.6: re-entry bans on hundreds of thousands of Central Asians).
REFUSAL_REASONS = MappingProxyType({"H": 0.5, "E": 0.2, "C": 0.12, "A": 0.08, "G": 0.06,
                                    "B": 0.04})  # fmt: skip

# Irregularity. Russia: about 700,000 illegally present in 2024 (FACTS.md 2.6) against some
# 4 M labour migrants from the region: a sixth of seasonal workers work without a patent.
IRREGULAR_WORK_SHARE = 0.17
# Of those, the share who stay on past their lawful stay (the rest leave within it).
IRREGULAR_OVERSTAY_SHARE = 0.5
# Short visitors who overstay (assumed; no figure found).
SHORT_VISIT_OVERSTAY_SHARE = 0.015

# The Central Asian states and their big neighbours, which keep their own records.
RECORDING_STATES = ("KAZ", "KGZ", "TJK", "TKM", "UZB", "RUS", "CHN", "AFG", "IRN", "AZE")
