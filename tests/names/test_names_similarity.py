"""Name similarity: the examples of the issue, the explanation, the batch scorer."""

import pytest

from rmis.names import (
    MATCH_THRESHOLD,
    latin_spellings,
    prepare,
    score_batch,
    similarity,
)


@pytest.mark.parametrize(
    ("a", "b"),
    [
        ("Абдуллаев", "ABDULLAEV"),
        ("Абдуллаев", "ABDULLAYEV"),
        ("ABDULLAEV", "ABDULLAYEV"),
        ("Нұрсұлтан", "NURSULTAN"),
        ("Нұрсұлтан", "NŪRSŪLTAN"),
        ("Юлия", "IULIIA"),
        ("Юлия", "YULIYA"),
        ("Юлия", "JULIA"),
        ("Ўткир Ғуломов", "OʻTKIR GʻULOMOV"),
        ("Ўткир Ғуломов", "UTKIR GULOMOV"),
        ("Ҷӯраев Ҷамшед", "JURAEV JAMSHED"),
        ("Ҷӯраев Ҷамшед", "DZHURAEV DZHAMSHED"),
        ("Хуршид Раҳимов", "XURSHID RAXIMOV"),
        ("Хуршид Раҳимов", "KHURSHID RAKHIMOV"),
        ("Тоқаев Қасым-Жомарт", "TOKAYEV KASSYM JOMART"),
        ("Жээнбеков Сооронбай", "JEENBEKOV SOORONBAY"),
        ("Дмитрий", "DMITRIJ"),
        ("Ксения Максимовна", "XENIIA MAXIMOVNA"),
        # Order swapped, patronymic or particle missing, a typo.
        ("Абдуллаев Анвар Каримович", "ANVAR ABDULLAYEV"),
        ("Асанбек уулу Талант", "TALANT"),
        ("Назарбаев Нұрсұлтан Әбішұлы", "NURSULTAN NAZARBAYEV"),
        ("Алиев Рустам Анвар ўғли", "RUSTAM ALIYEV"),
        ("Мирзиёев Шавкат", "SHAVKAT MIRZIYOYEV"),
        ("Абдуллаев Анвар", "ABDULAEV ANVAR"),
        ("Абдуллаев Анвар", "ABDULLAEV ANAVR"),
        # A typo that breaks a digraph or makes one is one edit (plain spelling), and the
        # systems' own swaps at the first letter (Ў as O or U, Ю as JU or IU) cost nothing more.
        ("Жамшид Алимов", "ZAHMSHID ALIMOV"),
        ("Алимов Бобур", "ALIOV BOBUR"),
        ("Ўткир Алиев", "OTKIR ALIEV"),
        ("Юлия Петрова", "JULIA PETROVA"),
    ],
)
def test_same_name_scores_high(a: str, b: str) -> None:
    result = similarity(a, b)
    assert result.match, result.to_dict()
    assert result.score >= MATCH_THRESHOLD


@pytest.mark.parametrize(
    ("a", "b"),
    [
        ("ALIEV ANVAR", "ALIMOV ANVAR"),
        ("ALIEV ANVAR", "ALIEV AZIZ"),
        ("RUSLAN KARIMOV", "RUSTAM KARIMOV"),
        ("Жанна Петрова", "YANA PETROVA"),
        # One letter apart, but at the first letter, where typos seldom fall.
        ("Смирнова Елена", "SMIRNOVA ALENA"),
        ("Соколова Дарья", "SOKOLOVA MARIYA"),
        ("Абдуллаев Анвар", "ABDULLAEV"),
        ("Абдуллаев Анвар Каримович", "ABDULLAEV ANVAR RASHIDOVICH"),
        ("Юлия Иванова", "OLGA SMIRNOVA"),
        ("Нұрсұлтан", "NURLAN"),
    ],
)
def test_different_names_score_low(a: str, b: str) -> None:
    result = similarity(a, b)
    assert not result.match, result.to_dict()


