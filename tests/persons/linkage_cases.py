"""Documents that put pairs in every level of every comparison: a few people, each with
documents that differ from theirs the ways documents do (a typo, another transliteration, the
national script, a misread number, a renewal, a date slip, another state...), and strangers
who share a name or a birth date. Shared by the engine's tests."""

from __future__ import annotations

import random
import uuid
from dataclasses import replace
from datetime import date, timedelta

from rmis.persons.facts import DocumentFacts

NAMESPACE = uuid.UUID("0b9d7d0e-3f7c-4a51-8d1e-7f3c8d2b6a10")


def _id(label: str) -> uuid.UUID:
    return uuid.uuid5(NAMESPACE, label)


def _iin(born: date, sex: str, serial: int) -> str:
    """A Kazakh IIN with a valid check digit (documents/personal_numbers.py reads it back)."""
    century = 3 if born.year < 2000 else 5
    marker = century + (0 if sex == "M" else 1)
    head = f"{born:%y%m%d}{marker}{serial:04d}"
    values = [int(d) for d in head]
    for weights in (range(1, 12), [3, 4, 5, 6, 7, 8, 9, 10, 11, 1, 2]):
        remainder = sum(v * w for v, w in zip(values, weights, strict=True)) % 11
        if remainder != 10:
            return head + str(remainder)
    return _iin(born, sex, serial + 1)


BASES = [
    # state, surname (MRZ), given, national surname, national given, born, sex
    ("KAZ", "ZHANBYRBAEV", "SHYNGYS", "Жанбырбаев", "Шыңғыс", date(1985, 3, 14), "M"),
    ("KAZ", "NURGALIYEVA", "NAZGUL", "Нұрғалиева", "Назгүл", date(1990, 11, 2), "F"),
    ("UZB", "ABDULLAEV", "JASUR", "Абдуллаев", "Жасур", date(1979, 7, 30), "M"),
    ("RUS", "FEDOROVA", "IULIIA", "Фёдорова", "Юлия", date(1995, 1, 9), "F"),
    ("KGZ", "TOKTOGULOV", "CHYNGYZ", "Токтогулов", "Чынгыз", date(2001, 12, 25), "M"),
    ("CHN", "WANG", "WEI", None, None, date(1988, 6, 6), "M"),
    ("KAZ", "ZHAKSYBEKOV", "ASKHAT", "Жақсыбеков", "Асхат", date(1990, 5, 30), "M"),
]

# Other spellings of the same names (other systems, the 2021 Kazakh Latin alphabet).
RESPELLED = {
    "ZHANBYRBAEV": "JANBYRBAEV", "SHYNGYS": "SHYNGGYS", "NURGALIYEVA": "NURGALIEVA",
    "NAZGUL": "NAZGÜL", "ABDULLAEV": "ABDULLAYEV", "JASUR": "DZHASUR", "FEDOROVA": "FEDOROVA",
    "IULIIA": "YULIYA", "TOKTOGULOV": "TOKTOGULOV", "CHYNGYZ": "CHINGIZ", "WANG": "WANG",
    "WEI": "WEI", "ZHAKSYBEKOV": "JAQSYBEKOV", "ASKHAT": "ASHAT",
}  # fmt: skip


def _typo(rng: random.Random, name: str, edits: int) -> str:
    out = name
    for _ in range(edits):
        i = rng.randrange(1, len(out) - 1)
        out = (
            out[:i] + out[i + 1] + out[i] + out[i + 2 :]
            if rng.random() < 0.5
            else (out[:i] + out[i + 1 :])
        )
    return out


