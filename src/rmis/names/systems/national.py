"""The national systems of Kazakhstan, Kyrgyzstan, Tajikistan and Uzbekistan: own tables.

Each table names its source. Letters a table does not cover (a Tajik Ҷ in a Kazakh system)
go through base.RUSSIAN_STAND_INS, so no Cyrillic survives in the output.
"""

from rmis.names.systems.base import System, Table

_RU_COMMON = {
    "а": "a",
    "б": "b",
    "в": "v",
    "г": "g",
    "д": "d",
    "е": "e",
    "з": "z",
    "и": "i",
    "к": "k",
    "л": "l",
    "м": "m",
    "н": "n",
    "о": "o",
    "п": "p",
    "р": "r",
    "с": "s",
    "т": "t",
    "у": "u",
    "ф": "f",
    "ъ": "",
    "ь": "",
    "э": "e",
}

# Kazakh passports and ID cards: ICAO-style digraphs for the Russian letters, Kazakh letters
# written by their nearest Russian letter (Ә A, Ғ G, Қ K, Ң N, Ө O, Ұ U, Ү U, І I) and Һ H,
# iotation written with Y (Е -> YE at the start of a word and after a vowel, Й Y, Ю YU, Я YA).
# Source: spellings on issued Kazakh documents (TOKAYEV, YERLAN, DANIYAR, ZHANAR); the
# letter values for the Kazakh letters agree with the extended ICAO table published for
# ticketing (help.anywayanyday.business/article/25717) except Һ, which Kazakh documents write H.
# The text of the MVD RK rules was not available to check against.
KK_PASSPORT = Table(
    letters={
        **_RU_COMMON,
        "ә": "a",
        "ғ": "g",
        "ё": "yo",
        "ж": "zh",
        "й": "y",
        "қ": "k",
        "ң": "n",
        "ө": "o",
        "ұ": "u",
        "ү": "u",
        "х": "kh",
        "һ": "h",
        "ц": "ts",
        "ч": "ch",
        "ш": "sh",
        "щ": "shch",
        "ы": "y",
        "і": "i",
        "ю": "yu",
        "я": "ya",
    },
    initial={"е": "ye"},
    after_vowel={"е": "ye"},
)

# Kazakh Latin alphabet of 28 January 2021 (Government of Kazakhstan; 31 letters
# A Ä B D E F G Ğ H I İ J K L M N Ñ O Ö P Q R S Ş T U Ū Ü V Y Z): И and Й -> İ (i), І -> I (ı),
# Ы -> Y, У -> U, Ұ -> Ū, Ү -> Ü. Letters outside the alphabet (loanwords) follow the 2021
# conversion table as republished in qazlatyn-db 4.0 and Wikipedia "Kazakh alphabets":
# Ё İo, Ц Ts, Ч Ch, Щ Ş, Ю İu, Я İa, Ъ Ь dropped.
KK_LATIN_2021 = Table(
    letters={
        **_RU_COMMON,
        "ә": "ä",
        "ғ": "ğ",
        "ё": "io",
        "ж": "j",
        "й": "i",
        "қ": "q",
        "ң": "ñ",
        "ө": "ö",
        "ұ": "ū",
        "ү": "ü",
        "х": "h",
        "һ": "h",
        "ц": "ts",
        "ч": "ch",
        "ш": "ş",
        "щ": "ş",
        "ы": "y",
        "і": "ı",
        "ю": "iu",
        "я": "ia",
    },
)


def _kk_upper(text: str) -> str:
    # Turkic dotted/dotless pair: i -> İ, ı -> I (Python's str.upper maps both to I).
    return text.replace("i", "İ").upper()


# Kyrgyz passports: ICAO Doc 9303 Part 3 for the Russian letters (Ж ZH: passports keep ZH,
# see the 2023 parliamentary question reported by report.kg/obschestvo/21751) with the Kyrgyz
# letters written by their nearest Russian letter: Ң N, Ө O, Ү U.
KG_PASSPORT = Table(
    letters={
        **_RU_COMMON,
        "ё": "e",
        "ж": "zh",
        "й": "i",
        "ң": "n",
        "ө": "o",
        "ү": "u",
        "х": "kh",
        "ц": "ts",
        "ч": "ch",
        "ш": "sh",
        "щ": "shch",
        "ъ": "ie",
        "ы": "y",
        "ю": "iu",
        "я": "ia",
    },
)

# Kyrgyz national romanisation: the BGN/PCGN 1979 system, adopted by the Government of
# Kyrgyzstan in 2008 (UNGEGN WGRS report v4.0, 2016) and in Cabinet resolution No. 284 of
# 27.05.2022 (Ж -> J). Table checked against the BGN/PCGN "Romanization of Kyrgyz" (2022
# check) and UNGEGN WGRS: Ё yo, Ж j, Й y, Ң ng, Ө ö, Ү ü, Х kh, Ц ts, Ю yu, Я ya; Ъ Ь omitted.
KG_NATIONAL = Table(
    letters={
        **_RU_COMMON,
        "ё": "yo",
        "ж": "j",
        "й": "y",
        "ң": "ng",
        "ө": "ö",
        "ү": "ü",
        "х": "kh",
        "ц": "ts",
        "ч": "ch",
        "ш": "sh",
        "щ": "shch",
        "ы": "y",
        "ю": "yu",
        "я": "ya",
    },
)

