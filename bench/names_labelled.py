"""A labelled set of name pairs for rmis.names, generated deterministically.

People are drawn from lists of real given names, surnames and patronymic patterns of
Kazakhstan, Kyrgyzstan, Tajikistan, Uzbekistan and Russia (in each language's Cyrillic).
Positives: a person's Cyrillic full name against the same name spelt in one of the systems
(rmis.names.SYSTEMS, those that apply to the language, MRZ foldings included), with
variants: token order swapped, patronymic dropped, one typo (substitution, deletion,
insertion or swap of neighbours), or both sides in two different Latin systems.
Negatives: different people — random pairs, and hard ones: same surname with another given
name, the nearest other surname (ALIEV/ALIMOV), the nearest other given name (RUSLAN/RUSTAM).
"""

import random
from dataclasses import dataclass

from rapidfuzz.distance import OSA

from rmis.names.keys import token_key
from rmis.names.systems import SYSTEMS, transliterate

# (language, given names male, given names female, surname stems); surname = stem + suffix.
PEOPLE = {
    "ru": (
        "Александр Дмитрий Сергей Андрей Алексей Юрий Николай Михаил Евгений Игорь Артём "
        "Владимир Пётр Фёдор Илья Кирилл Максим Денис Роман Вячеслав",
        "Юлия Елена Ольга Наталья Татьяна Ирина Светлана Мария Анастасия Екатерина Жанна Яна "
        "Ксения Людмила Галина Марина Дарья Алёна Валентина Виктория",
        "Иван Петр Смирн Кузнец Попов Соколов Лебедев Козлов Новиков Морозов Волков Соловьёв "
        "Васильев Зайцев Павлов Семёнов Голубев Виноградов Богданов Воробьёв",
    ),
    "kk": (
        "Нұрсұлтан Қасым Ерлан Ержан Бауыржан Асқар Дәурен Жанибек Қайрат Серік Нұрлан Алмас "
        "Талғат Ғалым Мұрат Айдос Данияр Еркебұлан Әділ Жандос",
        "Айгерім Әсел Гүлнар Жұлдыз Динара Мәдина Аружан Ақмарал Сәуле Салтанат Гүлмира "
        "Ұлжан Айжан Балжан Меруерт Жансая Әлия Назерке Камила Дана",
        "Назарбаев Тоқаев Әбішев Жұмабаев Омаров Сейітов Сәрсенбаев Құнанбаев Бекмұхамедов "
        "Тұрсынов Қасымов Есенов Жақсылықов Мұхамеджанов Ахметов Байжанов Серікбаев Әлімжанов "
        "Нұрланов Дәулетов",
    ),
    "ky": (
        "Алмазбек Сооронбай Садыр Курманбек Азамат Бакыт Нурбек Талант Эрмек Улан Бектур "
        "Жоомарт Мирлан Темирлан Адилет Кубан Өмүрбек Үсөн Чыңгыз Замирбек",
        "Айзада Айпери Жыпар Гүлзат Нуриза Бермет Айгүл Чолпон Мээрим Айжамал Назгүл Бүбүсара "
        "Таалайгүл Асел Элнура Динара Жибек Каныкей Урмат Алтынай",
        "Жээнбеков Жапаров Атамбаев Бакиев Осмоналиев Токтогулов Мамытов Абдылдаев Сатыбалдиев "
        "Өмүрбеков Үсөнов Турдукулов Касымалиев Исаков Кадыров Молдобаев Эркинбаев Суранчиев "
        "Чотонов Асанбеков",
    ),
    "tg": (
        "Эмомалӣ Ҷамшед Фирдавс Рустам Баҳодур Қосим Ғайрат Маҳмуд Фаридун Зафар Далер Шуҳрат "
        "Ҳасан Ҷовид Умед Некрӯз Саидҷон Бахтиёр Шерзод Хуршед",
        "Мадина Ҷамила Зарина Нигора Гулнора Ширин Фарзона Сабоҳат Манижа Малика Нилуфар "
        "Дилноза Тахмина Шабнам Садбарг Моҳира Гулрӯ Парвина Ситора Наргис",
        "Раҳмонов Ҷӯраев Қодиров Ғафуров Саидов Назаров Шарипов Давлатов Ҳасанов Раҳимов "
        "Каримов Сафаров Мирзоев Ҳайдаров Умаров Юсупов Азимов Холов Иброҳимов Ашуров",
    ),
    "uz": (
        "Шавкат Ўткир Алишер Бахтиёр Жамшид Дилшод Фаррух Азиз Анвар Рустам Руслан Сардор "
        "Улуғбек Хуршид Ғайрат Шуҳрат Отабек Жасур Ислом Бобур",
        "Дилноза Гулнора Мадина Нодира Зиёда Шаҳноза Феруза Ўғилой Малика Нигора Юлдуз "
        "Севара Гулчеҳра Моҳира Лола Дилфуза Насиба Умида Зарина Камола",
        "Мирзиёев Каримов Абдуллаев Алиев Алимов Юсупов Раҳимов Тошматов Исмоилов Ғуломов "
        "Эргашев Холматов Султонов Усмонов Назаров Қодиров Турсунов Ҳамидов Мамажонов Азимов",
    ),
}

