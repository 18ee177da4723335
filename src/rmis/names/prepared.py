"""A name prepared once for comparison: tokens, their keys, and what role each plays."""

from array import array
from dataclasses import dataclass
from enum import IntEnum
from functools import lru_cache

from rmis.names.keys import plain_key, token_key
from rmis.names.normalise import normalise, raw_tokens


class Role(IntEnum):
    NAME = 0
    PATRONYMIC = 1  # a father's name: -OVICH/-OVNA, -ULY/-KYZY joined, or before UULU/UGLI...
    PARTICLE = 2  # a word that is not itself a name: ULY, KYZY, UULU, UGLI, OGLU, ZODA, IBN...


def _keys(*spellings: str) -> frozenset[str]:
    return frozenset(token_key(s) for s in spellings)


# Particles that follow a father's name (the token before them is a patronymic).
PATRONYMIC_PARTICLES = _keys(
    "ULY",
    "ULI",
    "UULU",
    "UGLI",
    "OGLI",
    "OGLU",
    "OGLY",
    "OʻGʻLI",
    "KYZY",
    "KIZI",
    "QIZI",
    "QYZY",
    "GYZY",
    "УЛЫ",
    "ҰЛЫ",
    "УУЛУ",
    "УГЛИ",
    "ЎҒЛИ",
    "ОГЛИ",
    "ОГЛЫ",
    "ОГЛУ",
    "КЫЗЫ",
    "ҚЫЗЫ",
    "КИЗИ",
    "ҚИЗИ",
)
# Particles that form a surname or a nasab without being a patronymic themselves.
OTHER_PARTICLES = _keys(
    "ZODA", "ZADE", "ZADEH", "ZADA", "ЗОДА", "ЗАДЕ", "IBN", "BIN", "BINT", "BINTI"
)
PARTICLES = PATRONYMIC_PARTICLES | OTHER_PARTICLES
# Key endings of patronymics written as one word (Russian -ОВИЧ/-ОВНА, Kazakh -ҰЛЫ/-ҚЫЗЫ,
# Uzbek -ЎҒЛИ/-ҚИЗИ); the stem must be at least two letters long (ИЛЬ-ЕВНА).
PATRONYMIC_ENDINGS = tuple(
    sorted(
        _keys("OVICH", "EVICH", "ICHNA", "OVNA", "EVNA", "ULY", "KYZY", "UGLI", "OGLI", "OGLU"),
    )
)


def _is_patronymic_word(key: str) -> bool:
    return any(key.endswith(e) and len(key) >= len(e) + 2 for e in PATRONYMIC_ENDINGS)


@dataclass(frozen=True, slots=True)
class PreparedName:
    """A name normalised once. Tokens are sorted by key so that token order never matters."""

    text: str
    tokens: tuple[str, ...]
    keys: tuple[str, ...]
    roles: tuple[Role, ...]
    plains: tuple[str, ...]  # each token in plain Latin, no folds (keys.plain_key)
    packed: bytes  # one fixed-width row of C ints for the batch scorer (see pack_row)
    rank: str  # orders names for symmetric scoring: fewer tokens first, then by keys

    def sort_key(self) -> str:
        return self.rank


# A prepared name as one fixed-width row of C ints, so that a batch of names is one array
# (batch.py): the token count, then the key ids, the plain spellings' ids and the roles of
# up to PACKED_TOKENS tokens, zero-padded. Longer names keep only their count: the batch
# scorer sends them to the one-by-one scorer, so PACKED_TOKENS must be at least
# similarity.MAX_EXACT_TOKENS.
PACKED_TOKENS = 5
PACKED_WIDTH = 1 + 3 * PACKED_TOKENS


def pack_row(key_ids: list[int], plain_ids: list[int], roles: list[Role]) -> bytes:
    count = len(key_ids)
    if count > PACKED_TOKENS:
        return array("i", [count] + [0] * (PACKED_WIDTH - 1)).tobytes()
    pad = [0] * (PACKED_TOKENS - count)
    return array("i", [count, *key_ids, *pad, *plain_ids, *pad, *roles, *pad]).tobytes()


# Every token key seen gets a small integer once (the batch scorer deduplicates token pairs
# by these). A cache of a pure function: it grows with the vocabulary of names, not the data.
_KEY_IDS: dict[str, int] = {}
KEY_WORDS: list[str] = []


def key_id(key: str) -> int:
    found = _KEY_IDS.get(key)
    if found is None:
        found = _KEY_IDS.setdefault(key, len(KEY_WORDS))
        if found == len(KEY_WORDS):
            KEY_WORDS.append(key)
    return found


@lru_cache(maxsize=65536)
def prepare(name: str) -> PreparedName:
    """Normalise, tokenise and key a name; give each token its role."""
    raw = raw_tokens(name)
    tokens = [normalise(t) for t in raw]
    keys = [token_key(r) or t for r, t in zip(raw, tokens, strict=True)]  # other scripts: itself
    plains = [plain_key(r) or k for r, k in zip(raw, keys, strict=True)]
    roles = [Role.NAME] * len(tokens)
    for i, key in enumerate(keys):
        if key in PARTICLES and len(tokens) > 1:
            roles[i] = Role.PARTICLE
            if key in PATRONYMIC_PARTICLES and i > 0 and roles[i - 1] is Role.NAME:
                roles[i - 1] = Role.PATRONYMIC
        elif _is_patronymic_word(key) and roles[i] is Role.NAME:
            roles[i] = Role.PATRONYMIC
    order = sorted(range(len(tokens)), key=lambda i: (keys[i], roles[i], tokens[i]))
    sorted_tokens = tuple(tokens[i] for i in order)
    sorted_keys = tuple(keys[i] for i in order)
    sorted_roles = tuple(roles[i] for i in order)
    sorted_plains = tuple(plains[i] for i in order)
    packed = pack_row(
        [key_id(k) for k in sorted_keys], [key_id(p) for p in sorted_plains], list(sorted_roles)
    )
    # One string, so that ordering a pair is one comparison: the token count, then keys,
    # roles, tokens and plain spellings, each joined by a separator below every letter.
    rank = "\x1e".join(
        (
            f"{len(sorted_keys):04d}",
            "\x1f".join(sorted_keys),
            "".join(str(int(r)) for r in sorted_roles),
            "\x1f".join(sorted_tokens),
            "\x1f".join(sorted_plains),
        )
    )
    return PreparedName(
        text=name,
        tokens=sorted_tokens,
        keys=sorted_keys,
        roles=sorted_roles,
        plains=sorted_plains,
        packed=packed,
        rank=rank,
    )
