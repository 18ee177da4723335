"""Scoring one traveller against one listed person: names first, then what agrees and what
disagrees (birth date, sex, nationality, documents), with the reasons an officer reads aloud.

The score is the best name comparison (names.compare_names) over every name of the
traveller and every name of the entry (a weak alias counts WEAK_ALIAS_FACTOR of its score),
moved by the evidence around it:

- birth date: agreement closes part of the gap between the name score and 1 (the same whole
  date half of it, the same year and month 0.3, the same year where one side gives only the
  year, or a listed range holds it, 0.15); day and month swapped, one year off or one digit
  off -0.03; a date that disagrees -0.4 (a perfect name with a wrong date stays below any
  useful threshold); nothing known: nothing.
- sex: a different sex -0.15; the same sex nothing (agreement evidence only).
- nationality: one of the listed nationalities closes a tenth of the gap, none of them -0.03.

A hit needs its name score at or above NAME_FLOOR whatever the rest says, so nationality or
sex never make a hit, and a score is never raised by them above what the name allows plus
0.02. Nothing about ethnicity, religion or origin is used: only the listed identity.
"""

from __future__ import annotations

from dataclasses import dataclass

from rmis.screening.entries import BirthDate, EntryName
from rmis.screening.names import Name, NameComparison, Word

# The default threshold: the one bench/screening_accuracy.py chose (the lowest at which the
# travellers on no list get at most 1 false hit per 1,000: 0.924 on 11,900 negatives, with
# spelling-variant recall 0.967 with the birth date and 0.944 on the name alone, original
# script 0.900), run on 2026-12-07 with this matcher: `bench/screening_accuracy.py --no-peer`.
DEFAULT_THRESHOLD = 0.715
# A hit needs a name at least this alike whatever else agrees (see the module docstring).
NAME_FLOOR = 0.68
WEAK_ALIAS_FACTOR = 0.9

# Agreements are fractions of the gap to 1 closed; disagreements are subtracted.
DATE_EXACT = 0.5
DATE_YEAR_MONTH = 0.3
DATE_YEAR = 0.15
DATE_NEAR = -0.03
DATE_DISAGREES = -0.4
SEX_DISAGREES = -0.15
NATIONALITY_AGREES = 0.1
NATIONALITY_DISAGREES = -0.03


def combine(name_score: float, evidence: list[float]) -> float:
    """The name score moved by the evidence around it (agreements close a fraction of the gap
    to 1, disagreements subtract), in [0, 1]."""
    score = name_score
    for delta in sorted(evidence, reverse=True):
        score = score + (1.0 - score) * delta if delta > 0 else score + delta
    return min(1.0, max(0.0, score))


def best_possible(name_score: float) -> float:
    """The most a name score can become with everything else agreeing."""
    return combine(name_score, [DATE_EXACT, NATIONALITY_AGREES])


def best_with_disagreeing_date() -> float:
    """The most any candidate can score when its birth date disagrees."""
    return combine(1.0, [DATE_DISAGREES, NATIONALITY_AGREES])


@dataclass(frozen=True)
class DateAgreement:
    delta: float
    reason: str


def _digits(year: int, month: int, day: int) -> str:
    return f"{year:04d}{month:02d}{day:02d}"


def compare_birth_dates(
    traveller: BirthDate | None, listed: tuple[BirthDate, ...]
) -> DateAgreement | None:
    """The best agreement of the traveller's birth date with any listed one; None when
    either side gives none."""
    if traveller is None or not listed:
        return None
    return max((_compare_one(traveller, b) for b in listed), key=lambda a: a.delta)


def _compare_one(t: BirthDate, b: BirthDate) -> DateAgreement:
    shown = str(b)
    slack = 1 if b.approximate else 0
    if b.to_year is not None:
        if b.year - slack <= t.year <= b.to_year + slack:
            return DateAgreement(DATE_YEAR, f"birth year {t.year} within the listed {shown}")
        if b.year - 1 <= t.year <= b.to_year + 1:
            return DateAgreement(DATE_NEAR, f"birth year {t.year} one year off the listed {shown}")
        return DateAgreement(DATE_DISAGREES, f"birth date {t} disagrees with the listed {shown}")
    whole_t, whole_b = t.day is not None, b.day is not None
    if whole_t and whole_b and (t.year, t.month, t.day) == (b.year, b.month, b.day):
        return DateAgreement(DATE_EXACT, f"birth date {t} agrees exactly")
    if t.year == b.year or (slack and abs(t.year - b.year) <= slack):
        if t.month is not None and b.month is not None:
            if t.month == b.month and (t.day is None or b.day is None):
                return DateAgreement(DATE_YEAR_MONTH, f"birth year and month agree ({shown})")
            if whole_t and whole_b and (t.month, t.day) == (b.day, b.month):
                return DateAgreement(
                    DATE_NEAR, f"birth date {t}: day and month swapped against the listed {shown}"
                )
            if whole_t and whole_b and _one_digit_off(t, b):
                return DateAgreement(
                    DATE_NEAR, f"birth date {t} is one digit off the listed {shown}"
                )
            if t.month != b.month or t.day != b.day:
                return DateAgreement(
                    DATE_DISAGREES, f"same birth year but the date {t} differs from {shown}"
                )
        return DateAgreement(DATE_YEAR, f"birth year {t.year} agrees (listed {shown})")
    same_day = (t.month, t.day) == (b.month, b.day)
    if abs(t.year - b.year) == 1 and (same_day or t.month is None or b.month is None):
        return DateAgreement(DATE_NEAR, f"birth date {t} one year off the listed {shown}")
    if whole_t and whole_b and _one_digit_off(t, b):
        return DateAgreement(DATE_NEAR, f"birth date {t} is one digit off the listed {shown}")
    return DateAgreement(DATE_DISAGREES, f"birth date {t} disagrees with the listed {shown}")


