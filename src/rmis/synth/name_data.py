"""The names the synthetic region draws from, per nationality, in the national script, with the
published figures their frequencies are fitted to (name_pools.py builds the pools).

For the region's own peoples (Kazakh, Kyrgyz, Tajik, Uzbek, Turkmen) a surname is, as on
Soviet and post-Soviet documents, a forefather's given name with the nationality's suffix:
-ов/-ев (Каримов, Тўраев; ethnologists put 99 % of Uzbek surnames in this form, uz.wikipedia
"Oʻzbek familiyalari"), the bare name (Серік, Болат: six of the 33 commonest surnames of
Kazakhstan), -ұлы (Kazakh), уулу (Kyrgyz: Молдокул уулу, DW 10.02.2008), -зода and -ӣ (Tajik).
The forefathers' names are given names of the generation born around 1900 (ROOTS), today's
given names, and both with the Turkic and Persian name-forming endings (-бай, -бек, -жан, -құл,
-ҷон, -али; Turkmen -guly, -myrat, -berdi, -geldi: AFFIXES). Russian surnames are listed as
they are (the commonest first, after Balanovskaya et al. 2005 and Zhuravlev's list).

Sources of the frequencies, and what is assumed, are in docs/synthetic-region.md ("Names").
"""

from __future__ import annotations

# Kazakhstan, Ministry of Justice (as of 1 January 2014; reported by the ministry's press
# service and reprinted widely): the 33 commonest surnames with the number of their bearers,
# 840,480 people (4.9 % of 17,165,200). Those of Kazakh form, in Kazakh spelling; Ким,
# Иванов, Кузнецов, Попов, Ли, Цой and Бондаренко are left out because the generator gives a
# nationality one people's names (docs/synthetic-region.md).
KAZ_SURNAME_COUNTS: tuple[tuple[str, int], ...] = (
    ("Ахметов", 73627), ("Омаров", 45123), ("Оспанов", 41068), ("Әлиев", 36084),
    ("Сүлейменов", 33940), ("Ысқақов", 31988), ("Әбдірахманов", 29091), ("Ибрагимов", 28755),
    ("Қалиев", 28219), ("Садықов", 27810), ("Ыбыраев", 26531), ("Смағұлов", 24005),
    ("Абдуллаев", 23729), ("Исаев", 22910), ("Сұлтанов", 22808), ("Жүсіпов", 22763),
    ("Исмаилов", 21392), ("Нұрғалиев", 21133), ("Кәрімов", 20575), ("Серік", 19550),
    ("Амангелді", 15125), ("Болат", 11234), ("Марат", 10417), ("Серікбай", 10193),
    ("Құсайынов", 10103), ("Мұрат", 10006),
)  # fmt: skip

# China, Ministry of Public Security (household registration, survey released 24.04.2007;
# China Daily, Xinhua): Wang 7.25 %, Li 7.19 %, Zhang 6.83 % of the population; seven more
# above 20 million people (Liu, Chen, Yang, Huang, Zhao, Wu, Zhou), twelve between 10 and 20
# million; the 100 commonest hold 84.77 %. The 100 in order (2019 list), in pinyin as Chinese
# passports write them (characters of one spelling, such as 徐 and 许 XU, meet in one name).
CHN_TOP_SHARES = (0.0725, 0.0719, 0.0683)
CHN_TOP100_SHARE = 0.8477
CHN_SURNAMES: tuple[str, ...] = (
    "WANG", "LI", "ZHANG", "LIU", "CHEN", "YANG", "HUANG", "ZHAO", "WU", "ZHOU", "XU", "SUN",
    "MA", "ZHU", "HU", "GUO", "HE", "GAO", "LIN", "LUO", "ZHENG", "LIANG", "XIE", "SONG", "TANG",
    "XU", "HAN", "FENG", "DENG", "CAO", "PENG", "ZENG", "XIAO", "TIAN", "DONG", "YUAN", "PAN",
    "YU", "JIANG", "CAI", "YU", "DU", "YE", "CHENG", "SU", "WEI", "LYU", "DING", "REN", "SHEN",
    "YAO", "LU", "JIANG", "CUI", "ZHONG", "TAN", "LU", "WANG", "FAN", "JIN", "SHI", "LIAO", "JIA",
    "XIA", "WEI", "FU", "FANG", "BAI", "ZOU", "MENG", "XIONG", "QIN", "QIU", "JIANG", "YIN",
    "XUE", "YAN", "DUAN", "LEI", "HOU", "LONG", "SHI", "TAO", "LI", "HE", "GU", "MAO", "HAO",
    "GONG", "SHAO", "WAN", "QIAN", "YAN", "QIN", "WU", "DAI", "MO", "KONG", "XIANG", "TANG",
)  # fmt: skip
# Syllables of Chinese given names (one or two of them, written as one word).
CHN_SYLLABLES = {
    "M": ("WEI", "JUN", "LEI", "QIANG", "JIAN", "MING", "YONG", "HAO", "TAO", "BIN", "GANG",
          "PENG", "HUA", "JIE", "CHAO", "BO", "FENG", "HUI", "LONG", "XIN", "YU", "ZHI", "GUO",
          "HONG", "JIA", "HAI", "XIAO", "DONG", "LIANG", "WEN", "KAI", "RUI", "YANG", "ZE",
          "HAN", "YI"),
    "F": ("FANG", "LI", "NA", "MIN", "JING", "YAN", "LING", "XIU", "HUI", "YING", "HONG", "LAN",
          "XIA", "MEI", "JUAN", "YU", "QIAN", "XUE", "TING", "LU", "YUN", "QING", "JIA", "XIN",
          "YI", "SHAN", "WEN", "HUA", "ZHEN", "LIN", "DAN", "JIE", "QIONG", "YUE", "XIAO"),
}  # fmt: skip
# Share of Chinese given names of one syllable (assumed; two syllables are the norm).
CHN_ONE_SYLLABLE = 0.05

