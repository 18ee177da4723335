"""The sets the screening accuracy bench measures on, and the arithmetic of its figures.

Positives: a list read with its aliases and original-script names taken out of the index, and
each of those names screened as a traveller who should hit the entry. Each alias is put in a
class (`alias_class`), because "recall on aliases" mixes two different questions: is a name
re-spelt (transliterated, mistyped) found, and is a different name of the same person found.
Negatives: travellers on no list, from real name material (yente's generated negatives, Faker's
locales of the region and its neighbours, the synthetic region's Kazakh, Kyrgyz and Tajik
pools). The figures: recall (the right entry among the hits) against false hits per 1,000
negative travellers, at each threshold.

The alias classes, the rule written down (tests/screening/test_accuracy_rules.py holds it):
- "original_script": a name the list gives in its original script (UN NAME_ORIGINAL_SCRIPT).
- "spelling_variant": every word of the alias is a spelling variant of a different word of the
  listed primary name, and the alias is not one lone word of a longer name. Two words are
  spelling variants when their transliteration keys (rmis.names.keys.token_key: KH/H/X, ZH/J,
  Y/I, doubled letters... folded) are equal, or their plain Latin letters (plain_key) or their
  keys are within `allowed_edits` of each other (KAKORERE for KAKOLELE: two edits in eight
  letters). Words are paired one to one, so MOHAMMED MOHAMMED is not a variant of MOHAMMED ALI.
- "one_word": every word is a variant, but the alias is one word of a name of several (a
  lone surname, HAQQANI for JALALUDDIN HAQQANI): not a name a traveller carries.
- "other_name": anything else (a different name, a nickname such as AIGLE BLANC, a kunya such
  as ABU MOHAMMED, an initial, an alias with an added word).
- An alias equal to the primary name word for word after normalisation is no test and is
  dropped ("same_as_primary" in the counts).
The rule uses rmis's own transliteration key, so the class is what rmis calls a respelling;
the peer is measured on exactly the same travellers.
"""

from __future__ import annotations

import csv
import dataclasses
import random
from bisect import bisect_left
from collections.abc import Iterable, Iterator, Sequence
from dataclasses import dataclass
from datetime import date
from pathlib import Path

from rapidfuzz.distance import Levenshtein

from rmis.names import detect_script, normalise, transliterate
from rmis.names.keys import plain_key, token_key
from rmis.names.normalise import raw_tokens
from rmis.names.scripts import Script
from rmis.reference.countries import lookup
from rmis.screening.entries import BirthDate, EntryName, ListEntry
from rmis.screening.subjects import ScreenedTraveller

SPELLING_VARIANT = "spelling_variant"
ONE_WORD = "one_word"
OTHER_NAME = "other_name"
ORIGINAL_SCRIPT = "original_script"
SAME_AS_PRIMARY = "same_as_primary"
CLASSES = (SPELLING_VARIANT, ORIGINAL_SCRIPT, OTHER_NAME, ONE_WORD)


# -- The alias classification rule -------------------------------------------------------------


def allowed_edits(length: int) -> int:
    """Edits two words may differ by and still be one word re-spelt, by the longer one's
    `length`: none up to 3 letters (ALI/ALA are two names), one up to 7 (JON/JOHN, OMAR/UMAR),
    two up to 11 (KAKORERE/KAKOLELE), then three."""
    if length <= 3:
        return 0
    if length <= 7:
        return 1
    if length <= 11:
        return 2
    return 3


def words_are_variants(a: str, b: str) -> bool:
    """Whether two words (one token each, any script) are spellings of one word."""
    key_a, key_b = token_key(a), token_key(b)
    if not key_a or not key_b:
        return False
    if key_a == key_b:
        return True
    plain_a, plain_b = plain_key(a), plain_key(b)
    if Levenshtein.distance(plain_a, plain_b) <= allowed_edits(max(len(plain_a), len(plain_b))):
        return True
    return Levenshtein.distance(key_a, key_b) <= allowed_edits(max(len(key_a), len(key_b)))


