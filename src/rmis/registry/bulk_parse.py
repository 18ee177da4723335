"""Understanding a chunk of import rows at once: Arrow compute over columns, not Python per row.

Each rule of the import format (docs/import-format.md) is checked on whole columns; a row that
breaks several is reported for the first, in the order the rules are listed here. Values in an
unusual but valid spelling (a UUID in braces, a basic ISO 8601 time...) go to Python's own
parsers one at a time, so what is accepted stays what the standard library accepts.
"""

from __future__ import annotations

import re
from collections.abc import Callable, Mapping
from dataclasses import dataclass
from datetime import UTC, date, datetime
from enum import StrEnum
from typing import Any
from uuid import UUID

import numpy as np
import pyarrow as pa
import pyarrow.compute as pc

from rmis.reference.countries import code_problem, recordable_codes
from rmis.registry.bounds import (
    FIRST_CROSSING,
    FIRST_DOCUMENT_DAY,
    IMPLAUSIBLE_DATE,
    LAST_CROSSING,
    LAST_DOCUMENT_DAY,
    MAX_NAME_LENGTH,
    SURROUNDING_SPACE,
    text_problem,
)
from rmis.registry.bulk_read import FORMAT_COLUMNS
from rmis.registry.document_reading import DocumentRead, DocumentUnreadable, read_document
from rmis.registry.model import Direction, InvalidRecord, Outcome, Purpose
from rmis.registry.recording import (
    FUTURE_CROSSING,
    MAX_CLOCK_SKEW,
    ReferenceFacts,
    future_reason,
)

UTC_MICROS = pa.timestamp("us", tz="UTC")
# Spellings Arrow's casts read exactly as Python does; anything else goes to Python.
_CANONICAL_UUID = r"^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$"
_PLAIN_DATE = r"^[1-9][0-9]{3}-[0-9]{2}-[0-9]{2}$"
_PLAIN_TIME = (
    r"^[1-9][0-9]{3}-[0-9]{2}-[0-9]{2}[T ][0-9]{2}:[0-9]{2}(:[0-9]{2}(\.[0-9]{1,6})?)?"
    r"(Z|[+-][0-9]{2}(:?[0-9]{2})?)$"
)
# Longest values the record's columns hold (store/schema.py).
MAX_LENGTHS = {
    "issuing_state": 3, "document_number": 32, "document_type": 2, "nationality": 3, "sex": 1,
    "officer": 128, "optional_data": 32, "previous_document_number": 32,
    "surname": MAX_NAME_LENGTH, "given_names": MAX_NAME_LENGTH,
    "national_surname": MAX_NAME_LENGTH, "national_given_names": MAX_NAME_LENGTH,
}  # fmt: skip
# Types a Parquet column may have besides text; a number is never read as a date, a time, a
# boolean or text (the API's strict types), with the API's codes.
_DATE_TYPES = (pa.types.is_date, pa.types.is_timestamp)
_STRICT_TYPES = {
    "birth_date": (_DATE_TYPES, "date_as_text", "a date is written as text, e.g. 1990-05-17"),
    "expiry_date": (_DATE_TYPES, "date_as_text", "a date is written as text, e.g. 2030-05-17"),
    "occurred_at": ((pa.types.is_timestamp,), "time_as_text",
                    "a time is written as text, e.g. 2026-11-23T08:30:00+05:00"),
    "mrz_valid": ((pa.types.is_boolean,), "bool_type", "mrz_valid is true or false"),
}  # fmt: skip
# The MRZ is read, never stored: its lines may be parted by line ends of any system.
_MRZ_SPACING = " \n\r\t"
# Optional text columns that linking reads (persons/): null where absent or empty.
LINKING_COLUMNS = (
    "optional_data", "national_surname", "national_given_names", "previous_document_number",
)  # fmt: skip


@dataclass(frozen=True, slots=True)
class Rejected:
    row: int
    crossing_id: str
    field: str
    code: str
    reason: str


