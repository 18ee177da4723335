"""Properties: compose -> parse round-trips, and what the check digits can and cannot catch."""

from datetime import date, timedelta

from hypothesis import assume, given
from hypothesis import strategies as st

from rmis.documents import MRZFormat, check_digit, compose, parse
from rmis.documents.checkdigit import MRZ_CHARS
from rmis.reference.countries import all_codes

TODAY = date(2025, 6, 1)
CODES = sorted(all_codes())
LETTERS = "ABCDEFGHIJKLMNOPQRSTUVWXYZ"
ALNUM = "0123456789" + LETTERS
NAME_WIDTH = {MRZFormat.TD1: 30, MRZFormat.TD2: 31, MRZFormat.TD3: 39,
              MRZFormat.MRVA: 39, MRZFormat.MRVB: 31}  # fmt: skip
OPTIONAL_WIDTH = {MRZFormat.TD1: 15, MRZFormat.TD2: 7, MRZFormat.TD3: 14,
                  MRZFormat.MRVA: 16, MRZFormat.MRVB: 8}  # fmt: skip

words = st.text(LETTERS, min_size=1, max_size=8)
name = st.lists(words, min_size=1, max_size=3)


@st.composite
def optional_data(draw, width):
    # Trailing filler is padding, so a value never ends with '<'; inside it may hold filler.
    text = draw(st.text(ALNUM + "<", max_size=width))
    return text.rstrip("<")


@st.composite
def documents(draw):
    fmt = draw(st.sampled_from(list(MRZFormat)))
    given_names = draw(st.lists(words, max_size=3))
    # A person with one name may have no surname at all (<<NAME), as some states write it.
    surname = draw(name if not given_names else st.one_of(name, st.just([])))
    full = "<".join(surname) + ("<<" + "<".join(given_names) if given_names else "")
    assume(len(full) <= NAME_WIDTH[fmt])
    long_ok = fmt in (MRZFormat.TD1, MRZFormat.TD2)
    number = draw(st.text(ALNUM, min_size=1, max_size=12 if long_ok else 9))
    width = OPTIONAL_WIDTH[fmt]
    if len(number) > 9:
        width -= len(number) - 9 + 2  # the rest of the number, its check digit, a filler
    birth = draw(st.dates(TODAY - timedelta(days=36500 - 1), TODAY))
    expiry = draw(st.dates(max(birth + timedelta(days=1), date(TODAY.year - 49, 1, 1)),
                           date(TODAY.year + 50, 12, 31)))  # fmt: skip
    fields = dict(
        issuing_state=draw(st.sampled_from(CODES)),
        nationality=draw(st.sampled_from(CODES)),
        surname=draw(st.sampled_from([" ", "-"])).join(surname),
        given_names=" ".join(given_names),
        document_number=number,
        birth_date=birth,
        sex=draw(st.sampled_from("MFX<")),
        expiry_date=expiry,
        optional_data=draw(optional_data(width)),
    )
    if fmt is MRZFormat.TD1:
        fields["optional_data_2"] = draw(optional_data(11))
    return fmt, fields


@given(documents())
def test_compose_then_parse_round_trips(doc):
    fmt, fields = doc
    lines = compose(fmt, **fields)
    mrz = parse(lines, today=TODAY)
    assert mrz.errors == ()
    assert mrz.format is fmt
    assert mrz.lines == lines
    assert mrz.issuing_state == fields["issuing_state"]
    assert mrz.nationality == fields["nationality"]
    assert mrz.surname == fields["surname"].replace("-", " ")
    assert mrz.given_names == fields["given_names"]
    assert mrz.document_number == fields["document_number"]
    assert mrz.birth_date == fields["birth_date"]
    assert mrz.expiry_date == fields["expiry_date"]
    assert mrz.sex == fields["sex"]
    assert mrz.optional_data == fields["optional_data"]
    assert mrz.optional_data_2 == fields.get("optional_data_2")
    assert mrz.specimen == ("UTO" in (fields["issuing_state"], fields["nationality"]))


