"""The in-memory screening index: every active alert list's persons and documents, built
once, screened against one traveller or a stream of them.

How candidates are found (then scored one by one by matching.py):
- Persons: every name is posted under each *pair* of its words' coarse keys (names.block_key,
  where the spellings of one name mostly meet) and under each word alone; a traveller's words
  are widened to the indexed coarse keys within a small edit distance of theirs (none up to 3
  letters, 1 up to 6, 2 beyond; the same first letter, or an opening spellings differ by: a
  dropped H, a Bantu nasal) and every pair looked up. Two words of a name must agree for a
  candidate, so a common surname alone never pulls in thousands; a traveller's name with one
  word (besides initials) looks up the names holding that word.
- Arabic script: names are also posted under pairs of their words' consonant skeletons and
  under the first consonants of the whole name (Arabic and Latin join and split words
  differently). An Arabic-script traveller looks up every name that way, a Latin or Cyrillic
  one only the Arabic-script names.
- Documents: under a 64-bit hash of the issuing state and the OCR fold of the number
  (document_numbers.fold), and under the fold alone when the list gives no state.
- A candidate whose birth date cannot agree is dropped before its names are compared, when
  a disagreeing date alone puts any name below the threshold (matching.py).

Memory: strings in shared buffers and arrays of codes, not a Python object per entry or
document (columns.py); a person's names are prepared again when the person is a candidate.
The figures at 1M persons and 10M documents are in bench/screening_speed.py's output.
"""

from __future__ import annotations

from array import array
from collections.abc import Iterable, Iterator
from itertools import combinations

import numpy as np
from rapidfuzz.distance import Levenshtein
from rapidfuzz.process import extract

from rmis.documents import fold_ocr
from rmis.screening.columns import PairPostings, StringColumn, Vocabulary
from rmis.screening.document_numbers import clean, compare_numbers, fold
from rmis.screening.entries import BirthDate, EntryName, ListEntry
from rmis.screening.matching import (
    DEFAULT_THRESHOLD,
    NAME_FLOOR,
    NATIONALITY_AGREES,
    NATIONALITY_DISAGREES,
    SEX_DISAGREES,
    WEAK_ALIAS_FACTOR,
    best_possible,
    best_with_disagreeing_date,
    combine,
    compare_birth_dates,
    describe_names,
)
from rmis.screening.names import Name, NameComparison, Word, compare_names, prepare_name
from rmis.screening.subjects import Hit, ScreenedTraveller

__all__ = ["DEFAULT_THRESHOLD", "ScreeningIndex"]

_KINDS = ("primary", "alias", "original_script")
_SKELETON_PREFIX = "#"  # a word's consonant skeleton
_WHOLE_PREFIX = "="  # the first consonants of a whole name's skeleton
_WHOLE_LENGTH = 5
_MAX_WIDENED = 32  # coarse keys a traveller's word is widened to, nearest first
_BOTH_WIDENED = 10  # ... when both words of a pair are widened
_PREWARMED = 10000  # the commonest keys, widened while the index is built
# A person hit on a listed document of theirs, whatever the names say: the number is the
# person's (the name's reasons say how the names compare).
PERSON_DOCUMENT_SCORE = 0.9
# A listed document with no issuing state, matched on the number alone.
STATELESS_DOCUMENT_FACTOR = 0.9


def _radius(key: str) -> int:
    n = len(key)
    return 0 if n <= 3 else 1 if n <= 6 else 2


def _code(a: int, b: int) -> int:
    return (min(a, b) << 32) | max(a, b)


def _doc_hash(state: str, folded: str) -> int:
    # Python's string hash: stable within the process, which is all an in-memory index needs.
    return hash(f"{state}:{folded}") & 0x3FFFFFFFFFFFFFFF  # 62 bits: code + 1 stays an int64


