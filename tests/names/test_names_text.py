"""Scripts, normalisation, tokenising."""

import pytest

from rmis.names import Script, detect_script, normalise, tokenise


@pytest.mark.parametrize(
    ("text", "script"),
    [
        ("Абдуллаев", Script.CYRILLIC),
        ("Нұрсұлтан Әбішұлы", Script.CYRILLIC),
        ("Ҷӯраев", Script.CYRILLIC),
        ("ABDULLAYEV", Script.LATIN),
        ("Oʻtkir Gʻulomov", Script.LATIN),
        ("Nūrsūltan", Script.LATIN),
        ("Иван IVANOV", Script.MIXED),
        ("محمد", Script.OTHER),
        ("123 -", Script.OTHER),
        ("", Script.OTHER),
    ],
)
def test_detect_script(text: str, script: Script) -> None:
    assert detect_script(text) is script


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("  abdullaev   anvar ", "ABDULLAEV ANVAR"),
        ("Oʻtkir Gʻulomov", "OTKIR GULOMOV"),
        ("d'Artagnan-Müller", "DARTAGNAN MULLER"),
        ("Nūrsūltan Äbişūly", "NURSULTAN ABISULY"),
        ("Ёлкин Йўлдош ӣ", "ЁЛКИН ЙЎЛДОШ Ӣ"),
        ("STRAßE Øre", "STRASSE ORE"),
        ("Маъруф", "МАЪРУФ"),  # Ъ is a letter, not an apostrophe
    ],
)
def test_normalise(text: str, expected: str) -> None:
    assert normalise(text) == expected


def test_tokenise_splits_hyphens_and_spaces() -> None:
    assert tokenise("Muhammad-Ali  ibn  Karim") == ["MUHAMMAD", "ALI", "IBN", "KARIM"]
    assert tokenise("") == []
