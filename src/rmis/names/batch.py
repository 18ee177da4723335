"""Scoring many pairs at once: the same score as `similarity`, vectorised with NumPy.

Token similarities come from one `rapidfuzz.process.cpdist` call over the distinct token-word
pairs of the batch (single-threaded), found by hashing; the pairing, forgiveness and blending
of similarity.py are then done on arrays, one group per (tokens in a, tokens in b) shape.
Nothing is kept from one call to the next but the per-word tables (length, first letter).
"""

from collections.abc import Sequence
from functools import lru_cache
from itertools import chain
from operator import attrgetter, lt

import numpy as np
from rapidfuzz.distance import OSA
from rapidfuzz.process import cpdist

from rmis.names.prepared import KEY_WORDS, PACKED_TOKENS, PACKED_WIDTH, PreparedName, Role
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
# Columns of a packed row (prepared.pack_row): count, key ids, plain ids, roles.
_KEYS, _PLAINS, _ROLES = (1 + i * PACKED_TOKENS for i in range(3))


_rank = attrgetter("rank")
_packed = attrgetter("packed")


def _all_prepared(names: Sequence[object]) -> bool:
    # One C-level pass over the types, rather than a Python call per name.
    return set(map(type, names)) <= {PreparedName}


def _factorize(codes: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    """The distinct codes and, per code, the index of its distinct value. Arrow hashes where
    np.unique(return_inverse=True) sorts: several times faster on a batch's token pairs."""
    import pyarrow as pa  # here: only batches need it, and it takes a while to import

    encoded = pa.array(codes).dictionary_encode()
    return encoded.dictionary.to_numpy(), encoded.indices.to_numpy()


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
    # Python work per pair or token: every name is one fixed-width row (prepared.pack_row),
    # and a batch is one array of them.
    swap = np.fromiter(map(lt, map(_rank, rights), map(_rank, lefts)), bool, count)
    rows = np.frombuffer(
        b"".join(chain(map(_packed, lefts), map(_packed, rights))), dtype=np.intc
    ).reshape(2 * count, PACKED_WIDTH)
    # Token-major from here on: (column, pair) arrays, so that sums over a pair's tokens
    # are elementwise additions of whole rows.
    columns = np.ascontiguousarray(rows.T)
    pos = np.arange(count)
    first, second = np.where(swap, pos + count, pos), np.where(swap, pos, pos + count)
    n_all, m_all = columns[0].take(first), columns[0].take(second)
    for i in np.flatnonzero((n_all > 0) & (m_all > MAX_EXACT_TOKENS)).tolist():
        scores[i] = similarity(lefts[i], rights[i]).score
    shape = np.where(
        (n_all > 0) & (m_all <= MAX_EXACT_TOKENS), n_all * (MAX_EXACT_TOKENS + 1) + m_all, -1
    )  # -1: scored or 0 already
    shaped = []
    for code in np.unique(shape).tolist():
        if code >= 0:
            n, m = divmod(code, MAX_EXACT_TOKENS + 1)
            idx = np.flatnonzero(shape == code)
            shaped.append(
                (n, m, idx, columns.take(first[idx], axis=1), columns.take(second[idx], axis=1))
            )
    if not shaped:
        return scores

    # Each distinct token pair (on keys and on plain spellings) is compared once; the
    # similarity is symmetric, so a pair is coded with the smaller word id first.
    _ensure_word_tables()
    size = len(_WORDS)
    code_type = np.int32 if size * size < 2**31 else np.int64  # int32 hashes faster
    codes = []
    for n, m, _, group_a, group_b in shaped:
        for column in (_KEYS, _PLAINS):
            ids_a = group_a[column : column + n, None, :].astype(code_type)
            ids_b = group_b[None, column : column + m, :].astype(code_type)
            codes.append((np.minimum(ids_a, ids_b) * size + np.maximum(ids_a, ids_b)).ravel())
    unique, inverse = _factorize(np.concatenate(codes))
    left_ids, right_ids = unique // size, unique % size
    cost = cpdist(
        _WORDS.take(left_ids).tolist(),
        _WORDS.take(right_ids).tolist(),
        scorer=OSA.distance,
        dtype=np.int32,
        workers=1,
    )
    initial_a, initial_b = _INITIALS.take(left_ids), _INITIALS.take(right_ids)
    cost += INITIAL_COST * (initial_a != initial_b)
    longest = np.maximum(_LENGTHS.take(left_ids), _LENGTHS.take(right_ids))
    unique_sims = np.where(longest > 0, np.maximum(0.0, 1 - cost / np.maximum(longest, 1)), 1.0)
    all_sims = unique_sims.take(inverse)

    offset = 0
    for n, m, idx, group_a, group_b in shaped:
        count = len(idx) * n * m
        sims = np.maximum(
            all_sims[offset : offset + count], all_sims[offset + count : offset + 2 * count]
        ).reshape(n * m, -1)
        offset += 2 * count
        scores[idx] = _score_shape(
            n, m, sims,
            _LENGTHS.take(group_a[_KEYS : _KEYS + n]).astype(np.float64),
            _LENGTHS.take(group_b[_KEYS : _KEYS + m]).astype(np.float64),
            group_a[_ROLES : _ROLES + n], group_b[_ROLES : _ROLES + m],
        )  # fmt: skip
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


@lru_cache(maxsize=64)
def _matchings_by_token(n: int, m: int) -> tuple[np.ndarray, np.ndarray]:
    """matchings(n, m) by token, (n, K): the b token each a token pairs with, and that pair's
    row in an (n * m, G) token-pair array."""
    options = np.asarray(matchings(n, m), dtype=np.intp).T
    return np.ascontiguousarray(options), options + (np.arange(n) * m)[:, None]


def _score_shape(
    n: int,
    m: int,
    sims: np.ndarray,
    len_a: np.ndarray,
    len_b: np.ndarray,
    roles_a: np.ndarray,
    roles_b: np.ndarray,
) -> np.ndarray:
    """Scores of G pairs of one shape. Token-major: sims is (n * m, G), a token pair per row
    (a token, then b token); len_a, roles_a are (n, G); len_b, roles_b (m, G)."""
    size = sims.shape[1]
    weights = ((len_a[:, None, :] + len_b[None, :, :]) / 2).reshape(n * m, size)
    weighted = weights * sims
    cols, at = _matchings_by_token(n, m)
    # Each option's weighted sum, token by token in order, as similarity.py adds them.
    values = weighted.take(at[0], axis=0)  # (K, G)
    for rows in at[1:]:
        values += weighted.take(rows, axis=0)
    best = values.argmax(axis=0)  # the first best option, as in similarity.py
    pair = np.arange(size)
    chosen_at = at.take(best, axis=1) * size + pair  # (n, G), into the flattened arrays
    chosen = sims.take(chosen_at)
    chosen_w = weights.take(chosen_at)
    valid = chosen >= PAIR_FLOOR

    paired_b = np.zeros((m, size), dtype=bool)
    np.put(paired_b, cols.take(best, axis=1) * size + pair, valid)  # distinct per pair
    lone_a, lone_b = ~valid, ~paired_b
    patronymic_a = (lone_a & (roles_a == _PATRONYMIC)).any(axis=0)
    patronymic_b = (lone_b & (roles_b == _PATRONYMIC)).any(axis=0)
    forgiven_a = lone_a & ((roles_a == _PARTICLE) | ((roles_a == _PATRONYMIC) & ~patronymic_b))
    forgiven_b = lone_b & ((roles_b == _PARTICLE) | ((roles_b == _PATRONYMIC) & ~patronymic_a))
    unforgiven = (len_a * (lone_a & ~forgiven_a)).sum(axis=0) + (
        len_b * (lone_b & ~forgiven_b)
    ).sum(axis=0)
    forgiven = forgiven_a.sum(axis=0) + forgiven_b.sum(axis=0)

    any_pair = valid.any(axis=0)
    total_w = np.where(valid, chosen_w, 0.0).sum(axis=0)
    safe_w = np.where(any_pair, total_w, 1.0)
    mean = np.where(valid, chosen * chosen_w, 0.0).sum(axis=0) / safe_w
    worst = np.where(valid, chosen, np.inf).min(axis=0)
    base = BLEND * mean + (1 - BLEND) * worst
    coverage = safe_w / (safe_w + unforgiven)
    raw = np.clip(base * coverage - FORGIVEN_COST * forgiven, 0.0, 1.0)
    return np.where(any_pair, np.rint(raw * 1e9) / 1e9, 0.0)