# Tajik: BGN/PCGN 1994 for the Tajik alphabet as reformed by the decree of 3 September 1998
# (UNGEGN WGRS report; interscript bgnpcgn-tgk-Cyrl-Latn-1994): Ғ gh, Ӣ í, Қ q, Ӯ ŭ, Ҳ h,
# Ҷ j, Х kh, Ж zh, Э ė, Ъ ’; abolished letters Ц ts, Щ sh, Ы i, Ь omitted. No other national
# Tajik romanisation has been reported to UNGEGN; Tajik passports use the same letter values
# for Ҷ (J), Ҳ (H), Ғ (GH) and Қ (Q).
TJ_NATIONAL = Table(
    letters={
        **_RU_COMMON,
        "ғ": "gh",
        "ё": "yo",
        "ж": "zh",
        "ӣ": "í",
        "й": "y",
        "қ": "q",
        "ӯ": "ŭ",
        "х": "kh",
        "ҳ": "h",
        "ч": "ch",
        "ҷ": "j",
        "ш": "sh",
        "ъ": "’",
        "э": "ė",
        "ю": "yu",
        "я": "ya",
        "ц": "ts",
        "щ": "sh",
        "ы": "i",
    },
)

# Uzbek Latin alphabet (law of 2 September 1993 as amended 6 May 1995): Ў oʻ, Ғ gʻ, Қ q, Ҳ h,
# Х x, Ж j, Ш sh, Ч ch, Ц ts, Ъ ʼ; Е -> ye at the start of a word and after a vowel, ъ or ь.
# Source: T. T. Pedersen, "Uzbek" transliteration chart rev. 1.1 (2003), column "Official
# 1995"; Щ sh and Ы i as in iuliia's uz schema. ʻ is U+02BB, ʼ is U+02BC (the 1995 letters).
UZ_LATIN = Table(
    letters={
        **_RU_COMMON,
        "ё": "yo",
        "ж": "j",
        "й": "y",
        "х": "x",
        "ц": "ts",
        "ч": "ch",
        "ш": "sh",
        "щ": "sh",
        "ъ": "ʼ",
        "ы": "i",
        "ю": "yu",
        "я": "ya",
        "ў": "oʻ",
        "қ": "q",
        "ғ": "gʻ",
        "ҳ": "h",
    },
    initial={"е": "ye"},
    after_vowel={"е": "ye"},
)


def systems() -> list[System]:
    return [
        System(
            id="kk_passport",
            name="Kazakh passport",
            description="Kazakh passports and ID cards (Cyrillic Kazakh to A-Z)",
            source="issued Kazakh documents (TOKAYEV, YERLAN, DANIYAR); Kazakh letters as in "
            "the extended ICAO ticketing table (help.anywayanyday.business/article/25717); "
            "MVD RK rules not checked",
            languages=("kk",),
            word=KK_PASSPORT,
        ),
        System(
            id="kk_latin_2021",
            name="Kazakh Latin 2021",
            description="Kazakh Latin alphabet approved 28 January 2021",
            source="Government of Kazakhstan, Kazakh Latin alphabet of 28.01.2021 (31 letters); "
            "loan letters per the 2021 table in qazlatyn-db 4.0 / Wikipedia 'Kazakh alphabets'",
            languages=("kk",),
            extra_alphabet=frozenset("ÄäĞğÑñÖöŪūÜüŞşİı"),
            word=KK_LATIN_2021,
            upper=_kk_upper,
        ),
        System(
            id="kg_passport",
            name="Kyrgyz passport",
            description="Kyrgyz passports: ICAO 9303 with Ң N, Ө O, Ү U",
            source="ICAO Doc 9303 Part 3 (Russian letters); Ж stays ZH on passports "
            "(report.kg/obschestvo/21751)",
            languages=("ky",),
            word=KG_PASSPORT,
        ),
        System(
            id="kg_national",
            name="Kyrgyz national",
            description="Kyrgyz national romanisation (BGN/PCGN 1979, adopted 2008; Ж -> J)",
            source="BGN/PCGN Romanization of Kyrgyz (1979, checked 2022); UNGEGN WGRS v4.0 "
            "(2016) on the 2008 national adoption; Cabinet resolution No. 284 of 27.05.2022",
            languages=("ky",),
            extra_alphabet=frozenset("ÖöÜü"),
            word=KG_NATIONAL,
        ),
        System(
            id="tj_national",
            name="Tajik national",
            description="Tajik romanisation (BGN/PCGN 1994 for the 1998 Tajik alphabet)",
            source="BGN/PCGN Romanization of Tajik (1994, confirmed 2017); UNGEGN WGRS report "
            "(eki.ee/wgrs/rom2_tg.htm)",
            languages=("tg",),
            extra_alphabet=frozenset("ÍíŬŭĖė’"),
            word=TJ_NATIONAL,
        ),
        System(
            id="uz_latin",
            name="Uzbek Latin 1995",
            description="Uzbek Latin alphabet of 1995 (Oʻ Gʻ Sh Ch Ng), Uzbek Cyrillic to Latin",
            source="Law of Uzbekistan of 02.09.1993 as amended 06.05.1995; T. T. Pedersen, "
            "Uzbek transliteration chart rev. 1.1 (2003); iuliia schema uz",
            languages=("uz",),
            extra_alphabet=frozenset("ʻʼ"),
            word=UZ_LATIN,
        ),
    ]