def test_missing_patronymic_is_forgiven_and_explained() -> None:
    result = similarity("Абдуллаев Анвар Каримович", "ANVAR ABDULLAYEV")
    assert result.score == pytest.approx(0.98)
    data = result.to_dict()
    assert set(data) == {"score", "match", "explain"}
    assert {(p["a"], p["b"]) for p in data["explain"]["pairs"]} == {
        ("АБДУЛЛАЕВ", "ABDULLAYEV"), ("АНВАР", "ANVAR")}
    [lone] = data["explain"]["unmatched"]
    assert lone == {"side": "a", "token": "КАРИМОВИЧ", "role": "patronymic", "forgiven": True,
                    "reason": "patronymic absent from the other name"}


def test_particle_and_father_name_are_forgiven() -> None:
    result = similarity("Асанбек уулу Талант", "TALANT")
    roles = {u.token: (u.role, u.forgiven) for u in result.explain.unmatched}
    assert roles == {"АСАНБЕК": ("patronymic", True), "УУЛУ": ("particle", True)}


def test_conflicting_patronymics_are_not_forgiven() -> None:
    result = similarity("ALIEV ANVAR KARIMOVICH", "ALIEV ANVAR RASHIDOVICH")
    assert not result.match


def test_missing_given_name_counts_and_says_why() -> None:
    result = similarity("ALIEV ANVAR", "ALIEV")
    [lone] = result.explain.unmatched
    assert (lone.token, lone.forgiven, lone.reason) == (
        "ANVAR", False, "no counterpart in the other name")
    assert result.score < 0.6


def test_sides_of_the_explanation_follow_the_arguments() -> None:
    one = similarity("ANVAR", "ALIEV ANVAR")
    other = similarity("ALIEV ANVAR", "ANVAR")
    assert one.score == other.score
    assert [u.side for u in one.explain.unmatched] == ["b"]
    assert [u.side for u in other.explain.unmatched] == ["a"]
    assert one.explain.pairs[0].a == "ANVAR"


def test_prepared_and_raw_inputs_agree() -> None:
    a, b = "Назарбаев Нұрсұлтан", "NAZARBAYEV NURSULTAN ABISHEVICH"
    assert similarity(prepare(a), prepare(b)) == similarity(a, b)


def test_empty_names_do_not_match() -> None:
    assert similarity("", "").score == 0.0
    assert similarity("-", "ALIEV").match is False


def test_batch_scores_equal_single_scores() -> None:
    names = ["Абдуллаев Анвар Каримович", "ANVAR ABDULLAYEV", "Асанбек уулу Талант", "TALANT",
             "ALIEV ANVAR", "ALIMOV ANVAR", "Юлия", "JULIA", "", "A B C D E F G",
             "A B C D E F G H", "Назарбаев Нұрсұлтан Әбішұлы", "NURSULTAN NAZARBAYEV"]
    left = [a for a in names for _ in names]
    right = [b for _ in names for b in names]
    batch = score_batch(left, [prepare(b) for b in right])
    assert batch.tolist() == [similarity(a, b).score for a, b in zip(left, right, strict=True)]


def test_batch_needs_equal_lengths() -> None:
    with pytest.raises(ValueError, match="same length"):
        score_batch(["A"], [])


def test_latin_spellings_list_each_spelling_once_with_its_systems() -> None:
    spellings = latin_spellings("Абдуллаев")
    texts = [s.text for s in spellings]
    assert len(texts) == len(set(texts))
    by_text = {s.text: s.systems for s in spellings}
    assert "icao_9303" in by_text["ABDULLAEV"]
    assert {"mvd_782", "uz_latin", "kk_passport"} <= set(by_text["ABDULLAYEV"])
    assert by_text["ABDOULLAEV"] == ("mvd_310_fr",)


def test_latin_spellings_of_national_letters() -> None:
    by_text = {s.text: s.systems for s in latin_spellings("Нұрсұлтан")}
    assert by_text["NŪRSŪLTAN"] == ("kk_latin_2021",)
    assert "kk_latin_2021_mrz" in by_text["NURSULTAN"]
    uz = {s.text: s.systems for s in latin_spellings("Ўткир")}
    assert uz["OʻTKIR"] == ("uz_latin",)
    assert "icao_9303" in uz["UTKIR"]


def test_latin_spellings_of_a_latin_name_is_the_name() -> None:
    [only] = latin_spellings(" Julia  ivanova ")
    assert only.to_dict() == {"spelling": "JULIA IVANOVA", "systems": ["input"]}