# Given names, commonest first as far as the order is known (the first ones were the pools of
# earlier versions). Cyrillic in the national alphabet; Turkmen in its Latin script, folded to
# A-Z as the earlier pools had it.
GIVEN: dict[str, dict[str, tuple[str, ...]]] = {
    "KAZ": {
        "M": ("Нұрсұлтан", "Ерлан", "Дәурен", "Асхат", "Бауыржан", "Ержан", "Айдос", "Мұхтар",
              "Қайрат", "Ғалым", "Арман", "Болат", "Серік", "Жандос", "Азамат", "Марат", "Мұрат",
              "Қанат", "Талғат", "Дархан", "Ерболат", "Ермек", "Жомарт", "Қуаныш", "Нұрлан",
              "Ерік", "Мейрам", "Нұржан", "Бекзат", "Дәулет", "Әділ", "Әлібек", "Алмас", "Аслан",
              "Бақытжан", "Бағдат", "Бекболат", "Ғабит", "Дастан", "Досжан", "Ербол",
              "Ерсұлтан", "Жанат", "Жасұлан", "Иса", "Қайсар", "Қуандық", "Мақсат", "Мирас",
              "Нұрбол", "Олжас", "Руслан", "Сағат", "Самат", "Санжар", "Сұлтан", "Тимур",
              "Темірлан", "Ұлан", "Абылай", "Айбек", "Әлихан", "Ақжол", "Бейбіт", "Ғалымжан",
              "Елдос", "Еркін", "Жеңіс", "Исатай", "Медет", "Нұрдәулет", "Рүстем", "Серікбол",
              "Шыңғыс"),
        "F": ("Айгүл", "Әлия", "Гүлнар", "Жанар", "Сәуле", "Мадина", "Динара", "Ақмарал",
              "Гүлжан", "Айым", "Назгүл", "Жұлдыз", "Әсем", "Меруерт", "Аружан", "Айгерім",
              "Ақбота", "Айжан", "Айнұр", "Алма", "Әсел", "Аяжан", "Балжан", "Ботагөз", "Гаухар",
              "Гүлмира", "Гүлнұр", "Гүлсара", "Дана", "Дариға", "Жазира", "Жаннат", "Жібек",
              "Зарина", "Зере", "Индира", "Камила", "Қарлығаш", "Ләззат", "Маржан", "Мөлдір",
              "Нұргүл", "Назерке", "Перизат", "Райхан", "Салтанат", "Самал", "Сандуғаш",
              "Сабина", "Тоғжан", "Томирис", "Ұлжан", "Фариза", "Шынар", "Шолпан", "Эльмира",
              "Айдана", "Айару", "Анель", "Ділназ", "Ерке", "Жансая", "Інжу", "Күләш", "Раушан",
              "Роза", "Сымбат", "Бибігүл"),
    },
    "KGZ": {
        "M": ("Айбек", "Нурлан", "Бакыт", "Эрлан", "Мирлан", "Азамат", "Үмөт", "Чынгыз",
              "Талант", "Жылдызбек", "Нурбек", "Өмүр", "Асан", "Үсөн", "Алмаз", "Арстан",
              "Бактыбек", "Бекболот", "Данияр", "Дастан", "Жоомарт", "Замирбек", "Кубанычбек",
              "Кайрат", "Канат", "Максат", "Марат", "Медер", "Мирбек", "Нурсултан", "Медет",
              "Руслан", "Самат", "Султан", "Таалайбек", "Тилек", "Улан", "Урмат", "Эмил",
              "Эркин", "Эрмек", "Абдыкадыр", "Адилет", "Азиз", "Айдар", "Акылбек", "Алтынбек",
              "Аман", "Бектур", "Болот", "Бакай", "Жаныбек", "Жеңиш", "Искендер", "Калыс",
              "Кылычбек", "Курманбек", "Мелис", "Нуржан", "Нурдин", "Өмүрбек", "Рысбек",
              "Саламат", "Темирлан", "Төлөн", "Шайлообек", "Элдияр", "Эсен"),
        "F": ("Айжан", "Гүлзат", "Чынара", "Жылдыз", "Бермет", "Нургүл", "Айпери", "Гүлнара",
              "Мээрим", "Толгонай", "Асел", "Чолпон", "Айгерим", "Айдай", "Айзада", "Айнура",
              "Айсулуу", "Акмарал", "Алтынай", "Анара", "Асылзат", "Бактыгүл", "Бегимай",
              "Гүлжан", "Гүлмира", "Динара", "Жазгүл", "Жаңыл", "Жибек", "Зарема", "Зарина",
              "Назгүл", "Назира", "Нурайым", "Нуриза", "Нуржамал", "Салтанат", "Сезим",
              "Таттыбүбү", "Элмира", "Элнура", "Элвира", "Эркайым", "Жамила", "Кымбат", "Мадина",
              "Майрам", "Перизат", "Роза", "Саадат", "Сабина", "Сайкал", "Тинатин", "Умут",
              "Чынаргүл", "Ырыскүл", "Аида", "Айым", "Бурул", "Гүлназ", "Каныкей", "Нурзат"),
    },
    "TJK": {
        "M": ("Фирдавс", "Шоҳрух", "Меҳроҷ", "Ҷамшед", "Сомон", "Бахтиёр", "Рустам", "Фаррух",
              "Зафар", "Суҳроб", "Икром", "Умед", "Абдулло", "Азиз", "Алишер", "Анвар",
              "Бахтовар", "Далер", "Давлат", "Дилшод", "Илҳом", "Исмоил", "Карим", "Комрон",
              "Манучеҳр", "Маҳмад", "Мирзо", "Муҳаммад", "Назар", "Наврӯз", "Нозим", "Парвиз",
              "Раҳмон", "Раҳим", "Саид", "Сафар", "Сино", "Субҳон", "Толиб", "Фаридун", "Хуршед",
              "Ҳасан", "Ҳусейн", "Шавкат", "Шариф", "Шерали", "Эраҷ", "Юсуф", "Ёқуб",
              "Абдураҳмон", "Абдуҷаббор", "Акбар", "Амир", "Бобоҷон", "Ғайрат", "Ҷалол",
              "Ҷаҳонгир", "Иброҳим", "Камол", "Лутфулло", "Мансур", "Мурод", "Навид", "Носир",
              "Олим", "Рашид", "Самариддин", "Сироҷиддин", "Сулаймон", "Умар", "Фарҳод", "Ҳамза",
              "Шаҳром", "Шукрулло", "Қурбон"),
        "F": ("Мадина", "Нилуфар", "Зарина", "Фарзона", "Шаҳноза", "Манижа", "Гулнора",
              "Дилноза", "Меҳрангез", "Таҳмина", "Парвина", "Нигора", "Ороиш", "Барно",
              "Гулбаҳор", "Гулчеҳра", "Дилором", "Дилафрӯз", "Зулфия", "Ирода", "Комила", "Лола",
              "Малика", "Марҷона", "Мастона", "Меҳринисо", "Мунира", "Муҳаббат", "Мавзуна",
              "Назокат", "Наргис", "Насиба", "Нодира", "Озода", "Парвона", "Разия", "Рухшона",
              "Сабоҳат", "Саида", "Сарвиноз", "Ситора", "Сурайё", "Фарангис", "Фируза", "Хадича",
              "Ҳумайро", "Шабнам", "Шаҳло", "Шоира", "Гулрухсор", "Дилбар", "Зебо", "Зуҳро",
              "Мавлуда", "Нозанин", "Осиё", "Рано", "Сабина", "Сафина", "Хуршеда", "Шукрона",
              "Фотима", "Гулшан", "Ҷамила"),
    },
    "UZB": {
        "M": ("Бобур", "Жасур", "Шоҳжаҳон", "Отабек", "Улуғбек", "Сардор", "Азиз", "Дилшод",
              "Жамшид", "Ўткир", "Фаррух", "Ғайрат", "Санжар", "Шерзод", "Мустафо", "Азизбек",
              "Алишер", "Анвар", "Ахмад", "Аброр", "Акмал", "Аъзам", "Бахтиёр", "Бекзод", "Ботир",
              "Даврон", "Дониёр", "Жаҳонгир", "Зафар", "Иброҳим", "Илҳом", "Исломбек", "Камол",
              "Комил", "Мансур", "Мирзо", "Муҳаммад", "Нодир", "Носир", "Нуриддин", "Озод",
              "Равшан", "Рустам", "Руслан", "Сарвар", "Собир", "Сулаймон", "Тимур", "Тоҳир",
              "Умид", "Фарҳод", "Ҳасан", "Ҳусан", "Шавкат", "Шоҳрух", "Шукрулло", "Элдор",
              "Эркин", "Юсуф", "Ёқуб", "Абдулла", "Абдурасул", "Баҳодир", "Валижон", "Ғолиб",
              "Искандар", "Лазиз", "Муҳриддин", "Неъмат", "Ойбек", "Ориф", "Пўлат", "Қодир",
              "Рашид", "Салим", "Хуршид", "Ҳикматжон"),
        "F": ("Дилноза", "Гулноза", "Нигора", "Шаҳзода", "Мафтуна", "Зулфия", "Ўғилой", "Малика",
              "Феруза", "Сабина", "Нодира", "Юлдуз", "Гулчеҳра", "Моҳира", "Солиҳа", "Мадина",
              "Дилдора", "Наргиза", "Дилфуза", "Дилобар", "Азиза", "Барно", "Гулбаҳор", "Гулшан",
              "Дилором", "Зарина", "Зебо", "Зуҳра", "Ирода", "Камола", "Лайло", "Лола", "Мавлуда",
              "Мамлакат", "Манзура", "Марҳабо", "Муниса", "Муҳаббат", "Нафиса", "Насиба",
              "Ноила", "Озода", "Раъно", "Саида", "Севара", "Ситора", "Сурайё", "Умида",
              "Фарангиз", "Фотима", "Хадича", "Хуршида", "Шаҳло", "Шоира", "Шаҳноза", "Элмира",
              "Гавҳар", "Дурдона", "Зиёда", "Кумуш", "Малоҳат", "Моҳинур", "Нилуфар", "Одина",
              "Рухсора", "Сарвиноз", "Ҳилола", "Замира", "Ойша"),
    },
    "RUS": {
        "M": ("Александр", "Дмитрий", "Максим", "Сергей", "Андрей", "Алексей", "Артём", "Илья",
              "Кирилл", "Михаил", "Юрий", "Евгений", "Владимир", "Никита", "Иван", "Николай",
              "Павел", "Роман", "Олег", "Игорь", "Денис", "Антон", "Виктор", "Константин",
              "Вадим", "Виталий", "Владислав", "Вячеслав", "Георгий", "Григорий", "Даниил",
              "Егор", "Леонид", "Матвей", "Пётр", "Руслан", "Семён", "Станислав", "Степан",
              "Тимофей", "Фёдор", "Ярослав", "Анатолий", "Борис", "Валерий", "Василий",
              "Геннадий", "Глеб", "Лев", "Марк", "Тимур", "Эдуард", "Арсений", "Богдан",
              "Валентин", "Всеволод", "Захар", "Аркадий", "Ростислав"),
        "F": ("Юлия", "Анна", "Мария", "Елена", "Ольга", "Наталья", "Екатерина", "Татьяна",
              "Ирина", "Светлана", "Ксения", "Дарья", "Людмила", "Валентина", "Анастасия",
              "Алина", "Виктория", "Галина", "Марина", "Надежда", "Полина", "Софья", "Вера",
              "Любовь", "Алёна", "Алла", "Вероника", "Евгения", "Елизавета", "Жанна", "Зоя",
              "Инна", "Кристина", "Лариса", "Лидия", "Маргарита", "Нина", "Оксана", "Раиса",
              "Тамара", "Яна", "Александра", "Варвара", "Диана", "Карина", "Лилия", "Милана",
              "Олеся", "Регина", "Снежана", "Таисия", "Ульяна", "Эвелина", "Ангелина", "Арина",
              "Василиса", "Валерия", "Кира"),
    },
    "TKM": {
        "M": ("Merdan", "Serdar", "Batyr", "Dovlet", "Myrat", "Arslan", "Yhlas", "Gurban",
              "Annamyrat", "Atamyrat", "Bayram", "Berdimyrat", "Dayanch", "Dowran", "Gurbanguly",
              "Hajymyrat", "Kakajan", "Maksat", "Mekan", "Nury", "Oraz", "Perhat", "Rahman",
              "Resul", "Rustam", "Ruslan", "Sapar", "Shatlyk", "Suleyman", "Toyly", "Yusup",
              "Agajan", "Amanmyrat", "Azat", "Begench", "Begmyrat", "Begli", "Charyyar",
              "Dovletmyrat", "Eziz", "Guvanch", "Hemra", "Kerim", "Meret", "Mergen", "Nazar",
              "Orazmyrat", "Rejep", "Sahet", "Tachmyrat", "Timur", "Yazmyrat", "Ylham", "Atajan",
              "Berdi", "Annageldi"),
        "F": ("Ogulgerek", "Aynabat", "Maya", "Jeren", "Bahar", "Gulshat", "Selbi", "Aziza",
              "Ayna", "Aygul", "Aysoltan", "Dunya", "Enejan", "Gozel", "Gulnara", "Guljahan",
              "Gulalek", "Jahan", "Jennet", "Leyli", "Mahri", "Mahym", "Nabat", "Nargiza",
              "Ogulbibi", "Ogulnabat", "Owadan", "Sona", "Sulgun", "Tazegul", "Yazgul", "Zuhra",
              "Altyn", "Dilber", "Gulbahar", "Humay", "Lachyn", "Merjen", "Ogulshat", "Shirin",
              "Sapargul", "Amangul", "Bossan", "Jamal", "Kumush", "Oguljan", "Ayjemal",
              "Bagtygul", "Gulbadam", "Mahrijan", "Ogulmaral", "Shemshat", "Yazbibi"),
    },
}  # fmt: skip