def documents(seed: int = 1) -> list[DocumentFacts]:
    rng = random.Random(seed)
    out: list[DocumentFacts] = []
    for k, (state, surname, given, nsurname, ngiven, born, sex) in enumerate(BASES):
        expiry = date(2027, 5, 1) + timedelta(days=97 * k)
        personal = _iin(born, sex, 100 + k) if state == "KAZ" else None
        base = DocumentFacts(
            id=_id(f"{k}"), traveller_id=_id(f"t{k}"), issuing_state=state,
            number=f"N{1000000 + 7919 * k:08d}", document_type="P", surname=surname,
            given_names=given, nationality=state, birth_date=born, sex=sex,
            expiry_date=expiry, optional_data=personal, national_surname=nsurname,
            national_given_names=ngiven,
        )  # fmt: skip
        out.append(base)
        variants = {
            "renewal": dict(
                number=f"N{2000000 + k:08d}",
                expiry_date=expiry + timedelta(3652 - 90),
                previous_document_number=base.number,
            ),
            "renewal respelled": dict(
                number=f"N{3000000 + k:08d}",
                expiry_date=expiry + timedelta(3652 - 200),
                surname=RESPELLED[surname],
                given_names=RESPELLED[given],
                national_surname=None,
                national_given_names=None,
            ),
            "misread": dict(number=base.number.replace("1", "I", 1)),
            "typo": dict(
                number=f"N{4000000 + k:08d}",
                surname=_typo(rng, surname, 1),
                expiry_date=expiry + timedelta(3652 - 40),
            ),
            "two typos": dict(
                number=f"N{5000000 + k:08d}",
                surname=_typo(rng, surname, 2),
                given_names=_typo(rng, given, 1),
                national_surname=None,
                expiry_date=expiry + timedelta(3652 - 40),
            ),
            "national only": dict(
                number=f"N{6000000 + k:08d}", surname="X", expiry_date=expiry + timedelta(2 * 3652)
            ),
            "date slip": dict(
                number=f"N{7000000 + k:08d}", birth_date=born.replace(day=born.day % 9 + 1)
            ),
            "day and month": dict(
                number=f"N{8000000 + k:08d}",
                birth_date=born.replace(day=min(born.month, 28), month=min(born.day, 12)),
            ),
            "within a year": dict(
                number=f"N{8100000 + k:08d}", birth_date=born + timedelta(days=200)
            ),
            "born far": dict(number=f"N{8200000 + k:08d}", birth_date=born.replace(year=1950)),
            "no birth date": dict(number=f"N{8300000 + k:08d}", birth_date=None),
            "other sex": dict(number=f"N{8400000 + k:08d}", sex="F" if sex == "M" else "M"),
            "unknown sex": dict(number=f"N{8500000 + k:08d}", sex="X"),
            "other nationality": dict(
                number=f"N{8600000 + k:08d}", nationality="RUS" if state != "RUS" else "KAZ"
            ),
            "no nationality": dict(number=f"N{8650000 + k:08d}", nationality=""),
            "other state": dict(issuing_state="TUR" if state != "TUR" else "AZE"),
            "identity card": dict(document_type="ID", number=f"I{k:07d}"),
            "held at once": dict(
                number=f"N{8700000 + k:08d}", expiry_date=expiry + timedelta(days=900)
            ),
            "same expiry": dict(number=f"N{8800000 + k:08d}"),
            "no expiry": dict(number=f"N{8900000 + k:08d}", expiry_date=None),
            "other personal number": dict(
                number=f"N{9000000 + k:08d}",
                optional_data=_iin(born, sex, 900 + k) if personal else "AB12345<<<<<<<",
            ),
            "stranger same name": dict(
                number=f"N{9100000 + k:08d}",
                traveller_id=_id(f"s{k}"),
                birth_date=born + timedelta(days=4000),
                expiry_date=expiry + timedelta(days=1500),
                optional_data=None,
            ),
            "stranger same day": dict(
                number=f"N{9200000 + k:08d}",
                traveller_id=_id(f"d{k}"),
                surname="OMAROV",
                given_names="ERLAN",
                national_surname=None,
                national_given_names=None,
                expiry_date=expiry + timedelta(days=1234),
                optional_data=None,
            ),
            "no given name": dict(
                number=f"N{9300000 + k:08d}", given_names="", national_given_names=None
            ),
            "no surname": dict(number=f"N{9400000 + k:08d}", surname="<", national_surname=None),
        }
        for label, changes in variants.items():
            out.append(replace(base, id=_id(f"{k} {label}"), **changes))
    return out
