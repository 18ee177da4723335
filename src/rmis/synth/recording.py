"""From stays to what the states recorded: legs across borders, BCPs, times, both sides.

Every arrival and departure of a stay is a leg from one state to another. A leg becomes up to
two crossings: the exit recorded by the state left and the entry recorded by the state entered,
each at its own BCP of the same crossing (or at the airports of a flight), minutes or hours
apart. States outside the region record nothing. Refusals, exits some BCPs never record, and
typing slips (on the rows an officer typed by hand) and OCR slips (on the rows scanned) are put
in here, on the record, never in the truth.

What a record holds beyond the MRZ depends on who records: a state recording its own citizen
reads the national register, which gives the names in the national script and the passport the
current one replaced; a state recording a foreigner has the MRZ only (docs/synthetic-region.md).
"""

from __future__ import annotations

import zlib
from dataclasses import dataclass
from datetime import UTC, date, datetime

import numpy as np
import pyarrow as pa
import pyarrow.compute as pc

from rmis.reference.bcps import load_bcps
from rmis.synth.behaviours import Period
from rmis.synth.calibration import REFUSAL_RATE, REFUSAL_REASONS
from rmis.synth.documents import Documents
from rmis.synth.geography import STATE, STATES, air_routes, land_routes
from rmis.synth.people import BEHAVIOUR, People
from rmis.synth.stays import OPEN, PURPOSES, Stays

BCPS = tuple(load_bcps().values())
BCP_INDEX = {bcp.code: i for i, bcp in enumerate(BCPS)}
BCP_STATE = np.array([STATE.get(bcp.state, -1) for bcp in BCPS], np.int64)
# States whose register gives the name in the national script on their own citizens' records
# (the generator has national-script pools for these; see name_pools.py).
NATIONAL_SCRIPT_STATES = ("KAZ", "KGZ", "TJK", "TKM", "UZB", "RUS")
EPOCH_DAY = date(1970, 1, 1).toordinal()
# How likely a leg goes over land where both a land crossing and a flight exist.
LAND_SHARE = {
    "short_visit": 0.5, "transit": 0.9, "local_border": 1.0, "circular": 0.95,
    "seasonal": 0.25, "long_term": 0.3,
}  # fmt: skip
UNDER_RECORDING_STATES = ("KGZ", "TJK", "TKM", "UZB")


@dataclass(frozen=True, slots=True)
class Noise:
    """Recording problems of the region, as rates (all zero: a perfect record).

    An officer types a document by hand when its MRZ is not read (`typed_rate` of rows); the
    keying slips (surname, given names, birth date) fall on those rows only, and an OCR slip
    of the document number on the scanned ones only. Each rate is a share of all rows, so
    that the figures stay comparable whatever share is typed; docs/synthetic-region.md says
    where each comes from ("Typing and reading errors")."""

    typo_rate: float = 0.003  # surname mistyped by the officer (the anchor of the others)
    ocr_rate: float = 0.002  # document number misread (MRZ check digit then fails)
    unrecorded_exit_rate: float = 0.25  # exits lost at the BCPs that under-record
    under_recording_bcps: float = 0.3  # share of land BCPs of UNDER_RECORDING_STATES that do
    typed_rate: float = 0.1  # rows typed by hand: the MRZ was not read (assumed)
    given_typo_rate: float = 0.002  # given names mistyped (the surname's rate per keystroke)
    birth_slip_rate: float = 0.0026  # a digit of the birth date mistyped (before the form's
    # check: a slip that makes no date, or a date before 1900 or after the crossing, is refused
    # and typed again, so fewer rows keep one)

    def problems(self) -> list[str]:
        """What makes these rates impossible together (empty when they are not)."""
        out = []
        for name in ("typo_rate", "given_typo_rate", "birth_slip_rate"):
            if getattr(self, name) > self.typed_rate:
                out.append(f"{name} {getattr(self, name)} is more than the share of rows typed "
                           f"by hand ({self.typed_rate}), where keying slips happen")  # fmt: skip
        if self.ocr_rate > 1 - self.typed_rate:
            out.append(f"ocr_rate {self.ocr_rate} is more than the share of rows scanned")
        return out