@dataclass(frozen=True, slots=True)
class ParsedChunk:
    crossings: pa.Table  # understood rows, the first of each crossing id, with their BCP's facts
    rejected: list[Rejected]
    repeated: int  # rows whose crossing id came earlier in the same chunk
    repeats: pa.Table | None = None  # those rows' RESENT_COLUMNS, to judge them as resends


class _Problems:
    """The first problem of each row, in the order the rules are checked."""

    def __init__(self) -> None:
        self.first: dict[int, InvalidRecord] = {}
        # (row, field) a rule must not hold against the row: its MRZ says the field is empty.
        self.excused: set[tuple[int, str]] = set()

    def add(self, failing: pa.Array, make: Callable[[int], InvalidRecord]) -> None:
        for i in pc.indices_nonzero(failing.fill_null(False)).to_pylist():
            if i not in self.first:
                problem = make(i)
                if (i, problem.field) not in self.excused:
                    self.first[i] = problem

    def add_each(self, errors: Mapping[int, InvalidRecord]) -> None:
        for i, error in errors.items():
            self.first.setdefault(i, error)


def _texts(table: pa.Table, name: str) -> pa.Array:
    """A column as text, as the file gives it (never trimmed: a value with a space at an end is
    refused, _space_checks), null where absent or empty."""
    if name not in table.column_names:
        return pa.nulls(table.num_rows, pa.string())
    column = table[name].combine_chunks()
    if column.type != pa.string():
        column = column.cast(pa.string())
    return pc.if_else(pc.equal(column, ""), pa.scalar(None, pa.string()), column)


def _patched(values: pa.Array, replacements: Mapping[int, Any]) -> pa.Array:
    """`values` with the values at some positions replaced."""
    if not replacements:
        return values
    mask = np.zeros(len(values), dtype=bool)
    positions = sorted(replacements)
    mask[positions] = True
    new = pa.array([replacements[i] for i in positions], values.type)
    return pc.replace_with_mask(values, pa.array(mask), new)


def _parsed(
    texts: pa.Array,
    fast_pattern: str,
    target: pa.DataType,
    parse_one: Callable[[str], Any],
) -> tuple[pa.Array, dict[int, InvalidRecord]]:
    """Texts cast to `target` where they match `fast_pattern`, the rest parsed one by one.

    Returns the values (null where missing or wrong) and the problems by position.
    """
    fast = pc.and_(pc.is_valid(texts), pc.match_substring_regex(texts, fast_pattern))
    values = pa.nulls(len(texts), target)
    try:
        values = pc.replace_with_mask(values, fast, pc.filter(texts, fast).cast(target))
    except pa.ArrowInvalid:  # e.g. 2026-02-30: the exact parser below names the row
        fast = pc.and_(fast, pa.scalar(False))
    slow = pc.and_(pc.is_valid(texts), pc.invert(fast))
    parsed: dict[int, Any] = {}
    errors: dict[int, InvalidRecord] = {}
    for i in pc.indices_nonzero(slow).to_pylist():
        try:
            parsed[i] = parse_one(texts[i].as_py())
        except InvalidRecord as error:
            errors[i] = error
    return _patched(values, parsed), errors


# What the slow parsers take, before Python's own: ISO 8601's extended form only, as the API.
# Python 3.11 reads the compact form too (date.fromisoformat("20240101") is 2024-01-01), and a
# week or ordinal date: the API refuses them (the strict types), so does the import.
_EXTENDED_DATE = re.compile(r"[0-9]{4}-[0-9]{2}-[0-9]{2}")
_EXTENDED_TIME = re.compile(
    r"[0-9]{4}-[0-9]{2}-[0-9]{2}([T ][0-9]{2}:[0-9]{2}(:[0-9]{2}([.,][0-9]+)?)?"
    r"(Z|[+-][0-9]{2}(:?[0-9]{2})?)?)?"
)


