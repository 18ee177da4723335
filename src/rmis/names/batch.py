"""Scoring many pairs at once: the same score as `similarity`, vectorised with NumPy.

Token similarities come from one `rapidfuzz.process.cpdist` call over the distinct token-key
pairs of the batch (single-threaded); the pairing, forgiveness and blending of
similarity.py are then done on arrays, one group per (tokens in a, tokens in b) shape.
"""

from collections.abc import Sequence

import numpy as np
from rapidfuzz.distance import OSA
from rapidfuzz.process import cpdist

from rmis.names.prepared import KEY_WORDS, PreparedName, Role
from rmis.names.similarity import (
    BLEND,
    FORGIVEN_COST,
    INITIAL_CLASS,
    INITIAL_COST,
    MAX_EXACT_TOKENS,
    PAIR_FLOOR,
    as_prepared,
    matchings,
    similarity,
)

_PATRONYMIC = int(Role.PATRONYMIC)
_PARTICLE = int(Role.PARTICLE)


def score_batch(
    left: Sequence[str | PreparedName], right: Sequence[str | PreparedName]
) -> np.ndarray:
    """Scores of left[i] against right[i] for every i (float64 array)."""
    if len(left) != len(right):
        raise ValueError("score_batch needs two sequences of the same length")
    scores = np.zeros(len(left), dtype=np.float64)

    # Canonical order per pair (fewer tokens first), then group pairs by shape; each name
    # contributes its packed ids and roles, one tuple, no per-token Python work.
    groups: dict[tuple[int, int], tuple[list[int], list[tuple], list[tuple]]] = {}
    for i, (a, b) in enumerate(zip(left, right, strict=True)):
        if type(a) is not PreparedName:
            a = as_prepared(a)
        if type(b) is not PreparedName:
            b = as_prepared(b)
        if b.rank < a.rank:
            a, b = b, a
        shape = (len(a.ids), len(b.ids))
        group = groups.get(shape)
        if group is None:
            if shape[0] == 0:
                continue  # a name with no tokens matches nothing: 0
            if shape[1] > MAX_EXACT_TOKENS:
                scores[i] = similarity(a, b).score
                continue
            group = groups[shape] = ([], [], [])
        group[0].append(i)
        group[1].append(a.packed)
        group[2].append(b.packed)
    if not groups:
        return scores

    shaped = []
    for (n, m), (idx, packed_a, packed_b) in groups.items():
        arr_a = np.array(packed_a, dtype=np.int64)  # (G, 3n): key ids, plain ids, roles
        arr_b = np.array(packed_b, dtype=np.int64)
        shaped.append((n, m, np.asarray(idx), arr_a, arr_b))

    # Each distinct token pair (on keys and on plain spellings) is compared once.
    words = KEY_WORDS
    size = len(words)
    codes = []
    for n, m, _, arr_a, arr_b in shaped:
        codes.append((arr_a[:, :n, None] * size + arr_b[:, None, :m]).ravel())
        codes.append((arr_a[:, n : 2 * n, None] * size + arr_b[:, None, m : 2 * m]).ravel())
    unique, inverse = np.unique(np.concatenate(codes), return_inverse=True)
    left_ids, right_ids = unique // size, unique % size
    _ensure_word_tables()
    left_words = [words[c] for c in left_ids.tolist()]
    right_words = [words[c] for c in right_ids.tolist()]
    cost = cpdist(left_words, right_words, scorer=OSA.distance, dtype=np.int64, workers=1)
    initial_a, initial_b = _INITIALS[left_ids], _INITIALS[right_ids]
    cost += INITIAL_COST * (initial_a != initial_b)
    longest = np.maximum(_LENGTHS[left_ids], _LENGTHS[right_ids])
    unique_sims = np.where(
        longest > 0, np.maximum(0.0, 1 - cost / np.maximum(longest, 1)), 1.0
    )
    all_sims = unique_sims[inverse]

    offset = 0
    for n, m, idx, arr_a, arr_b in shaped:
        count = len(idx) * n * m
        sims = np.maximum(
            all_sims[offset : offset + count], all_sims[offset + count : offset + 2 * count]
        ).reshape(-1, n, m)
        offset += 2 * count
        ids_a, ids_b = arr_a[:, :n], arr_b[:, :m]
        scores[idx] = _score_shape(
            n, m, sims, _LENGTHS[ids_a].astype(np.float64), _LENGTHS[ids_b].astype(np.float64),
            arr_a[:, 2 * n :], arr_b[:, 2 * m :]
        )
    return scores