def _pair_words(alias: Sequence[str], primary: Sequence[str]) -> bool:
    """Whether every alias word can be given its own primary word it is a variant of
    (bipartite matching by augmenting paths; names are a handful of words)."""
    partner: dict[int, int] = {}  # primary word -> alias word

    def place(i: int, seen: set[int]) -> bool:
        for j, word in enumerate(primary):
            if j in seen or not words_are_variants(alias[i], word):
                continue
            seen.add(j)
            if j not in partner or place(partner[j], seen):
                partner[j] = i
                return True
        return False

    return all(place(i, set()) for i in range(len(alias)))


def alias_class(alias: str, primaries: Sequence[str]) -> str:
    """The class of an alias against the entry's primary names (the best class any gives)."""
    words = raw_tokens(alias)
    if not words:
        return OTHER_NAME
    best = OTHER_NAME
    for primary in primaries:
        listed = raw_tokens(primary)
        if normalise(alias).split() == normalise(primary).split():
            return SAME_AS_PRIMARY
        if not _pair_words(words, listed):
            continue
        if len(words) == 1 and len(listed) > 1:
            best = ONE_WORD if best == OTHER_NAME else best
        else:
            return SPELLING_VARIANT
    return best


# -- Positive travellers: the names left out of the index --------------------------------------


@dataclass(frozen=True)
class Probe:
    """One traveller the bench screens, with what it should hit (None: on no list)."""

    traveller: ScreenedTraveller
    kind: str  # an alias class, or "negative" with its source ("negative:faker:ru_RU")
    list_name: str | None = None
    entry_id: str | None = None
    with_birth_date: bool = True
    weak: bool = False  # a low-quality alias (UN "Low", OFAC's a.k.a. in the remarks)


def index_entry(entry: ListEntry) -> ListEntry:
    """The entry as the bench indexes it: primary names only (aliases and original-script
    names are what it screens)."""
    primary = tuple(n for n in entry.names if n.kind == "primary")
    return dataclasses.replace(entry, names=primary)


def traveller_birth_date(entry: ListEntry) -> BirthDate | None:
    """The birth date a traveller of this entry carries: the first listed, as a document writes
    it (a range of years gives its first year; "about" is dropped)."""
    if not entry.birth_dates:
        return None
    first = entry.birth_dates[0]
    return BirthDate(first.year, first.month, first.day)


def _screened_names(entry: ListEntry) -> Iterator[tuple[EntryName, str]]:
    """The entry's other names with their class; a name the list repeats is screened once."""
    primaries = [n.full for n in entry.names if n.kind == "primary"]
    listed = {normalise(p) for p in primaries}
    seen: set[str] = set()
    for name in entry.names:
        key = normalise(name.full)
        if name.kind == "primary" or not key or key in seen:
            continue
        seen.add(key)
        if key in listed:
            yield name, SAME_AS_PRIMARY
            continue
        # A non-Latin alias is an original-script name too (some lists write them as aliases).
        original = name.kind == "original_script" or detect_script(name.full) is not Script.LATIN
        yield name, ORIGINAL_SCRIPT if original else alias_class(name.full, primaries)


def positive_probes(
    list_name: str, entries: Iterable[ListEntry], *, dropped: dict[str, int] | None = None
) -> list[Probe]:
    """Every alias and original-script name of the listed persons as a traveller, twice: with
    the entry's birth date, nationality and sex, and with the name alone."""
    probes: list[Probe] = []
    for entry in entries:
        if entry.subject != "person":
            continue
        born = traveller_birth_date(entry)
        nationality = entry.nationalities[0] if entry.nationalities else None
        for number, (name, cls) in enumerate(_screened_names(entry)):
            if cls == SAME_AS_PRIMARY:
                if dropped is not None:
                    dropped[SAME_AS_PRIMARY] = dropped.get(SAME_AS_PRIMARY, 0) + 1
                continue
            base = f"{list_name}:{entry.entry_id}:{number}"
            probes.append(
                Probe(
                    ScreenedTraveller(f"{base}:b", (name.full,), born, entry.sex, nationality),
                    cls,
                    list_name,
                    entry.entry_id,
                    True,
                    name.weak,
                )
            )
            probes.append(
                Probe(
                    ScreenedTraveller(f"{base}:n", (name.full,)),
                    cls,
                    list_name,
                    entry.entry_id,
                    False,
                    name.weak,
                )
            )
    return probes