# Forefathers' given names (men born around 1900), from which surnames were made, beside
# today's given names. The first of each list were the surname pools of earlier versions.
ROOTS: dict[str, tuple[str, ...]] = {
    "KAZ": ("Жұмабай", "Қасым", "Сәрсенбай", "Нұрғали", "Ысқақ", "Омар", "Байжан", "Төлеу",
            "Әбен", "Серікбай", "Мұрат", "Оспан", "Жақсыбек", "Құдайберген", "Есен", "Ахмет",
            "Әли", "Сүлеймен", "Әбдірахман", "Ибрагим", "Қали", "Садық", "Ыбырай", "Смағұл",
            "Абдулла", "Иса", "Сұлтан", "Жүсіп", "Исмаил", "Кәрім", "Құсайын", "Мұса", "Бейсен",
            "Дүйсен", "Сейіт", "Тұрсын", "Темір", "Әбдіқадыр", "Мұхаметжан", "Мұхамбет", "Исабек",
            "Төлеген", "Құрман", "Мақсұт", "Оралбай", "Рысбек", "Сапар", "Тоқтар", "Тұрар",
            "Уәли", "Хамит", "Шәкен", "Жақып", "Ілияс", "Ыдырыс", "Дәуіт", "Жапар", "Бекмұрат",
            "Сыдық", "Тілеу", "Қожахмет", "Байтұрсын", "Әбіш", "Кенжебай", "Молдабай",
            "Жолдыбай", "Үсен", "Әшім", "Бекет", "Бектұр", "Қабдол", "Қадыр", "Мәмбет", "Рахмет",
            "Сағынтай", "Шәріп", "Хасен", "Әуез", "Досмұхамбет", "Нұрмағанбет", "Амангелді",
            "Әбділда", "Бекмағамбет", "Жаманқұл", "Қожа", "Мырза", "Ораз", "Сәдуақас",
            "Тәңірберген", "Ұзақ", "Шынтас", "Ізбасар", "Бибол", "Дәулетбай", "Ерімбет",
            "Жетпісбай", "Қыдыр", "Нұрпейіс", "Сейітқали", "Тасболат"),
    "KGZ": ("Асан", "Токтогул", "Жээнбек", "Сыдык", "Өмүрбек", "Үсөн", "Абдыкадыр", "Мамат",
            "Турдубай", "Кадыр", "Эсенгул", "Бекмурат", "Ниязбек", "Шаршен", "Осмон", "Сатыбалды",
            "Бообек", "Абдрахман", "Алымкул", "Атамбай", "Бейшен", "Дооронбек", "Жапар",
            "Жумабек", "Жусуп", "Ибрай", "Иса", "Исмаил", "Кожомкул", "Курман", "Кулмат",
            "Молдокул", "Момун", "Мукаш", "Назаркул", "Орозбек", "Өмүрбай", "Рысбай", "Сагын",
            "Садык", "Сапар", "Сейит", "Таштан", "Токтосун", "Төрөбек", "Түгөлбай", "Усуп",
            "Эшмат", "Кыдыр", "Мырза", "Абыл", "Айтмат", "Бакир", "Дүйшөн", "Жолдош", "Кенжебай",
            "Кубат", "Койчу", "Нурмат", "Орозалы", "Сатар", "Төлөгөн", "Тургун", "Абдылда",
            "Акмат", "Бердибек", "Жакып", "Мамыт", "Омор", "Сулайман", "Токон",
            "Шакир", "Эркин"),
    "TJK": ("Раҳим", "Қурбон", "Назар", "Шариф", "Ҷӯра", "Саид", "Ғафур", "Мирзо", "Хол",
            "Давлат", "Сафар", "Азиз", "Умар", "Ҳасан", "Абдулло", "Исмоил", "Иброҳим", "Юсуф",
            "Яҳё", "Раҷаб", "Шамсиддин", "Нуриддин", "Ҳайдар", "Ҳамро", "Ашур", "Бобо", "Бозор",
            "Зокир", "Одина", "Пулод", "Салим", "Сангин", "Толиб", "Турсун", "Файзулло", "Халил",
            "Ҳотам", "Шоди", "Қосим", "Қодир", "Ғулом", "Ҷалол", "Маҳмуд", "Муҳаммад", "Мусо",
            "Нодир", "Обид", "Олим", "Рустам", "Сайфулло", "Сулаймон", "Хайрулло", "Худойназар",
            "Шукур", "Эргаш", "Абдуқодир", "Абдураҳим", "Абдукарим", "Абдусаттор", "Абдуғаффор",
            "Абдураҳмон", "Амин", "Баҳром", "Вали", "Ғаффор", "Зайнулло", "Карим",
            "Латиф", "Мирзоали", "Неъмат", "Орзу", "Пирмуҳаммад", "Раҳмат", "Сатор", "Тағой",
            "Хоҷа", "Шерали", "Қаюм"),
    "UZB": ("Карим", "Алим", "Раҳим", "Юсуф", "Турсун", "Исмоил", "Ғулом", "Қодир", "Тўра",
            "Ҳасан", "Усмон", "Эргаш", "Абдулла", "Нормат", "Мирза", "Содиқ", "Ахмад", "Бобо",
            "Бозор", "Жўра", "Жума", "Икром", "Иброҳим", "Маҳмуд", "Мурод", "Мусо", "Нурмат",
            "Олим", "Омон", "Пўлат", "Раҳмон", "Рашид", "Салим", "Сафар", "Султон", "Тошмат",
            "Умар", "Хўжа", "Холмат", "Ҳайдар", "Ҳамид", "Шариф", "Шодмон", "Эшмат", "Ёқуб",
            "Азиз", "Акбар", "Абдураҳмон", "Абдуқодир", "Абдураҳим", "Абдусаттор", "Абдуғани",
            "Абдуваҳоб", "Зокир", "Исроил", "Камол", "Латиф", "Мамат", "Назар", "Неъмат",
            "Нуриддин", "Обид", "Пирмат", "Рўзи", "Саид", "Собир", "Тоҳир", "Файзулла",
            "Хайрулла", "Шукур", "Юнус", "Қурбон", "Қосим", "Абдужаббор", "Абдуллоҳ", "Бердиёр",
            "Бўри", "Валихон", "Ғафур", "Давлат", "Жалол", "Зиё", "Ибод", "Маъруф", "Мўмин",
            "Нарзулла", "Очил", "Парда", "Рўзимат", "Сотим", "Тўхта", "Ўрол", "Хидир", "Шерқул",
            "Эрқул", "Юлдош", "Қаҳҳор", "Ҳамро"),
    "TKM": ("Anna", "Berdi", "Oraz", "Ata", "Gurban", "Hoja", "Nurmurad", "Sapar", "Durdy",
            "Chary", "Aman", "Baba", "Bayram", "Yaz", "Toyly", "Kaka", "Hally", "Nury", "Ovez",
            "Rejep", "Soltan", "Sahat", "Hudayberdi", "Myrat", "Muhammet", "Rahman", "Garly",
            "Ilyas", "Allaberdi", "Begench", "Orazgeldi", "Tagan", "Kurbanmyrat", "Hemra",
            "Ashyr", "Bally", "Dovlet", "Esen", "Gaygysyz", "Halmurad", "Jumamyrat", "Kerim",
            "Meret", "Nazar", "Ovezmyrat", "Pirli", "Saryjan", "Tachmyrat", "Yagmyr", "Yazmyrat"),
}  # fmt: skip

