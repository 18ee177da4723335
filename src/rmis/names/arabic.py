"""Arabic-script names, compared with each other and with Latin and Cyrillic ones.

Arabic writes consonants and long vowels; the short vowels (and, mostly, doubling) are not
written. A Latin ABDULRAHMAN and the Arabic عبد الرحمن share their consonants, not their
vowels. So names across the two scripts are compared on *consonant skeletons*: Arabic letters
to a Latin consonant class (ح ه خ -> H, ث -> T, ذ ض -> D, ق ك -> K...), the article ال, the
letters that are vowels or glides (ا و ي ى ع ء) and the final ة dropped; on the Latin side the
token's key (keys.token_key) with its vowels, glides (Y, W/V) and a final H after a vowel
dropped. A skeleton agreement is weaker evidence than a spelling one: short names share
skeletons easily (MHMD is Muhammad, Mahmud's is MHMD too), so callers weigh it less.

Within Arabic script, `normalise_arabic` settles the letters writers vary (alef with hamza or
madda, alef maqsura, ta marbuta, Persian kaf and yeh), and drops the vowel marks and tatweel.
"""

from __future__ import annotations

import re
from functools import lru_cache

_MARKS = re.compile("[\u0610-\u061a\u064b-\u065f\u0670\u06d6-\u06ed\u0640]")
_LETTER_FORMS = str.maketrans(
    {
        "أ": "ا",
        "إ": "ا",
        "آ": "ا",
        "ٱ": "ا",
        "ى": "ي",
        "ی": "ي",
        "ئ": "ي",
        "ؤ": "و",
        "ک": "ك",
        "ة": "ه",
    }
)

# Arabic (and Persian) letters to the Latin consonant class of the skeleton; '' drops it.
_SKELETON = {
    "ب": "B",
    "ت": "T",
    "ث": "T",
    "ج": "j",
    "ح": "h",
    "خ": "h",
    "د": "D",
    "ذ": "D",
    "ر": "R",
    "ز": "Z",
    "س": "S",
    "ش": "s",
    "ص": "S",
    "ض": "D",
    "ط": "T",
    "ظ": "Z",
    "ع": "",
    "غ": "G",
    "ف": "F",
    "ق": "K",
    "ك": "K",
    "ل": "L",
    "م": "M",
    "ن": "N",
    "ه": "h",
    "و": "",
    "ي": "",
    "ا": "",
    "ء": "",
    "پ": "P",
    "چ": "c",
    "ژ": "j",
    "گ": "G",
}
# Key letters that are vowels or glides in a Latin key, dropped from its skeleton.
_LATIN_DROPPED = frozenset("AEIOUVY")
# Latin particles a skeleton comparison ignores (the article, written apart or hyphenated).
LATIN_ARTICLES = frozenset({"AL", "EL", "UL", "AD", "AR", "AS", "ASH", "AN", "AZ", "AT", "ET"})


def is_arabic(text: str) -> bool:
    """True if the text has letters of the Arabic script (U+0600-U+06FF, U+0750-U+077F)."""
    return any("\u0600" <= ch <= "\u06ff" or "\u0750" <= ch <= "\u077f" for ch in text)


@lru_cache(maxsize=65536)
def normalise_arabic(token: str) -> str:
    """The token with vowel marks and tatweel dropped and letter variants settled."""
    return _MARKS.sub("", token).translate(_LETTER_FORMS)


def _fold_runs(text: str) -> str:
    return re.sub(r"(.)\1+", r"\1", text)


@lru_cache(maxsize=65536)
def arabic_skeleton(token: str) -> str:
    """The consonant skeleton of one Arabic-script token (article ال dropped)."""
    text = _MARKS.sub("", token).replace("ة", "")  # ta marbuta: Latin writes a vowel (-A, -AH)
    text = normalise_arabic(text)
    if text.endswith("لله"):
        text = text[:-1]  # Allah (ALLAH, ULLAH, ALLA): Latin's final H is dropped as well
    if text.startswith("ال") and len(text) > 3:
        text = text[2:]
    return _fold_runs("".join(_SKELETON.get(ch, "") for ch in text))


@lru_cache(maxsize=65536)
def latin_skeleton(key: str) -> str:
    """The consonant skeleton of a Latin token's key (keys.token_key)."""
    text = key.upper() if key in LATIN_ARTICLES else key
    if text.startswith("ABD") and text.endswith(("UL", "EL", "OL")) and len(text) == 5:
        text = "ABD"  # ABDUL, ABDEL: عبد with the article joined to it
    if len(text) > 2 and text.endswith(("H", "h")) and text[-2] in "AEIOU":
        text = text[:-1]  # a final -AH, -EH: the ة or ه that arabic_skeleton drops too
    # keys write TH and DH as two letters; Arabic ث and ذ are T and D in the skeleton
    text = text.replace("TH", "T").replace("DH", "D").replace("Dh", "D").replace("Th", "T")
    return _fold_runs("".join(ch for ch in text if ch not in _LATIN_DROPPED))


def is_arabic_particle(token: str) -> bool:
    """بن، بنت، ابن (son or daughter of): the nasab's linking words."""
    return normalise_arabic(token) in {"بن", "بنت", "ابن"}
