"""Names as the screen compares them: each word of a name prepared once (a `Word`), and two
names compared word by word with the reason for every pairing.

Built on rmis.names: a word's key (keys.token_key: the region's transliteration systems,
ISO 9 and ALA-LC folded), its plain Latin spelling, its other readings (readings.py: German,
French and Polish-style spellings), its consonant skeleton for Arabic script (arabic.py), and
the roles of similarity.py (patronymics and particles forgiven when the other name lacks
them). What the screen adds over names.similarity: initials, letters that sound alike (R/L,
B/V, D/T, G/K, Z/S) at half an edit, Arabic across scripts, and a missing or extra name part
costing a fixed amount rather than its share of the letters: lists write full names
(FRANK KAKOLELE BWAMBALE), travellers and aliases often fewer parts (FRANK KAKORERE).
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from functools import lru_cache

from rapidfuzz.distance import OSA

from rmis.names.arabic import (
    LATIN_ARTICLES,
    arabic_skeleton,
    is_arabic,
    is_arabic_particle,
    latin_skeleton,
    normalise_arabic,
)
from rmis.names.keys import plain_key, token_key
from rmis.names.normalise import normalise, raw_tokens
from rmis.names.prepared import PARTICLES, PATRONYMIC_ENDINGS, PATRONYMIC_PARTICLES, Role
from rmis.names.readings import reading_keys
from rmis.names.scripts import Script, detect_script
from rmis.names.similarity import BLEND, PAIR_FLOOR, matchings, token_similarity

# A word that is one letter (A., J) is an initial: it pairs with any word it begins, at this
# similarity (an initial is consistent with the name, it does not prove it).
INITIAL_SIMILARITY = 0.85
# Across Arabic and Latin script only consonants are compared: weaker than a spelling, and
# the weaker the fewer consonants there are (ZR is زارع, OZEROV and ZAIR alike).
ARABIC_FACTOR = 0.92


def arabic_factor(consonants: int) -> float:
    """What a skeleton agreement of this many consonants is worth against a spelling's."""
    return ARABIC_FACTOR if consonants >= 4 else ARABIC_FACTOR - 0.06 * (4 - consonants)


# Letters that sound alike and that languages and lists swap (KAKOLELE/KAKORERE): an edit
# between them costs half.
_SOUND_FOLD = str.maketrans({"L": "R", "B": "V", "P": "V", "D": "T", "G": "K", "Z": "S"})
# A name part one name has and the other lacks: a fixed cost each (forgiven particles and
# patronymics less), and every word of the shorter name must be paired.
EXTRA_PART_COST = 0.06
FORGIVEN_PART_COST = 0.02
MAX_EXTRA_COST = 0.12
# Names whose words are joined or split differently, compared written together: a little
# less than word by word, and only when nearly the same letters.
JOINED_FACTOR = 0.95
JOINED_FLOOR = 0.8
SINGLE_WORD_FACTOR = 0.75
MAX_TOKENS = 12  # longer names compare their first words only
EXHAUSTIVE_TOKENS = 4  # names up to this many words are paired exhaustively

_SPLIT = re.compile(r"[\s,;/()\[\]]+")


@dataclass(frozen=True, slots=True, eq=False)  # compared by identity: words are cached
class Word:
    """One word of a name, prepared once."""

    text: str  # as compared and shown: normalised (Latin capitals, Cyrillic capitals, Arabic)
    key: str
    plain: str
    readings: tuple[str, ...]
    skeleton: str
    script: str  # "latin", "cyrillic", "arabic", "other"
    initial: bool
    particle: bool  # ULY, KYZY, ZODA, IBN, AL...: not a name by itself
    patronymic_particle: bool  # the word before it is a father's name
    patronymic_word: bool  # -OVICH, -OVNA, -ULY...
    sound: str  # the key with letters that sound alike folded
    block: str  # the coarse key the index finds candidates by ('' for none)


