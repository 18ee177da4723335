"""Russian transliteration systems, run by iuliia's schemas (which cite their sources).

Non-Russian letters are first rewritten as a Russian writer would (Ә -> А, Ҷ -> ДЖ, see
base.RUSSIAN_STAND_INS), since these systems are defined for the Russian alphabet only; ICAO
9303 has its own entries for the other Slavic letters and they come first.
"""

from collections.abc import Callable, Mapping

import iuliia

from rmis.names.systems.base import System, to_russian

# ICAO Doc 9303 Part 3 (8th ed., 2021), section 6 "Transliteration of multinational Cyrillic
# characters": the entries beyond the Russian alphabet (checked against the Russian extract
# of the table republished by ФМС order No. 320 of 15.10.2012 and the interscript ICAO maps).
ICAO_EXTRA: Mapping[str, str] = {
    "і": "i",
    "ґ": "g",
    "ў": "u",
    "ѫ": "u",
    "є": "ie",
    "ї": "i",
    "ѓ": "g",
    "ѕ": "dz",
    "ј": "j",
    "љ": "lj",
    "њ": "nj",
    "ќ": "k",
    "џ": "dz",
}


def _via_iuliia(
    schema_name: str, extra: Mapping[str, str] | None = None, post: Mapping[str, str] | None = None
) -> Callable[[str], str]:
    schema = iuliia.schemas.get(schema_name)
    extra = extra or {}
    post_table = str.maketrans(dict(post or {}))

    def word(lower: str) -> str:
        prepared = "".join(extra.get(c) or to_russian(c) for c in lower)
        return schema.translate(prepared).translate(post_table)

    return word


def systems() -> list[System]:
    return [
        System(
            id="icao_9303",
            name="ICAO Doc 9303",
            description="ICAO Doc 9303 Part 3 transliteration; Russian passports since 2013 "
            "(ФМС order No. 320 of 15.10.2012) and many Central Asian passports",
            source="ICAO Doc 9303 Part 3, 8th ed. (2021), section 6, Cyrillic table; Russian "
            "letters via iuliia schema icao_doc_9303 (https://iuliia.ru/icao-doc-9303/)",
            languages=("ru", "be", "uk", "kk", "ky", "tg", "uz"),
            word=_via_iuliia("icao_doc_9303", ICAO_EXTRA),
        ),
        System(
            id="mvd_310",
            name="MVD 310-1997",
            description="Russian foreign passports 1997-2010, English-style (МВД order No. 310 "
            "of 26.05.1997)",
            source="iuliia schema mvd_310 (https://iuliia.ru/mvd-310/)",
            languages=("ru",),
            extra_alphabet=frozenset("'\""),
            word=_via_iuliia("mvd_310"),
        ),
        System(
            id="mvd_310_fr",
            name="MVD 310-1997 (French)",
            description="The French-style variant of MVD 310-1997 (OU, TCH, CH for Ш, J for Ж)",
            source="iuliia schema mvd_310_fr (https://iuliia.ru/mvd-310/); iuliia omits the "
            "rule С between vowels -> SS",
            languages=("ru",),
            word=_via_iuliia("mvd_310_fr"),
        ),
        System(
            id="mvd_782",
            name="MVD 782-2000",
            description="Russian foreign passports 2000-2010 (МВД order No. 782 of 2000)",
            source="iuliia schema mvd_782 (https://iuliia.ru/mvd-782/)",
            languages=("ru",),
            extra_alphabet=frozenset("'"),
            word=_via_iuliia("mvd_782"),
        ),
        System(
            id="gost_779b",
            name="GOST 7.79-2000 system B",
            description="GOST 7.79-2000 (ISO 9:1995) system B, ASCII with digraphs and `",
            source="GOST 7.79-2000 table B; iuliia schema gost_779_alt (https://iuliia.ru/gost-779/)",
            languages=("ru",),
            extra_alphabet=frozenset("`"),
            word=_via_iuliia("gost_779_alt"),
        ),
        System(
            id="bgn_pcgn",
            name="BGN/PCGN 1947 (Russian)",
            description="BGN/PCGN romanisation of Russian, as in English-language registers",
            source="BGN/PCGN 1947 Russian; iuliia schema bgn_pcgn (https://iuliia.ru/bgn-pcgn/)",
            languages=("ru",),
            extra_alphabet=frozenset("ëË·’”"),
            # iuliia writes the diaeresis e with the Cyrillic letter ё; BGN/PCGN means Latin ë.
            word=_via_iuliia("bgn_pcgn", post={"ё": "ë", "Ё": "Ë"}),
        ),
    ]
