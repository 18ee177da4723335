"""Names the synthetic travellers carry, how often each is borne, and how each issuing state
writes them in the MRZ.

Each nationality has a pool of surnames and of given names per sex, in the national script
(Cyrillic for Kazakh, Kyrgyz, Tajik, Uzbek and Russian names; Latin where the state writes
Latin), drawn with a frequency that falls with rank as a power law (name_data.py holds the
names and the published figures; docs/synthetic-region.md, "Names", the sources). Surnames
are held in the male form; each has its female form (Каримова, Ахметқызы, Асан кызы) as the
region's documents write them.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from datetime import date
from functools import cache, lru_cache

import numpy as np

from rmis.names import transliterate
from rmis.synth.name_data import (
    AFFIXES,
    CHN_ONE_SYLLABLE,
    CHN_SURNAMES,
    CHN_SYLLABLES,
    CHN_TOP100_SHARE,
    CHN_TOP_SHARES,
    EARLIER_SURNAMES,
    FORMS,
    GIVEN,
    KAZ_SURNAME_COUNTS,
    ROOTS,
    RUS_SURNAMES,
    SMALL_POOLS,
)

# How common the n-th commonest surname is: proportional to n ** -SURNAME_EXPONENT. The
# exponent is the slope of log(bearers) on log(rank) of Kazakhstan's 26 commonest surnames of
# Kazakh form (name_data.KAZ_SURNAME_COUNTS: 0.54; 0.53 over all 33), applied to every people
# of the region (assumed: no such list was found for the others).
SURNAME_EXPONENT = 0.54
# The commonest given name of each people and sex holds this share (Uzbekistan's 2018 births:
# Mustafo 7,785 and Soliha 7,030 of 768,300 children, about 2 % of each sex; Agency of public
# services via Kun.uz); the others follow a power law of rank fitted to it.
GIVEN_TOP_SHARE = 0.02
# Chinese surnames below the published top three: the exponent that gives rank 10 the share
# of "above 20 million" (1.6 %) and the hundred their published 84.77 %.
CHN_EXPONENT = 0.78
_VOWELS = frozenset("аәеёиоөуұүыіэюяўӣӯaeiouy")


@dataclass(frozen=True, slots=True)
class Names:
    """Names with how often each is borne: `cdf` the cumulative shares (the last is 1)."""

    names: tuple[str, ...]
    cdf: np.ndarray

    @classmethod
    def weighted(cls, names: Sequence[str], weights: Sequence[float] | np.ndarray) -> Names:
        cdf = np.cumsum(np.asarray(weights, np.float64))
        return cls(tuple(names), cdf / cdf[-1])

    def shares(self) -> np.ndarray:
        return np.diff(np.r_[0.0, self.cdf])

    def pick(self, u: np.ndarray) -> np.ndarray:
        """The index of the name each uniform draw in [0, 1) falls on."""
        return np.minimum(np.searchsorted(self.cdf, u, side="right"), len(self.names) - 1)


@dataclass(frozen=True, slots=True)
class Pool:
    surnames: Names  # male forms
    female_surnames: tuple[str, ...]  # the female form of each, in the same order
    male: Names
    female: Names


def power_law(n: int, exponent: float) -> np.ndarray:
    return np.arange(1, n + 1, dtype=np.float64) ** -exponent


def top_share_exponent(n: int, top: float = GIVEN_TOP_SHARE) -> float:
    """The exponent of a power law of rank over n names whose first holds `top` (0, uniform,
    when n names cannot share less)."""
    if n * top <= 1:
        return 0.0
    lo, hi = 0.0, 4.0
    for _ in range(60):  # the first name's share grows with the exponent
        mid = (lo + hi) / 2
        weights = power_law(n, mid)
        lo, hi = (mid, hi) if weights[0] / weights.sum() < top else (lo, mid)
    return (lo + hi) / 2


def _given(names: Sequence[str]) -> Names:
    return Names.weighted(names, power_law(len(names), top_share_exponent(len(names))))


_FEMININE_ENDINGS = (("ский", "ская"), ("ов", "ова"), ("ёв", "ёва"), ("ев", "ева"),
                     ("ин", "ина"), ("ұлы", "қызы"), (" уулу", " кызы"))  # fmt: skip


def feminine(surname: str) -> str:
    """The female form of a surname (Каримов -> Каримова, Ахметұлы -> Ахметқызы, Асан уулу ->
    Асан кызы); forms without one (Раҳмонзода, Серік, WANG) unchanged."""
    for male, female in _FEMININE_ENDINGS:
        if surname.endswith(male):
            return surname[: -len(male)] + female
    if surname.endswith(("ov", "yev", "ev")) and surname[0].isupper() and surname[1:].islower():
        return surname + "a"  # Turkmen Latin surnames follow the same pattern
    return surname


def with_suffix(root: str, suffix: str) -> str:
    """A forefather's name with a surname suffix: -ов after a consonant, -ев after a vowel, Й
    or a hissing consonant (Жұмабай -> Жұмабаев, Эргаш -> Эргашев); Turkmen -ov, -yev."""
    last = root[-1].lower()
    if suffix == "ов":
        if last == "й":
            return root[:-1] + "ев"
        return root + ("ев" if last in _VOWELS or last in "жшчщц" else "ов")
    if suffix == "ov":
        return root + ("yev" if last in _VOWELS else "ov")
    return root + suffix


def _generated(nationality: str) -> list[tuple[float, str]]:
    """Surnames made from forefathers' names, each with its rank: the forefathers in order
    (the names of the generation of 1900, today's given names, then those not already compound
    with the people's name-forming endings), each form at its rank divided by its share of the
    main form's (a form a tenth as common comes ten times further down)."""
    roots = list(dict.fromkeys((*ROOTS[nationality], *GIVEN[nationality]["M"])))
    endings = AFFIXES[nationality]
    affixed = [r + a for r in roots if len(r) <= 6 and not r.endswith(endings) for a in endings]
    forms = FORMS[nationality]
    main = forms[0][1]
    out = []
    for rank, root in enumerate(dict.fromkeys(roots + affixed), start=1):
        for suffix, share in forms:
            if suffix == "ӣ" and root[-1].lower() in _VOWELS:
                continue  # the Tajik -ӣ follows consonants
            out.append((rank * main / share, with_suffix(root, suffix)))
    return out


def _surnames(head: Sequence[str], tail: Sequence[str]) -> Names:
    names = list(dict.fromkeys((*head, *tail)))
    return Names.weighted(names, power_law(len(names), SURNAME_EXPONENT))


def _chinese() -> Pool:
    # The published top three as published, the rest of the hundred on a power law of rank
    # scaled to the hundred's published share; pinyin homophones meet in one name. The other
    # surnames (15 % of people) are left out: the hundred are scaled up to hold everyone.
    top = np.array(CHN_TOP_SHARES)
    rest = power_law(len(CHN_SURNAMES), CHN_EXPONENT)[len(top) :]
    rest *= (CHN_TOP100_SHARE - top.sum()) / rest.sum()
    shares: dict[str, float] = {}
    for name, share in zip(CHN_SURNAMES, np.r_[top, rest], strict=True):
        shares[name] = shares.get(name, 0.0) + float(share)
    surnames = Names.weighted(list(shares), list(shares.values()))
    given = {}
    for sex, syllables in CHN_SYLLABLES.items():
        weights = power_law(len(syllables), 0.5)
        weights /= weights.sum()
        names = list(syllables) + [a + b for a in syllables for b in syllables]
        combined = np.r_[CHN_ONE_SYLLABLE * weights,
                         (1 - CHN_ONE_SYLLABLE) * np.outer(weights, weights).ravel()]  # fmt: skip
        given[sex] = Names.weighted(names, combined)
    return Pool(surnames, surnames.names, given["M"], given["F"])


@cache
def pool_for(nationality: str) -> Pool:
    """The names of a nationality; the long tail without names of its own borrows Turkish."""
    if nationality == "CHN":
        return _chinese()
    if nationality not in GIVEN:
        small = SMALL_POOLS.get(nationality) or SMALL_POOLS["TUR"]
        surnames = _surnames(small["surname"], ())
        return Pool(
            surnames,
            tuple(feminine(s) for s in surnames.names),
            _given(small["M"]),
            _given(small["F"]),
        )
    if nationality == "RUS":
        head: tuple[str, ...] = ()
        tail: list[str] = list(RUS_SURNAMES)
    else:
        head = tuple(name for name, _ in KAZ_SURNAME_COUNTS) if nationality == "KAZ" else ()
        head += EARLIER_SURNAMES[nationality]
        tail = [name for _, name in sorted(_generated(nationality), key=lambda x: x[0])]
    surnames = _surnames(head, tail)
    return Pool(
        surnames,
        tuple(feminine(s) for s in surnames.names),
        _given(GIVEN[nationality]["M"]),
        _given(GIVEN[nationality]["F"]),
    )


# Kazakhstan's 2021 Latin alphabet on passports (docs/synthetic-region.md, "Spelling changes"):
# the government's transition plan put passports and identity cards in the Latin alphabet in
# its second stage, 2021-2023; the alphabet itself was approved on 28 January 2021. Passports
# issued from the first full year after it spell names in it, folded to A-Z for the MRZ. No
# evidence was found that issuing actually switched: this is the scenario linkage must survive.
KAZ_LATIN_MRZ_FROM = date(2022, 1, 1)


def mrz_system(
    issuing_state: str, issued: date, kaz_latin_from: date | None = KAZ_LATIN_MRZ_FROM
) -> str | None:
    """The transliteration system an issuing state used for the MRZ on the day of issue.

    Russia: MVD order 310 (1997) until the ICAO 9303 table (FMS order 320, 2013); Kazakhstan:
    the passport system until `kaz_latin_from`, then the 2021 Latin alphabet folded to A-Z (None:
    never); the others their national passport systems, which did not change in the MRZ over
    the period (see rmis.names.SYSTEMS). None: the name is already Latin.
    """
    if issuing_state == "RUS":
        return "mvd_310_mrz" if issued < date(2013, 1, 1) else "icao_9303"
    if issuing_state == "KAZ" and kaz_latin_from is not None and issued >= kaz_latin_from:
        return "kk_latin_2021_mrz"
    return {
        "KAZ": "kk_passport",
        "KGZ": "kg_passport",
        "TJK": "tj_national_mrz",
        "UZB": "uz_latin_mrz",
    }.get(issuing_state)


@lru_cache(maxsize=1 << 16)
def mrz_spelling(name: str, system: str | None) -> str:
    """`name` as an MRZ writes it in `system` (from `mrz_system`): upper-case A-Z."""
    latin = transliterate(name, system) if system else name
    return latin.upper()