@lru_cache(maxsize=1 << 18)
def word(raw: str) -> Word:
    """Prepare one raw token (as normalise.raw_tokens gives it)."""
    if is_arabic(raw):
        text = normalise_arabic(raw)
        particle = is_arabic_particle(raw)
        skeleton = arabic_skeleton(raw)
        return Word(text, text, text, (), skeleton, "arabic", False,
                    particle, False, False, text, "")  # fmt: skip
    text = normalise(raw)
    script = detect_script(raw)
    key = token_key(raw) or text
    plain = plain_key(raw) or key
    readings = reading_keys(raw) if script is Script.LATIN else ()
    particle = key in PARTICLES or text in LATIN_ARTICLES
    patronymic_word = any(key.endswith(e) and len(key) >= len(e) + 2 for e in PATRONYMIC_ENDINGS)
    initial = len(text) == 1 and script is Script.LATIN
    return Word(
        text=text,
        key=key,
        plain=plain,
        readings=readings,
        skeleton=latin_skeleton(key) if script in (Script.LATIN, Script.CYRILLIC) else key,
        script=str(script) if script in (Script.LATIN, Script.CYRILLIC) else "other",
        initial=initial,
        particle=particle,
        patronymic_particle=key in PATRONYMIC_PARTICLES,
        patronymic_word=patronymic_word,
        sound=key.upper().translate(_SOUND_FOLD),
        block=block_key(key) if script in (Script.LATIN, Script.CYRILLIC) else "",
    )


# The index's coarse key of a word: the key (where the systems' differences are folded)
# folded further into classes of letters that spellings of one name trade: every hissing
# sound and affricate (SH, CH, TS, S, Z), the velars (K, G, KH, H, Q), V/F/W, D/T, L/R, and
# every run of vowels one A. The J class (ZH, J, DZH) joins the vowels: a Latin J is as often
# the glide Й (GOST's SEJITOV, German JEWGENI) as Ж or Дж. German, French and Polish
# spellings of a Russian name mostly share it; what is left is found by a small edit distance.
_BLOCK_FOLD = str.maketrans(
    {**dict.fromkeys("sctSZCX", "S"), **dict.fromkeys("hKGQ", "K"),
     **dict.fromkeys("FVW", "V"), "D": "T", "T": "T", "L": "R",
     **dict.fromkeys("AEIOUYj", "A")}
)  # fmt: skip
_RUNS = re.compile(r"(.)\1+")


@lru_cache(maxsize=1 << 16)
def block_key(key: str) -> str:
    return _RUNS.sub(r"\1", key.translate(_BLOCK_FOLD))


@lru_cache(maxsize=1 << 16)
def _piece_words(piece: str) -> tuple[Word, ...]:
    return tuple(word(t) for t in raw_tokens(piece))


@dataclass(frozen=True, slots=True)
class Name:
    """A name as a tuple of words and their roles."""

    text: str
    words: tuple[Word, ...]
    roles: tuple[Role, ...]
    arabic: bool  # written in Arabic script
    skeleton: str  # the whole name's consonants in order (articles left out)
    joined: str  # the words' keys written together, in order


def split_words(text: str) -> tuple[Word, ...]:
    out: list[Word] = []
    for piece in _SPLIT.split(text):
        if piece:
            out.extend(_piece_words(piece))
    return tuple(out)


def roles_of(words: tuple[Word, ...]) -> tuple[Role, ...]:
    roles = [Role.NAME] * len(words)
    for i, w in enumerate(words):
        if w.particle and len(words) > 1:
            roles[i] = Role.PARTICLE
            if w.patronymic_particle and i > 0 and roles[i - 1] is Role.NAME:
                roles[i - 1] = Role.PATRONYMIC
        elif w.patronymic_word and roles[i] is Role.NAME:
            roles[i] = Role.PATRONYMIC
    return tuple(roles)


@lru_cache(maxsize=1 << 16)
def prepare_name(text: str) -> Name:
    words = split_words(text)
    arabic = any(w.script == "arabic" for w in words)
    skeleton = "".join(w.skeleton for w in words if arabic or w.text not in LATIN_ARTICLES)
    joined = "".join(w.key for w in words)
    return Name(text, words, roles_of(words), arabic, skeleton, joined)


# How two words were found alike, in words an officer can read aloud.
SAME = "same spelling"
TRANSLITERATION = "same letters after transliteration"
READING = "same name in another language's spelling"
SOUNDS = "spelt differently, sounds alike"
TYPO = "spelling differs"
INITIAL = "initial"
CONSONANTS = "same consonants across Arabic and Latin script"
ARABIC_SPELLING = "Arabic spelling differs"
OPENING = "spelt with another opening letter"


