"""The linkage model's comparisons and blocking rules, each written once as Splink's SQL and
once as the same test in Python over `Features`.

Splink runs the SQL (training, full prediction); the incremental scorer runs the Python. A
level's Python test is true exactly when its SQL condition is TRUE (SQL's NULL is never true:
every test treats a missing value as not matching), and levels are tried in order, the first
true one wins, as in Splink's CASE. tests/persons/test_splink_parity.py holds the two to the
same levels and the same probability.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass

from rapidfuzz.distance import Levenshtein

from rmis.persons.features import Features

Test = Callable[[Features, Features], bool]

# A passport is valid ten years in the states of the region; a renewal is issued up to about
# thirteen months before the old one expires (RENEWAL_EARLY) or a month after it.
VALIDITY_DAYS = 3652
RENEWAL_EARLY = 400
RENEWAL_LATE = 31


@dataclass(frozen=True)
class Level:
    label: str
    sql: str
    test: Test
    null: bool = False
    # m held at this value in training: for a disagreement that a person's documents show too
    # seldom for EM to learn its rate (see FIXED_M), rather than EM driving it to zero.
    fixed_m: float | None = None


@dataclass(frozen=True)
class Comparison:
    name: str
    description: str
    levels: tuple[Level, ...]

    def splink(self) -> dict:
        """The comparison as Splink's settings take it (a custom comparison)."""
        levels = []
        for level in self.levels:
            entry: dict = {"sql_condition": level.sql, "label_for_charts": level.label}
            if level.null:
                entry["is_null_level"] = True
            if level.fixed_m is not None:
                entry["m_probability"] = level.fixed_m
                entry["fix_m_probability"] = True
            levels.append(entry)
        return {
            "output_column_name": self.name,
            "comparison_description": self.description,
            "comparison_levels": levels,
        }

    def level_of(self, a: Features, b: Features) -> int:
        """Index of the level the pair falls in (the first whose test holds)."""
        for i, level in enumerate(self.levels):
            if level.test(a, b):
                return i
        raise AssertionError(f"{self.name}: no level holds, the last must be ELSE")


def _eq(x, y) -> bool:
    return x is not None and y is not None and x == y


def _lev(x: str | None, y: str | None, at_most: int) -> bool:
    if x is None or y is None:
        return False
    return Levenshtein.distance(x, y, score_cutoff=at_most) <= at_most


def _always(_a: Features, _b: Features) -> bool:
    return True


ELSE = "ELSE"


def _name(field: str, what: str) -> Comparison:
    """Levels of one name field: as spelt, the same in another spelling (any transliteration,
    either script), one edit, two edits in a longer name, else."""
    text, ntext, key, nkey, plain, akey = (
        f"{field}_{s}" for s in ("text", "ntext", "key", "nkey", "plain", "akey")
    )

    def get(f: Features, column: str):
        return getattr(f, column)

    def null(a, b):
        return get(a, key) is None or get(b, key) is None

    def spelt(a, b):
        return _eq(get(a, text), get(b, text)) or _eq(get(a, ntext), get(b, ntext))

    def keyed(a, b):
        ka, kb, na, nb = get(a, key), get(b, key), get(a, nkey), get(b, nkey)
        aa, ab = get(a, akey), get(b, akey)
        return (
            _eq(ka, kb) or _eq(na, kb) or _eq(ka, nb) or _eq(na, nb)
            or _eq(aa, kb) or _eq(ka, ab) or _eq(aa, nb) or _eq(na, ab)
        )  # fmt: skip

    def one(a, b):
        return _lev(get(a, key), get(b, key), 1) or _lev(get(a, plain), get(b, plain), 1)

    def two(a, b):
        pa, pb = get(a, plain), get(b, plain)
        long_enough = pa is not None and pb is not None and len(pa) + len(pb) >= 10
        return long_enough and (_lev(get(a, key), get(b, key), 2) or _lev(pa, pb, 2))

    return Comparison(
        name=field,
        description=f"{what}: as spelt, in another spelling, one or two edits apart",
        levels=(
            Level("null", f"{key}_l IS NULL OR {key}_r IS NULL", null, null=True),
            Level("same spelling", f"{text}_l = {text}_r OR {ntext}_l = {ntext}_r", spelt),
            Level(
                "another spelling",
                f"{key}_l = {key}_r OR {nkey}_l = {key}_r OR {key}_l = {nkey}_r "
                f"OR {nkey}_l = {nkey}_r OR {akey}_l = {key}_r OR {key}_l = {akey}_r "
                f"OR {akey}_l = {nkey}_r OR {nkey}_l = {akey}_r",
                keyed,
            ),
            Level(
                "one edit",
                f"levenshtein({key}_l, {key}_r) <= 1 OR levenshtein({plain}_l, {plain}_r) <= 1",
                one,
            ),
            Level(
                "two edits",
                f"length({plain}_l) + length({plain}_r) >= 10 AND "
                f"(levenshtein({key}_l, {key}_r) <= 2 OR levenshtein({plain}_l, {plain}_r) <= 2)",
                two,
            ),
            Level("different", ELSE, _always),
        ),
    )


