"""What linking compares, derived once per document: name keys in every spelling, dates as day
numbers, the document number as an OCR reader might have read it.

The same derivation feeds Splink (as the columns of its input table, `features_table`) and the
incremental scorer (`features`, one document at a time), so both see the same values and
Splink's comparisons stay simple: equality, Levenshtein on these strings, differences of
integers. Nothing here reads ethnicity, religion or the like: a name is compared as a
spelling, never scored for what it might say about its bearer.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass
from datetime import date
from functools import lru_cache

import pyarrow as pa
import pyarrow.compute as pc

from rmis.documents import fold_ocr, personal_number
from rmis.names import Role, normalise, prepare
from rmis.names.keys import token_key
from rmis.persons.facts import DocumentFacts

EPOCH_ORDINAL = date(1970, 1, 1).toordinal()


SEXES = frozenset("MF")  # X and < say nothing about a match


@dataclass(frozen=True, slots=True)
class Features:
    """One document as the comparisons read it (the columns of Splink's input table)."""

    unique_id: str
    surname_text: str | None  # the MRZ spelling, normalised
    surname_ntext: str | None  # the national-script spelling, normalised
    surname_key: str | None  # transliteration-invariant key of the MRZ spelling
    surname_nkey: str | None  # the same key of the national-script spelling
    surname_plain: str | None  # the MRZ spelling in plain Latin, no folds (typos stay one edit)
    surname_akey: str | None  # the key with SH read as S and KH (see alternative_key)
    given_text: str | None
    given_ntext: str | None
    given_key: str | None
    given_nkey: str | None
    given_plain: str | None
    given_akey: str | None
    surname_raw: str | None  # as the record holds it, for blocking on the record's index
    given_raw: str | None
    birth_day: int | None  # days since 1970-01-01
    birth_text: str | None  # YYYYMMDD
    birth_swap: str | None  # YYYYDDMM: day and month read the other way round
    sex: str | None
    nationality: str | None
    issuing_state: str
    document_type: str
    number: str
    number_fold: str
    expiry_day: int | None
    personal_number: str | None  # as documents/personal_numbers.py reads it: only a valid one
    previous_number: str | None


COLUMNS: tuple[str, ...] = Features.__slots__  # type: ignore[assignment]
_INT_COLUMNS = frozenset({"birth_day", "expiry_day"})
SCHEMA = pa.schema([pa.field(c, pa.int32() if c in _INT_COLUMNS else pa.string()) for c in COLUMNS])


@dataclass(frozen=True, slots=True)
class NameParts:
    text: str | None
    key: str | None
    plain: str | None
    alternative: str | None = None  # alternative_key, where it differs from the key


@lru_cache(maxsize=65536)
def name_parts(name: str | None) -> NameParts:
    """A name's spelling, key and plain Latin form. Particles (ULY, KYZY, UGLI...) and
    patronymics are left out of the key and the plain form: one document may carry them and
    the next not."""
    if not name:
        return NameParts(None, None, None)
    text = normalise(name) or None
    prepared = prepare(name)
    chosen = [i for i, role in enumerate(prepared.roles) if role is Role.NAME]
    if not chosen:
        chosen = list(range(len(prepared.keys)))
    key = " ".join(prepared.keys[i] for i in chosen) or None
    plain = " ".join(sorted(prepared.plains[i] for i in chosen)) or None
    return NameParts(text, key, plain, alternative_key(prepared.tokens, chosen, key))


def alternative_key(tokens: tuple[str, ...], chosen: list[int], key: str | None) -> str | None:
    """The key with every Latin SH read as S followed by KH, where that differs from the key.

    In the MRZ, SH is Ш in every system, but where a system writes Х as H (Kazakh 2021 Latin:
    Асхат is ASHAT, Uzbek Latin: Исҳоқ is ISHOQ) it is also С then Х, which other systems write
    SKH (ASKHAT): the keys part there. A name written both ways meets on this key."""
    if key is None or not any("SH" in tokens[i] for i in chosen):
        return None
    keys = sorted(token_key(tokens[i].replace("SH", "SKH")) for i in chosen)
    alternative = " ".join(keys)
    return alternative if alternative != key else None


def fold_number(number: str) -> str:
    # The MRZ reader's own confusions (documents/ocr.py), so that a misread number is equal
    # (or an edit away) to the number as printed.
    return fold_ocr(number.upper())


def clean(value: str | None) -> str | None:
    """An optional code as compared: upper case, MRZ filler and spaces dropped; empty is None."""
    if value is None:
        return None
    out = value.upper().replace("<", "").replace(" ", "")
    return out or None


def personal(issuing_state: str, optional_data: str | None) -> str | None:
    """The personal number of the optional data, where the issuing state writes one rmis can
    read and check (documents/personal_numbers.py); None otherwise: other optional data is no
    identity."""
    found = personal_number(issuing_state, optional_data)
    return None if found is None else found.number


def day_number(value: date | None) -> int | None:
    return None if value is None else value.toordinal() - EPOCH_ORDINAL


def birth_texts(value: date | None) -> tuple[str | None, str | None]:
    if value is None:
        return None, None
    return f"{value:%Y%m%d}", f"{value.year:04d}{value.day:02d}{value.month:02d}"


def features(facts: DocumentFacts) -> Features:
    """The features of one document (the incremental path)."""
    surname, given = name_parts(facts.surname), name_parts(facts.given_names)
    nsurname, ngiven = name_parts(facts.national_surname), name_parts(facts.national_given_names)
    birth_text, birth_swap = birth_texts(facts.birth_date)
    return Features(
        unique_id=str(facts.id),
        surname_text=surname.text, surname_ntext=nsurname.text, surname_key=surname.key,
        surname_nkey=nsurname.key, surname_plain=surname.plain,
        surname_akey=surname.alternative,
        given_text=given.text, given_ntext=ngiven.text, given_key=given.key,
        given_nkey=ngiven.key, given_plain=given.plain, given_akey=given.alternative,
        surname_raw=facts.surname or None, given_raw=facts.given_names or None,
        birth_day=day_number(facts.birth_date), birth_text=birth_text, birth_swap=birth_swap,
        sex=facts.sex if facts.sex in SEXES else None,
        nationality=facts.nationality or None,
        issuing_state=facts.issuing_state, document_type=facts.document_type,
        number=facts.number.upper(), number_fold=fold_number(facts.number),
        expiry_day=day_number(facts.expiry_date),
        personal_number=personal(facts.issuing_state, facts.optional_data),
        previous_number=clean(facts.previous_document_number),
    )  # fmt: skip


# The documents table linking reads in bulk (training, full prediction, the benches): one row
# per document, the fields of DocumentFacts; the last four may be absent.
DOCUMENT_COLUMNS = ("id", "traveller_id", "issuing_state", "number", "document_type", "surname",
                    "given_names", "nationality", "birth_date", "sex", "expiry_date")  # fmt: skip
OPTIONAL_COLUMNS = ("optional_data", "national_surname", "national_given_names",
                    "previous_document_number")  # fmt: skip


def facts_table(documents: Iterable[DocumentFacts]) -> pa.Table:
    """DocumentFacts as a documents table (ids as text)."""
    rows = list(documents)
    columns: dict[str, list] = {c: [] for c in DOCUMENT_COLUMNS + OPTIONAL_COLUMNS}
    for facts in rows:
        for c in columns:
            value = getattr(facts, c)
            columns[c].append(str(value) if c in ("id", "traveller_id") else value)
    types = {"birth_date": pa.date32(), "expiry_date": pa.date32()}
    return pa.table({c: pa.array(v, types.get(c, pa.string())) for c, v in columns.items()})


def _column(table: pa.Table, name: str) -> pa.ChunkedArray:
    if name in table.column_names:
        return table.column(name).cast(pa.string())
    return pa.chunked_array([pa.nulls(table.num_rows, pa.string())])


def _per_value(column: pa.ChunkedArray, derive) -> list[pa.Array]:
    """derive(value) -> tuple, computed once per distinct value: the outputs as columns."""
    encoded = column.combine_chunks().dictionary_encode()
    values = encoded.dictionary.to_pylist()
    derived = [derive(v) for v in values]
    width = len(derive(None))
    out = []
    for k in range(width):
        dictionary = pa.array([d[k] for d in derived], pa.string())
        out.append(dictionary.take(encoded.indices))
    return out


def _raw(table: pa.Table, name: str) -> pa.ChunkedArray:
    """A text column as the record holds it, empty as missing (as `features` reads it)."""
    column = _column(table, name)
    return pc.if_else(pc.equal(column, ""), pa.scalar(None, pa.string()), column)


def _days(column: pa.ChunkedArray) -> pa.Array:
    return column.combine_chunks().cast(pa.date32()).cast(pa.int32())


def features_table(documents: pa.Table) -> pa.Table:
    """The features of every document of a documents table (DOCUMENT_COLUMNS, and
    OPTIONAL_COLUMNS where present), as Splink's input: the bulk path, the same values as
    `features` gives one document at a time."""
    missing = [c for c in DOCUMENT_COLUMNS if c not in documents.column_names]
    if missing:
        raise ValueError(f"documents table lacks columns: {', '.join(missing)}")

    def parts(value):
        p = name_parts(value)
        return (p.text, p.key, p.plain, p.alternative)

    surname_text, surname_key, surname_plain, surname_akey = _per_value(
        _column(documents, "surname"), parts
    )
    given_text, given_key, given_plain, given_akey = _per_value(
        _column(documents, "given_names"), parts
    )
    surname_ntext, surname_nkey, _, _ = _per_value(_column(documents, "national_surname"), parts)
    given_ntext, given_nkey, _, _ = _per_value(_column(documents, "national_given_names"), parts)
    birth = documents.column("birth_date").combine_chunks().cast(pa.date32())
    birth_text = pc.strftime(birth.cast(pa.timestamp("s")), format="%Y%m%d")
    birth_swap = pc.binary_join_element_wise(
        pc.utf8_slice_codeunits(birth_text, 0, 4), pc.utf8_slice_codeunits(birth_text, 6, 8),
        pc.utf8_slice_codeunits(birth_text, 4, 6), "",
    )  # fmt: skip
    sex = _column(documents, "sex")
    sex = pc.if_else(pc.is_in(sex, pa.array(sorted(SEXES))), sex, pa.scalar(None, pa.string()))
    nationality = _column(documents, "nationality")
    nationality = pc.if_else(pc.equal(nationality, ""), pa.scalar(None, pa.string()), nationality)
    number = pc.utf8_upper(_column(documents, "number"))
    (number_fold,) = _per_value(number, lambda v: (None if v is None else fold_number(v),))
    personal_numbers = pa.array(
        [personal(s, o) for s, o in zip(_column(documents, "issuing_state").to_pylist(),
                                        _column(documents, "optional_data").to_pylist(),
                                        strict=True)],
        pa.string(),
    )  # fmt: skip
    (previous,) = _per_value(_column(documents, "previous_document_number"), lambda v: (clean(v),))
    columns = {
        "unique_id": _column(documents, "id"),
        "surname_text": surname_text, "surname_ntext": surname_ntext,
        "surname_key": surname_key, "surname_nkey": surname_nkey,
        "surname_plain": surname_plain, "surname_akey": surname_akey,
        "given_text": given_text, "given_ntext": given_ntext, "given_key": given_key,
        "given_nkey": given_nkey, "given_plain": given_plain, "given_akey": given_akey,
        "surname_raw": _raw(documents, "surname"), "given_raw": _raw(documents, "given_names"),
        "birth_day": birth.cast(pa.int32()), "birth_text": birth_text, "birth_swap": birth_swap,
        "sex": sex, "nationality": nationality,
        "issuing_state": _column(documents, "issuing_state"),
        "document_type": _column(documents, "document_type"),
        "number": number, "number_fold": number_fold,
        "expiry_day": _days(documents.column("expiry_date")),
        "personal_number": personal_numbers, "previous_number": previous,
    }  # fmt: skip
    return pa.table({c: columns[c] for c in COLUMNS}, schema=SCHEMA)


def features_from_row(row: dict) -> Features:
    """A row of features_table as Features (tests compare the two paths with it)."""
    return Features(**{c: row[c] for c in COLUMNS})