def _protected_positions(fmt, lines):
    """(line, index, characters legal there) for every position a check digit protects."""
    digits = "0123456789"
    spots = []

    def add(row, start, end, legal):
        spots.extend((row, i, legal) for i in range(start, end))

    if fmt is MRZFormat.TD1:
        add(0, 5, 14, MRZ_CHARS)
        add(0, 14, 15, digits + "<")  # '<' here announces a long document number
        add(0, 15, 30, MRZ_CHARS)
        add(1, 0, 7, digits)
        add(1, 8, 15, digits)
        add(1, 18, 29, MRZ_CHARS)
        add(1, 29, 30, digits)
        return spots
    add(1, 0, 9, MRZ_CHARS)
    add(1, 9, 10, digits + ("<" if fmt is MRZFormat.TD2 else ""))
    add(1, 13, 20, digits)
    add(1, 21, 28, digits)
    if fmt is MRZFormat.TD3:
        add(1, 28, 42, MRZ_CHARS)
        empty = lines[1][28:42] == "<" * 14
        add(1, 42, 43, digits + ("<" if empty else ""))  # '<' or 0 when the field is unused
        add(1, 43, 44, digits)
    elif fmt is MRZFormat.TD2:
        add(1, 28, 35, MRZ_CHARS)
        add(1, 35, 36, digits)
    return spots


def _value(c):
    return 0 if c == "<" else int(c, 36)


@given(documents(), st.data())
def test_single_character_changes_are_caught_when_the_check_digits_can_catch_them(doc, data):
    fmt, fields = doc
    lines = compose(fmt, **fields)
    row, index, legal = data.draw(st.sampled_from(_protected_positions(fmt, lines)))
    old = lines[row][index]
    # Not whitespace: whitespace at either end of a line is stripped by design.
    new = data.draw(st.sampled_from(MRZ_CHARS + "ao!").filter(lambda c: c != old))
    changed = list(lines)
    changed[row] = lines[row][:index] + new + lines[row][index + 1 :]
    mrz = parse(changed, today=TODAY)
    illegal = new not in legal
    # 7-3-1 weights are coprime with 10, so a change is invisible to a check digit exactly
    # when the two values differ by a multiple of 10 ('0' vs 'A', 'K', 'U', '<' ...).
    detectable = illegal or (_value(new) - _value(old)) % 10 != 0 if new in MRZ_CHARS else True
    if detectable:
        assert not mrz.valid, (changed, new)


def test_undetectable_class_is_real_and_documented():
    # In the alphanumeric document number, '0' -> 'A' (values 0 and 10) keeps every check
    # digit: the MRZ stays valid and reads another number. Nothing in the MRZ can catch it.
    lines = ("P<UTOERIKSSON<<ANNA<MARIA<<<<<<<<<<<<<<<<<<<",
             "L898902C36UTO7408122F1204159ZE184226B<<<<<10")  # fmt: skip
    for swapped in ("A", "K", "U"):
        changed = (lines[0], "L8989" + swapped + "2C3" + lines[1][9:])
        mrz = parse(changed, today=TODAY)
        assert mrz.valid
        assert mrz.document_number == f"L8989{swapped}2C3"
        assert check_digit(mrz.document_number) == "6"
    # The same substitution in a numeric field is caught as a bad character, not by arithmetic.
    changed = (lines[0], lines[1][:15] + "A" + lines[1][16:])  # 740812 -> 74A812
    mrz = parse(changed, today=TODAY)
    assert [(e.field, e.code) for e in mrz.errors] == [("birth_date", "invalid_character")]


@given(st.lists(words, min_size=1, max_size=6), st.lists(words, max_size=6))
def test_composed_names_of_any_length_parse_cleanly(surname, given_names):
    lines = compose(MRZFormat.TD1, issuing_state="KAZ", nationality="KAZ",
                    surname=" ".join(surname), given_names=" ".join(given_names),
                    document_number="N1234567", birth_date=date(1990, 1, 1), sex="F",
                    expiry_date=date(2030, 1, 1))  # fmt: skip
    mrz = parse(lines, today=TODAY)
    assert mrz.errors == ()
    fits = len("<".join(surname)) + (2 + len("<".join(given_names)) if given_names else 0)
    if fits <= 30:
        # A name that exactly fills the field cannot be told from a cut one: flagged as "may be".
        assert mrz.names_truncated == (fits == 30)
        assert (mrz.surname, mrz.given_names) == (" ".join(surname), " ".join(given_names))
        return
    # Cut, never changed: each name kept is the start of the name in the same place, and a
    # secondary identifier keeps at least its initial.
    for parsed, original in ((mrz.surname, surname), (mrz.given_names, given_names)):
        kept = parsed.split()
        assert 1 <= len(kept) <= len(original) or not original
        assert all(o.startswith(k) for k, o in zip(kept, original, strict=False))