# Turkic and Persian name-forming endings: a forefather's name is also found with them
# (Асан, Асанбек; Жума, Жумабай; Азиз, Азизжон; Oraz, Orazguly). Applied to names of at most
# six letters, as the longer ones rarely take them.
AFFIXES: dict[str, tuple[str, ...]] = {
    "KAZ": ("бай", "бек", "жан", "хан"),
    "KGZ": ("бек", "бай", "кул"),
    "TJK": ("ҷон", "али", "бек"),
    "UZB": ("бой", "қул", "мурод", "али", "бек", "жон"),
    "TKM": ("guly", "myrat", "berdi", "geldi"),
}

# The forms a surname takes from a forefather's name, the commonest first: (what is added,
# the share of surnames in that form). Shares: Kazakh bare names are six of the 33 commonest
# surnames (76,525 of 840,480 bearers, 9 %, Ministry of Justice 2014); the others are assumed
# (docs/synthetic-region.md).
FORMS: dict[str, tuple[tuple[str, float], ...]] = {
    "KAZ": (("ов", 0.88), ("", 0.09), ("ұлы", 0.03)),
    "KGZ": (("ов", 0.95), (" уулу", 0.05)),
    "TJK": (("ов", 0.80), ("зода", 0.15), ("ӣ", 0.05)),
    "UZB": (("ов", 1.0),),
    "TKM": (("ov", 1.0),),
}