@dataclass(slots=True)
class Recorded:
    crossings: pa.Table  # the import format, in time order
    documents: pa.Table  # every document number the crossings name, with its person


@dataclass(slots=True)
class Legs:
    person: np.ndarray
    frm: np.ndarray
    to: np.ndarray
    day: np.ndarray
    anchored_on_arrival: np.ndarray  # the leg's day is the local date at the arriving side
    stay: np.ndarray
    refused: np.ndarray  # the arriving side refused entry; the person went back


def _mix64(x: np.ndarray) -> np.ndarray:
    """SplitMix64 finaliser: a well-spread hash so keyed choices repeat exactly."""
    x = x.astype(np.uint64)
    with np.errstate(over="ignore"):
        x = (x ^ (x >> np.uint64(30))) * np.uint64(0xBF58476D1CE4E5B9)
        x = (x ^ (x >> np.uint64(27))) * np.uint64(0x94D049BB133111EB)
        return x ^ (x >> np.uint64(31))


def _unit(x: np.ndarray) -> np.ndarray:
    return (_mix64(x) >> np.uint64(11)).astype(np.float64) / float(1 << 53)


def refusals(rng: np.random.Generator, stays: Stays, people: People) -> np.ndarray:
    """Which stays never happened because entry was refused at the border."""
    home = people.nationality[stays.person]
    eligible = (
        (stays.came_from == home) & (stays.host != home) & ~stays.chained
        & ~people.asylum_seeker[stays.person] & (stays.route_key < 1_000_000_000)
    )  # fmt: skip
    rate = np.array([REFUSAL_RATE.get(s, 0.0) for s in STATES])[stays.host]
    return eligible & (rng.random(len(stays)) < rate)


def legs_of(stays: Stays, refused: np.ndarray, end: int) -> Legs:
    arrive = np.arange(len(stays))
    leaves = np.flatnonzero((stays.exit != OPEN) & (stays.exit <= end) & ~stays.chained & ~refused)
    stay = np.concatenate([arrive, leaves])
    on_arrival = np.r_[np.ones(len(arrive), bool), np.zeros(len(leaves), bool)]
    return Legs(
        person=stays.person[stay],
        frm=np.where(on_arrival, stays.came_from[stay], stays.host[stay]),
        to=np.where(on_arrival, stays.host[stay], stays.going_to[stay]),
        day=np.where(on_arrival, stays.entry[stay], stays.exit[stay]),
        anchored_on_arrival=on_arrival, stay=stay, refused=on_arrival & refused[stay],
    )  # fmt: skip


@dataclass(slots=True)
class Routes:
    leave: np.ndarray  # BCP index or -1
    arrive: np.ndarray
    by_air: np.ndarray


