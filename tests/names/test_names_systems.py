"""Each system against the published examples of its table."""

import string

import iuliia
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from rmis.names import SYSTEMS, mrz_fold, transliterate
from rmis.names.systems import SUPPORTED_CYRILLIC

IUILIIA_BACKED = {
    "icao_9303": "icao_doc_9303",
    "mvd_310": "mvd_310",
    "mvd_310_fr": "mvd_310_fr",
    "mvd_782": "mvd_782",
    "gost_779b": "gost_779_alt",
    "bgn_pcgn": "bgn_pcgn",
}


@pytest.mark.parametrize(("system", "schema"), sorted(IUILIIA_BACKED.items()))
def test_russian_systems_reproduce_the_schema_samples(system: str, schema: str) -> None:
    samples = iuliia.schemas.get(schema).samples
    assert samples
    for source, expected in samples:
        # BGN/PCGN's ë is Latin; iuliia writes it with the Cyrillic ё.
        assert transliterate(source, system) == expected.replace("ё", "ë")


@pytest.mark.parametrize(
    ("system", "cyrillic", "latin"),
    [
        # ICAO Doc 9303 Part 3, Russian table (the examples in iuliia's ICAO schema page).
        ("icao_9303", "ЮЛИЯ ЩЕГЛОВА", "IULIIA SHCHEGLOVA"),
        ("icao_9303", "Андрей Видный", "Andrei Vidnyi"),
        # ICAO Doc 9303 Part 3, Belarusian examples (interscript icao-bel-Cyrl-Latn-9303).
        ("icao_9303", "Максім", "Maksim"),
        ("icao_9303", "Мікалай", "Mikalai"),
        ("icao_9303", "Іван", "Ivan"),
        ("mvd_310", "Юлия", "Yuliya"),
        ("mvd_782", "Гайа Васильева", "Gaya Vasilyeva"),
        ("gost_779b", "щука цирк йод", "shhuka cirk jod"),
        ("bgn_pcgn", "Елизово", "Yelizovo"),
        # Kazakh 2021 Latin: the sentence given with the table (Wikipedia, Kazakh alphabets).
        (
            "kk_latin_2021",
            "Бұрыңғы өткен заманда, бір данышпан кісі, Бағдат шаһарының бір үлкен қазысының "
            "үйіне келіп қоныпты.",
            "Būryñğy ötken zamanda, bır danyşpan kısı, Bağdat şaharynyñ bır ülken qazysynyñ "
            "üiıne kelıp qonypty.",
        ),
        ("kk_latin_2021", "ҚАЗАҚСТАН", "QAZAQSTAN"),
        ("kk_latin_2021", "ИМАНҒАЛИ", "İMANĞALİ"),
        ("kk_latin_2021_mrz", "ШЫНҒЫС", "SHYNGYS"),
        ("kk_passport", "Тоқаев", "Tokayev"),
        ("kk_passport", "ЕРЛАН", "YERLAN"),
        ("kk_passport", "Данияр", "Daniyar"),
        ("kk_passport", "Жанар Әлиқызы", "Zhanar Alikyzy"),
        # Kyrgyz: BGN/PCGN 1979 examples (Romanization of Kyrgyz, 2022 check).
        ("kg_national", "Жалал-Абад", "Jalal-Abad"),
        ("kg_national", "Өзгөн", "Özgön"),
        ("kg_national", "Чүй", "Chüy"),
        ("kg_national", "Дөң-Арык", "Döng-Aryk"),
        ("kg_national", "Сүлүктү", "Sülüktü"),
        ("kg_national", "Кызыл-Суу", "Kyzyl-Suu"),
        ("kg_national", "Лейлек", "Leylek"),
        ("kg_national", "Гүлчө", "Gülchö"),
        ("kg_national_mrz", "Өзгөн", "Ozgon"),
        ("kg_passport", "ЖЭЭНБЕКОВ СООРОНБАЙ", "ZHEENBEKOV SOORONBAI"),
        # Tajik: BGN/PCGN 1994 names as in the GNS gazetteer.
        ("tj_national", "Душанбе", "Dushanbe"),
        ("tj_national", "Хуҷанд", "Khujand"),
        ("tj_national", "Кӯлоб", "Kŭlob"),
        ("tj_national", "Ғарм", "Gharm"),
        ("tj_national", "Ҳисор", "Hisor"),
        ("tj_national", "Қӯрғонтеппа", "Qŭrghonteppa"),
        ("tj_national_mrz", "Қӯрғонтеппа", "Qurghonteppa"),
        # Uzbek 1995: iuliia's uz sample and the letters Oʻ Gʻ, iotated E.
        (
            "uz_latin",
            "Юлия, Ёшкар-Оладан олинган бу юмшоқ франтсуз рулоларини кўпроқ истеъмол қилинг "
            "ва Олтой чойини ичинг",
            "Yuliya, Yoshkar-Oladan olingan bu yumshoq frantsuz rulolarini koʻproq isteʼmol "
            "qiling va Oltoy choyini iching",
        ),
        ("uz_latin", "Ўзбекистон", "Oʻzbekiston"),
        ("uz_latin", "Ғафур Ғулом", "Gʻafur Gʻulom"),
        ("uz_latin", "ЕРГАШЕВ", "YERGASHEV"),
        ("uz_latin", "Ҳамидов Хуршид", "Hamidov Xurshid"),
        ("uz_latin_mrz", "Ўзбекистон", "Ozbekiston"),
    ],
)
def test_published_examples(system: str, cyrillic: str, latin: str) -> None:
    assert transliterate(cyrillic, system) == latin


def test_every_system_names_its_source() -> None:
    for system_id, system in SYSTEMS.items():
        assert system.id == system_id
        assert system.description and system.source
        if system.extra_alphabet:
            assert SYSTEMS[f"{system_id}_mrz"].mrz_of == system_id


def test_unknown_system_is_an_error() -> None:
    with pytest.raises(ValueError, match="unknown transliteration system"):
        transliterate("Иван", "nope")


def test_mrz_fold() -> None:
    assert mrz_fold("Oʻzbekiston Şaqar Zh·eenbekov") == "OZBEKISTON SHAQAR ZHEENBEKOV"


_letters = sorted(SUPPORTED_CYRILLIC) + [c.upper() for c in sorted(SUPPORTED_CYRILLIC)]
cyrillic_text = st.text(alphabet=st.sampled_from([*_letters, " ", "-"]), max_size=30)


@settings(max_examples=60, deadline=None)
@given(cyrillic_text)
def test_every_system_writes_ascii_or_its_declared_alphabet(text: str) -> None:
    for system in SYSTEMS.values():
        out = transliterate(text, system.id)
        allowed = set(string.ascii_letters + string.punctuation + " ") | system.extra_alphabet
        assert set(out) <= allowed, (system.id, text, out)
        if system.mrz_of:
            assert set(out) <= set(string.ascii_letters + " -"), (system.id, text, out)