def _birth_null(a, b):
    return a.birth_day is None or b.birth_day is None


def _birth_exact(a, b):
    return _eq(a.birth_day, b.birth_day)


def _birth_slip(a, b):
    return _lev(a.birth_text, b.birth_text, 1) or _eq(a.birth_text, b.birth_swap)


def _birth_year(a, b):
    return (
        a.birth_day is not None
        and b.birth_day is not None
        and abs(a.birth_day - b.birth_day) <= 365
    )


BIRTH_DATE = Comparison(
    name="birth_date",
    description="birth date: equal, one digit or day and month swapped, within a year, else",
    levels=(
        Level("null", "birth_day_l IS NULL OR birth_day_r IS NULL", _birth_null, null=True),
        Level("same", "birth_day_l = birth_day_r", _birth_exact),
        Level(
            "one digit or day and month swapped",
            "levenshtein(birth_text_l, birth_text_r) <= 1 OR birth_text_l = birth_swap_r",
            _birth_slip,
        ),
        Level("within a year", "abs(birth_day_l - birth_day_r) <= 365", _birth_year),
        Level("different", ELSE, _always),
    ),
)


# How often one person's two documents disagree on sex or nationality (a change of sex
# marker, a new citizenship with the same issuing state): too rare for EM to learn from a
# region (a synthetic one never changes them, and EM then drives m to zero, which Splink
# refuses). An assumption, stated in docs/linkage.md.
FIXED_M = 1e-3


def _exact(column: str, what: str) -> Comparison:
    def null(a, b):
        return getattr(a, column) is None or getattr(b, column) is None

    def same(a, b):
        return _eq(getattr(a, column), getattr(b, column))

    return Comparison(
        name=column,
        description=f"{what}: equal or not",
        levels=(
            Level("null", f"{column}_l IS NULL OR {column}_r IS NULL", null, null=True),
            Level("same", f"{column}_l = {column}_r", same),
            Level("different", ELSE, _always, fixed_m=FIXED_M),
        ),
    )


# Document history. Two documents of one person are the same document read twice (same
# expiry, a number a misread apart), a renewal (the new one expires about ten years after the
# old, less the months it was renewed early), or further apart in time. Two documents of one
# state and type whose validity overlaps otherwise were held at the same time: two people.
def _doc_null(a, b):
    return a.expiry_day is None or b.expiry_day is None


def _same_kind(a, b) -> bool:
    return a.issuing_state == b.issuing_state and a.document_type == b.document_type


def _previous(a, b):
    return a.issuing_state == b.issuing_state and (
        _eq(a.previous_number, b.number) or _eq(b.previous_number, a.number)
    )


def _misread(a, b):
    return (
        _same_kind(a, b) and a.expiry_day == b.expiry_day and _lev(a.number_fold, b.number_fold, 2)
    )


def _other_kind(a, b):
    return not _same_kind(a, b)


def _gap(a, b) -> int:
    return abs(a.expiry_day - b.expiry_day)


def _renewal(a, b):
    return VALIDITY_DAYS - RENEWAL_EARLY <= _gap(a, b) <= VALIDITY_DAYS + RENEWAL_LATE


def _later(a, b):
    return _gap(a, b) > VALIDITY_DAYS + RENEWAL_LATE


def _same_expiry(a, b):
    return a.expiry_day == b.expiry_day


_SAME_KIND_SQL = "issuing_state_l = issuing_state_r AND document_type_l = document_type_r"
_GAP_SQL = "abs(expiry_day_l - expiry_day_r)"

