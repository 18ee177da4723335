"""Names the synthetic travellers carry, and how each issuing state writes them in the MRZ.

Pools of common surnames and given names per nationality, in the national script (Cyrillic for
Kazakh, Kyrgyz, Tajik, Uzbek and Russian names; Latin where the state writes Latin). Surnames
are given in the male form; Slavic-style endings take the female form for women, as they do on
the region's documents.
"""

from __future__ import annotations

from datetime import date

from rmis.names import transliterate

CYRILLIC_POOLS: dict[str, dict[str, tuple[str, ...]]] = {
    "KAZ": {
        "surname": ("Ахметов", "Жұмабаев", "Қасымов", "Сәрсенбаев", "Нұрғалиев", "Искаков",
                    "Омаров", "Байжанов", "Төлеуов", "Әбенов", "Серікбаев", "Мұратов",
                    "Оспанов", "Жақсыбеков", "Құдайбергенов", "Есенов"),
        "M": ("Нұрсұлтан", "Ерлан", "Дәурен", "Асхат", "Бауыржан", "Ержан", "Айдос", "Мұхтар",
              "Қайрат", "Ғалым", "Арман", "Болат", "Серік", "Жандос"),
        "F": ("Айгүл", "Әлия", "Гүлнар", "Жанар", "Сәуле", "Мадина", "Динара", "Ақмарал",
              "Гүлжан", "Айым", "Назгүл", "Жұлдыз", "Әсем", "Меруерт"),
    },
    "KGZ": {
        "surname": ("Асанов", "Токтогулов", "Жээнбеков", "Сыдыков", "Өмүрбеков", "Үсөнов",
                    "Абдыкадыров", "Маматов", "Турдубаев", "Кадыров", "Эсенгулов", "Бекмуратов",
                    "Ниязбеков", "Шаршенов"),
        "M": ("Айбек", "Нурлан", "Бакыт", "Эрлан", "Мирлан", "Азамат", "Үмөт", "Чынгыз",
              "Талант", "Жылдызбек", "Нурбек", "Өмүр"),
        "F": ("Айжан", "Гүлзат", "Чынара", "Жылдыз", "Бермет", "Нургүл", "Айпери", "Гүлнара",
              "Мээрим", "Толгонай", "Асел", "Чолпон"),
    },
    "TJK": {
        "surname": ("Раҳимов", "Қурбонов", "Назаров", "Шарипов", "Ҷӯраев", "Саидов", "Ғафуров",
                    "Мирзоев", "Холов", "Давлатов", "Сафаров", "Азизов", "Умаров", "Ҳасанов"),
        "M": ("Фирдавс", "Шоҳрух", "Меҳроҷ", "Ҷамшед", "Сомон", "Бахтиёр", "Рустам", "Фаррух",
              "Зафар", "Суҳроб", "Икром", "Умед"),
        "F": ("Мадина", "Нилуфар", "Зарина", "Фарзона", "Шаҳноза", "Манижа", "Гулнора",
              "Дилноза", "Меҳрангез", "Тахмина", "Парвина", "Нигора"),
    },
    "UZB": {
        "surname": ("Каримов", "Алимов", "Рахимов", "Юсупов", "Турсунов", "Исмоилов", "Ғуломов",
                    "Қодиров", "Тўраев", "Ҳасанов", "Усмонов", "Эргашев", "Абдуллаев", "Норматов",
                    "Мирзаев", "Содиқов"),
        "M": ("Бобур", "Жасур", "Шоҳжаҳон", "Отабек", "Улуғбек", "Сардор", "Азиз", "Дилшод",
              "Жамшид", "Ўткир", "Фаррух", "Ғайрат", "Санжар", "Шерзод"),
        "F": ("Дилноза", "Гулноза", "Нигора", "Шаҳзода", "Мафтуна", "Зулфия", "Ўғилой",
              "Малика", "Феруза", "Сабина", "Нодира", "Юлдуз", "Гулчеҳра", "Моҳира"),
    },
    "RUS": {
        "surname": ("Иванов", "Смирнов", "Кузнецов", "Попов", "Васильев", "Петров", "Соколов",
                    "Михайлов", "Новиков", "Фёдоров", "Морозов", "Волков", "Алексеев", "Лебедев",
                    "Семёнов", "Егоров", "Павлов", "Козлов", "Степанов", "Николаев"),
        "M": ("Александр", "Дмитрий", "Максим", "Сергей", "Андрей", "Алексей", "Артём", "Илья",
              "Кирилл", "Михаил", "Юрий", "Евгений", "Владимир", "Никита"),
        "F": ("Юлия", "Анна", "Мария", "Елена", "Ольга", "Наталья", "Екатерина", "Татьяна",
              "Ирина", "Светлана", "Ксения", "Дарья", "Людмила", "Валентина"),
    },
}  # fmt: skip