def _one_digit_off(t: BirthDate, b: BirthDate) -> bool:
    x = _digits(t.year, t.month or 0, t.day or 0)
    y = _digits(b.year, b.month or 0, b.day or 0)
    return sum(1 for p, q in zip(x, y, strict=True) if p != q) == 1


def describe_names(comparison: NameComparison, traveller: Name, listed: EntryName) -> list[str]:
    """The name part of a hit's reasons."""
    kind = {"primary": "listed name", "alias": "listed alias", "original_script": "listed name in "
            "its original script"}[listed.kind]  # fmt: skip
    weak = " (a weak alias, counted less)" if listed.weak else ""
    out = [f"name {traveller.text!r} matches the {kind} {listed.full!r}{weak}"]
    if comparison.whole_skeleton:
        out.append(
            f"the whole name has the same consonants in Arabic and Latin script "
            f"({comparison.score:.2f}; Arabic does not write short vowels)"
        )
        return out
    if comparison.joined:
        out.append(
            f"the same letters with the words joined or split differently ({comparison.score:.2f})"
        )
        return out
    pairs = comparison.pairs
    initials = [p for p in pairs if p.how == "initial"]
    for p in pairs:
        t, li = p.traveller.text, p.listed.text
        if p.how == "initial":
            continue
        if p.how == "same spelling":
            out.append(f"{t} is spelt as listed")
        elif p.how == "same letters after transliteration":
            out.append(f"{t} and {li}: {transliteration_note(p.traveller, p.listed)}")
        elif p.how == "same name in another language's spelling":
            out.append(f"{t} and {li}: {_reading_note(p.traveller, p.listed)}")
        elif p.how == "spelling differs":
            out.append(f"{t} and {li}: spelling differs slightly ({p.score:.2f})")
        elif p.how == "spelt differently, sounds alike":
            swaps = _letters_swapped(p.traveller.text, p.listed.text)
            said = f" ({swaps})" if swaps else ""
            out.append(f"{t} and {li}: letters that sound alike{said} ({p.score:.2f})")
        else:
            out.append(f"{t} and {li}: {p.how} ({p.score:.2f})")
    for p in initials:
        out.append(f"{p.traveller.text} and {p.listed.text}: one of the names is an initial")
    out += _lone_words(comparison.missing, "listed", "the traveller's name")
    out += _lone_words(comparison.extra, "traveller's", "the listed name")
    return out


def _lone_words(words: tuple[Word, ...], whose: str, where: str) -> list[str]:
    """Say which words one name has and the other lacks, and which of them are only a
    patronymic or a particle (counted little)."""
    out = []
    names = [w.text for w in words if not w.patronymic_word and not w.particle]
    patronymics = [w.text for w in words if w.patronymic_word and not w.particle]
    particles = [w.text for w in words if w.particle]
    if names:
        out.append(f"{whose} name part {' '.join(names)} not in {where}")
    if patronymics:
        out.append(f"{whose} patronymic {' '.join(patronymics)} not in {where} (counted little)")
    if particles:
        out.append(f"{whose} particle {' '.join(particles)} not in {where} (not counted)")
    return out


def _reading_note(a: Word, b: Word) -> str:
    """Which language's spelling makes one word the other (readings.py)."""
    from rmis.names.readings import readings

    for word, other in ((a, b), (b, a)):
        for language, key in readings(word.text):
            if key == other.key or key in other.readings:
                return f"the same name in {language}-style spelling"
    return "the same name in another language's spelling"


def _letters_swapped(a: str, b: str) -> str:
    """'R for L' for the letters two words of one length differ by ('' otherwise)."""
    if len(a) != len(b):
        return ""
    pairs = dict.fromkeys(f"{x} for {y}" for x, y in zip(a, b, strict=True) if x != y)
    return ", ".join(pairs) if len(pairs) <= 2 else ""


def transliteration_note(a: object, b: object) -> str:
    """Which system makes the Cyrillic word the Latin one, when one does."""
    from rmis.names import SYSTEMS, normalise  # here: only reasons need the systems

    cyrillic = [w for w in (a, b) if getattr(w, "script", "") == "cyrillic"]
    latin = [w for w in (a, b) if getattr(w, "script", "") == "latin"]
    if cyrillic and latin:
        source, target = cyrillic[0].text, latin[0].text  # type: ignore[attr-defined]
        for system in SYSTEMS.values():
            if normalise(system.transliterate(source)) == target:
                return f"same letters after {system.name} transliteration"
        return "the same name, written in another romanisation or language's spelling"
    return "the same name in another romanisation"
