"""The batch scorer: the packed rows it reads, and the same scores as `similarity`."""

from array import array

from hypothesis import given, settings
from hypothesis import strategies as st

from rmis.names import prepare, score_batch, similarity
from rmis.names.prepared import KEY_WORDS, PACKED_TOKENS, PACKED_WIDTH, Role
from rmis.names.similarity import MAX_EXACT_TOKENS

TOKENS = [
    "Анвар",
    "ANVAR",
    "ANAVR",
    "Юлия",
    "JULIA",
    "Абдуллаев",
    "ABDULLAYEV",
    "ABDULAEV",
    "Алиев",
    "ALIMOV",
    "уулу",
    "KYZY",
    "Каримович",
    "KARIMOVNA",
    "Ўткир",
    "UTKIR",
    "ZODA",
]
names = st.lists(st.sampled_from(TOKENS), min_size=0, max_size=MAX_EXACT_TOKENS + 2).map(" ".join)


def row(name: str) -> list[int]:
    return array("i", prepare(name).packed).tolist()


def test_every_name_the_batch_scores_exactly_fits_a_packed_row():
    assert PACKED_TOKENS >= MAX_EXACT_TOKENS


def test_a_packed_row_holds_count_key_ids_plain_ids_and_roles():
    name = prepare("Асанбек уулу Талант")
    packed = row("Асанбек уулу Талант")
    assert len(packed) == PACKED_WIDTH
    count, rest = packed[0], packed[1:]
    keys = rest[:PACKED_TOKENS]
    plains = rest[PACKED_TOKENS : 2 * PACKED_TOKENS]
    roles = rest[2 * PACKED_TOKENS :]
    assert count == 3
    assert [KEY_WORDS[i] for i in keys[:count]] == list(name.keys)
    assert [KEY_WORDS[i] for i in plains[:count]] == list(name.plains)
    assert roles[:count] == [int(r) for r in name.roles]
    assert Role.PARTICLE in name.roles and Role.PATRONYMIC in name.roles
    assert keys[count:] == plains[count:] == roles[count:] == [0] * (PACKED_TOKENS - count)


def test_a_name_too_long_to_pack_keeps_only_its_count():
    long_name = " ".join(["A", "B", "C", "D", "E", "F", "G"][: PACKED_TOKENS + 1])
    assert row(long_name) == [PACKED_TOKENS + 1] + [0] * (PACKED_WIDTH - 1)


@settings(max_examples=100, deadline=None)
@given(st.lists(st.tuples(names, names), min_size=1, max_size=30))
def test_batch_scores_are_the_single_scores_both_ways(pairs):
    left, right = [a for a, _ in pairs], [b for _, b in pairs]
    expected = [similarity(a, b).score for a, b in pairs]
    assert score_batch(left, right).tolist() == expected
    assert score_batch(right, left).tolist() == expected