LATIN_POOLS: dict[str, dict[str, tuple[str, ...]]] = {
    "TKM": {
        "surname": ("Annayev", "Berdiyev", "Orazov", "Atayev", "Gurbanov", "Hojayev", "Nurmuradov",
                    "Saparov", "Durdyyev", "Charyyev"),
        "M": ("Merdan", "Serdar", "Batyr", "Dovlet", "Myrat", "Arslan", "Yhlas", "Gurban"),
        "F": ("Ogulgerek", "Aynabat", "Maya", "Jeren", "Bahar", "Gulshat", "Selbi", "Aziza"),
    },
    "CHN": {
        "surname": ("WANG", "LI", "ZHANG", "LIU", "CHEN", "YANG", "HUANG", "ZHAO", "WU", "ZHOU",
                    "XU", "SUN", "MA", "ZHU"),
        "M": ("WEI", "JUN", "LEI", "QIANG", "JIAN", "MING", "YONG", "HAO", "TAO", "BIN"),
        "F": ("FANG", "LI", "NA", "MIN", "JING", "YAN", "LING", "XIU", "HUI", "YING"),
    },
    "AFG": {
        "surname": ("AHMADZAI", "KARIMI", "RAHIMI", "SAHAK", "HAIDARI", "NOORI", "STANIKZAI",
                    "WARDAK", "AZIZI", "POPAL", "HAKIMI", "SADAT"),
        "M": ("AHMAD", "MOHAMMAD", "ABDUL", "HAMID", "NAJIB", "FARID", "JAVED", "ZABIHULLAH"),
        "F": ("FATIMA", "MARYAM", "ZAHRA", "SHABANA", "NARGIS", "FARZANA", "MALALAI", "SOMAIA"),
    },
    "IND": {
        "surname": ("SHARMA", "SINGH", "KUMAR", "PATEL", "GUPTA", "REDDY", "NAIR", "IYER",
                    "KHAN", "DAS", "MEHTA", "JOSHI"),
        "M": ("RAHUL", "AMIT", "ARJUN", "VIKRAM", "ROHAN", "SANJAY", "ANIL", "KARAN"),
        "F": ("PRIYA", "ANJALI", "DIVYA", "NEHA", "POOJA", "SNEHA", "KAVYA", "ANANYA"),
    },
    "PAK": {
        "surname": ("KHAN", "AHMED", "ALI", "HUSSAIN", "QURESHI", "BUTT", "CHAUDHRY", "MALIK",
                    "SHEIKH", "RAZA"),
        "M": ("MUHAMMAD", "USMAN", "BILAL", "HAMZA", "FAISAL", "IMRAN", "ZAIN", "ASAD"),
        "F": ("AYESHA", "FATIMA", "SANA", "HIRA", "MAHNOOR", "ZAINAB", "IQRA", "AMNA"),
    },
    "TUR": {
        "surname": ("YILMAZ", "KAYA", "DEMIR", "SAHIN", "CELIK", "YILDIZ", "OZTURK", "AYDIN",
                    "ARSLAN", "DOGAN"),
        "M": ("MEHMET", "MUSTAFA", "AHMET", "ALI", "HUSEYIN", "EMRE", "BURAK", "MURAT"),
        "F": ("AYSE", "FATMA", "ZEYNEP", "ELIF", "EMINE", "MERVE", "BUSRA", "SEDA"),
    },
    "IRN": {
        "surname": ("MOHAMMADI", "HOSSEINI", "AHMADI", "REZAEI", "MOUSAVI", "JAFARI", "KARIMI",
                    "HASHEMI"),
        "M": ("ALI", "REZA", "HOSSEIN", "MEHDI", "AMIR", "SAEED", "HAMED", "MORTEZA"),
        "F": ("ZAHRA", "FATEMEH", "MARYAM", "SARA", "NEDA", "LEILA", "MINA", "PARISA"),
    },
    "AZE": {
        "surname": ("MAMMADOV", "ALIYEV", "HASANOV", "HUSEYNOV", "GULIYEV", "ISMAYILOV",
                    "RZAYEV", "BABAYEV"),
        "M": ("ELVIN", "RASHAD", "ORKHAN", "TURAL", "KAMRAN", "FARID", "VUSAL", "ANAR"),
        "F": ("AYNUR", "LEYLA", "NARGIZ", "SEVINJ", "GUNAY", "AYTAN", "KONUL", "SABINA"),
    },
    "USA": {
        "surname": ("SMITH", "JOHNSON", "WILLIAMS", "BROWN", "JONES", "MILLER", "DAVIS", "WILSON"),
        "M": ("JAMES", "JOHN", "ROBERT", "MICHAEL", "DAVID", "WILLIAM", "DANIEL", "MATTHEW"),
        "F": ("MARY", "JENNIFER", "LINDA", "SARAH", "EMILY", "JESSICA", "LAURA", "ASHLEY"),
    },
}  # fmt: skip