# Russian surnames, the commonest first: the 25 "all-Russian" surnames of Balanovskaya et al.
# (Medical Genetics, 2005) in their order, then Zhuravlev's list and other common ones, and the
# pool of earlier versions.
RUS_SURNAMES: tuple[str, ...] = (
    "Смирнов", "Иванов", "Кузнецов", "Соколов", "Попов", "Лебедев", "Козлов", "Новиков",
    "Морозов", "Петров", "Волков", "Соловьёв", "Васильев", "Зайцев", "Павлов", "Семёнов",
    "Голубев", "Виноградов", "Богданов", "Воробьёв", "Фёдоров", "Михайлов", "Беляев", "Тарасов",
    "Белов", "Комаров", "Орлов", "Киселёв", "Макаров", "Андреев", "Ковалёв", "Ильин", "Гусев",
    "Титов", "Кузьмин", "Кудрявцев", "Баранов", "Куликов", "Алексеев", "Степанов", "Яковлев",
    "Сорокин", "Сергеев", "Романов", "Захаров", "Борисов", "Королёв", "Герасимов", "Пономарёв",
    "Григорьев", "Лазарев", "Медведев", "Ершов", "Никитин", "Соболев", "Рябов", "Поляков",
    "Цветков", "Данилов", "Жуков", "Фролов", "Журавлёв", "Николаев", "Крылов", "Максимов",
    "Сидоров", "Осипов", "Белоусов", "Федотов", "Дорофеев", "Егоров", "Матвеев", "Бобров",
    "Дмитриев", "Калинин", "Анисимов", "Петухов", "Антонов", "Тимофеев", "Никифоров", "Веселов",
    "Филиппов", "Марков", "Большаков", "Суханов", "Миронов", "Ширяев", "Александров",
    "Коновалов", "Шестаков", "Казаков", "Ефимов", "Денисов", "Громов", "Фомин", "Давыдов",
    "Мельников", "Щербаков", "Блинов", "Колесников", "Карпов", "Афанасьев", "Власов", "Маслов",
    "Исаков", "Тихонов", "Аксёнов", "Гаврилов", "Родионов", "Котов", "Горбунов", "Кудряшов",
    "Быков", "Зуев", "Третьяков", "Савельев", "Панов", "Рыбаков", "Суворов", "Абрамов",
    "Воронов", "Мухин", "Архипов", "Трофимов", "Мартынов", "Емельянов", "Горшков", "Чернов",
    "Овчинников", "Селезнёв", "Панфилов", "Копылов", "Михеев", "Галкин", "Назаров", "Лобанов",
    "Лукин", "Беляков", "Потапов", "Некрасов", "Хохлов", "Жданов", "Наумов", "Шилов",
    "Воронцов", "Ермаков", "Дроздов", "Игнатьев", "Савин", "Логинов", "Сафонов", "Капустин",
    "Кириллов", "Моисеев", "Елисеев", "Кошелев", "Костин", "Горбачёв", "Орехов", "Ефремов",
    "Исаев", "Евдокимов", "Калашников", "Кабанов", "Носков", "Юдин", "Кулагин", "Лапин",
    "Прохоров", "Нестеров", "Харитонов", "Агафонов", "Муравьёв", "Ларионов", "Федосеев",
    "Зимин", "Пахомов", "Шубин", "Игнатов", "Филатов", "Крюков", "Рогов", "Кулаков",
    "Терентьев", "Молчанов", "Владимиров", "Артемьев", "Гурьев", "Зиновьев", "Гришин",
    "Кононов", "Дементьев", "Ситников", "Симонов", "Мишин", "Фадеев", "Комиссаров",
    "Мамонтов", "Носов", "Гуляев", "Шаров", "Устинов", "Вишняков", "Евсеев", "Лаврентьев",
    "Брагин", "Константинов", "Корнилов", "Авдеев", "Зыков", "Бирюков", "Шарапов", "Никонов",
    "Щукин", "Дьячков", "Одинцов", "Сазонов", "Якушев", "Красильников", "Гордеев", "Самойлов",
    "Князев", "Беспалов", "Уваров", "Шашков", "Бобылёв", "Доронин", "Белозёров", "Рожков",
    "Самсонов", "Мясников", "Лихачёв", "Буров", "Сысоев", "Фомичёв", "Русаков", "Стрелков",
    "Гущин", "Тетерин", "Колобов", "Субботин", "Фокин", "Блохин", "Селиверстов", "Пестов",
    "Кондратьев", "Силин", "Меркушев", "Лыткин", "Туров", "Ковалевский", "Раевский",
    "Покровский", "Успенский", "Введенский", "Вознесенский", "Преображенский", "Богословский",
)  # fmt: skip