# Per interned word: its length and the class of its first letter (INITIAL_CLASS), grown
# as KEY_WORDS grows.
_LENGTHS = np.zeros(0, dtype=np.int64)
_INITIALS = np.zeros(0, dtype=np.int64)


def _ensure_word_tables() -> None:
    global _LENGTHS, _INITIALS
    known, size = len(_LENGTHS), len(KEY_WORDS)
    if known == size:
        return
    new = KEY_WORDS[known:size]
    _LENGTHS = np.concatenate([_LENGTHS, np.fromiter(map(len, new), np.int64, len(new))])
    initials = (ord(INITIAL_CLASS.get(w[0], w[0])) if w else -1 for w in new)
    _INITIALS = np.concatenate([_INITIALS, np.fromiter(initials, np.int64, len(new))])


def _score_shape(
    n: int,
    m: int,
    sims: np.ndarray,
    len_a: np.ndarray,
    len_b: np.ndarray,
    roles_a: np.ndarray,
    roles_b: np.ndarray,
) -> np.ndarray:
    rows = np.arange(len(sims))[:, None]
    weights = (len_a[:, :, None] + len_b[:, None, :]) / 2
    weighted = weights * sims
    options = np.asarray(matchings(n, m), dtype=np.intp)  # (K, n)
    values = weighted[:, np.arange(n)[None, :], options].sum(axis=2)  # (G, K)
    cols = options[values.argmax(axis=1)]  # (G, n)
    chosen = sims[rows, np.arange(n)[None, :], cols]
    chosen_w = weights[rows, np.arange(n)[None, :], cols]
    valid = chosen >= PAIR_FLOOR

    paired_b = np.zeros((len(sims), m), dtype=bool)
    paired_b[rows, cols] = valid
    lone_a, lone_b = ~valid, ~paired_b
    patronymic_a = (lone_a & (roles_a == _PATRONYMIC)).any(axis=1)
    patronymic_b = (lone_b & (roles_b == _PATRONYMIC)).any(axis=1)
    forgiven_a = lone_a & (
        (roles_a == _PARTICLE) | ((roles_a == _PATRONYMIC) & ~patronymic_b[:, None])
    )
    forgiven_b = lone_b & (
        (roles_b == _PARTICLE) | ((roles_b == _PATRONYMIC) & ~patronymic_a[:, None])
    )
    unforgiven = (len_a * (lone_a & ~forgiven_a)).sum(axis=1) + (
        len_b * (lone_b & ~forgiven_b)
    ).sum(axis=1)
    forgiven = forgiven_a.sum(axis=1) + forgiven_b.sum(axis=1)

    any_pair = valid.any(axis=1)
    total_w = np.where(valid, chosen_w, 0.0).sum(axis=1)
    safe_w = np.where(any_pair, total_w, 1.0)
    mean = np.where(valid, chosen * chosen_w, 0.0).sum(axis=1) / safe_w
    worst = np.where(valid, chosen, np.inf).min(axis=1)
    base = BLEND * mean + (1 - BLEND) * worst
    coverage = safe_w / (safe_w + unforgiven)
    raw = np.clip(base * coverage - FORGIVEN_COST * forgiven, 0.0, 1.0)
    return np.where(any_pair, np.rint(raw * 1e9) / 1e9, 0.0)
