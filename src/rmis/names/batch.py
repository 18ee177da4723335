"""Scoring many pairs at once: the same score as `similarity`, vectorised with NumPy.

Token similarities come from one `rapidfuzz.process.cpdist` call over the distinct token-key
pairs of the batch (single-threaded); the pairing, forgiveness and blending of
similarity.py are then done on arrays, one group per (tokens in a, tokens in b) shape.
"""

from collections.abc import Sequence
from itertools import chain
from operator import attrgetter, lt

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


_rank = attrgetter("rank")
_ids = attrgetter("ids")
_packed = attrgetter("packed")


def _all_prepared(names: Sequence[object]) -> bool:
    # One C-level pass over the types, rather than a Python call per name.
    return set(map(type, names)) <= {PreparedName}


def score_batch(
    left: Sequence[str | PreparedName], right: Sequence[str | PreparedName]
) -> np.ndarray:
    """Scores of left[i] against right[i] for every i (float64 array)."""
    if len(left) != len(right):
        raise ValueError("score_batch needs two sequences of the same length")
    count = len(left)
    scores = np.zeros(count, dtype=np.float64)
    if not count:
        return scores
    lefts = left if _all_prepared(left) else [as_prepared(x) for x in left]
    rights = right if _all_prepared(right) else [as_prepared(x) for x in right]

    # Canonical order per pair (the smaller rank first), then pairs grouped by shape; no
    # Python work per pair or token: each name's key ids, plain ids and roles are packed
    # once (prepared.py) and gathered here from one buffer.
    swap = np.fromiter(map(lt, map(_rank, rights), map(_rank, lefts)), bool, count)
    tokens = np.concatenate([np.fromiter(map(len, map(_ids, names)), np.intp, count)
                             for names in (lefts, rights)])
    starts = np.zeros(2 * count, dtype=np.intp)
    np.cumsum(3 * tokens[:-1], out=starts[1:])
    flat = np.frombuffer(
        b"".join(chain(map(_packed, lefts), map(_packed, rights))), dtype=np.intc
    )
    pos = np.arange(count)
    first = np.where(swap, pos + count, pos)
    second = np.where(swap, pos, pos + count)
    n_all, m_all = tokens[first], tokens[second]
    for i in np.flatnonzero((n_all > 0) & (m_all > MAX_EXACT_TOKENS)).tolist():
        scores[i] = similarity(lefts[i], rights[i]).score
    shape = np.where((n_all > 0) & (m_all <= MAX_EXACT_TOKENS),
                     n_all * (MAX_EXACT_TOKENS + 1) + m_all, -1)  # -1: scored or 0 already
    shaped = []
    for code in np.unique(shape).tolist():
        if code < 0:
            continue
        n, m = divmod(code, MAX_EXACT_TOKENS + 1)
        idx = np.flatnonzero(shape == code)
        # (G, 3n): key ids, plain ids, roles
        arr_a = flat[starts[first[idx]][:, None] + np.arange(3 * n)]
        arr_b = flat[starts[second[idx]][:, None] + np.arange(3 * m)]
        shaped.append((n, m, idx, arr_a, arr_b))
    if not shaped:
        return scores

    # Each distinct token pair (on keys and on plain spellings) is compared once.
    _ensure_word_tables()
    size = len(_WORDS)
    code_type = np.int32 if size * size < 2**31 else np.int64  # int32 sorts faster
    codes = []
    for n, m, _, arr_a, arr_b in shaped:
        ids_a, ids_b = arr_a.astype(code_type), arr_b.astype(code_type)
        codes.append((ids_a[:, :n, None] * size + ids_b[:, None, :m]).ravel())
        codes.append((ids_a[:, n : 2 * n, None] * size + ids_b[:, None, m : 2 * m]).ravel())
    unique, inverse = np.unique(np.concatenate(codes), return_inverse=True)
    left_ids, right_ids = unique // size, unique % size
    cost = cpdist(_WORDS[left_ids].tolist(), _WORDS[right_ids].tolist(), scorer=OSA.distance,
                  dtype=np.int32, workers=1)
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
_WORDS = np.zeros(0, dtype=object)


def _ensure_word_tables() -> None:
    global _LENGTHS, _INITIALS, _WORDS
    known, size = len(_LENGTHS), len(KEY_WORDS)
    if known == size:
        return
    new = KEY_WORDS[known:size]
    words = np.empty(len(new), dtype=object)
    words[:] = new
    _WORDS = np.concatenate([_WORDS, words])
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