# Nationalities with few travellers in the region (together under 3 %): the commonest names,
# the commonest first where a list was at hand (the USA: the 2010 census), in MRZ spelling
# (Azerbaijani surnames in title case, so that women bear the female form). Their surnames
# follow the region's law of rank; their given names, 30 per sex, are drawn uniformly.
SMALL_POOLS: dict[str, dict[str, tuple[str, ...]]] = {
    "AFG": {
        "surname": ("AHMADZAI", "KARIMI", "RAHIMI", "SAHAK", "HAIDARI", "NOORI", "STANIKZAI",
                    "WARDAK", "AZIZI", "POPAL", "HAKIMI", "SADAT", "MOHAMMADI", "HUSSAINI",
                    "SULTANI", "AMIRI", "HASHIMI", "RASOULI", "QADERI", "NAZARI", "SAFI",
                    "MOMAND", "YUSUFZAI", "NIAZI", "BARAKZAI", "ALIZAI", "HOTAK", "DURRANI",
                    "SAMADI", "JALALI", "SHINWARI", "ZAHIRI", "FAIZI", "NASERI", "OMARI",
                    "SALEHI", "AFZALI", "ANWARI", "BAHEER", "TAHERI"),
        "M": ("AHMAD", "MOHAMMAD", "ABDUL", "HAMID", "NAJIB", "FARID", "JAVED", "ZABIHULLAH",
              "ABDULLAH", "ASADULLAH", "BASHIR", "EHSAN", "FARHAD", "GHULAM", "HABIB", "JAMSHID",
              "KHALID", "MAHMOOD", "MASOUD", "NASIR", "OMID", "QADIR", "RAHIM", "SAMIULLAH",
              "SHAFIQ", "TARIQ", "WAHID", "YAMA", "ZAKIR", "ZIA"),
        "F": ("FATIMA", "MARYAM", "ZAHRA", "SHABANA", "NARGIS", "FARZANA", "MALALAI", "SOMAIA",
              "AISHA", "ARZO", "FARIBA", "FERESHTA", "FRISHTA", "GULALAI", "HABIBA", "LAILA",
              "MARZIA", "MEENA", "NADIA", "NAHID", "PARWANA", "ROYA", "SABA", "SAKINA",
              "SHAKILA", "SHIRIN", "SIMA", "SUHAILA", "TAMANA", "ZARMINA"),
    },
    "IND": {
        "surname": ("SHARMA", "SINGH", "KUMAR", "PATEL", "GUPTA", "REDDY", "NAIR", "IYER",
                    "KHAN", "DAS", "MEHTA", "JOSHI", "VERMA", "YADAV", "JAIN", "MISHRA",
                    "AGARWAL", "PANDEY", "SHAH", "RAO", "CHAUHAN", "MALHOTRA", "KAPOOR",
                    "BANERJEE", "CHATTERJEE", "MUKHERJEE", "GHOSH", "BOSE", "PILLAI", "MENON",
                    "NAIDU", "DESAI", "KULKARNI", "PATIL", "DESHPANDE", "CHOUDHARY", "THAKUR",
                    "SAXENA", "SRIVASTAVA", "TIWARI"),
        "M": ("RAHUL", "AMIT", "ARJUN", "VIKRAM", "ROHAN", "SANJAY", "ANIL", "KARAN", "RAJESH",
              "SURESH", "RAMESH", "VIJAY", "AJAY", "DEEPAK", "MANOJ", "SUNIL", "ASHOK", "RAVI",
              "NITIN", "ABHISHEK", "ADITYA", "ANKIT", "GAURAV", "HARSH", "KUNAL", "MANISH",
              "PRADEEP", "RAJ", "SACHIN", "VIVEK"),
        "F": ("PRIYA", "ANJALI", "DIVYA", "NEHA", "POOJA", "SNEHA", "KAVYA", "ANANYA", "SUNITA",
              "ANITA", "KAVITA", "REKHA", "MEERA", "LAKSHMI", "SHREYA", "RIYA", "NISHA",
              "PRIYANKA", "DEEPIKA", "SWATI", "ASHA", "GEETA", "JYOTI", "KIRAN", "MANISHA",
              "NEETU", "POONAM", "RITU", "SAPNA", "SONIA"),
    },
    "PAK": {
        "surname": ("KHAN", "AHMED", "ALI", "HUSSAIN", "QURESHI", "BUTT", "CHAUDHRY", "MALIK",
                    "SHEIKH", "RAZA", "SHAH", "IQBAL", "AKHTAR", "ASLAM", "MIRZA", "BHATTI",
                    "RANA", "JAVED", "ANWAR", "SIDDIQUI", "ABBASI", "MUGHAL", "AWAN", "ARAIN",
                    "RAJPUT", "GILL", "BAIG", "HASHMI", "NAWAZ", "YOUSAF", "AFRIDI", "KHATTAK",
                    "MEMON", "BALOCH", "ZAIDI", "RIZVI", "NAQVI", "JAMIL", "SALEEM", "TARIQ"),
        "M": ("MUHAMMAD", "USMAN", "BILAL", "HAMZA", "FAISAL", "IMRAN", "ZAIN", "ASAD", "ALI",
              "AHMED", "HASSAN", "UMAR", "ABDULLAH", "SAAD", "TALHA", "HAMID", "KAMRAN", "ADNAN",
              "WAQAS", "ZUBAIR", "ARSLAN", "FAHAD", "IRFAN", "JUNAID", "NAVEED", "OWAIS",
              "RIZWAN", "SHAHID", "TAHIR", "YASIR"),
        "F": ("AYESHA", "FATIMA", "SANA", "HIRA", "MAHNOOR", "ZAINAB", "IQRA", "AMNA", "MARYAM",
              "SADIA", "SAIMA", "NADIA", "RABIA", "KHADIJA", "ASMA", "BUSHRA", "FARAH", "HUMA",
              "KIRAN", "MEHWISH", "NIDA", "SAMINA", "SHAZIA", "TAHIRA", "UZMA", "ANAM", "ALEENA",
              "HAFSA", "NOOR", "SAMREEN"),
    },
    "TUR": {
        "surname": ("YILMAZ", "KAYA", "DEMIR", "SAHIN", "CELIK", "YILDIZ", "YILDIRIM", "OZTURK",
                    "AYDIN", "OZDEMIR", "ARSLAN", "DOGAN", "KILIC", "ASLAN", "CETIN", "KARA",
                    "KOC", "KURT", "OZKAN", "SIMSEK", "POLAT", "OZCAN", "KORKMAZ", "CAKIR",
                    "ERDOGAN", "YAVUZ", "CAN", "ACAR", "SEN", "AKTAS", "GULER", "YALCIN", "GUNES",
                    "BOZKURT", "BULUT", "KESKIN", "UNAL", "TURAN", "GUL", "OZER", "ISIK",
                    "KAPLAN", "AVCI", "SARI", "TEKIN", "TAS", "KOSE", "YUKSEL", "ATES", "AKSOY"),
        "M": ("MEHMET", "MUSTAFA", "AHMET", "ALI", "HUSEYIN", "HASAN", "IBRAHIM", "ISMAIL",
              "OSMAN", "YUSUF", "MURAT", "OMER", "RAMAZAN", "HALIL", "SULEYMAN", "ABDULLAH",
              "MAHMUT", "RECEP", "SALIH", "FATIH", "KADIR", "EMRE", "HAKAN", "ADEM", "KEMAL",
              "BURAK", "SERKAN", "YASAR", "ORHAN", "METIN"),
        "F": ("FATMA", "AYSE", "EMINE", "HATICE", "ZEYNEP", "ELIF", "MERYEM", "SERIFE", "ZEHRA",
              "SULTAN", "HANIFE", "MERVE", "HAVVA", "ZELIHA", "ESRA", "FADIME", "OZLEM", "HACER",
              "YASEMIN", "HULYA", "CEMILE", "SEVGI", "GULSUM", "LEYLA", "DILEK", "BUSRA", "KUBRA",
              "AYSEL", "SONGUL", "RABIA"),
    },
    "IRN": {
        "surname": ("MOHAMMADI", "HOSSEINI", "AHMADI", "REZAEI", "MOUSAVI", "JAFARI", "KARIMI",
                    "HASHEMI", "HEIDARI", "RAHIMI", "MORADI", "SADEGHI", "GHASEMI", "ABBASI",
                    "SALEHI", "RAHMANI", "TAHERI", "NOURI", "KAZEMI", "AKBARI", "MIRZAEI",
                    "HASSANI", "AMIRI", "BAGHERI", "NAZARI", "EBRAHIMI", "SOLEIMANI", "YOUSEFI",
                    "GHOLAMI", "ASGARI", "ZAREI", "FARHADI", "MOHAMMADZADEH", "JAHANGIRI",
                    "NAJAFI", "SHARIFI", "HOSSEINZADEH", "KHALILI", "ALIZADEH", "ESMAEILI"),
        "M": ("ALI", "REZA", "HOSSEIN", "MEHDI", "AMIR", "SAEED", "HAMED", "MORTEZA", "MOHAMMAD",
              "HASSAN", "MAHMOUD", "JAVAD", "MOHSEN", "MAJID", "VAHID", "MASOUD", "HAMID",
              "ABBAS", "ALIREZA", "AMIRHOSSEIN", "BEHNAM", "DARIUSH", "EHSAN", "FARHAD", "KAVEH",
              "MILAD", "NADER", "OMID", "PEYMAN", "RAMIN"),
        "F": ("ZAHRA", "FATEMEH", "MARYAM", "SARA", "NEDA", "LEILA", "MINA", "PARISA", "MAHSA",
              "ELHAM", "NARGES", "SOMAYEH", "ZEINAB", "MASOUMEH", "ATEFEH", "AZAM", "FARIBA",
              "HOMA", "LALEH", "MAHNAZ", "NAZANIN", "PARVANEH", "ROYA", "SAHAR", "SHIRIN", "SIMA",
              "TARANEH", "YASAMAN", "ZHALEH", "NASRIN"),
    },
    "AZE": {
        "surname": ("Mammadov", "Aliyev", "Hasanov", "Huseynov", "Guliyev", "Ismayilov",
                    "Rzayev", "Babayev", "Abbasov", "Jafarov", "Ahmadov", "Abdullayev",
                    "Suleymanov", "Najafov", "Ibrahimov", "Musayev", "Gasimov", "Karimov",
                    "Valiyev", "Orujov", "Agayev", "Isayev", "Sadigov", "Hajiyev", "Asadov",
                    "Salimov", "Mustafayev", "Rahimov", "Bayramov", "Allahverdiyev", "Nasirov",
                    "Mammadli", "Huseynli", "Alizade", "Gurbanov"),
        "M": ("ELVIN", "RASHAD", "ORKHAN", "TURAL", "KAMRAN", "FARID", "VUSAL", "ANAR", "ELCHIN",
              "RUSLAN", "RAMIL", "NIJAT", "EMIN", "MURAD", "ILGAR", "SAMIR", "ZAUR", "TALEH",
              "RAUF", "ELNUR", "AYDIN", "FUAD", "KANAN", "NURLAN", "RAMIN", "SHAHIN", "TOGRUL",
              "ULVI", "YUSIF", "JAVID"),
        "F": ("AYNUR", "LEYLA", "NARGIZ", "SEVINJ", "GUNAY", "AYTAN", "KONUL", "SABINA", "AYGUN",
              "ARZU", "AIDA", "GULNAR", "ILAHA", "KAMALA", "LAMAN", "MADINA", "NIGAR", "NURANA",
              "RANA", "SAMIRA", "SHAHLA", "TARANA", "ULVIYYA", "VUSALA", "ZARIFA", "AFAG",
              "FIDAN", "GULTAKIN", "JAMILA", "NARMIN"),
    },
    "USA": {
        "surname": ("SMITH", "JOHNSON", "WILLIAMS", "BROWN", "JONES", "GARCIA", "MILLER",
                    "DAVIS", "RODRIGUEZ", "MARTINEZ", "HERNANDEZ", "LOPEZ", "GONZALEZ", "WILSON",
                    "ANDERSON", "THOMAS", "TAYLOR", "MOORE", "JACKSON", "MARTIN", "LEE", "PEREZ",
                    "THOMPSON", "WHITE", "HARRIS", "SANCHEZ", "CLARK", "RAMIREZ", "LEWIS",
                    "ROBINSON", "WALKER", "YOUNG", "ALLEN", "KING", "WRIGHT", "SCOTT", "TORRES",
                    "NGUYEN", "HILL", "FLORES", "GREEN", "ADAMS", "NELSON", "BAKER", "HALL",
                    "RIVERA", "CAMPBELL", "MITCHELL", "CARTER", "ROBERTS"),
        "M": ("JAMES", "JOHN", "ROBERT", "MICHAEL", "DAVID", "WILLIAM", "RICHARD", "JOSEPH",
              "THOMAS", "CHRISTOPHER", "CHARLES", "DANIEL", "MATTHEW", "ANTHONY", "MARK",
              "DONALD", "STEVEN", "ANDREW", "PAUL", "JOSHUA", "KENNETH", "KEVIN", "BRIAN",
              "GEORGE", "TIMOTHY", "RONALD", "JASON", "EDWARD", "JEFFREY", "RYAN"),
        "F": ("MARY", "PATRICIA", "JENNIFER", "LINDA", "ELIZABETH", "BARBARA", "SUSAN",
              "JESSICA", "SARAH", "KAREN", "LISA", "NANCY", "BETTY", "SANDRA", "MARGARET",
              "ASHLEY", "KIMBERLY", "EMILY", "DONNA", "MICHELLE", "CAROL", "AMANDA", "MELISSA",
              "DEBORAH", "STEPHANIE", "DOROTHY", "REBECCA", "SHARON", "LAURA", "CYNTHIA"),
    },
}  # fmt: skip