def sample_class(probes: Sequence[Probe], kind: str, limit: int, seed: int) -> list[Probe]:
    """The probes with at most `limit` names of class `kind` per list (drawn with `seed`; a
    name's two travellers, with and without the birth date, are kept or left together)."""
    names: dict[str | None, list[str]] = {}
    for p in probes:
        if p.kind == kind:
            names.setdefault(p.list_name, []).append(_name_id(p))
    keep: set[str] = set()
    for listed in names.values():
        unique = sorted(set(listed))
        keep |= set(random.Random(seed).sample(unique, min(limit, len(unique))))
    return [p for p in probes if p.kind != kind or _name_id(p) in keep]


def _name_id(probe: Probe) -> str:
    return probe.traveller.id.rsplit(":", 1)[0]


# -- Negative travellers: real name material, on no list ---------------------------------------

# Faker's locales of the region and its neighbours (Faker has no Kazakh, Kyrgyz or Tajik: those
# come from the synthetic region's pools), with the ICAO code of the state and, for Cyrillic
# names, the system its passports write the MRZ in.
FAKER_LOCALES: dict[str, tuple[str, str | None]] = {
    "ru_RU": ("RUS", "icao_9303"),
    "uk_UA": ("UKR", "icao_9303"),
    "uz_UZ": ("UZB", None),
    "tr_TR": ("TUR", None),
    "az_AZ": ("AZE", None),
    "fa_IR": ("IRN", None),
    "en_PK": ("PAK", None),
    "ar_SA": ("SAU", None),
    "ka_GE": ("GEO", None),
    "hy_AM": ("ARM", None),
}
SYNTH_NATIONALITIES: dict[str, str] = {
    "KAZ": "kk_passport",
    "KGZ": "kg_passport",
    "TJK": "tj_national_mrz",
}


def _random_birth_date(rng: random.Random) -> BirthDate:
    start, end = date(1940, 1, 1).toordinal(), date(2008, 12, 31).toordinal()
    day = date.fromordinal(rng.randint(start, end))
    return BirthDate(day.year, day.month, day.day)


def _with_mrz_spelling(name: str, system: str | None) -> tuple[str, ...]:
    """The names a traveller's passport carries: the national-script name and, for Cyrillic,
    its MRZ spelling in the state's system."""
    if system is None or detect_script(name) is not Script.CYRILLIC:
        return (name,)
    return (name, transliterate(name, system).upper())


def faker_negatives(per_locale: int, seed: int) -> list[Probe]:
    """Travellers made from Faker's name lists (given name, patronymic where the locale has
    one, surname; no titles), with a seeded birth date."""
    from faker import Faker

    probes: list[Probe] = []
    for locale, (state, system) in FAKER_LOCALES.items():
        fake = Faker(locale)
        fake.seed_instance(seed)
        rng = random.Random(f"{seed}:{locale}")
        for i in range(per_locale):
            male = i % 2 == 0
            first = fake.first_name_male() if male else fake.first_name_female()
            last = fake.last_name_male() if male else fake.last_name_female()
            middle_name = getattr(fake, "middle_name_male" if male else "middle_name_female", None)
            words = [last, first] + ([middle_name()] if middle_name is not None else [])
            traveller = ScreenedTraveller(
                f"neg:faker:{locale}:{i}",
                _with_mrz_spelling(" ".join(words), system),
                _random_birth_date(rng),
                "M" if male else "F",
                state,
            )
            probes.append(Probe(traveller, f"negative:faker:{locale}"))
    return probes