def _date_parser(column: str) -> Callable[[str], date]:
    def parse_one(text: str) -> date:
        try:
            if not _EXTENDED_DATE.fullmatch(text):
                raise ValueError(text)
            return date.fromisoformat(text)
        except ValueError:
            raise InvalidRecord(
                column,
                "invalid_date",
                f"{column} {text!r} is not a YYYY-MM-DD date (a compact form such as "
                "20240101 is not read)",
            ) from None

    return parse_one


def _dates(table: pa.Table, column: str) -> tuple[pa.Array, dict[int, InvalidRecord]]:
    if column in table.column_names:
        kind = table.schema.field(column).type
        values = table[column].combine_chunks()
        if pa.types.is_date(kind):
            return values.cast(pa.date32()), {}
        if pa.types.is_timestamp(kind):  # the calendar day where the time was written
            local = pc.local_timestamp(values) if kind.tz else values
            return local.cast(pa.date32()), {}
    return _parsed(_texts(table, column), _PLAIN_DATE, pa.date32(), _date_parser(column))


def _time_of(text: str) -> datetime:
    try:
        if not _EXTENDED_TIME.fullmatch(text):
            raise ValueError(text)
        value = datetime.fromisoformat(text)
    except ValueError:
        raise InvalidRecord(
            "occurred_at",
            "invalid_time",
            f"occurred_at {text!r} is not an ISO 8601 time in the extended form, e.g. "
            "2026-03-01T04:10:00Z (a compact form such as 20260301T041000Z is not read)",
        ) from None
    if value.tzinfo is None:
        raise _naive_time()
    return value.astimezone(UTC)


def _naive_time() -> InvalidRecord:
    return InvalidRecord(
        "occurred_at", "naive_time", "occurred_at must carry a UTC offset, e.g. ...Z"
    )


def _times(table: pa.Table) -> tuple[pa.Array, dict[int, InvalidRecord]]:
    kind = table.schema.field("occurred_at").type
    if pa.types.is_timestamp(kind):
        values = table["occurred_at"].combine_chunks()
        if kind.tz:
            return values.cast(UTC_MICROS), {}
        naive = pc.indices_nonzero(pc.is_valid(values)).to_pylist()
        return pa.nulls(len(values), UTC_MICROS), {i: _naive_time() for i in naive}
    return _parsed(_texts(table, "occurred_at"), _PLAIN_TIME, UTC_MICROS, _time_of)


def _crossing_ids(texts: pa.Array) -> tuple[pa.Array, dict[int, InvalidRecord]]:
    def parse_one(text: str) -> str:
        try:
            return str(UUID(text))
        except ValueError:
            raise InvalidRecord(
                "crossing_id", "invalid_uuid", f"crossing_id {text!r} is not a UUID"
            ) from None

    return _parsed(pc.utf8_lower(texts), _CANONICAL_UUID, pa.string(), parse_one)


def _mrz_valid(table: pa.Table, problems: _Problems) -> pa.Array:
    """Whether each row's MRZ passed its check digits; true unless the file says otherwise.
    Written `true` or `false`, as the API's JSON writes a boolean: "yes", "1" or "TRUE" is
    refused as the API refuses it (bool_type), not read as a guess."""
    field = table.schema.field("mrz_valid") if "mrz_valid" in table.column_names else None
    if field is not None and pa.types.is_boolean(field.type):
        return table["mrz_valid"].combine_chunks().fill_null(True)
    texts = _texts(table, "mrz_valid")
    true, false = pc.equal(texts, "true"), pc.equal(texts, "false")
    problems.add(
        pc.and_(pc.is_valid(texts), pc.invert(pc.or_(true, false))),
        lambda i: InvalidRecord(
            "mrz_valid", "bool_type",
            f"mrz_valid {texts[i].as_py()!r} is not a boolean: write true or false",
        ),
    )  # fmt: skip
    return pc.invert(false.fill_null(False))