@lru_cache(maxsize=1 << 18)
def compare_words(a: Word, b: Word) -> tuple[float, str]:
    """Similarity of two words in [0, 1] and how they were found alike."""
    if a.text == b.text:
        return 1.0, SAME
    if (a.script == "arabic") != (b.script == "arabic"):
        if not a.skeleton or not b.skeleton:
            return 0.0, CONSONANTS
        factor = arabic_factor(min(len(a.skeleton), len(b.skeleton)))
        return factor * token_similarity(a.skeleton, b.skeleton), CONSONANTS
    if a.script == "arabic":
        return token_similarity(a.text, b.text), ARABIC_SPELLING
    if a.initial or b.initial:
        if a.initial and b.initial:
            return 0.0, INITIAL  # two initials prove nothing
        letter, other = (a.text, b) if a.initial else (b.text, a)
        if other.plain[:1] == letter or other.text[:1] == letter:
            return INITIAL_SIMILARITY, INITIAL
        return 0.0, INITIAL
    if a.key == b.key:
        return 1.0, TRANSLITERATION
    if set((a.key, *a.readings)) & set((b.key, *b.readings)):
        return 1.0, READING
    best = max(token_similarity(a.key, b.key), token_similarity(a.plain, b.plain))
    for ka in (a.key, *a.readings):
        for kb in (b.key, *b.readings):
            if ka is not a.key or kb is not b.key:
                best = max(best, token_similarity(ka, kb))
    if best < 1.0 and a.sound == b.sound:
        return (1.0 + best) / 2, SOUNDS
    sound = token_similarity(a.sound, b.sound)
    if sound > best:
        best, how = (sound + best) / 2, SOUNDS
    else:
        how = TYPO
    opening = _opening_variant(a.key, b.key)
    if opening > best:
        return opening, OPENING
    return best, how


# Openings that spellings of one name differ by, where a first-letter edit is otherwise
# charged double (names.similarity.INITIAL_COST): a silent or dropped H (HAROUN, AROUN;
# HISSENE, ISSENE), one vowel for another (ESLAMI, ISLAMI; OSMAN, USMAN), and the nasal a
# Bantu name may open with (NTAGANDA, TAGANDA; NKOUMTAMADJI). Half an edit more than the
# same difference inside the word.
OPENING_COST = 0.5
_VOWEL = frozenset("AEIOU")


def _opens_alike(x: str, y: str) -> bool:
    if x[0] in _VOWEL:
        return y[0] in _VOWEL or (y[0] == "h" and y[1:2] == x[0])  # ESLAMI; HAROUN, AROUN
    nasal = x[0] in "NM" and len(x) > 2 and x[1] not in _VOWEL
    return nasal and y[0] == x[1]  # NTAGANDA, TAGANDA


@lru_cache(maxsize=1 << 16)
def _opening_variant(x: str, y: str) -> float:
    """The similarity of two keys that differ at the opening in one of those ways: their
    edit distance plus OPENING_COST over the longer (0.0 when they do not)."""
    if not x or not y or x[0] == y[0] or not (_opens_alike(x, y) or _opens_alike(y, x)):
        return 0.0
    longest = max(len(x), len(y))
    return max(0.0, 1.0 - (OSA.distance(x, y) + OPENING_COST) / longest)


@dataclass(frozen=True)
class WordPair:
    traveller: Word
    listed: Word
    score: float
    how: str


@dataclass(frozen=True)
class NameComparison:
    score: float
    pairs: tuple[WordPair, ...]
    missing: tuple[Word, ...]  # listed words the traveller's name lacks
    extra: tuple[Word, ...]  # traveller's words the listed name lacks
    whole_skeleton: bool = False  # scored on the whole names' consonants (Arabic and Latin)
    joined: bool = False  # scored on the names' words written together


def _best_pairing(values: list[list[float]]) -> tuple[int, ...]:
    """The column each row pairs with, maximising the sum of values: exhaustively for the
    short names most are, on the assignment solver beyond (a list's long names)."""
    n, m = len(values), len(values[0])
    if n == 1:
        row = values[0]
        return (row.index(max(row)),)
    if m <= EXHAUSTIVE_TOKENS:
        best_cols: tuple[int, ...] = ()
        best_value = -1.0
        for option in matchings(n, m):
            value = 0.0
            for i, c in enumerate(option):
                value += values[i][c]
            if value > best_value:
                best_cols, best_value = option, value
        return best_cols
    from scipy.optimize import linear_sum_assignment  # only for long names

    rows, cols = linear_sum_assignment(values, maximize=True)
    out = [0] * n
    for r, c in zip(rows.tolist(), cols.tolist(), strict=True):
        out[r] = c
    return tuple(out)


