"""Name similarity in [0, 1], built for people's names across scripts and systems.

How a score is made (both names prepared once, see prepared.py):
1. Every token of one name is compared with every token of the other (token_similarity):
   1 - edits / length by RapidFuzz's OSA (a typo, one edit or one swap of neighbours, costs
   1/len), an edit at the first letter costing one more (INITIAL_COST). Tokens are compared
   on their keys (keys.py), where transliteration differences are already gone, and on their
   plain Latin spellings (keys.plain_key), where a typo that breaks or makes a digraph is
   still one edit; the better of the two counts.
2. Tokens are paired one to one so that the length-weighted sum of similarities is largest
   (exhaustively: names have few tokens). Pairs below PAIR_FLOOR are not pairs.
3. base = BLEND * weighted mean + (1 - BLEND) * the worst pair: every paired token must be
   the same name, so one wrong given name sinks the score even when the surname agrees.
4. A token left without partner is forgiven if it is a particle (ULY, UULU, KYZY, UGLI, ZODA...)
   or a patronymic the other name lacks, at FORGIVEN_COST each; any other lone token lowers
   the score in proportion to its length (coverage).

MATCH_THRESHOLD = 0.8: a name with one typo in a five-letter token scores 0.8 (OSA 4/5 on
that token), and that is the largest single error we accept; two edits in a token of up to
eight letters (ALIEV/ALIMOV, RUSLAN/RUSTAM), one edit at the first letter of a short token
(ELENA/ALENA, DARIA/MARIA), a different given name, or a missing given name or surname fall
below it. On the labelled set in bench/names_labelled.py (20,000 pairs) this gives precision
0.9925 at recall 0.9906; around it: 0.78 P 0.9899 R 0.9936, 0.79 P 0.9915 R 0.9928,
0.81 P 0.9940 R 0.9872, 0.82 P 0.9943 R 0.9801. 0.8 is kept for the reason above, not
chosen on the set. Names one letter apart in the middle (MARINA/MARIA, ERLAN/ERZHAN,
ALIMOV/AZIMOV) still pass: by spelling alone they are a typo apart.
"""

from collections.abc import Sequence
from dataclasses import dataclass, field
from functools import lru_cache
from itertools import permutations
from typing import Any

from rapidfuzz.distance import OSA

from rmis.names.prepared import PreparedName, Role, prepare

MATCH_THRESHOLD = 0.8
PAIR_FLOOR = 0.5
BLEND = 0.3
FORGIVEN_COST = 0.02
MAX_EXACT_TOKENS = 5  # above this, tokens are paired greedily
# Typing and copying errors seldom touch a name's first letter (the observation behind
# Soundex keeping it and Jaro-Winkler's prefix bonus), while other names one letter apart so
# often differ there (ELENA/ALENA, DARIA/MARIA, ZHANNA/YANA): an edit that changes the
# first letter costs one more. Not between letters the systems themselves swap at the start:
# O/U (Uzbek Ў is Oʻ, and O where the apostrophe is dropped: OʻTKIR, OTKIR, UTKIR; OGLI,
# UGLI) and the glide I/Y/J (Ю, Я: IULIIA, YULIYA, JULIA; j is J in a key).
INITIAL_COST = 1
INITIAL_CLASS = {"U": "O", "Y": "I", "J": "I", "j": "I"}


@dataclass(frozen=True)
class TokenPair:
    a: str
    b: str
    score: float
    key_a: str
    key_b: str


@dataclass(frozen=True)
class LoneToken:
    side: str  # "a" or "b"
    token: str
    role: str
    forgiven: bool
    reason: str


@dataclass(frozen=True)
class Explanation:
    pairs: tuple[TokenPair, ...]
    unmatched: tuple[LoneToken, ...]

    def to_dict(self) -> dict[str, Any]:
        return {
            "pairs": [
                {"a": p.a, "b": p.b, "score": round(p.score, 4), "key_a": p.key_a, "key_b": p.key_b}
                for p in self.pairs
            ],
            "unmatched": [
                {
                    "side": u.side,
                    "token": u.token,
                    "role": u.role,
                    "forgiven": u.forgiven,
                    "reason": u.reason,
                }
                for u in self.unmatched
            ],
        }


@dataclass(frozen=True)
class NameMatch:
    score: float
    match: bool
    explain: Explanation = field(repr=False)

    def to_dict(self) -> dict[str, Any]:
        return {
            "score": round(self.score, 4),
            "match": self.match,
            "explain": self.explain.to_dict(),
        }


@lru_cache(maxsize=64)
def matchings(n: int, m: int) -> tuple[tuple[int, ...], ...]:
    """Every one-to-one pairing of n row tokens into m column tokens (n <= m), in a fixed
    order shared with the batch scorer so both break ties alike."""
    return tuple(permutations(range(m), n))


def as_prepared(name: str | PreparedName) -> PreparedName:
    return name if isinstance(name, PreparedName) else prepare(name)


def canonical_order(a: PreparedName, b: PreparedName) -> tuple[PreparedName, PreparedName, bool]:
    """The pair with the shorter (then smaller) name first, so scores are symmetric."""
    if b.sort_key() < a.sort_key():
        return b, a, True
    return a, b, False