def _missing(column: str) -> Callable[[int], InvalidRecord]:
    return lambda _: InvalidRecord(column, "missing_value", f"{column} is empty")


def _choice(texts: pa.Array, column: str, kind: type[StrEnum], problems: _Problems) -> pa.Array:
    allowed = [m.value for m in kind]
    wrong = pc.invert(pc.is_in(texts, pa.array(allowed)))
    problems.add(
        pc.and_(pc.is_valid(texts), wrong),
        lambda i: InvalidRecord(
            column,
            "invalid_value",
            f"{column} {texts[i].as_py()!r} is not one of: {', '.join(allowed)}",
        ),
    )
    return texts


def _required(texts: pa.Array, column: str, problems: _Problems) -> pa.Array:
    problems.add(pc.is_null(texts), _missing(column))
    return texts


def _is_text(kind: pa.DataType) -> bool:
    if pa.types.is_dictionary(kind):
        kind = kind.value_type
    return pa.types.is_string(kind) or pa.types.is_large_string(kind)


def _type_checks(table: pa.Table, problems: _Problems) -> None:
    """A Parquet column of another type than its own or text: each value in it is refused."""
    for column in table.column_names:
        kind = table.schema.field(column).type
        allowed, code, reason = _STRICT_TYPES.get(column, ((), "string_type", f"{column} is text"))
        if _is_text(kind) or pa.types.is_null(kind) or any(test(kind) for test in allowed):
            continue
        problems.add(
            pc.is_valid(table[column].combine_chunks()),
            lambda _, c=column, k=kind, e=code, r=reason: InvalidRecord(c, e, f"{r}, not {k}"),
        )


# Characters printable to Python in any Unicode version (printable ASCII, Latin-1 but its
# no-break space and soft hyphen, Latin extensions, IPA, combining marks, Cyrillic): a text of
# only these passes at Arrow's speed; any other character, the shared rule judges it.
_NOT_SURELY_PRINTABLE = r"[^\x20-\x7e\x{a1}-\x{ac}\x{ae}-\x{377}\x{400}-\x{52f}]"


def _printable_ascii(texts: pa.StringArray) -> bool:
    """Whether every byte of the column's text is printable ASCII (space to tilde)."""
    data = texts.buffers()[2]
    if data is None:
        return True
    text = np.frombuffer(data, dtype=np.uint8)
    return not bool(((text < 0x20) | (text > 0x7E)).any())


def _text_checks(table: pa.Table, problems: _Problems) -> None:
    """No NUL, control or unprintable character in any text (registry/bounds.py), at an end
    too. One regex finds the few candidate values."""
    for column in FORMAT_COLUMNS:
        if column not in table.column_names or not _is_text(table.schema.field(column).type):
            continue
        raw = table[column].combine_chunks()
        if raw.type != pa.string():
            raw = raw.cast(pa.string())
        if _printable_ascii(raw):  # most columns: one pass over the bytes
            continue
        suspect = pc.match_substring_regex(raw, _NOT_SURELY_PRINTABLE).fill_null(False)
        rows = pc.indices_nonzero(suspect)
        if not len(rows):
            continue
        allowed = _MRZ_SPACING if column == "mrz" else " "
        for i, text in zip(rows.to_pylist(), raw.take(rows).to_pylist(), strict=True):
            code = text_problem(text, allowed)
            if code is not None and i not in problems.first:
                problems.first[i] = InvalidRecord(
                    column, code, f"{column} holds a NUL, control or unprintable character"
                )