# The surnames of earlier versions' pools, kept at the head of each people's list (after the
# published ones) so that the commonest names stay recognisable.
EARLIER_SURNAMES: dict[str, tuple[str, ...]] = {
    "KAZ": ("Жұмабаев", "Қасымов", "Сәрсенбаев", "Искаков", "Байжанов", "Төлеуов", "Әбенов",
            "Серікбаев", "Мұратов", "Жақсыбеков", "Құдайбергенов", "Есенов"),
    "KGZ": ("Асанов", "Токтогулов", "Жээнбеков", "Сыдыков", "Өмүрбеков", "Үсөнов",
            "Абдыкадыров", "Маматов", "Турдубаев", "Кадыров", "Эсенгулов", "Бекмуратов",
            "Ниязбеков", "Шаршенов"),
    "TJK": ("Раҳимов", "Қурбонов", "Назаров", "Шарипов", "Ҷӯраев", "Саидов", "Ғафуров",
            "Мирзоев", "Холов", "Давлатов", "Сафаров", "Азизов", "Умаров", "Ҳасанов"),
    "UZB": ("Каримов", "Алимов", "Рахимов", "Юсупов", "Турсунов", "Исмоилов", "Ғуломов",
            "Қодиров", "Тўраев", "Ҳасанов", "Усмонов", "Эргашев", "Абдуллаев", "Норматов",
            "Мирзаев", "Содиқов"),
    "TKM": ("Annayev", "Berdiyev", "Orazov", "Atayev", "Gurbanov", "Hojayev", "Nurmuradov",
            "Saparov", "Durdyyev", "Charyyev"),
}  # fmt: skip