def _best_matching(a: PreparedName, b: PreparedName, sims: list[list[float]]) -> list[int]:
    n, m = len(a.keys), len(b.keys)
    weights = [[(len(ka) + len(kb)) / 2 for kb in b.keys] for ka in a.keys]
    if m <= MAX_EXACT_TOKENS:
        best, best_value = None, -1.0
        for cols in matchings(n, m):
            value = sum(weights[i][c] * sims[i][c] for i, c in enumerate(cols))
            if value > best_value:
                best, best_value = cols, value
        return list(best or ())
    # Greedy for long names: highest weighted similarity first.
    order = sorted(
        ((weights[i][j] * sims[i][j], i, j) for i in range(n) for j in range(m)),
        key=lambda t: (-t[0], t[1], t[2]),
    )
    cols = [-1] * n
    used: set[int] = set()
    for _, i, j in order:
        if cols[i] < 0 and j not in used:
            cols[i] = j
            used.add(j)
    return cols


def token_similarity(x: str, y: str) -> float:
    """1 - edits / length of the longer, by OSA (a swap of neighbours is one edit), where an
    edit that changes the first letter costs one more (see INITIAL_COST)."""
    longest = max(len(x), len(y))
    if not longest:
        return 1.0
    cost = OSA.distance(x, y)
    if x[0] != y[0] and INITIAL_CLASS.get(x[0], x[0]) != INITIAL_CLASS.get(y[0], y[0]):
        cost += INITIAL_COST
    return max(0.0, 1 - cost / longest)


def score_from_parts(
    pairs: Sequence[tuple[float, float]], lone: Sequence[tuple[int, bool]]
) -> float:
    """pairs: (similarity, pair weight); lone: (key length, forgiven)."""
    if not pairs:
        return 0.0
    total_w = sum(w for _, w in pairs)
    mean = sum(s * w for s, w in pairs) / total_w
    worst = min(s for s, _ in pairs)
    base = BLEND * mean + (1 - BLEND) * worst
    unforgiven = sum(length for length, forgiven in lone if not forgiven)
    forgiven = sum(1 for _, f in lone if f)
    coverage = total_w / (total_w + unforgiven)
    return round_score(min(1.0, max(0.0, base * coverage - FORGIVEN_COST * forgiven)))


def round_score(x: float) -> float:
    """To 9 decimals, the way numpy.rint does it, so scalar and batch paths agree exactly
    (and 4/5 computed as a sum of floats is exactly 0.8 again)."""
    return round(x * 1e9) / 1e9


def similarity(a: str | PreparedName, b: str | PreparedName) -> NameMatch:
    """How alike two people's names are, in [0, 1], with the token pairing that explains it."""
    pa, pb = as_prepared(a), as_prepared(b)
    first, second, swapped = canonical_order(pa, pb)
    sims = [
        [
            max(token_similarity(ka, kb), token_similarity(pa_, pb_))
            for kb, pb_ in zip(second.keys, second.plains, strict=True)
        ]
        for ka, pa_ in zip(first.keys, first.plains, strict=True)
    ]
    cols = _best_matching(first, second, sims) if first.keys else []

    pairs: list[tuple[int, int]] = [
        (i, c) for i, c in enumerate(cols) if c >= 0 and sims[i][c] >= PAIR_FLOOR
    ]
    paired_a = {i for i, _ in pairs}
    paired_b = {c for _, c in pairs}
    lone_a = [i for i in range(len(first.keys)) if i not in paired_a]
    lone_b = [j for j in range(len(second.keys)) if j not in paired_b]
    patronymic_a = any(first.roles[i] is Role.PATRONYMIC for i in lone_a)
    patronymic_b = any(second.roles[j] is Role.PATRONYMIC for j in lone_b)

    lone: list[tuple[int, bool]] = []
    lone_tokens: list[LoneToken] = []
    for side, name, idxs, other_has in (
        ("a", first, lone_a, patronymic_b),
        ("b", second, lone_b, patronymic_a),
    ):
        for i in idxs:
            role = name.roles[i]
            if role is Role.PARTICLE:
                forgiven, reason = True, "particle"
            elif role is Role.PATRONYMIC and not other_has:
                forgiven, reason = True, "patronymic absent from the other name"
            elif role is Role.PATRONYMIC:
                forgiven, reason = False, "patronymics differ"
            else:
                forgiven, reason = False, "no counterpart in the other name"
            lone.append((len(name.keys[i]), forgiven))
            real_side = {"a": "b", "b": "a"}[side] if swapped else side
            lone_tokens.append(
                LoneToken(real_side, name.tokens[i], role.name.lower(), forgiven, reason)
            )

    score = score_from_parts(
        [(sims[i][c], (len(first.keys[i]) + len(second.keys[c])) / 2) for i, c in pairs], lone
    )
    token_pairs = []
    for i, c in pairs:
        ta, tb = first.tokens[i], second.tokens[c]
        ka, kb = first.keys[i], second.keys[c]
        if swapped:
            ta, tb, ka, kb = tb, ta, kb, ka
        token_pairs.append(TokenPair(ta, tb, sims[i][c], ka, kb))
    explanation = Explanation(
        tuple(token_pairs), tuple(sorted(lone_tokens, key=lambda t: (t.side, t.token)))
    )
    return NameMatch(score=score, match=score >= MATCH_THRESHOLD, explain=explanation)