def _space_checks(table: pa.Table, problems: _Problems) -> None:
    """No value begins or ends with a space (surrounding_space, as the API's edge says): a
    value is stored as given, and trimming it would change what the file says unseen (" FA1"
    and "FA1" are one document only if both are trimmed alike everywhere). The MRZ is exempt:
    it is read (its lines trimmed by the reader), never stored."""
    for column in FORMAT_COLUMNS:
        if column == "mrz" or column not in table.column_names:
            continue
        if not _is_text(table.schema.field(column).type):
            continue
        raw = table[column].combine_chunks()
        if raw.type != pa.string():
            raw = raw.cast(pa.string())
        # Spaces only: another blank character at an end is a control character (_text_checks).
        spaced = pc.or_(pc.starts_with(raw, " "), pc.ends_with(raw, " "))
        problems.add(
            spaced,
            lambda i, c=column, t=raw: InvalidRecord(
                c, SURROUNDING_SPACE, f"{c} {t[i].as_py()!r} begins or ends with a space"
            ),
        )


def _range_checks(
    values: pa.Array, column: str, first: Any, last: Any, problems: _Problems
) -> None:
    """A day or moment the record holds lies within the API's plausible range."""
    low, high = pa.scalar(first, values.type), pa.scalar(last, values.type)
    problems.add(
        pc.or_(pc.less(values, low), pc.greater(values, high)),
        lambda i: InvalidRecord(
            column, IMPLAUSIBLE_DATE,
            f"{column} {values[i].as_py().isoformat()} is outside "
            f"{first.isoformat()[:10]}..{last.isoformat()[:10]}",
        ),
    )  # fmt: skip


def _local_dates(times: pa.Array, zones: pa.Array) -> pa.Array:
    """Each time's calendar day in its BCP's time zone."""
    result = pa.nulls(len(times), pa.date32())
    for zone in pc.unique(zones).drop_null().to_pylist():
        local = pc.local_timestamp(times.cast(pa.timestamp("us", tz=zone))).cast(pa.date32())
        result = pc.if_else(pc.equal(zones, zone), local, result)
    return result


def _country_checks(columns: Mapping[str, pa.Array], problems: _Problems) -> None:
    """Issuing state and nationality must be ICAO 9303 codes, and not the specimen UTO."""
    known = pa.array(sorted(recordable_codes()), pa.string())
    for column in ("issuing_state", "nationality"):
        texts = columns[column]
        problems.add(
            pc.and_(pc.is_valid(texts), pc.invert(pc.is_in(texts, known))),
            lambda i, c=column, t=texts: InvalidRecord(c, *code_problem(c, t[i].as_py())),
        )


def _future_checks(times: pa.Array, now: datetime, problems: _Problems) -> None:
    latest = pa.scalar(now + MAX_CLOCK_SKEW, UTC_MICROS)
    problems.add(
        pc.greater(times, latest),
        lambda i: InvalidRecord(
            "occurred_at", FUTURE_CROSSING, future_reason(times[i].as_py(), now)
        ),
    )


def _refusal_checks(
    outcome: pa.Array, reason: pa.Array, reference: ReferenceFacts, problems: _Problems
) -> None:
    known = sorted(reference.refusal_reasons)
    refused = pc.equal(outcome, Outcome.REFUSED.value)
    problems.add(
        pc.and_(refused, pc.invert(pc.is_in(reason, pa.array(known, pa.string())))),
        lambda i: InvalidRecord(
            "refusal_reason",
            "unknown_refusal_reason",
            f"a refusal needs one of the reason codes {known}, not {reason[i].as_py()!r}",
        ),
    )
    problems.add(
        pc.and_(pc.equal(outcome, Outcome.ADMITTED.value), pc.is_valid(reason)),
        lambda _: InvalidRecord(
            "refusal_reason", "reason_without_refusal", "an admitted crossing has no refusal reason"
        ),
    )


def _length_checks(columns: Mapping[str, pa.Array], problems: _Problems) -> None:
    for column, limit in MAX_LENGTHS.items():
        texts = columns[column]
        problems.add(
            pc.greater(pc.utf8_length(texts), limit),
            lambda i, c=column, t=texts, n=limit: InvalidRecord(
                c, "too_long", f"{c} {t[i].as_py()!r} is longer than {n} characters"
            ),
        )


