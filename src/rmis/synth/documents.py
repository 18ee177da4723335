"""Passports of the synthetic travellers: numbers, names as each issuing state writes them,
renewals with new numbers, the holder's personal number, and a valid MRZ for every one (made by
rmis.documents)."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date

import numpy as np

from rmis.documents import compose_td3
from rmis.synth.behaviours import Period
from rmis.synth.geography import STATES
from rmis.synth.name_pools import KAZ_LATIN_MRZ_FROM, mrz_spelling, mrz_system, pool_for
from rmis.synth.people import People
from rmis.synth.personal_numbers import personal_numbers

VALIDITY_DAYS = 3652  # ten years
# Synthetic number formats per issuing state: a prefix and how many digits follow.
NUMBER_FORMATS = {
    "RUS": ("7", 8), "KAZ": ("N", 8), "KGZ": ("AC", 7), "TJK": ("40", 7), "UZB": ("FA", 7),
    "TKM": ("A", 7), "CHN": ("E", 8), "AFG": ("P", 8), "IND": ("T", 7), "PAK": ("AB", 7),
    "TUR": ("U", 8), "IRN": ("K", 8), "AZE": ("C", 8), "USA": ("5", 8),
}  # fmt: skip


@dataclass(slots=True)
class Documents:
    person: np.ndarray  # int64
    issuing_state: np.ndarray  # int16 state index
    number: np.ndarray  # object (str)
    issued: np.ndarray  # int32 day
    expiry: np.ndarray  # int32 day
    surname: np.ndarray  # object: MRZ spelling
    given_names: np.ndarray  # object: MRZ spelling
    national_surname: np.ndarray  # object: in the national script
    national_given_names: np.ndarray  # object
    optional_data: np.ndarray  # object: the holder's personal number, None where none
    previous_number: np.ndarray  # object: the number of the passport this one replaced, or None

    def __len__(self) -> int:
        return len(self.person)

    def valid_on(self, person: np.ndarray, day: np.ndarray) -> np.ndarray:
        """Index of the document each person travelled on that day: the latest issued by then.

        Documents are sorted by (person, issued); a person's first one is used before its
        issue date too (it was issued before the period).
        """
        first = np.searchsorted(self.person, person, side="left")
        last = np.searchsorted(self.person, person, side="right") - 1
        chosen = first.copy()
        for step in range(1, 4):  # at most a few renewals over the period
            nxt = first + step
            ok = (nxt <= last) & (self.issued[np.minimum(nxt, len(self) - 1)] <= day)
            chosen = np.where(ok, nxt, chosen)
        return chosen

    def mrz_lines(self, people: People) -> list[tuple[str, str]]:
        """Every document's MRZ, composed by rmis.documents (Python values prepared in bulk:
        this loop runs once per document of the region)."""
        states = np.asarray(STATES, object)
        nationality = states[people.nationality[self.person]].tolist()
        dates = {d: date.fromordinal(d) for d in np.unique(np.r_[people.birth, self.expiry])
                 .tolist()}  # fmt: skip
        return [
            compose_td3(
                issuing_state=issuing, surname=surname, given_names=given, document_number=number,
                nationality=nat, birth_date=dates[birth], sex=sex, expiry_date=dates[expiry],
                optional_data=optional or "",
            )
            for issuing, surname, given, number, nat, birth, sex, expiry, optional in zip(
                states[self.issuing_state].tolist(), self.surname.tolist(),
                self.given_names.tolist(), self.number.tolist(), nationality,
                people.birth[self.person].tolist(), people.sex[self.person].tolist(),
                self.expiry.tolist(), self.optional_data.tolist(), strict=True,
            )
        ]  # fmt: skip


def issue_documents(
    rng: np.random.Generator,
    people: People,
    period: Period,
    kaz_latin_from: date | None = KAZ_LATIN_MRZ_FROM,
) -> Documents:
    """A passport per person, renewed before expiry. `kaz_latin_from`: the day from which Kazakh
    passports spell names in the 2021 Latin alphabet (None: never)."""
    n = len(people)
    surname_pick = rng.random(n)
    given_pick = rng.random(n)
    # The passport held at the start, issued up to ten years before; renewed before expiry.
    issued = [period.start - rng.integers(0, VALIDITY_DAYS - 30, n)]
    owners = [people.person]
    while True:
        expiry = issued[-1] + VALIDITY_DAYS - 1
        renew = expiry <= period.end + 180
        if not renew.any():
            break
        owners.append(owners[-1][renew])
        issued.append(expiry[renew] - rng.integers(30, 181, int(renew.sum())))
    person = np.concatenate(owners)
    issued_day = np.concatenate(issued).astype(np.int32)
    order = np.lexsort((issued_day, person))
    person, issued_day = person[order], issued_day[order]
    state = people.nationality[person]
    numbers = _numbers(rng, state)
    personal = personal_numbers(rng, people.nationality, STATES, people.birth, people.sex)
    renewal = np.r_[False, person[1:] == person[:-1]]  # sorted by (person, issued)
    previous = np.full(len(person), None, object)
    previous[renewal] = numbers[np.flatnonzero(renewal) - 1]
    docs = Documents(
        person=person, issuing_state=state, number=numbers,
        issued=issued_day, expiry=issued_day + VALIDITY_DAYS - 1,
        surname=np.empty(len(person), object), given_names=np.empty(len(person), object),
        national_surname=np.empty(len(person), object),
        national_given_names=np.empty(len(person), object),
        optional_data=personal[person], previous_number=previous,
    )  # fmt: skip
    _name(docs, people, surname_pick[person], given_pick[person], kaz_latin_from)
    return docs


def _numbers(rng: np.random.Generator, state: np.ndarray) -> np.ndarray:
    """Unique document numbers per issuing state."""
    out = np.empty(len(state), object)
    for s in np.unique(state):
        where = np.flatnonzero(state == s)
        prefix, digits = NUMBER_FORMATS.get(STATES[s], ("X", 8))
        values = rng.choice(10**digits, size=len(where), replace=False)
        out[where] = [f"{prefix}{v:0{digits}d}" for v in values]
    return out


def _name(docs: Documents, people: People, surname_pick: np.ndarray, given_pick: np.ndarray,
          kaz_latin_from: date | None):  # fmt: skip
    """National and MRZ names, drawn by how often each is borne (name_pools.py) and spelled in
    the issuing state's system of the year of issue."""
    sex = people.sex[docs.person]
    for s in np.unique(docs.issuing_state):
        state = STATES[s]
        pool = pool_for(state)
        in_state = docs.issuing_state == s
        for female in (False, True):
            rows = np.flatnonzero(in_state & ((sex == "F") == female))
            if len(rows) == 0:
                continue
            surnames = np.asarray(pool.female_surnames if female else pool.surnames.names, object)
            given_names = pool.female if female else pool.male
            given = np.asarray(given_names.names, object)
            si = pool.surnames.pick(surname_pick[rows])
            gi = given_names.pick(given_pick[rows])
            docs.national_surname[rows] = surnames[si]
            docs.national_given_names[rows] = given[gi]
            # Spell once per system in use and name drawn rather than once per document.
            days, inverse = np.unique(docs.issued[rows], return_inverse=True)
            system_per_day = np.array(
                [mrz_system(state, date.fromordinal(int(d)), kaz_latin_from) or "" for d in days],
                object,
            )
            system_per_row = system_per_day[inverse]
            for system in set(system_per_day):
                pick = system_per_row == system
                docs.surname[rows[pick]] = _spelled(surnames, si[pick], system)
                docs.given_names[rows[pick]] = _spelled(given, gi[pick], system)


def _spelled(names: np.ndarray, index: np.ndarray, system: str) -> np.ndarray:
    """names[index] as the MRZ spells them in `system`, each distinct name spelled once."""
    drawn, inverse = np.unique(index, return_inverse=True)
    spelled = np.asarray([mrz_spelling(x, system or None) for x in names[drawn]], object)
    return spelled[inverse]