DOCUMENT = Comparison(
    name="document",
    description="document history: the previous number on record, a misread, a renewal, "
    "held at the same time",
    levels=(
        Level("null", "expiry_day_l IS NULL OR expiry_day_r IS NULL", _doc_null, null=True),
        Level(
            "previous number on record",
            "issuing_state_l = issuing_state_r AND "
            "(previous_number_l = number_r OR previous_number_r = number_l)",
            _previous,
        ),
        Level(
            "same expiry, number a misread apart",
            f"{_SAME_KIND_SQL} AND expiry_day_l = expiry_day_r AND "
            "levenshtein(number_fold_l, number_fold_r) <= 2",
            _misread,
        ),
        Level(
            "another state or type",
            "issuing_state_l <> issuing_state_r OR document_type_l <> document_type_r",
            _other_kind,
        ),
        Level(
            "renewal",
            f"{_GAP_SQL} BETWEEN {VALIDITY_DAYS - RENEWAL_EARLY} "
            f"AND {VALIDITY_DAYS + RENEWAL_LATE}",
            _renewal,
        ),
        Level("renewed later", f"{_GAP_SQL} > {VALIDITY_DAYS + RENEWAL_LATE}", _later),
        Level("same expiry, another number", "expiry_day_l = expiry_day_r", _same_expiry),
        Level("held at the same time", ELSE, _always),
    ),
)


def _pn_null(a, b):
    return (
        a.personal_number is None
        or b.personal_number is None
        or (a.issuing_state != b.issuing_state)
    )


def _pn_same(a, b):
    return _eq(a.personal_number, b.personal_number)


PERSONAL_NUMBER = Comparison(
    name="personal_number",
    description="the personal number of the optional data (one state's): equal or not",
    levels=(
        Level(
            "null",
            "personal_number_l IS NULL OR personal_number_r IS NULL "
            "OR issuing_state_l <> issuing_state_r",
            _pn_null,
            null=True,
        ),
        Level("same", "personal_number_l = personal_number_r", _pn_same),
        Level("different", ELSE, _always),
    ),
)

COMPARISONS: tuple[Comparison, ...] = (
    _name("surname", "surname"),
    _name("given", "given names"),
    BIRTH_DATE,
    _exact("sex", "sex"),
    _exact("nationality", "nationality"),
    DOCUMENT,
    PERSONAL_NUMBER,
)


@dataclass(frozen=True)
class BlockingRule:
    """Which pairs are compared at all. `sql` is Splink's (l and r are the two documents);
    `test` is the same in Python; blocking.py finds the same pairs in the record by index."""

    name: str
    sql: str
    test: Test


def _same_person_fields(a, b):
    return _eq(a.birth_day, b.birth_day) and _eq(a.sex, b.sex) and _eq(a.nationality, b.nationality)


def _same_personal_number(a, b):
    return a.issuing_state == b.issuing_state and _eq(a.personal_number, b.personal_number)


def _previous_of_right(a, b):
    return a.issuing_state == b.issuing_state and _eq(a.previous_number, b.number)


def _previous_of_left(a, b):
    return a.issuing_state == b.issuing_state and _eq(b.previous_number, a.number)


def _named_slip(a, b):
    return (
        a.issuing_state == b.issuing_state
        and _eq(a.surname_raw, b.surname_raw)
        and _eq(a.given_raw, b.given_raw)
        and _birth_slip(a, b)
    )


BLOCKING_RULES: tuple[BlockingRule, ...] = (
    BlockingRule(
        "birth date, sex and nationality",
        "l.birth_day = r.birth_day AND l.sex = r.sex AND l.nationality = r.nationality",
        _same_person_fields,
    ),
    BlockingRule(
        "personal number",
        "l.issuing_state = r.issuing_state AND l.personal_number = r.personal_number",
        _same_personal_number,
    ),
    BlockingRule(
        "previous number (left)",
        "l.issuing_state = r.issuing_state AND l.previous_number = r.number",
        _previous_of_right,
    ),
    BlockingRule(
        "previous number (right)",
        "l.issuing_state = r.issuing_state AND l.number = r.previous_number",
        _previous_of_left,
    ),
    # A birth date mistyped where a document was first seen (a row typed by hand) takes it out
    # of the first rule: the same names as written, of one state, with a birth date a digit
    # off or day and month swapped, bring it back (blocking.py finds them by the index on
    # issuing_state, surname, given_names and birth_date).
    BlockingRule(
        "names as written, birth date a digit off",
        "l.issuing_state = r.issuing_state AND l.surname_raw = r.surname_raw "
        "AND l.given_raw = r.given_raw AND (levenshtein(l.birth_text, r.birth_text) <= 1 "
        "OR l.birth_text = r.birth_swap)",
        _named_slip,
    ),
)


def blocked(a: Features, b: Features) -> bool:
    """Whether blocking compares the pair (in either order)."""
    return any(rule.test(a, b) or rule.test(b, a) for rule in BLOCKING_RULES)


def signature() -> list:
    """What the comparisons are, as stored with a model: a model trained on other
    comparisons cannot be applied by this code."""
    return [
        [c.name, [[lv.label, lv.sql, lv.null, lv.fixed_m] for lv in c.levels]] for c in COMPARISONS
    ] + [[r.name, r.sql] for r in BLOCKING_RULES]