def compare_names(traveller: Name, listed: Name) -> NameComparison:
    """How alike a traveller's name and a listed name are, with the word pairing."""
    ta, tl = traveller.words[:MAX_TOKENS], listed.words[:MAX_TOKENS]
    if not ta or not tl:
        return NameComparison(0.0, (), tl, ta)
    flip = len(ta) > len(tl)
    rows, cols = (tl, ta) if flip else (ta, tl)
    sims = [[compare_words(r, c) if not flip else compare_words(c, r) for c in cols] for r in rows]
    weights = [[(len(r.key) + len(c.key)) / 2 for c in cols] for r in rows]
    best_cols = _best_pairing([[w * s[0] for w, s in zip(wr, sr, strict=True)]
                               for wr, sr in zip(weights, sims, strict=True)])  # fmt: skip
    paired = [(i, c) for i, c in enumerate(best_cols) if sims[i][c][0] >= PAIR_FLOOR]
    row_roles = listed.roles if flip else traveller.roles
    col_roles = traveller.roles if flip else listed.roles
    paired_rows = {i for i, _ in paired}
    paired_cols = {c for _, c in paired}
    lone_rows = [i for i in range(len(rows)) if i not in paired_rows]
    lone_cols = [c for c in range(len(cols)) if c not in paired_cols]

    word_pairs = []
    for i, c in paired:
        score, how = sims[i][c]
        t, li = (cols[c], rows[i]) if flip else (rows[i], cols[c])
        word_pairs.append(WordPair(t, li, score, how))
    if not word_pairs or all(p.how == INITIAL for p in word_pairs):
        score = 0.0
    else:
        total = sum(weights[i][c] for i, c in paired)
        mean = sum(weights[i][c] * sims[i][c][0] for i, c in paired) / total
        worst = min(sims[i][c][0] for i, c in paired)
        score = BLEND * mean + (1 - BLEND) * worst
        # The shorter name's words must all be paired: a name word of it left alone is a
        # different person's name (GEORGE BUSH, GEORGE HABBASH), not a missing part.
        for i in lone_rows:
            if row_roles[i] is Role.NAME and not rows[i].particle:
                score *= 0.5
            else:
                score -= FORGIVEN_PART_COST
        extra_names = 0
        extra_cost = 0.0
        for c in lone_cols:
            if col_roles[c] is Role.NAME and not cols[c].particle:
                extra_cost += EXTRA_PART_COST
                extra_names += 1
            else:
                extra_cost += FORGIVEN_PART_COST
        # Lists write the whole chain of a name (USAMA BIN MUHAMMAD BIN AWAD BIN LADIN), a
        # passport or an alias a few links of it: the parts left out cost up to a limit.
        score -= min(extra_cost, MAX_EXTRA_COST)
        # One word in common is not a name in common: a surname alone (BWAMBALE) against a
        # listed FRANK KAKOLELE BWAMBALE says little about who this is.
        if len(word_pairs) == 1 and extra_names:
            score *= SINGLE_WORD_FACTOR
    lone_r = tuple(rows[i] for i in lone_rows)
    lone_c = tuple(cols[c] for c in lone_cols)
    missing, extra = (lone_r, lone_c) if flip else (lone_c, lone_r)
    if traveller.arabic != listed.arabic and traveller.skeleton and listed.skeleton:
        # Across Arabic and Latin script words are joined and split differently (عبد الله,
        # ABDALLAH; عبدالحليم, ABD EL HALIM): the whole name's consonants in order as well.
        shortest = min(len(traveller.skeleton), len(listed.skeleton))
        whole = arabic_factor(shortest - 3) * _string_similarity(
            traveller.skeleton, listed.skeleton
        )
        if whole > score:
            return NameComparison(whole, (), (), (), whole_skeleton=True)
    elif not traveller.arabic and not listed.arabic:
        # Words joined or split (ELSHAFEE EL SHEIKH, EL SHAFEE ELSHEIKH): the names' keys
        # written together, in order, compared as one word.
        joined = JOINED_FACTOR * _string_similarity(traveller.joined, listed.joined)
        if joined > score and joined >= JOINED_FLOOR:
            return NameComparison(joined, (), (), (), joined=True)
    return NameComparison(max(0.0, min(1.0, score)), tuple(word_pairs), missing, extra)


def _string_similarity(a: str, b: str) -> float:
    return 1.0 - OSA.distance(a, b) / max(len(a), len(b))