class ScreeningIndex:
    """Every person and document of the lists it was built from. Build with `build`."""

    def __init__(self) -> None:
        self._lists = Vocabulary()
        self._countries = Vocabulary()
        self._statuses = Vocabulary()
        self._keys = Vocabulary()  # coarse keys and '#'-skeletons
        # Persons.
        self._p_list = array("H")
        self._p_id = StringColumn()
        self._p_sex = array("b")  # 0 unknown, 1 M, 2 F
        self._p_status = array("H")
        self._p_name_end = array("i")
        self._n_text = StringColumn()
        self._n_flags = array("b")  # kind index * 2 + weak
        self._p_birth_end = array("i")
        self._b_year = array("h")
        self._b_month = array("b")
        self._b_day = array("b")
        self._b_to_year = array("h")
        self._b_approximate = array("b")
        self._p_nat_end = array("i")
        self._nat = array("H")
        # Document entries (a lost/stolen list): their own id space.
        self._d_list = array("H")
        self._d_id = StringColumn()
        self._d_status = array("H")
        # Every listed document (of persons and of document entries).
        self._doc_hash = array("q")
        self._doc_owner = array("i")  # person index, or -1 - document entry index
        self._doc_state = array("H")
        self._doc_number = StringColumn()
        self._pairs = PairPostings()  # Latin/Cyrillic names by pairs of coarse keys
        self._singles = PairPostings()  # names by each coarse key (one-word queries)
        # Names by pairs of consonant skeletons: Arabic-script names, and the others (an
        # Arabic-script traveller looks up both; a Latin one only the Arabic names').
        self._arabic_skeletons = PairPostings()
        self._other_skeletons = PairPostings()
        self._widened: dict[str, np.ndarray] = {}
        self._vocab_by_length: dict[tuple[str, int], list[str]] = {}
        self._arabic_vocab_by_length: dict[tuple[str, int], list[str]] = {}
        self._arabic_keys: set[int] = set()  # key ids of Arabic-script names' skeletons
        self._opening_aliases: dict[str, list[int]] = {}
        self._size = 0

    # ---------------------------------------------------------------- building

    @classmethod
    def build(cls, entries: Iterable[tuple[str, ListEntry]]) -> ScreeningIndex:
        """An index of (list name, entry) pairs. Withdrawn entries are simply not given."""
        index = cls()
        # Lost and stolen documents come by the million: their path is written out here, with
        # the methods bound once (the general path is _add).
        lists, states, statuses = index._lists, index._countries, index._statuses
        d_list, d_id, d_status = index._d_list.append, index._d_id.append, index._d_status.append
        doc_hash, doc_owner = index._doc_hash.append, index._doc_owner.append
        doc_state, doc_number = index._doc_state.append, index._doc_number.append
        for list_name, entry in entries:
            documents = entry.documents
            if entry.subject != "document" or len(documents) != 1:
                index._add(list_name, entry)
                continue
            document = documents[0]
            try:
                number = clean(document.number)
            except ValueError:
                index._add(list_name, entry)  # kept as an entry, with no number to match
                continue
            state = (document.issuing_state or "").upper()
            owner = -1 - len(index._d_list)
            d_list(lists.ids.get(list_name) if list_name in lists.ids else lists.id(list_name))
            d_id(entry.entry_id)
            status = entry.status or ""
            d_status(statuses.ids[status] if status in statuses.ids else statuses.id(status))
            doc_hash(_doc_hash(state, fold_ocr(number)))
            doc_owner(owner)
            doc_state(states.ids[state] if state in states.ids else states.id(state))
            doc_number(number)
            index._size += 1
        index._freeze()
        return index

    def _add(self, list_name: str, entry: ListEntry) -> None:
        list_id = self._lists.id(list_name)
        status = self._statuses.id(entry.status or "")
        self._size += 1
        if entry.subject == "document":
            owner = -1 - len(self._d_id)
            self._d_list.append(list_id)
            self._d_id.append(entry.entry_id)
            self._d_status.append(status)
        else:
            owner = len(self._p_id)
            self._add_person(list_id, status, entry)
        for document in entry.documents:
            try:
                number = clean(document.number)
            except ValueError:
                continue  # a listed "number" that is no number cannot be presented
            state = (document.issuing_state or "").upper()
            self._doc_hash.append(_doc_hash(state, fold(number)))
            self._doc_owner.append(owner)
            self._doc_state.append(self._countries.id(state))
            self._doc_number.append(number)

    def _add_person(self, list_id: int, status: int, entry: ListEntry) -> None:
        person = len(self._p_id)
        self._p_list.append(list_id)
        self._p_id.append(entry.entry_id)
        self._p_sex.append({"M": 1, "F": 2}.get(entry.sex or "", 0))
        self._p_status.append(status)
        for name in entry.names:
            self._n_text.append(name.full)
            self._n_flags.append(_KINDS.index(name.kind) * 2 + int(name.weak))
            self._post_name(person, prepare_name(name.full))
        self._p_name_end.append(len(self._n_text))
        for born in entry.birth_dates:
            self._b_year.append(born.year)
            self._b_month.append(born.month or 0)
            self._b_day.append(born.day or 0)
            self._b_to_year.append(born.to_year or 0)
            self._b_approximate.append(int(born.approximate))
        self._p_birth_end.append(len(self._b_year))
        for country in entry.nationalities:
            self._nat.append(self._countries.id(country.upper()))
        self._p_nat_end.append(len(self._nat))

    def _post_name(self, person: int, name: Name) -> None:
        blocks = {w.block for w in _blockable(name.words) if w.block}
        ids = sorted(self._keys.id(b) for b in blocks)
        for a, b in combinations(ids, 2):
            self._pairs.add(_code(a, b), person)
        for a in ids:
            self._singles.add(a, person)
        skeletons = {w.skeleton for w in _blockable(name.words) if len(w.skeleton) >= 2}
        sk_ids = sorted(self._keys.id(_SKELETON_PREFIX + s) for s in skeletons)
        arabic = any(w.script == "arabic" for w in name.words)
        postings = self._arabic_skeletons if arabic else self._other_skeletons
        if arabic:
            self._arabic_keys.update(sk_ids)
        for a, b in combinations(sk_ids, 2):
            postings.add(_code(a, b), person)
        if len(sk_ids) == 1:
            postings.add(_code(sk_ids[0], sk_ids[0]), person)
        if len(name.skeleton) >= 4:
            # Arabic and Latin join and split words differently (عبد الله, ABDALLAH): the
            # whole name's first consonants find it too.
            whole = self._keys.id(_WHOLE_PREFIX + _whole_key(name.skeleton))
            postings.add(_code(whole, whole), person)
            if arabic:
                self._arabic_keys.add(whole)

    def _freeze(self) -> None:
        for column in (self._p_id, self._n_text, self._d_id, self._doc_number):
            column.freeze()
        self._pairs.freeze()
        self._singles.freeze()
        self._arabic_skeletons.freeze()
        self._other_skeletons.freeze()
        hashes = np.frombuffer(self._doc_hash, dtype=np.int64)
        order = np.argsort(hashes, kind="stable").astype(np.int32)
        self._doc_sorted = hashes[order]
        self._doc_order = order
        self._doc_hash = array("q")
        self._p_name_end_np = np.frombuffer(self._p_name_end, dtype=np.int32)
        self._p_birth_end_np = np.frombuffer(self._p_birth_end, dtype=np.int32)
        first = np.r_[0, self._p_birth_end_np[:-1]] if len(self._p_birth_end_np) else np.zeros(0)
        has_date = self._p_birth_end_np > first
        years = np.frombuffer(self._b_year, dtype=np.int16).astype(np.int32)
        to_years = np.frombuffer(self._b_to_year, dtype=np.int16).astype(np.int32)
        safe_first = np.minimum(first, max(len(years) - 1, 0)).astype(np.int64)
        # Per person: the span of listed birth years (over all its dates), or none.
        lo = np.full(len(has_date), -1, dtype=np.int32)
        hi = np.full(len(has_date), -1, dtype=np.int32)
        if len(years):
            span_hi = np.maximum(years, to_years)
            lo_all = np.minimum.reduceat(years, safe_first) if len(safe_first) else lo
            hi_all = np.maximum.reduceat(span_hi, safe_first) if len(safe_first) else hi
            lo = np.where(has_date, lo_all, -1).astype(np.int32)
            hi = np.where(has_date, hi_all, -1).astype(np.int32)
        self._p_year_lo, self._p_year_hi = lo, hi
        # Per person with exactly one whole listed date: YYYYMMDD (0 for the others).
        whole = np.zeros(len(has_date), dtype=np.int32)
        if len(years):
            single = (self._p_birth_end_np - first) == 1
            months = np.frombuffer(self._b_month, dtype=np.int8).astype(np.int32)
            days = np.frombuffer(self._b_day, dtype=np.int8).astype(np.int32)
            exact = ~np.frombuffer(self._b_approximate, dtype=np.int8).astype(bool)
            packed = years * 10000 + months * 100 + days
            at = safe_first
            ok = single & (days[at] > 0) & (to_years[at] == 0) & exact[at]
            whole = np.where(ok, packed[at], 0).astype(np.int32)
        self._p_whole_date = whole
        # The vocabulary of keys by kind and length, for widening a traveller's words.
        # A different first letter is not widened to: spellings of one name seldom differ
        # there (and names.compare_words charges an edit there double).
        # A Latin or Cyrillic traveller's skeletons need only the Arabic-script names' keys.
        # A coarse key with an opening spellings differ by (_opening_alias) is listed under
        # that key without it too, so that one search finds HAROUN for AROUN and the other
        # way round (the traveller's key is searched without its opening as well).
        by_length: dict[tuple[str, int], list[str]] = {}
        arabic_by_length: dict[tuple[str, int], list[str]] = {}
        aliases: dict[str, list[int]] = {}
        for i, key in enumerate(self._keys.values):
            start = key[: 1 + key.startswith((_SKELETON_PREFIX, _WHOLE_PREFIX))]
            by_length.setdefault((start, len(key)), []).append(key)
            if i in self._arabic_keys:
                arabic_by_length.setdefault((start, len(key)), []).append(key)
            alias = _opening_alias(key)
            if alias is not None:
                if alias not in aliases and alias not in self._keys.ids:
                    by_length.setdefault((alias[:1], len(alias)), []).append(alias)
                aliases.setdefault(alias, []).append(i)
        self._opening_aliases = aliases
        self._vocab_by_length = by_length
        self._arabic_vocab_by_length = arabic_by_length
        self._prewarm()

    def _prewarm(self) -> None:
        """Widen the commonest words' keys now: travellers bear the common names most, and a
        widening not yet made is most of a slow screen's time."""
        if not len(self._singles.codes):
            return
        ids, counts = np.unique(self._singles.codes, return_counts=True)
        for key_id in ids[np.argsort(-counts, kind="stable")[:_PREWARMED]].tolist():
            self._widen(self._keys.values[key_id])

    def __len__(self) -> int:
        """Entries in the index (persons and documents lists' entries)."""
        return self._size

    # ---------------------------------------------------------------- screening

    def screen(
        self, traveller: ScreenedTraveller, threshold: float = DEFAULT_THRESHOLD
    ) -> list[Hit]:
        """The traveller's hits at or above `threshold`, best first."""
        names = [prepare_name(n) for n in traveller.names]
        names = [n for n in names if n.words]
        hits: list[Hit] = []
        documents = self._document_rows(traveller)
        by_person: dict[int, list[int]] = {}
        for row in documents:
            owner = int(self._doc_owner[row])
            if owner < 0:
                hit = self._document_entry_hit(-1 - owner, row, traveller)
                if hit is not None and hit.score >= threshold:
                    hits.append(hit)
            else:
                by_person.setdefault(owner, []).append(row)
        persons = self._person_candidates(names, traveller, threshold)
        for person in sorted(set(persons.tolist()) | set(by_person)):
            hit = self._person_hit(person, names, traveller, by_person.get(person, []), threshold)
            if hit is not None and hit.score >= threshold:
                hits.append(hit)
        hits.sort(key=lambda h: (-h.score, h.list, h.entry_id))
        return hits

    def screen_many(
        self, travellers: Iterable[ScreenedTraveller], threshold: float = DEFAULT_THRESHOLD
    ) -> Iterator[list[Hit]]:
        """The hits of each traveller, in order."""
        for traveller in travellers:
            yield self.screen(traveller, threshold)

    # ---------------------------------------------------------------- candidates

    def _widen(self, key: str, prefix: str = "", arabic_only: bool = False) -> np.ndarray:
        """Ids of the indexed keys (of the kind `prefix` marks; with `arabic_only`, of
        Arabic-script names only) within the edit radius of `key`, nearest first."""
        probe = prefix + key
        cache_key = "a" + probe if arabic_only else probe
        found = self._widened.get(cache_key)
        if found is not None:
            return found
        radius = _radius(key)
        vocab = self._arabic_vocab_by_length if arabic_only else self._vocab_by_length
        if radius == 0:
            own = self._keys.ids.get(probe)
            ids = [] if own is None or (arabic_only and own not in self._arabic_keys) else [own]
        else:
            matches = []
            alias = None if prefix else _opening_alias(probe)
            for one in (probe,) if alias is None else (probe, alias):
                for length in range(len(one) - radius, len(one) + radius + 1):
                    bucket = vocab.get((one[: 1 + bool(prefix)], length))
                    if bucket:
                        matches += extract(one, bucket, scorer=Levenshtein.distance,
                                           score_cutoff=radius, limit=_MAX_WIDENED)  # fmt: skip
            matches.sort(key=lambda m: (m[1], abs(len(m[0]) - len(probe)), m[0]))
            ids = list(dict.fromkeys(self._ids_of(m[0], bool(prefix)) for m in matches))
            ids = list(dict.fromkeys(i for group in ids for i in group))[:_MAX_WIDENED]
        if len(self._widened) > 200_000:
            self._widened.clear()
        found = self._widened[cache_key] = np.array(ids, dtype=np.int64)
        return found

    def _ids_of(self, found: str, prefixed: bool) -> tuple[int, ...]:
        """The key ids a string found in the vocabulary stands for: itself, and the keys it
        is the opening-less alias of."""
        own = self._keys.ids.get(found)
        aliased = () if prefixed else tuple(self._opening_aliases.get(found, ()))
        return aliased if own is None else (own, *aliased)

    def _person_candidates(
        self, names: list[Name], traveller: ScreenedTraveller, threshold: float
    ) -> np.ndarray:
        pair_codes: list[np.ndarray] = []
        single_codes: list[np.ndarray] = []
        skeleton_codes: list[np.ndarray] = []
        arabic_traveller = False
        for name in names:
            words = _blockable(name.words)
            widened = [self._widen(b) for b in dict.fromkeys(w.block for w in words)
                       if b]  # fmt: skip
            for a, b in combinations(widened, 2):
                # One word as it is (its nearest key) with the other widened far, and both
                # widened a little: a pair of words both far from the listed ones is seldom
                # the same name.
                pair_codes += [
                    _pair_codes(a[:1], b),
                    _pair_codes(a, b[:1]),
                    _pair_codes(a[:_BOTH_WIDENED], b[:_BOTH_WIDENED]),
                ]
            if len(widened) == 1:
                single_codes.append(widened[0])
            arabic_traveller |= any(w.script == "arabic" for w in words)
            if not self._arabic_keys and not arabic_traveller:
                continue
            only = not arabic_traveller
            skeletons = [w.skeleton for w in words if len(w.skeleton) >= 2]
            sk = [self._widen(s, _SKELETON_PREFIX, only) for s in dict.fromkeys(skeletons)]
            skeleton_codes += [_pair_codes(a, b) for a, b in combinations(sk, 2)]
            if len(sk) == 1:
                skeleton_codes.append(_pair_codes(sk[0], sk[0], same=True))
            if len(name.skeleton) >= 4:
                whole = self._widen(_whole_key(name.skeleton), _WHOLE_PREFIX, only)
                skeleton_codes.append(_pair_codes(whole, whole, same=True))
        skeleton_codes_np = _codes(skeleton_codes)
        found = [
            self._pairs.lookup(_codes(pair_codes)),
            self._singles.lookup(_codes(single_codes)),
            self._arabic_skeletons.lookup(skeleton_codes_np),
        ]
        if arabic_traveller:
            found.append(self._other_skeletons.lookup(skeleton_codes_np))
        persons = np.unique(np.concatenate(found))
        return self._date_filter(persons, traveller.birth_date, threshold)

    def _date_filter(
        self, persons: np.ndarray, born: BirthDate | None, threshold: float
    ) -> np.ndarray:
        """Drop persons whose every listed birth year is more than a year (and a digit) from
        the traveller's, when a disagreeing date alone puts them below the threshold."""
        if born is None or not len(persons) or best_with_disagreeing_date() >= threshold:
            return persons
        lo, hi = self._p_year_lo[persons], self._p_year_hi[persons]
        t_lo, t_hi = born.year, born.to_year or born.year
        near = (lo < 0) | ((lo - 1 <= t_hi) & (t_lo <= hi + 1))
        if born.day is None or born.month is None:
            return persons[near]
        # Whole dates on both sides: the same date, day and month swapped, one digit off,
        # or one year off on the same day; anything else disagrees.
        listed = self._p_whole_date[persons]
        t = born.year * 10000 + born.month * 100 + born.day
        swapped = born.year * 10000 + born.day * 100 + born.month
        years, days = listed // 10000, listed % 10000
        same_year, same_day = years == born.year, days == t % 10000
        year_off = (np.abs(years - born.year) == 1) & same_day
        agrees = (listed == t) | (listed == swapped) | year_off
        # One digit off: the year or the month and day the same, the other one digit apart
        # (counted only where it can be, a few of the candidates).
        maybe = np.flatnonzero(same_year ^ same_day)
        agrees[maybe] |= _digits_differing(listed[maybe], t) == 1
        keep = np.where(listed > 0, agrees, near)
        return persons[keep]

    def _document_rows(self, traveller: ScreenedTraveller) -> list[int]:
        document = traveller.document
        if document is None or not len(self._doc_sorted):
            return []
        try:
            folded = fold(clean(document.number))
        except ValueError:
            return []
        # The presented state's key and the stateless one; both ends of each in one search.
        states = dict.fromkeys(((document.issuing_state or "").upper(), ""))
        codes = [_doc_hash(state, folded) for state in states]
        ends = np.searchsorted(self._doc_sorted, [*codes, *(c + 1 for c in codes)]).tolist()
        rows: list[int] = []
        for left, right in zip(ends[: len(codes)], ends[len(codes) :], strict=True):
            rows.extend(self._doc_order[left:right].tolist())
        return rows

    # ---------------------------------------------------------------- scoring

    def _document_match(self, row: int, traveller: ScreenedTraveller) -> tuple[float, list[str]]:
        assert traveller.document is not None
        listed = self._doc_number[row]
        match = compare_numbers(listed, traveller.document.number)
        if match is None:
            return 0.0, []
        state = self._countries.values[self._doc_state[row]]
        shown_state = traveller.document.issuing_state or "?"
        reasons = [f"{match.describe()}: listed {state or '(no state)'} {listed}, "
                   f"presented {shown_state} {clean(traveller.document.number)}"]  # fmt: skip
        score = match.score
        if state:
            reasons.append(f"issuing state {state} agrees")
        else:
            score *= STATELESS_DOCUMENT_FACTOR
            reasons.append("the list does not say which state issued the document")
        return score, reasons

    def _document_entry_hit(self, entry: int, row: int, traveller: ScreenedTraveller) -> Hit | None:
        score, reasons = self._document_match(row, traveller)
        if not score:
            return None
        status = self._statuses.values[self._d_status[entry]]
        if status:
            reasons.insert(0, f"document listed as {status}")
        return Hit(
            self._lists.values[self._d_list[entry]], self._d_id[entry], score, tuple(reasons)
        )

    def _person_names(self, person: int) -> list[tuple[EntryName, Name]]:
        start = int(self._p_name_end[person - 1]) if person else 0
        out = []
        for row in range(start, int(self._p_name_end[person])):
            flags = self._n_flags[row]
            text = self._n_text[row]
            entry_name = EntryName(text, _KINDS[flags // 2], bool(flags % 2))  # type: ignore[arg-type]
            out.append((entry_name, prepare_name(text)))
        return out

    def _person_birth_dates(self, person: int) -> tuple[BirthDate, ...]:
        start = int(self._p_birth_end[person - 1]) if person else 0
        return tuple(
            BirthDate(
                self._b_year[i],
                self._b_month[i] or None,
                self._b_day[i] or None,
                self._b_to_year[i] or None,
                bool(self._b_approximate[i]),
            )
            for i in range(start, int(self._p_birth_end[person]))
        )

    def _person_hit(
        self,
        person: int,
        names: list[Name],
        traveller: ScreenedTraveller,
        document_rows: list[int],
        threshold: float,
    ) -> Hit | None:
        best: tuple[float, NameComparison, Name, EntryName] | None = None
        for entry_name, listed in self._person_names(person):
            factor = WEAK_ALIAS_FACTOR if entry_name.weak else 1.0
            for name in names:
                comparison = compare_names(name, listed)
                score = comparison.score * factor
                if best is None or score > best[0]:
                    best = (score, comparison, name, entry_name)
        document_score, document_reasons = 0.0, []
        for row in document_rows:
            score, reasons = self._document_match(row, traveller)
            if score > document_score:
                document_score, document_reasons = score, reasons
        name_score = best[0] if best else 0.0
        if name_score < NAME_FLOOR and not document_score:
            return None
        if best_possible(name_score) < threshold and not document_score:
            return None
        reasons: list[str] = []
        evidence: list[float] = []
        if best is not None and name_score >= NAME_FLOOR:
            reasons.extend(describe_names(best[1], best[2], best[3]))
        elif best is not None:
            reasons.append(f"names do not match (best {best[3].full!r}, {name_score:.2f})")
        born = compare_birth_dates(traveller.birth_date, self._person_birth_dates(person))
        if born is not None:
            evidence.append(born.delta)
            reasons.append(born.reason)
        sex = self._p_sex[person]
        if sex and traveller.sex:
            listed_sex = "M" if sex == 1 else "F"
            if listed_sex != traveller.sex:
                evidence.append(SEX_DISAGREES)
                reasons.append(f"sex differs: listed {listed_sex}, traveller {traveller.sex}")
            else:
                reasons.append(f"sex agrees ({listed_sex})")
        nationalities = self._person_nationalities(person)
        if nationalities and traveller.nationality:
            if traveller.nationality.upper() in nationalities:
                evidence.append(NATIONALITY_AGREES)
                reasons.append(f"nationality agrees ({traveller.nationality.upper()})")
            else:
                evidence.append(NATIONALITY_DISAGREES)
                listed = ", ".join(nationalities)
                reasons.append(
                    f"nationality differs: listed {listed}, traveller {traveller.nationality}"
                )
        score = combine(name_score, evidence) if name_score >= NAME_FLOOR else 0.0
        if document_score:
            reasons = [*document_reasons, "the document is listed for this person", *reasons]
            score = max(combine(score, [0.5]), PERSON_DOCUMENT_SCORE * document_score)
        score = min(1.0, max(0.0, score))
        if score < threshold:
            return None
        list_name = self._lists.values[self._p_list[person]]
        return Hit(list_name, self._p_id[person], score, tuple(reasons))

    def _person_nationalities(self, person: int) -> tuple[str, ...]:
        start = int(self._p_nat_end[person - 1]) if person else 0
        return tuple(
            self._countries.values[self._nat[i]] for i in range(start, self._p_nat_end[person])
        )

    # ---------------------------------------------------------------- figures

    def memory_bytes(self) -> dict[str, int]:
        """Bytes held by the main arrays (for the bench; Python's own overhead not counted)."""
        arrays = {
            "person_ids": self._p_id.nbytes(),
            "names": self._n_text.nbytes(),
            "document_entry_ids": self._d_id.nbytes(),
            "document_numbers": self._doc_number.nbytes(),
            "document_keys": self._doc_sorted.nbytes + self._doc_order.nbytes,
            "name_postings": self._pairs.nbytes()
            + self._singles.nbytes()
            + self._arabic_skeletons.nbytes()
            + self._other_skeletons.nbytes(),
        }
        return arrays


def _opening_alias(block: str) -> str | None:
    """The coarse key without an opening spellings of one name differ by (names.OPENING): an
    H before a vowel (HAROUN, AROUN: K class), a nasal before a consonant (NTAGANDA,
    TAGANDA); None when it has none. Vowels are one class already (ESLAMI, ISLAMI)."""
    if len(block) > 3 and (block[:2] == "KA" or (block[0] in "NM" and block[1] != "A")):
        return block[1:]
    return None


def _whole_key(skeleton: str) -> str:
    """The first consonants of a name's skeleton; the article's L after a leading ABD (ABDEL,
    ABDUL, عبد ال) is left out, Latin and Arabic writing it either way."""
    if skeleton.startswith("BDL"):
        skeleton = "BD" + skeleton[3:]
    return skeleton[:_WHOLE_LENGTH]


def _codes(codes: list[np.ndarray]) -> np.ndarray:
    if not codes:
        return np.zeros(0, dtype=np.int64)
    return np.unique(np.concatenate(codes))


def _pair_codes(a: np.ndarray, b: np.ndarray, same: bool = False) -> np.ndarray:
    """The codes of every pair of an id of `a` with an id of `b` (as _code makes them); with
    `same`, each id of `a` with itself."""
    if same:
        return (a << 32) | a
    low = np.minimum(a[:, None], b[None, :])
    high = np.maximum(a[:, None], b[None, :])
    return ((low << 32) | high).ravel()


def _blockable(words: tuple[Word, ...]) -> list[Word]:
    """The words a name is found by: not particles or initials."""
    return [w for w in words if not w.particle and not w.initial]


def _digits_differing(dates: np.ndarray, date: int) -> np.ndarray:
    """How many of the eight digits of YYYYMMDD differ, per listed date."""
    diff = np.zeros(len(dates), dtype=np.int32)
    power = 1
    for _ in range(8):
        diff += (dates // power) % 10 != (date // power) % 10
        power *= 10
    return diff