# The document columns a row's `mrz` fills where the row leaves them empty, and the reading
# each one is compared with where the row gives it (docs/import-format.md).
MRZ_COLUMNS = (
    "issuing_state", "document_number", "document_type", "surname", "given_names",
    "nationality", "birth_date", "sex", "expiry_date", "optional_data",
)  # fmt: skip
_MRZ_DATES = ("birth_date", "expiry_date")


def _mrz_value(read: DocumentRead, column: str) -> Any:
    document = read.document
    return getattr(document, "number" if column == "document_number" else column)


def _name_tokens(text: str) -> list[str]:
    # As compose writes a name into an MRZ: hyphens part names, apostrophes are dropped.
    return text.upper().replace("-", " ").replace("'", "").replace("\u2019", "").split()


def _mrz_agrees(read: DocumentRead, column: str, given: Any) -> bool:
    """Whether a value the row gives says what the MRZ says (a name cut short by the MRZ
    agrees with the whole name; X and < both say the sex is unspecified)."""
    value = _mrz_value(read, column)
    if column in ("surname", "given_names"):
        mine, theirs = _name_tokens(given), value.split()
        if not read.mrz.names_truncated:
            return mine == theirs
        return len(theirs) <= len(mine) and all(
            m.startswith(t) for t, m in zip(theirs, mine, strict=False)
        )
    if column in _MRZ_DATES:
        return value is None or value == given  # an unreadable MRZ date cannot disagree
    if column == "sex":
        return given.replace("X", "<") == value.replace("X", "<")
    return given == (value or "")


def _given_values(table: pa.Table, column: str, rows: list[int]) -> list[Any]:
    """What the row gives for `column` at `rows` (None where empty): text, or a date."""
    if column in _MRZ_DATES and column in table.column_names:
        kind = table.schema.field(column).type
        if pa.types.is_date(kind) or pa.types.is_timestamp(kind):
            dates, _ = _dates(table.take(rows), column)
            return dates.to_pylist()
    values = _texts(table, column).take(rows).to_pylist()
    if column not in _MRZ_DATES:
        return values
    given: list[Any] = []
    for text in values:
        try:
            given.append(None if text is None else date.fromisoformat(text))
        except ValueError:
            given.append(None)  # the date rule reports it, with or without an MRZ
    return given


def _mrz_filled(table: pa.Table, column: str, fill: Mapping[int, Any]) -> pa.Array:
    """`column` with the MRZ's readings put where the row left it empty."""
    kind = table.schema.field(column).type if column in table.column_names else pa.string()
    if column == "mrz_valid" and pa.types.is_boolean(kind):
        return _patched(table[column].combine_chunks(), fill)
    if pa.types.is_date(kind) or pa.types.is_timestamp(kind):  # a Parquet date column
        dates, _ = _dates(table, column)
        return _patched(dates, fill)
    as_text = {
        i: str(v).lower() if isinstance(v, bool) else v.isoformat() if isinstance(v, date) else v
        for i, v in fill.items()
    }
    return _patched(_texts(table, column), as_text)