# Systems a name in each language meets.
RUSSIAN_SYSTEMS = ["icao_9303", "mvd_310", "mvd_782", "gost_779b_mrz", "bgn_pcgn_mrz"]
NATIONAL = {
    "ru": ["mvd_310_fr", "gost_779b", "bgn_pcgn"],
    "kk": ["kk_passport", "kk_latin_2021", "kk_latin_2021_mrz"],
    "ky": ["kg_passport", "kg_national", "kg_national_mrz"],
    "tg": ["tj_national", "tj_national_mrz"],
    "uz": ["uz_latin", "uz_latin_mrz"],
}
PATRONYMIC_PARTICLE = {"kk": ("ұлы", "қызы"), "ky": ("уулу", "кызы"), "uz": ("ўғли", "қизи")}


@dataclass(frozen=True)
class Person:
    lang: str
    surname: str
    given: str
    patronymic: str

    def tokens(self, with_patronymic: bool = True) -> list[str]:
        parts = [self.surname, self.given]
        if with_patronymic and self.patronymic:
            parts += self.patronymic.split()
        return parts


@dataclass(frozen=True)
class Pair:
    a: str
    b: str
    same: bool
    kind: str


def _female_surname(stem: str) -> str:
    return stem + "а" if stem.endswith(("ов", "ев", "ёв", "ин")) else stem


def _surname(stem: str, female: bool) -> str:
    base = stem if stem.endswith(("ов", "ев", "ёв")) else stem + "ов"
    return _female_surname(base) if female else base


def _patronymic(lang: str, father: str, female: bool, rng: random.Random) -> str:
    if lang in PATRONYMIC_PARTICLE and rng.random() < 0.5:
        return f"{father} {PATRONYMIC_PARTICLE[lang][female]}"
    stem = father + "ов"
    if father.endswith("ий"):
        stem = father[:-2] + "ьев"  # Юрий -> Юрьевич
    elif father.endswith(("й", "ь", "я", "а")):
        stem = father[:-1] + "ев"  # Николай -> Николаевич, Игорь -> Игоревич
    return stem + ("на" if female else "ич")


def _person(lang: str, rng: random.Random, surname: str | None = None,
            given: str | None = None, female: bool | None = None) -> Person:
    males, females, stems = (s.split() for s in PEOPLE[lang])
    female = rng.random() < 0.5 if female is None else female
    given = given or rng.choice(females if female else males)
    surname = surname or _surname(rng.choice(stems), female)
    father = rng.choice(males)
    patronymic = _patronymic(lang, father, female, rng) if rng.random() < 0.7 else ""
    return Person(lang, surname, given, patronymic)


