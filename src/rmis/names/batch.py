"""Scoring many pairs at once: the same score as `similarity`, vectorised with NumPy.

Token similarities come from one `rapidfuzz.process.cpdist` call over the distinct token-key
pairs of the batch (single-threaded); the pairing, forgiveness and blending of
similarity.py are then done on arrays, one group per (tokens in a, tokens in b) shape.
"""

from collections import defaultdict
from collections.abc import Sequence
from itertools import chain

import numpy as np
from rapidfuzz.distance import OSA
from rapidfuzz.process import cpdist

from rmis.names.prepared import KEY_WORDS, PreparedName, Role
from rmis.names.similarity import (
    BLEND,
    FORGIVEN_COST,
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
    lefts = [as_prepared(x) for x in left]
    rights = [as_prepared(x) for x in right]
    scores = np.zeros(len(lefts), dtype=np.float64)

    # Canonical order per pair (fewer tokens first), then group pairs by shape.
    groups: dict[tuple[int, int], list[int]] = defaultdict(list)
    firsts: list[PreparedName] = []
    seconds: list[PreparedName] = []
    for i, (a, b) in enumerate(zip(lefts, rights, strict=True)):
        if b.rank < a.rank:
            a, b = b, a
        firsts.append(a)
        seconds.append(b)
        n, m = len(a.keys), len(b.keys)
        if n == 0:
            continue  # a name with no tokens matches nothing: 0
        if m > MAX_EXACT_TOKENS:
            scores[i] = similarity(a, b).score
            continue
        groups[(n, m)].append(i)

    shaped = []
    for (n, m), idx in groups.items():
        count = len(idx)
        ids_a = np.fromiter(chain.from_iterable(firsts[i].ids for i in idx), np.int64,
                            count * n).reshape(-1, n)
        ids_b = np.fromiter(chain.from_iterable(seconds[i].ids for i in idx), np.int64,
                            count * m).reshape(-1, m)
        roles_a = np.fromiter(chain.from_iterable(firsts[i].roles for i in idx), np.int8,
                              count * n).reshape(-1, n)
        roles_b = np.fromiter(chain.from_iterable(seconds[i].roles for i in idx), np.int8,
                              count * m).reshape(-1, m)
        shaped.append((n, m, np.asarray(idx), ids_a, ids_b, roles_a, roles_b))
    if not shaped:
        return scores

    # Each distinct token pair is compared once.
    words = KEY_WORDS
    size = len(words)
    codes = [(ids_a[:, :, None] * size + ids_b[:, None, :]).ravel()
             for _, _, _, ids_a, ids_b, _, _ in shaped]
    unique, inverse = np.unique(np.concatenate(codes), return_inverse=True)
    left_ids, right_ids = (unique // size).tolist(), (unique % size).tolist()
    unique_sims = cpdist([words[c] for c in left_ids], [words[c] for c in right_ids],
                         scorer=OSA.normalized_similarity, dtype=np.float64, workers=1)
    used = np.unique(np.concatenate([unique // size, unique % size]))
    lengths = np.zeros(size, dtype=np.float64)
    lengths[used] = [len(words[c]) for c in used.tolist()]
    all_sims = unique_sims[inverse]

    offset = 0
    for n, m, idx, ids_a, ids_b, roles_a, roles_b in shaped:
        count = len(idx) * n * m
        sims = all_sims[offset : offset + count].reshape(-1, n, m)
        offset += count
        scores[idx] = _score_shape(n, m, sims, lengths[ids_a], lengths[ids_b], roles_a, roles_b)
    return scores


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