def _read_mrzs(table: pa.Table, problems: _Problems) -> pa.Table:
    """Rows with an `mrz`: their MRZ read by the service the border check uses, its fields put
    where the row left them empty, `mrz_valid` as the reader says. A row whose MRZ cannot be
    read, or whose given fields disagree with it, has its problem recorded. Only rows with an
    MRZ pay for this: a file without the column is returned as it came.
    """
    if "mrz" not in table.column_names:
        return table
    texts = table["mrz"].combine_chunks().cast(pa.string())
    has_mrz = pc.and_(pc.is_valid(texts), pc.invert(pc.equal(pc.utf8_trim_whitespace(texts), "")))
    rows = [i for i in pc.indices_nonzero(has_mrz).to_pylist() if i not in problems.first]
    if not rows:
        return table
    # The crossing's own day judges the MRZ's two-digit years (and what had expired by then).
    times, errors = _times(table.take(rows))
    fills: dict[str, dict[int, Any]] = {c: {} for c in (*MRZ_COLUMNS, "mrz_valid")}
    given = {c: _given_values(table, c, rows) for c in MRZ_COLUMNS}
    for k, i in enumerate(rows):
        at = times[k].as_py()
        if at is None:
            problems.first[i] = errors.get(k) or _missing("occurred_at")(k)
            continue
        try:
            # Lines a file writes as the two characters \n are read as line ends too.
            read = read_document(texts[i].as_py().replace("\\n", "\n"), today=at.date())
        except DocumentUnreadable as error:
            problems.first[i] = InvalidRecord(
                "mrz", "invalid_mrz", f"mrz cannot be read ({error.code}): {error.message}"
            )
            continue
        if not read.document.surname:
            problems.excused.add((i, "surname"))  # a person with one name: <<NAME
        for column in MRZ_COLUMNS:
            value = given[column][k]
            if value is None:
                fills[column][i] = _mrz_value(read, column)
            elif not _mrz_agrees(read, column, value):
                problems.first[i] = InvalidRecord(
                    column,
                    "mrz_mismatch",
                    f"{column} {value!s} disagrees with the row's MRZ, which reads "
                    f"{_mrz_value(read, column) or '(nothing)'}",
                )
                break
        fills["mrz_valid"][i] = read.valid
    for column, fill in fills.items():
        filled = _mrz_filled(table, column, {i: v for i, v in fill.items() if v is not None})
        if column in table.column_names:
            table = table.set_column(table.column_names.index(column), column, filled)
        else:
            table = table.append_column(column, filled)
    return table


# What a repeated row is compared on (registry/resends.py), in the writer, which knows whether
# the id is recorded already.
RESENT_COLUMNS = ("row_no", "id", "direction", "bcp_code", "occurred_at", "purpose", "outcome",
                  "refusal_reason", "issuing_state", "number", "document_type")  # fmt: skip


def _first_of_each_id(crossings: pa.Table) -> tuple[pa.Table, pa.Table | None]:
    """The first row of each crossing id, and the later rows of a repeated id (or None)."""
    if pc.count_distinct(crossings["id"]).as_py() == crossings.num_rows:
        return crossings, None
    numbered = crossings.append_column("position", pa.array(np.arange(crossings.num_rows)))
    firsts = numbered.group_by("id", use_threads=False).aggregate([("position", "min")])
    positions = np.sort(firsts["position_min"].to_numpy())
    later = np.ones(crossings.num_rows, dtype=bool)
    later[positions] = False
    return crossings.take(positions), crossings.filter(pa.array(later)).select(RESENT_COLUMNS)