def synth_negatives(per_nationality: int, seed: int) -> list[Probe]:
    """Kazakh, Kyrgyz and Tajik travellers from the synthetic region's name pools (surnames
    and given names drawn with their published frequencies), with their MRZ spelling."""
    import numpy as np

    from rmis.synth.name_pools import pool_for

    probes: list[Probe] = []
    for state, system in SYNTH_NATIONALITIES.items():
        pool = pool_for(state)
        gen = np.random.default_rng([seed, sum(map(ord, state))])
        rng = random.Random(f"{seed}:{state}")
        for i in range(per_nationality):
            male = i % 2 == 0
            s = int(pool.surnames.pick(gen.random(1))[0])
            surname = pool.surnames.names[s] if male else pool.female_surnames[s]
            given = pool.male if male else pool.female
            first = given.names[int(given.pick(gen.random(1))[0])]
            traveller = ScreenedTraveller(
                f"neg:synth:{state}:{i}",
                _with_mrz_spelling(f"{surname} {first}", system),
                _random_birth_date(rng),
                "M" if male else "F",
                state,
            )
            probes.append(Probe(traveller, f"negative:synth:{state}"))
    return probes


def _country_code(name: str) -> str | None:
    import pycountry

    try:
        return pycountry.countries.lookup(name).alpha_3
    except LookupError:
        return None


def yente_negatives(path: Path, count: int, seed: int) -> list[Probe]:
    """`count` rows drawn (seeded) from yente's generated negatives: full name, birth date,
    sex, nationality (mapped to its ICAO code; unmapped left out)."""
    with path.open(encoding="utf-8", newline="") as handle:
        rows = list(csv.DictReader(handle))
    rng = random.Random(seed)
    chosen = rng.sample(range(len(rows)), min(count, len(rows)))
    probes = []
    for i in sorted(chosen):
        row = rows[i]
        name = row["full_name"].strip()
        if not name:
            continue
        try:
            born = BirthDate.parse(row["date_of_birth"]) if row["date_of_birth"] else None
        except ValueError:
            born = None
        sex = {"male": "M", "female": "F"}.get(row["gender"])
        traveller = ScreenedTraveller(
            f"neg:yente:{i}", (name,), born, sex, _country_code(row["nationality"])
        )
        probes.append(Probe(traveller, "negative:yente"))
    return probes


# -- The peer's side: FollowTheMoney entities and candidate pairs -------------------------------


def _alpha2(code: str | None) -> str | None:
    country = lookup(code) if code else None
    return country.alpha2.lower() if country and country.alpha2 else None


def ftm_dates(born: BirthDate) -> list[str]:
    """A listed birth date as FollowTheMoney writes it (YYYY, YYYY-MM, YYYY-MM-DD)."""
    if born.to_year is not None:  # a range: every year of it (FtM has no ranges)
        return [str(year) for year in range(born.year, born.to_year + 1)]
    text = str(BirthDate(born.year, born.month, born.day))
    return [text]


def peer_person(
    ident: str,
    names: Iterable[str],
    births: Iterable[BirthDate],
    nationalities: Iterable[str],
    sex: str | None,
):
    """A FollowTheMoney Person for the peer: names, birth dates, nationalities (ISO alpha-2,
    as FtM codes countries; a code without one is left out) and gender."""
    from followthemoney import model

    entity = model.make_entity("Person")
    entity.id = ident
    for name in names:
        entity.add("name", name)
    for born in births:
        for text in ftm_dates(born):
            entity.add("birthDate", text)
    for code in nationalities:
        alpha2 = _alpha2(code)
        if alpha2:
            entity.add("nationality", alpha2)
    if sex:
        entity.add("gender", {"M": "male", "F": "female"}[sex])
    return entity