@st.composite
def long_numbers(draw):
    """A TD1 or TD2 with a document number of 10 or more characters and what fits after it."""
    fmt = draw(st.sampled_from([MRZFormat.TD1, MRZFormat.TD2]))
    width = OPTIONAL_WIDTH[fmt]
    number = draw(st.text(ALNUM, min_size=10, max_size=9 + width - 1))
    room = width - (len(number) - 9 + 1)  # the rest of the number and its check digit
    optional = draw(optional_data(room - 1)) if room > 1 else ""  # a filler ends the number
    given_names = draw(st.lists(words, max_size=2))
    surname = draw(name if not given_names else st.one_of(name, st.just([])))
    assume(len("<".join(surname)) + 2 + len("<".join(given_names)) <= NAME_WIDTH[fmt])
    fields = dict(
        issuing_state=draw(st.sampled_from(CODES)), nationality=draw(st.sampled_from(CODES)),
        surname=" ".join(surname), given_names=" ".join(given_names), document_number=number,
        birth_date=date(1990, 5, 17), sex="F", expiry_date=date(2031, 5, 16),
        optional_data=optional,
    )  # fmt: skip
    return fmt, fields


def _number_spots(fmt, number):
    """(line, index) of each character of a long document number in the composed MRZ."""
    # TD1: line 1 from position 6, continued at 16; TD2: line 2 from 1, continued at 29.
    row, start, more = (0, 5, 15) if fmt is MRZFormat.TD1 else (1, 0, 28)
    head = [(row, start + i) for i in range(9)]
    rest = [(row, more + i) for i in range(len(number) - 9)]
    return head + rest


@given(long_numbers())
def test_long_numbers_and_surname_less_names_round_trip(doc):
    fmt, fields = doc
    lines = compose(fmt, **fields)
    mrz = parse(lines, today=TODAY)
    assert mrz.errors == ()
    assert mrz.document_number == fields["document_number"]
    assert mrz.optional_data == fields["optional_data"]
    assert (mrz.surname, mrz.given_names) == (fields["surname"], fields["given_names"])
    assert ("no_surname" in {w.code for w in mrz.warnings}) == (fields["surname"] == "")
    assert [n.code for n in mrz.notes] == ["long_document_number"]
    # The check digit that ends the continuation is the whole number's.
    number = fields["document_number"]
    row, index = _number_spots(fmt, number)[-1]
    assert lines[row][index + 1] == check_digit(number)


@given(long_numbers(), st.data())
def test_the_check_digits_cover_every_character_of_a_long_number(doc, data):
    fmt, fields = doc
    lines = compose(fmt, **fields)
    number = fields["document_number"]
    position = data.draw(st.integers(0, len(number) - 1))
    row, index = _number_spots(fmt, number)[position]
    old = lines[row][index]
    # A change by a multiple of 10 in value is invisible to any 7-3-1 check digit (see above).
    new = data.draw(
        st.sampled_from(ALNUM).filter(lambda c: c != old and (_value(c) - _value(old)) % 10)
    )
    changed = list(lines)
    changed[row] = lines[row][:index] + new + lines[row][index + 1 :]
    mrz = parse(changed, today=TODAY)
    assert not mrz.valid
    assert {e.field for e in mrz.errors} <= {"document_number", "composite"}
    # With the composite check digit made to agree, the number's own check digit must still
    # catch the change: unless (one time in ten) the change happens to meet the other way of
    # computing it that issuers use, counting the '<' after the ninth character.
    changed[1] = changed[1][:-1] + check_digit(_composite(fmt, changed))
    mrz = parse(changed, today=TODAY)
    read = mrz.document_number
    own = changed[0][14] if fmt is MRZFormat.TD1 else changed[1][9]
    assert own == "<"
    cd = _number_spots(fmt, number)[-1]
    cd = changed[cd[0]][cd[1] + 1]
    if check_digit(f"{read[:9]}<{read[9:]}") == cd:
        assert mrz.valid and "filler" in mrz.notes[0].message
    else:
        assert [(e.field, e.code) for e in mrz.errors] == [
            ("document_number", "check_digit_mismatch")
        ]


def _composite(fmt, lines):
    if fmt is MRZFormat.TD1:
        return lines[0][5:30] + lines[1][0:7] + lines[1][8:15] + lines[1][18:29]
    return lines[1][0:10] + lines[1][13:20] + lines[1][21:35]