def parse_chunk(
    table: pa.Table, first_row: int, reference: ReferenceFacts, now: datetime
) -> ParsedChunk:
    """The rows of `table` (numbered from `first_row`) as crossings ready to write, and those
    that cannot be understood with the first reason for each. A crossing later than `now`
    (beyond the clock skew recording allows) has not happened yet and is refused."""
    problems = _Problems()
    # What the API's edge judges of any text comes first, in its order: characters, then
    # spaces at the ends.
    _text_checks(table, problems)
    _space_checks(table, problems)
    raw_ids = _required(_texts(table, "crossing_id"), "crossing_id", problems)
    ids, errors = _crossing_ids(raw_ids)
    problems.add_each(errors)
    _type_checks(table, problems)
    table = _read_mrzs(table, problems)
    texts = {
        c: _required(_texts(table, c), c, problems)
        for c in ("issuing_state", "document_number", "surname", "nationality")
    }
    birth_dates, errors = _dates(table, "birth_date")
    problems.add_each(errors)
    _range_checks(birth_dates, "birth_date", FIRST_DOCUMENT_DAY, LAST_DOCUMENT_DAY, problems)
    expiry_dates, errors = _dates(table, "expiry_date")
    problems.add_each(errors)
    _range_checks(expiry_dates, "expiry_date", FIRST_DOCUMENT_DAY, LAST_DOCUMENT_DAY, problems)
    mrz_valid = _mrz_valid(table, problems)
    direction = _choice(
        _required(_texts(table, "direction"), "direction", problems),
        "direction",
        Direction,
        problems,
    )
    bcp = _required(_texts(table, "bcp"), "bcp", problems)
    _required(_texts(table, "occurred_at"), "occurred_at", problems)
    times, errors = _times(table)
    problems.add_each(errors)
    _range_checks(times, "occurred_at", FIRST_CROSSING, LAST_CROSSING, problems)
    purpose = _choice(
        _required(_texts(table, "purpose"), "purpose", problems), "purpose", Purpose, problems
    )
    outcome = _choice(
        _texts(table, "outcome").fill_null(Outcome.ADMITTED.value), "outcome", Outcome, problems
    )
    texts["officer"] = _required(_texts(table, "officer"), "officer", problems)
    _country_checks(texts, problems)
    codes = pa.array(list(reference.bcps), pa.string())
    problems.add(
        pc.and_(pc.is_valid(bcp), pc.invert(pc.is_in(bcp, codes))),
        lambda i: InvalidRecord("bcp", "unknown_bcp", f"no BCP with code {bcp[i].as_py()!r}"),
    )
    _future_checks(times, now, problems)
    reason = _texts(table, "refusal_reason")
    _refusal_checks(outcome, reason, reference, problems)
    texts["document_type"] = _texts(table, "document_type").fill_null("P")
    texts["sex"] = _texts(table, "sex").fill_null("<")
    texts["given_names"] = _texts(table, "given_names")
    for column in LINKING_COLUMNS:
        texts[column] = _texts(table, column)
    _length_checks(texts, problems)

    rejected = [
        Rejected(first_row + i, raw_ids[i].as_py() or "", e.field, e.code, str(e))
        for i, e in sorted(problems.first.items())
    ]
    good = np.ones(table.num_rows, dtype=bool)
    good[list(problems.first)] = False
    keep = pa.array(good)
    bcp = pc.filter(bcp, keep)
    facts = [reference.bcps[code] for code in codes.to_pylist()]
    where = pc.index_in(bcp, codes)
    zones = pc.take(pa.array([f.time_zone for f in facts], pa.string()), where)
    times = pc.filter(times, keep)
    crossings = pa.table(
        {
            "row_no": pc.filter(pa.array(np.arange(first_row, first_row + table.num_rows)), keep),
            "id": pc.filter(ids, keep),
            "direction": pc.filter(direction, keep),
            "bcp_code": bcp,
            "host_state": pc.take(pa.array([f.state for f in facts], pa.string()), where),
            "mode": pc.take(pa.array([f.mode for f in facts], pa.string()), where),
            "occurred_at": times,
            "local_date": _local_dates(times, zones),
            "issuing_state": pc.filter(texts["issuing_state"], keep),
            "number": pc.filter(texts["document_number"], keep),
            "document_type": pc.filter(texts["document_type"], keep),
            "surname": pc.filter(texts["surname"].fill_null(""), keep),  # "": an MRZ with none
            "given_names": pc.filter(_texts(table, "given_names").fill_null(""), keep),
            "nationality": pc.filter(texts["nationality"], keep),
            "birth_date": pc.filter(birth_dates, keep),
            "sex": pc.filter(texts["sex"], keep),
            "expiry_date": pc.filter(expiry_dates, keep),
            "purpose": pc.filter(purpose, keep),
            "outcome": pc.filter(outcome, keep),
            "refusal_reason": pc.filter(reason, keep),
            "officer": pc.filter(texts["officer"], keep),
            "mrz_valid": pc.filter(mrz_valid, keep),
            **{column: pc.filter(texts[column], keep) for column in LINKING_COLUMNS},
        }
    )
    unique, repeats = _first_of_each_id(crossings)
    return ParsedChunk(unique, rejected, crossings.num_rows - unique.num_rows, repeats)