def choose_routes(
    rng: np.random.Generator, legs: Legs, behaviour: np.ndarray, route_key: np.ndarray
) -> Routes:
    """A crossing (or flight) per leg. Legs with a route key take the same physical crossing
    every time and in both directions (a border resident's own BCP; a group's)."""
    n = len(legs.person)
    leave = np.full(n, -1, np.int64)
    arrive = np.full(n, -1, np.int64)
    by_air = np.zeros(n, bool)
    keyed = route_key >= 0
    u_mode = np.where(keyed, _unit(route_key * 2 + 1), rng.random(n))
    u_route = np.where(keyed, _unit(route_key * 2), rng.random(n))
    land_share = np.array([LAND_SHARE[b] for b in BEHAVIOUR])[behaviour]
    lo, hi = np.minimum(legs.frm, legs.to), np.maximum(legs.frm, legs.to)
    pair = lo.astype(np.int64) * 1024 + hi
    for key in np.unique(pair):
        rows = np.flatnonzero(pair == key)
        a, b = STATES[int(key // 1024)], STATES[int(key % 1024)]
        land, air = land_routes(a, b), air_routes(a, b)
        if not land and not air:
            continue
        use_land = np.ones(len(rows), bool) if not air else (
            (u_mode[rows] < land_share[rows]) if land else np.zeros(len(rows), bool)
        )  # fmt: skip
        for routes, chosen in ((land, use_land), (air, ~use_land)):
            if not routes or not chosen.any():
                continue
            r = rows[chosen]
            w = np.cumsum([x.weight for x in routes])
            pick = np.minimum(np.searchsorted(w / w[-1], u_route[r], side="right"), len(w) - 1)
            a_side = np.array([BCP_INDEX[x.leave.code] if x.leave else -1 for x in routes])
            b_side = np.array([BCP_INDEX[x.arrive.code] if x.arrive else -1 for x in routes])
            forward = legs.frm[r] == lo[r]
            leave[r] = np.where(forward, a_side[pick], b_side[pick])
            arrive[r] = np.where(forward, b_side[pick], a_side[pick])
            by_air[r] = routes is air
    return Routes(leave, arrive, by_air)


def _local_minutes(rng: np.random.Generator, legs: Legs, key: np.ndarray) -> np.ndarray:
    """Local minute of the day at each leg's anchoring side, between 06:00 and 22:00.

    A person's legs on one day keep their order (in, then out again; through a transit state
    and on): the day is split into as many slots as the person has legs that day. A group
    travelling together shares its minute.
    """
    n = len(legs.person)
    order = np.lexsort((~legs.anchored_on_arrival, legs.stay, legs.day, legs.person))
    same_day = np.r_[False, (legs.person[order][1:] == legs.person[order][:-1])
                     & (legs.day[order][1:] == legs.day[order][:-1])]  # fmt: skip
    starts = np.flatnonzero(~same_day)
    sizes = np.diff(np.r_[starts, n])
    rank = np.empty(n, np.int64)
    rank[order] = np.arange(n) - np.repeat(starts, sizes)
    slots = np.empty(n, np.int64)
    slots[order] = np.repeat(sizes, sizes)
    grouped = key >= 1_000_000_000
    u = np.where(grouped, _unit(key * 100_003 + legs.day), rng.random(n))
    return 360 + ((rank + 0.8 * u) * 960 / slots).astype(np.int64)


def _utc_offsets_minutes(on: date) -> np.ndarray:
    """Each BCP's offset from UTC. The region keeps no daylight saving time (Russia since
    2014, Iran since 2022), so one offset per BCP holds for the whole period."""
    moment = datetime(on.year, on.month, on.day, 12, tzinfo=UTC)
    return np.array(
        [moment.astimezone(b.zone).utcoffset().total_seconds() // 60 for b in BCPS], np.int64
    )


def record(
    rng: np.random.Generator,
    stays: Stays,
    refused: np.ndarray,
    people: People,
    docs: Documents,
    period: Period,
    noise: Noise,
) -> Recorded:
    """The crossings the states recorded, in the registry's import format, in time order, and
    the truth of every document number they name (misread ones included)."""
    legs = legs_of(stays, refused, period.end)
    key = stays.route_key[legs.stay]
    routes = choose_routes(rng, legs, people.behaviour[legs.person], key)
    offsets = _utc_offsets_minutes(date.fromordinal(period.start))

    n = len(legs.person)
    anchor_bcp = np.where(legs.anchored_on_arrival, routes.arrive, routes.leave)
    routable = anchor_bcp >= 0
    minute = _local_minutes(rng, legs, key)
    anchor_utc = (legs.day - EPOCH_DAY) * 1440 + minute - offsets[np.maximum(anchor_bcp, 0)]
    travel = np.where(routes.by_air, rng.integers(150, 331, n), rng.integers(10, 61, n))
    leave_at = np.where(legs.anchored_on_arrival, anchor_utc - travel, anchor_utc)
    arrive_at = leave_at + travel
    seconds = rng.integers(0, 60, n)

    # Exit by the state left (not for a person turned back: they never left it for good).
    exits = np.flatnonzero(routable & (routes.leave >= 0))
    entries = np.flatnonzero(routable & (routes.arrive >= 0))
    back = np.flatnonzero(routable & legs.refused & (routes.leave >= 0))
    rows = np.concatenate([exits, entries, back])
    direction = np.concatenate([np.zeros(len(exits), np.int8), np.ones(len(entries), np.int8),
                                np.ones(len(back), np.int8)])  # fmt: skip
    bcp = np.concatenate([routes.leave[exits], routes.arrive[entries], routes.leave[back]])
    minutes = np.concatenate(
        [
            leave_at[exits],
            arrive_at[entries],
            arrive_at[back] + travel[back] + 90,
        ]
    )
    outcome_refused = np.concatenate(
        [
            np.zeros(len(exits), bool),
            legs.refused[entries],
            np.zeros(len(back), bool),
        ]
    )
    keep = _recorded_exits(rng, bcp, direction, noise)
    rows, direction, bcp = rows[keep], direction[keep], bcp[keep]
    minutes, outcome_refused = minutes[keep], outcome_refused[keep]
    occurred_ms = (minutes * 60 + seconds[rows]) * 1000 + rng.integers(0, 1000, len(rows))

    order = np.argsort(occurred_ms, kind="stable")
    rows, direction, bcp = rows[order], direction[order], bcp[order]
    occurred_ms, outcome_refused = occurred_ms[order], outcome_refused[order]
    return _table(rng, legs, rows, direction, bcp, occurred_ms, outcome_refused, stays, people,
                  docs, noise)  # fmt: skip


def _recorded_exits(
    rng: np.random.Generator, bcp: np.ndarray, direction: np.ndarray, noise: Noise
) -> np.ndarray:
    """Which records survive: exits at under-recording BCPs are sometimes never written."""
    land = np.array([b.mode != "air" and b.state in UNDER_RECORDING_STATES for b in BCPS])
    # A fixed set of BCPs under-records (chosen from the BCP codes, so the same in every run).
    codes = np.array([hash_code(b.code) for b in BCPS])
    under = land & (codes < noise.under_recording_bcps)
    lost = (direction == 0) & under[bcp] & (rng.random(len(bcp)) < noise.unrecorded_exit_rate)
    return ~lost


def hash_code(code: str) -> float:
    """A stable number in [0, 1) for a code (Python's hash() changes between runs)."""
    return zlib.crc32(code.encode()) / 2**32


def _pick(values, index: np.ndarray, mask: np.ndarray | None = None) -> pa.Array:
    """values[index] as an Arrow column, taken in C rather than through Python objects; null
    where `mask` is true."""
    table = values if isinstance(values, pa.Array) else pa.array(list(values), pa.string())
    if mask is not None:  # a plain take from one more (null) value is faster than a masked one
        table = pa.concat_arrays([table, pa.nulls(1, table.type)])
        index = np.where(mask, len(table) - 1, index)
    return table.take(pa.array(index, pa.int64()))


def _pick_names(values: np.ndarray, doc: np.ndarray, mask: np.ndarray | None = None) -> pa.Array:
    """Names by document through their few distinct spellings: a take from a small dictionary
    stays in cache and runs several times faster than one from a value per document."""
    encoded = pa.array(values, pa.string()).dictionary_encode()
    return _pick(encoded.dictionary, encoded.indices.to_numpy()[doc], mask)


def _replace(column: pa.Array, rows: np.ndarray, values: list[str]) -> pa.Array:
    mask = np.zeros(len(column), bool)
    mask[rows] = True
    return pc.replace_with_mask(column, pa.array(mask), pa.array(values, pa.string()))


def _table(
    rng, legs: Legs, rows, direction, bcp, occurred_ms, refused, stays: Stays, people: People,
    docs: Documents, noise: Noise,
) -> Recorded:  # fmt: skip
    person = legs.person[rows]
    day = legs.day[rows]
    doc = docs.valid_on(person, day)
    n = len(rows)
    surname = _pick_names(docs.surname, doc)
    given = _pick_names(docs.given_names, doc)
    birth = people.birth[person].astype(np.int64)
    number = _pick(pa.array(docs.number, pa.string()), doc)
    mrz_valid = np.ones(n, bool)
    # Typed by hand (the MRZ not read): keying slips. Scanned: OCR slips of the number.
    typed = rng.random(n) < noise.typed_rate
    keyed, scanned = np.flatnonzero(typed), np.flatnonzero(~typed)
    typo = _some(rng, keyed, noise.typo_rate, noise.typed_rate)
    surname = _replace(surname, typo, [_typo(rng, docs.surname[d]) for d in doc[typo]])
    given_typo = _some(rng, keyed, noise.given_typo_rate, noise.typed_rate)
    given = _replace(given, given_typo,
                     [_typo(rng, docs.given_names[d]) for d in doc[given_typo]])  # fmt: skip
    slip = _some(rng, keyed, noise.birth_slip_rate, noise.typed_rate)
    birth[slip] = _birth_slips(rng, birth[slip], day[slip])
    ocr = _some(rng, scanned, noise.ocr_rate, 1 - noise.typed_rate)
    slipped = [_ocr_slip(docs.number[d]) for d in doc[ocr]]
    number = _replace(number, ocr, slipped)
    misread = ocr[np.array([a != docs.number[d] for a, d in zip(slipped, doc[ocr], strict=True)],
                           bool)]  # fmt: skip
    mrz_valid[misread] = False
    reasons = list(REFUSAL_REASONS)
    weights = np.array([REFUSAL_REASONS[r] for r in reasons])
    reason = rng.choice(len(reasons), n, p=weights / weights.sum())
    bcp_code = _pick([b.code for b in BCPS], bcp)
    badge = _pick([f"{k:02d}" for k in range(1, 13)], rng.integers(0, 12, n))
    male = (people.sex == "M").astype(np.int64)
    # The state's own citizen: the register gives the national-script names and the previous
    # passport. A misread number leaves both, and the personal number, as they were.
    issuing = docs.issuing_state[doc]
    own = BCP_STATE[bcp] == issuing
    national = own & np.isin(issuing, [STATE[s] for s in NATIONAL_SCRIPT_STATES])
    crossings = pa.table({
        "crossing_id": uuid7_strings(rng, occurred_ms),
        "direction": _pick(["exit", "entry"], direction),
        "bcp": bcp_code,
        "occurred_at": pa.array(occurred_ms, pa.timestamp("ms", tz="UTC")),
        "issuing_state": _pick(STATES, issuing),
        "document_number": number,
        "document_type": _pick(["P"], np.zeros(n, np.int64)),
        "surname": surname,
        "given_names": given,
        "nationality": _pick(STATES, people.nationality[person]),
        "birth_date": pa.array(birth - EPOCH_DAY, pa.int32()).cast(pa.date32()),
        "sex": _pick(["F", "M"], male[person]),
        "expiry_date": pa.array(docs.expiry[doc] - EPOCH_DAY, pa.int32()).cast(pa.date32()),
        "purpose": _pick(PURPOSES, stays.purpose[legs.stay[rows]]),
        "outcome": _pick(["admitted", "refused"], refused.astype(np.int64)),
        "refusal_reason": _pick(reasons, reason, mask=~refused),
        "officer": pc.binary_join_element_wise(bcp_code, badge, "-"),
        "mrz_valid": pa.array(mrz_valid, pa.bool_()),
        "optional_data": _pick(pa.array(docs.optional_data, pa.string()), doc),
        "national_surname": _pick_names(docs.national_surname, doc, mask=~national),
        "national_given_names": _pick_names(docs.national_given_names, doc, mask=~national),
        "previous_document_number": _pick(pa.array(docs.previous_number, pa.string()), doc,
                                          mask=~own),
    })  # fmt: skip
    return Recorded(crossings, _recorded_documents(docs, doc, misread, number))


def _recorded_documents(
    docs: Documents, doc: np.ndarray, misread: np.ndarray, number: pa.Array
) -> pa.Table:
    """One row per (issuing state, document number, type) the crossings name: the genuine
    numbers read right at least once, and each number a misreading made of one."""
    read_right = np.ones(len(doc), bool)
    read_right[misread] = False
    seen = np.zeros(len(docs), bool)
    seen[doc[read_right]] = True
    genuine = np.flatnonzero(seen)
    wrong_doc, first = np.unique(doc[misread], return_index=True)  # one misreading per document
    wrong_number = number.take(pa.array(misread[first], pa.int64())).to_numpy(zero_copy_only=False)
    which = np.concatenate([genuine, wrong_doc])
    is_misread = np.r_[np.zeros(len(genuine), bool), np.ones(len(wrong_doc), bool)]
    recorded_number = np.concatenate([docs.number[genuine], wrong_number.astype(object)])
    order = np.lexsort((is_misread, which))  # documents are in (person, issued) order
    which, is_misread, recorded_number = which[order], is_misread[order], recorded_number[order]
    return pa.table({
        "issuing_state": _pick(STATES, docs.issuing_state[which]),
        "document_number": pa.array(recorded_number, pa.string()),
        "document_type": pa.array(np.full(len(which), "P", object), pa.string()),
        "person_id": pa.array(docs.person[which], pa.int64()),
        "genuine_document_number": pa.array(docs.number[which], pa.string()),
        "misread": pa.array(is_misread, pa.bool_()),
    })  # fmt: skip


_HEX = np.frombuffer(b"0123456789abcdef", np.uint8)


def uuid7_strings(rng: np.random.Generator, ms: np.ndarray) -> pa.Array:
    """UUIDv7 text for each millisecond timestamp, random bits from the seeded generator."""
    n = len(ms)
    raw = rng.integers(0, 256, (n, 16), dtype=np.uint8)
    stamp = ms.astype(">u8").view(np.uint8).reshape(n, 8)[:, 2:]
    raw[:, :6] = stamp
    raw[:, 6] = (raw[:, 6] & 0x0F) | 0x70  # version 7
    raw[:, 8] = (raw[:, 8] & 0x3F) | 0x80  # RFC 9562 variant
    digits = np.empty((n, 32), np.uint8)
    digits[:, 0::2] = _HEX[raw >> 4]
    digits[:, 1::2] = _HEX[raw & 0x0F]
    text = np.full((n, 36), ord("-"), np.uint8)
    for lo, hi, at in ((0, 8, 0), (8, 12, 9), (12, 16, 14), (16, 20, 19), (20, 32, 24)):
        text[:, at : at + hi - lo] = digits[:, lo:hi]
    buffer = pa.py_buffer(text.tobytes())
    return (
        pa.FixedSizeBinaryArray.from_buffers(pa.binary(36), n, [None, buffer])
        .cast(pa.binary())
        .cast(pa.string())
    )


_OCR = {"0": "O", "1": "I", "5": "S", "8": "B", "2": "Z"}


def _ocr_slip(number: str) -> str:
    """The first digit an OCR reader confuses with a letter, read as that letter."""
    for i, ch in enumerate(number[1:], start=1):
        if ch in _OCR:
            return number[:i] + _OCR[ch] + number[i + 1 :]
    return number


def _some(rng: np.random.Generator, rows: np.ndarray, rate: float, among: float) -> np.ndarray:
    """Rows of `rows` (a share `among` of all) drawn so that `rate` of all rows are chosen."""
    chance = rate / among if among > 0 else 0.0
    return rows[rng.random(len(rows)) < chance]


_FIRST_DAY = date(1900, 1, 1).toordinal()


def _birth_slips(rng: np.random.Generator, birth: np.ndarray, day: np.ndarray) -> np.ndarray:
    """Each birth date (a day number) with one of its eight digits (YYYYMMDD) typed as another.
    The form takes only a calendar date from 1900 up to the day of the crossing: a slip that
    makes anything else is refused and typed again, and the date stays as it was."""
    where = rng.integers(0, 8, len(birth))
    shift = rng.integers(1, 10, len(birth))
    out = birth.copy()
    for i, (ordinal, at, by, latest) in enumerate(
        zip(birth.tolist(), where.tolist(), shift.tolist(), day.tolist(), strict=True)
    ):
        digits = list(date.fromordinal(ordinal).strftime("%Y%m%d"))
        digits[at] = str((int(digits[at]) + by) % 10)
        text = "".join(digits)
        try:
            typed = date(int(text[:4]), int(text[4:6]), int(text[6:])).toordinal()
        except ValueError:
            continue
        if _FIRST_DAY <= typed <= latest:
            out[i] = typed
    return out


def _typo(rng: np.random.Generator, name: str) -> str:
    """One slip of the keyboard: a letter doubled, dropped or swapped with its neighbour (a
    name under four letters is left as it is)."""
    if len(name) < 4:
        return name
    i = int(rng.integers(1, len(name) - 1))
    kind = int(rng.integers(0, 3))
    if kind == 0:
        return name[:i] + name[i] + name[i:]
    if kind == 1:
        return name[:i] + name[i + 1 :]
    return name[:i] + name[i + 1] + name[i] + name[i + 2 :]