_FEMININE_ENDINGS = (("ский", "ская"), ("ов", "ова"), ("ёв", "ёва"), ("ев", "ева"),
                     ("ин", "ина"), ("Annayev", "Annayeva"))  # fmt: skip


def feminine(surname: str) -> str:
    """The female form of a Slavic-style surname (Каримов -> Каримова); others unchanged."""
    for male, female in _FEMININE_ENDINGS:
        if surname.endswith(male):
            return surname[: -len(male)] + female
    if surname.endswith(("ov", "yev", "ev")) and surname[0].isupper() and surname[1:].islower():
        return surname + "a"  # Turkmen Latin surnames follow the same pattern
    return surname


def pools_for(nationality: str) -> dict[str, tuple[str, ...]]:
    """The pools of a nationality; the long tail without pools of its own borrows Turkish."""
    return CYRILLIC_POOLS.get(nationality) or LATIN_POOLS.get(nationality) or LATIN_POOLS["TUR"]


# Kazakhstan's 2021 Latin alphabet on passports (docs/synthetic-region.md, "Spelling changes"):
# the government's transition plan put passports and identity cards in the Latin alphabet in
# its second stage, 2021-2023; the alphabet itself was approved on 28 January 2021. Passports
# issued from the first full year after it spell names in it, folded to A-Z for the MRZ. No
# evidence was found that issuing actually switched: this is the scenario linkage must survive.
KAZ_LATIN_MRZ_FROM = date(2022, 1, 1)


def mrz_system(
    issuing_state: str, issued: date, kaz_latin_from: date | None = KAZ_LATIN_MRZ_FROM
) -> str | None:
    """The transliteration system an issuing state used for the MRZ on the day of issue.

    Russia: MVD order 310 (1997) until the ICAO 9303 table (FMS order 320, 2013); Kazakhstan:
    the passport system until `kaz_latin_from`, then the 2021 Latin alphabet folded to A-Z (None:
    never); the others their national passport systems, which did not change in the MRZ over
    the period (see rmis.names.SYSTEMS). None: the name is already Latin.
    """
    if issuing_state == "RUS":
        return "mvd_310_mrz" if issued < date(2013, 1, 1) else "icao_9303"
    if issuing_state == "KAZ" and kaz_latin_from is not None and issued >= kaz_latin_from:
        return "kk_latin_2021_mrz"
    return {
        "KAZ": "kk_passport",
        "KGZ": "kg_passport",
        "TJK": "tj_national_mrz",
        "UZB": "uz_latin_mrz",
    }.get(issuing_state)


def mrz_spelling(name: str, system: str | None) -> str:
    """`name` as an MRZ writes it in `system` (from `mrz_system`): upper-case A-Z."""
    latin = transliterate(name, system) if system else name
    return latin.upper()