def blocking_keys(names: Sequence[str]) -> set[str]:
    """The words (3+ letters) a traveller and a listed person must share to be a candidate
    pair for the peer: rmis's transliteration key, of normality's ASCII form for scripts the
    key does not read (Arabic, Chinese, Georgian...), as yente's index folds them."""
    from normality import ascii_text

    keys = set()
    for name in names:
        for word in raw_tokens(name):
            key = token_key(word) or token_key(ascii_text(word) or "")
            if len(key) >= 3:
                keys.add(key)
    return keys


# -- The figures --------------------------------------------------------------------------------

# Scores by traveller id: {(list name, entry id): the best score of that entry}.
Scored = dict[str, dict[tuple[str, str], float]]


def own_scores(probes: Iterable[Probe], scored: Scored) -> list[float]:
    """Each positive probe's score for its own entry (-1 when it was not among the hits)."""
    return [
        scored.get(p.traveller.id, {}).get((p.list_name or "", p.entry_id or ""), -1.0)
        for p in probes
    ]


def negative_scores(negatives: Iterable[Probe], scored: Scored) -> list[float]:
    """Every hit score of every negative traveller (each is a false hit above its threshold)."""
    return [s for p in negatives for s in scored.get(p.traveller.id, {}).values()]


def _at_or_above(ascending: Sequence[float], threshold: float) -> int:
    return len(ascending) - bisect_left(ascending, threshold)


def recall_at(own: Sequence[float], threshold: float) -> float | None:
    """The share of probes whose own entry scores at or above `threshold` (None: no probes)."""
    if not own:
        return None
    return _at_or_above(sorted(own), threshold) / len(own)


def false_hits_per_1000(negative: Sequence[float], travellers: int, threshold: float) -> float:
    """False hits (hits of negative travellers, each counted) per 1,000 negative travellers."""
    if travellers <= 0:
        raise ValueError("false hits per 1,000 need negative travellers")
    return 1000 * _at_or_above(sorted(negative), threshold) / travellers


def threshold_grid(low: float = 0.5, step: float = 0.005) -> list[float]:
    """The thresholds a bench tries, low to 1.0 (readable values, not the scores themselves)."""
    count = round((1.0 - low) / step)
    return [round(low + i * step, 4) for i in range(count + 1)]


def choose_threshold(
    grid: Iterable[float], negative: Sequence[float], travellers: int, max_per_1000: float = 1.0
) -> float | None:
    """The lowest threshold of `grid` (recall only falls as it rises) at which the negative
    travellers get at most `max_per_1000` false hits per 1,000; None when none does."""
    ascending = sorted(negative)
    for threshold in sorted(grid):
        if 1000 * _at_or_above(ascending, threshold) / travellers <= max_per_1000:
            return threshold
    return None


TARGET_RECALL = 0.95


def compare(rmis: dict, peer: dict) -> dict:
    """Recall of each at its own threshold of at most 1 false hit per 1,000, side by side, with
    the ratio rmis / peer, and whether rmis meets the issue's target on spelling variants."""
    mine = rmis["at_most_1_false_hit_per_1000"].get("recall", {})
    theirs = peer["at_most_1_false_hit_per_1000"].get("recall", {})
    rows = {}
    for group in sorted(set(mine) & set(theirs)):
        if not group.startswith("all/"):
            continue
        a, b = mine[group], theirs[group]
        ratio = round(a / b, 3) if a is not None and b else None
        rows[group.removeprefix("all/")] = {"rmis": a, "peer": b, "ratio": ratio}
    return {
        "thresholds": {
            "rmis": rmis["at_most_1_false_hit_per_1000"]["threshold"],
            "peer": peer["at_most_1_false_hit_per_1000"]["threshold"],
        },
        "recall": rows,
        "target_recall_spelling_variants": TARGET_RECALL,
        "target_met_with_birth_date": (mine.get("all/spelling_variant/with_birth_date") or 0)
        >= TARGET_RECALL,
        "target_met_name_only": (mine.get("all/spelling_variant/name_only") or 0) >= TARGET_RECALL,
    }