def _typo(text: str, rng: random.Random) -> str:
    words = text.split()
    candidates = [i for i, w in enumerate(words) if len(w) >= 5]
    if not candidates:
        return text
    i = rng.choice(candidates)
    w = list(words[i])
    pos = rng.randrange(1, len(w) - 1)
    op = rng.choice("sdit")
    letters = "ABDEGIKLMNORSTUVYZ" if w[pos].isascii() else "АБДЕГИКЛМНОРСТУВЫЗ"
    if op == "s":
        w[pos] = rng.choice([c for c in letters if c != w[pos].upper()])
    elif op == "d":
        del w[pos]
    elif op == "i":
        w.insert(pos, rng.choice(letters))
    else:
        w[pos], w[pos + 1] = w[pos + 1], w[pos]
    words[i] = "".join(w)
    return " ".join(words)


def _render(person: Person, rng: random.Random, system: str | None,
            order_swap: bool, drop_patronymic: bool) -> str:
    tokens = person.tokens(with_patronymic=not drop_patronymic)
    if order_swap:
        tokens = tokens[1:2] + tokens[:1] + tokens[2:]
    text = " ".join(tokens).upper()
    return transliterate(text, system) if system else text


def _systems(lang: str) -> list[str]:
    return [s for s in RUSSIAN_SYSTEMS + NATIONAL[lang] if s in SYSTEMS]


def _nearest(word: str, pool: list[str]) -> str:
    """The most similar other entry of pool (by key), ties broken by the pool order."""
    key = token_key(word)
    others = [p for p in pool if token_key(p) != key]
    return max(others, key=lambda p: OSA.normalized_similarity(key, token_key(p)))


def labelled_pairs(n_positive: int = 3000, n_negative: int = 3000, seed: int = 9303) -> list[Pair]:
    rng = random.Random(seed)
    langs = sorted(PEOPLE)
    pairs: list[Pair] = []
    for _ in range(n_positive):
        lang = rng.choice(langs)
        person = _person(lang, rng)
        sys_b = rng.choice(_systems(lang))
        swap, drop, typo = rng.random() < 0.3, rng.random() < 0.3, rng.random() < 0.3
        if rng.random() < 0.3:  # Latin against Latin, two systems
            a = _render(person, rng, rng.choice(_systems(lang)), False, False)
        else:
            a = _render(person, rng, None, False, False)
        b = _render(person, rng, sys_b, swap, drop)
        if typo:
            b = _typo(b, rng)
        kind = "+".join(k for k, on in (("swap", swap), ("drop_patronymic", drop),
                                         ("typo", typo)) if on) or "plain"
        pairs.append(Pair(a, b, True, f"positive:{kind}"))
    for _ in range(n_negative):
        lang = rng.choice(langs)
        males, females, stems = (s.split() for s in PEOPLE[lang])
        one = _person(lang, rng)
        female = one.given in females
        kind = rng.choice(["random", "same_surname", "near_surname", "near_given"])
        if kind == "random":
            other = _person(rng.choice(langs), rng)
        elif kind == "same_surname":
            given = rng.choice([g for g in (females if female else males) if g != one.given])
            other = _person(lang, rng, surname=one.surname, given=given, female=female)
        elif kind == "near_surname":
            pool = [_surname(s, female) for s in stems]
            other = _person(lang, rng, surname=_nearest(one.surname, pool), given=one.given,
                            female=female)
        else:
            given = _nearest(one.given, females if female else males)
            other = _person(lang, rng, surname=one.surname, given=given, female=female)
        a = _render(one, rng, None, False, rng.random() < 0.3)
        b = _render(other, rng, rng.choice(_systems(other.lang)), rng.random() < 0.3,
                    rng.random() < 0.3)
        pairs.append(Pair(a, b, False, f"negative:{kind}"))
    return pairs


if __name__ == "__main__":
    for p in labelled_pairs(10, 10):
        print(p)
