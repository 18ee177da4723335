"""Journeys across borders on privacy-preserving linkage keys.

States that agree to trace journeys share a secret (never the hub). Each node encodes each of
its crossings as:

- a **CLK**: a cryptographic long-term key in the clkhash/anonlink way: the bigrams of the
  surname and given names, the birth date's parts and the sex are hashed into one Bloom filter
  of 1024 bits, each field under its own key (HMAC-SHA256 of the secret and the field's name,
  double hashing), then **XOR-folded** to 512 bits. Per-field keys stop an attacker who knows
  one field's values from computing its bits; folding mixes each bit of the stored key from two
  positions, which breaks the bit-pattern and frequency attacks published against plain Bloom
  filters (Schnell, Borgs and Encarnação's XOR folding; Christen et al.'s pattern mining).
- a **document key**: HMAC-SHA256, under its own key, of the document's issuing state, type
  and number: equal only for the same document.

With them the hub sees where and when (host state, direction, partner state, BCP, day and UTC
hour), never a name, birth date or document number. The hub links A's exits to B's entries on
those keys alone, in blocks of one place (the two BCPs of one land crossing; the airports for
a flight) and an entry within hours of the exit: equal document keys first, then the Dice
coefficient of the CLKs by anonlink's join on what they leave, and a greedy one-to-one match
above a threshold, as anonlink's solver does. Journeys are then traced across several borders:
an entry into B and the person's next exit from B carry the same keys.
"""

from __future__ import annotations

import base64
import hashlib
import hmac
import io
import re
import unicodedata
from dataclasses import dataclass

import numpy as np
import pandas as pd

from rmis.reference.bcps import load_bcps

BITS = 1024  # the Bloom filter before folding
WORDS = BITS // 64 // 2  # 64-bit words of the folded key (512 bits)
# Hashes per token, by field: names carry most of a person, the sex least.
K = {"surname": 20, "given_names": 12, "birth_date": 12, "sex": 4}
THRESHOLD = 0.80  # the lowest Dice score linked (bench/journeys_bench.py chose it)
KEY_COLUMNS = [
    "token", "host_state", "direction", "partner", "bcp", "local_date", "hour", "clk", "doc_key",
]  # fmt: skip
# The columns before the BCP and the hour were added (the hub refuses them with a hint).
KEY_COLUMNS_BEFORE_HOURS = [c for c in KEY_COLUMNS if c not in ("bcp", "hour")]
# How many hours after an exit the entry on the other side may be recorded: a land crossing
# (both posts of one BCP pair, the queue between them), a flight (a connection outside the
# region included), a ship across the Caspian. And how many before: two states' clocks.
WINDOW_HOURS = {"land": 12, "AIR": 24, "SEA": 48}
EARLY_HOURS = 1
_LETTERS = re.compile(r"[^A-Z ]+")


@dataclass(frozen=True)
class Secret:
    """The secret states agreed for journey keys, and the keys derived from it per use."""

    value: bytes

    def __post_init__(self) -> None:
        if len(self.value) < 32:
            raise ValueError("a linkage secret must be at least 32 bytes")

    def key(self, use: str) -> bytes:
        return hmac.new(self.value, b"rmis-journeys:" + use.encode(), hashlib.sha256).digest()


def load_secret(path) -> Secret:
    """The secret of a journey-keys agreement: base64 of at least 32 bytes in a file the states
    exchanged out of band (never the hub)."""
    try:
        raw = base64.b64decode(path.read_text().strip(), validate=True)
    except OSError as error:
        raise ValueError(f"cannot read the linkage secret {path}: {error}") from error
    except ValueError as error:
        raise ValueError(f"{path} is not base64") from error
    return Secret(raw)


def normalise_name(name: str | None) -> str:
    """Upper-case Latin letters and single spaces: what the MRZ carries (accents folded)."""
    if not name:
        return ""
    text = unicodedata.normalize("NFKD", name.upper())
    text = "".join(c for c in text if not unicodedata.combining(c)).replace("<", " ")
    return " ".join(_LETTERS.sub(" ", text).split())


def _tokens(field: str, value: str) -> list[str]:
    if not value:
        return []
    if field == "birth_date":  # a mistyped digit changes one part, not the whole date
        year, month, day = value[:4], value[5:7], value[8:10]
        return [f"y{year}", f"m{month}", f"d{day}", f"ym{year}{month}", f"md{month}{day}"]
    if field == "sex":
        return [value]
    padded = f"_{value}_"
    return [padded[i : i + 2] for i in range(len(padded) - 1)]


def _field_bits(key: bytes, field: str, value: str, cache: dict[str, np.ndarray]) -> np.ndarray:
    """The 1024-bit filter (16 uint64 words) of one field's value under the field's key;
    `cache` keeps each token's positions (bigrams recur across names)."""
    bits = np.zeros(BITS, bool)
    for token in _tokens(field, value):
        positions = cache.get(token)
        if positions is None:
            digest = hmac.new(key, token.encode(), hashlib.sha256).digest()
            h1 = int.from_bytes(digest[:8], "little") % BITS
            h2 = (int.from_bytes(digest[8:16], "little") | 1) % BITS
            positions = cache[token] = (h1 + np.arange(K[field]) * h2) % BITS
        bits[positions] = True
    return np.packbits(bits, bitorder="little").view(np.uint64)


def encode_identities(frame: pd.DataFrame, secret: Secret) -> tuple[np.ndarray, list[str]]:
    """CLKs (rows x 8 uint64 words, 512 bits) and document keys (hex) of `frame`'s rows:
    columns surname, given_names, birth_date (date or ISO text), sex, issuing_state,
    document_type, document_number. Each distinct value of a field is hashed once."""
    n = len(frame)
    full = np.zeros((n, BITS // 64), np.uint64)
    clean = {
        "surname": normalise_name,
        "given_names": normalise_name,
        "birth_date": lambda d: "" if pd.isna(d) else str(d)[:10],
        "sex": lambda v: "" if pd.isna(v) else str(v),
    }
    for field, normalise in clean.items():
        codes, uniques = pd.factorize(frame[field], use_na_sentinel=False)
        if not len(uniques):
            continue
        key, cache = secret.key(f"field:{field}"), {}
        table = np.stack([_field_bits(key, field, normalise(v), cache) for v in uniques])
        full |= table[codes]
    folded = full[:, :WORDS] ^ full[:, WORDS:]
    doc_secret = secret.key("document")
    documents = (
        frame["issuing_state"].astype(str)
        + "|"
        + frame["document_type"].astype(str)
        + "|"
        + frame["document_number"].astype(str).str.upper()
    )
    codes, uniques = pd.factorize(documents)
    keys = [hmac.new(doc_secret, u.encode(), hashlib.sha256).hexdigest() for u in uniques]
    doc_keys = [keys[c] for c in codes]
    return folded, doc_keys


def encode(crossings: pd.DataFrame, secret: Secret) -> pd.DataFrame:
    """A node's journey keys: one row per crossing (KEY_COLUMNS), the identity only as keys.
    `crossings` has the identity columns of `encode_identities`, host_state, direction,
    partner, bcp, local_date, occurred_at and a token (else a keyed hash of crossing_id, so
    that the record's own ids never leave the node)."""
    clks, doc_keys = encode_identities(crossings, secret)
    out = crossings[["host_state", "direction", "partner", "bcp"]].copy()
    if "token" in crossings:
        out.insert(0, "token", crossings["token"].to_numpy())
    else:
        token_key = secret.key("token")
        out.insert(
            0,
            "token",
            [
                hmac.new(token_key, str(i).encode(), hashlib.sha256).hexdigest()[:32]
                for i in crossings["crossing_id"]
            ],
        )
    out["local_date"] = pd.to_datetime(crossings["local_date"]).dt.strftime("%Y-%m-%d")
    # The hour in UTC (a time without a zone is UTC, as the record keeps it): the two sides of
    # one crossing are in different zones.
    out["hour"] = pd.to_datetime(crossings["occurred_at"], utc=True).dt.strftime("%Y-%m-%dT%H")
    raw = clks.tobytes()
    size = WORDS * 8
    out["clk"] = [base64.b64encode(raw[i : i + size]).decode() for i in range(0, len(raw), size)]
    out["doc_key"] = doc_keys
    return out.reset_index(drop=True)


def write_keys(keys: pd.DataFrame) -> str:
    buffer = io.StringIO()
    keys[KEY_COLUMNS].to_csv(buffer, index=False, lineterminator="\n")
    return buffer.getvalue()


def read_keys(text: str) -> pd.DataFrame:
    """Journey keys back from CSV, checked: exactly KEY_COLUMNS, 512-bit CLKs, hex keys."""
    frame = pd.read_csv(io.StringIO(text), dtype=str, keep_default_na=False)
    if list(frame.columns) == KEY_COLUMNS_BEFORE_HOURS:
        raise ValueError(
            "journey keys without bcp and hour (made by an earlier rmis): encode them again "
            "with this version (rmis exchange send encodes every period anew)"
        )
    if list(frame.columns) != KEY_COLUMNS:
        raise ValueError(f"journey keys must have exactly the columns {', '.join(KEY_COLUMNS)}")
    if not frame.direction.isin(["entry", "exit"]).all():
        raise ValueError("direction must be entry or exit")
    if not frame.doc_key.str.fullmatch(r"[0-9a-f]{64}").all():
        raise ValueError("doc_key must be 64 hex digits (an HMAC-SHA256)")
    if not frame.local_date.str.fullmatch(r"\d{4}-\d{2}-\d{2}").all():
        raise ValueError("local_date must be YYYY-MM-DD")
    if not frame.hour.str.fullmatch(r"\d{4}-\d{2}-\d{2}T\d{2}").all():
        raise ValueError("hour must be YYYY-MM-DDTHH (UTC)")
    try:
        hours_of(frame)
    except ValueError as error:
        raise ValueError("hour must be a real hour, YYYY-MM-DDTHH (UTC)") from error
    bcps = load_bcps()
    state_of = {code: bcps[code].state if code in bcps else None for code in set(frame.bcp)}
    if (frame.bcp.map(state_of) != frame.host_state).any():
        raise ValueError("bcp must be a known BCP of the key's host_state")
    if frame.token.duplicated().any():
        raise ValueError("a token is given twice")
    clks(frame)
    return frame


def clks(keys: pd.DataFrame) -> np.ndarray:
    """The CLKs of `keys` as rows of 8 uint64 words."""
    try:
        raw = b"".join(base64.b64decode(c, validate=True) for c in keys.clk)
    except ValueError as error:
        raise ValueError("clk must be base64") from error
    if len(raw) != len(keys) * WORDS * 8:
        raise ValueError("each clk must be 512 bits (64 bytes)")
    return np.frombuffer(raw, np.uint64).reshape(len(keys), WORDS)


def bitarrays(words: np.ndarray) -> list:
    """CLKs as the bitarrays anonlink compares."""
    from bitarray import bitarray

    out = []
    for row in words:
        bits = bitarray(endian="little")
        bits.frombytes(row.tobytes())
        out.append(bits)
    return out


def link(
    keys: pd.DataFrame,
    threshold: float = THRESHOLD,
    documents: bool = True,
    counts: dict | None = None,
) -> pd.DataFrame:
    """Exits linked to the entries that follow them in another state, on the keys alone.

    An exit and an entry are compared only within one block (`candidates`): the same place
    (the two BCPs of one land crossing; any airport for a flight) and an entry at most
    WINDOW_HOURS after the exit. Equal document keys link first (score 1); the CLKs (Dice, by
    anonlink) compare what they leave. Each exit and each entry is used once, best scores
    first. Without `documents` the CLKs alone decide (what the bench measures them by).
    `counts`, when given, receives what was compared. Returns exit_token, entry_token, score,
    from_state, to_state, exit_date."""
    frame = compact(keys)
    return solve(frame, *candidates(frame, threshold, documents, counts))


# Columns of few distinct values (states, BCPs, days, hours): as categories, each value is one
# string object, not one per row (what reading millions of keys into numpy costs most).
FEW_VALUES = ["host_state", "direction", "partner", "bcp", "local_date", "hour"]


def compact(keys: pd.DataFrame) -> pd.DataFrame:
    """`keys` numbered from 0, its columns of few values as categories (the same values)."""
    frame = keys.reset_index(drop=True)
    return frame.astype({c: "category" for c in FEW_VALUES if c in frame})


def candidates(
    frame: pd.DataFrame,
    threshold: float = THRESHOLD,
    documents: bool = True,
    counts: dict | None = None,
) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """link()'s candidate pairs before the solve: exit rows, entry rows (counted from 0 in
    `frame`) and scores. Blocks never cross a corridor, so any split by corridor gives the same
    pairs (what the Spark linkage relies on)."""
    if frame.empty:
        return np.empty(0, np.int64), np.empty(0, np.int64), np.empty(0)
    direction = frame.direction.to_numpy()
    exits = np.flatnonzero(direction == "exit")
    entries = np.flatnonzero(direction == "entry")
    place, hour, late = blocks_of(frame)
    host = frame.host_state.to_numpy()
    found_a, found_b, found_s = [], [], []
    pairs_by_document = 0
    if documents:
        # The same document at the same place within the window: a sorted join, no comparisons.
        doc = pd.factorize(frame.doc_key)[0].astype(np.int64)
        same = pd.factorize(place)[0].astype(np.int64) * (doc.max() + 1) + doc
        a, b = window_pairs(same, hour, late, exits, entries)
        a, b = a[host[a] != host[b]], b[host[a] != host[b]]
        found_a.append(a)
        found_b.append(b)
        found_s.append(np.ones(len(a)))
        pairs_by_document = len(a)
        # Only exits and entries their document did not pair go on to the CLKs.
        exits = exits[~np.isin(exits, a)]
        entries = entries[~np.isin(entries, b)]
    a, b, scores, compared = dice_pairs(frame, place, hour, late, exits, entries, threshold)
    keep = host[a] != host[b]  # a flight lands in another state
    found_a.append(a[keep])
    found_b.append(b[keep])
    found_s.append(scores[keep])
    if counts is not None:
        counts["pairs_by_document"] = counts.get("pairs_by_document", 0) + pairs_by_document
        counts["dice_comparisons"] = counts.get("dice_comparisons", 0) + compared
        counts["exits_to_dice"] = counts.get("exits_to_dice", 0) + len(exits)
        counts["entries_to_dice"] = counts.get("entries_to_dice", 0) + len(entries)
    return np.concatenate(found_a), np.concatenate(found_b), np.concatenate(found_s)


def blocks_of(keys: pd.DataFrame) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """Each key's place, UTC hour (hours since 1970) and, for an exit, how many hours later
    its entry may come. The place of a land crossing is the exit side's BCP (an entry names
    it through its BCP's counterpart); a flight's is AIR (an exit does not say where it
    lands), a ship's SEA; a BCP the reference does not pair falls back to the corridor."""
    bcps = load_bcps()
    codes, uniques = pd.factorize(keys.bcp.to_numpy())
    # Per distinct BCP: the place its exits and its entries name (None: not paired).
    as_exit = np.array([_paired(bcps, code, code) for code in uniques] + [None], dtype=object)
    as_entry = np.array(
        [_paired(bcps, code, getattr(bcps.get(code), "counterpart", None)) for code in uniques]
        + [None],
        dtype=object,
    )
    leaving = (keys.direction == "exit").to_numpy()
    place = np.where(leaving, as_exit[codes], as_entry[codes])
    unpaired = np.flatnonzero(pd.isna(place))
    if len(unpaired):
        place[unpaired] = corridors_of(keys.iloc[unpaired])
    hour = hours_of(keys)
    partner = keys.partner.to_numpy()
    late = np.where(
        partner == "AIR",
        WINDOW_HOURS["AIR"],
        np.where(partner == "SEA", WINDOW_HOURS["SEA"], WINDOW_HOURS["land"]),
    ).astype(np.int64)
    return place.astype(str), hour, late


def _paired(bcps: dict, code: str, place: str | None) -> str | None:
    known = bcps.get(code)
    return place if known is not None and known.neighbour and known.counterpart else None


def hours_of(keys: pd.DataFrame) -> np.ndarray:
    """The UTC hour of each key's crossing, in hours since 1970."""
    return (
        pd.to_datetime(keys.hour, format="%Y-%m-%dT%H")
        .to_numpy()
        .astype("datetime64[h]")
        .astype(np.int64)
    )


def window_pairs(
    group: np.ndarray, hour: np.ndarray, late: np.ndarray, exits: np.ndarray, entries: np.ndarray
) -> tuple[np.ndarray, np.ndarray]:
    """Every (exit, entry) of the same `group` whose entry hour is from EARLY_HOURS before the
    exit's to `late` hours after it: sorted keys and two binary searches per exit, so the work
    is the pairs found, never every exit against every entry of a group."""
    if not len(exits) or not len(entries):
        return np.empty(0, np.int64), np.empty(0, np.int64)
    base = hour.min() - EARLY_HOURS
    span = int(hour.max() - base + late.max() + 2)  # no window reaches the next group
    key = group.astype(np.int64) * span + (hour - base)
    order = entries[np.argsort(key[entries], kind="stable")]
    sorted_keys = key[order]
    lo = np.searchsorted(sorted_keys, key[exits] - EARLY_HOURS, "left")
    hi = np.searchsorted(sorted_keys, key[exits] + late[exits], "right")
    return _expand(exits, lo, hi, order)


def _expand(
    exits: np.ndarray, lo: np.ndarray, hi: np.ndarray, order: np.ndarray
) -> tuple[np.ndarray, np.ndarray]:
    """Each exit repeated over its range [lo, hi) of `order`."""
    sizes = hi - lo
    total = int(sizes.sum())
    starts = np.repeat(lo - np.concatenate([[0], np.cumsum(sizes)[:-1]]), sizes)
    return np.repeat(exits, sizes), order[starts + np.arange(total)]


def dice_pairs(
    frame: pd.DataFrame,
    place: np.ndarray,
    hour: np.ndarray,
    late: np.ndarray,
    exits: np.ndarray,
    entries: np.ndarray,
    threshold: float,
) -> tuple[np.ndarray, np.ndarray, np.ndarray, int]:
    """The pairs scoring at least `threshold` by anonlink's Dice join (C++), block by block: the
    exits of one place and hour against the entries of that place within the window. Returns
    exit rows, entry rows, scores and the comparisons made."""
    from anonlink.similarities import dice_coefficient_accelerated as dice

    none = np.empty(0, np.int64)
    if not len(exits) or not len(entries):
        return none, none, np.empty(0), 0
    group = pd.factorize(place)[0]
    base = hour.min() - EARLY_HOURS
    span = int(hour.max() - base + late.max() + 2)
    key = group.astype(np.int64) * span + (hour - base)
    xs = exits[np.argsort(key[exits], kind="stable")]
    es = entries[np.argsort(key[entries], kind="stable")]
    words = clks(frame.iloc[np.concatenate([xs, es])])  # only the rows compared
    bits_x, bits_e = bitarrays(words[: len(xs)]), bitarrays(words[len(xs) :])
    entry_keys = key[es]
    # One block per distinct exit key (a place and an hour).
    block_keys, starts = np.unique(key[xs], return_index=True)
    ends = np.r_[starts[1:], len(xs)]
    lo = np.searchsorted(entry_keys, block_keys - EARLY_HOURS, "left")
    hi = np.searchsorted(entry_keys, block_keys + late[xs[starts]], "right")
    found_a, found_b, found_s, compared = [], [], [], 0
    for i0, i1, j0, j1 in zip(starts, ends, lo, hi, strict=True):
        if j1 <= j0:
            continue
        compared += int((i1 - i0) * (j1 - j0))
        sims, (ia, ib) = dice([bits_x[i0:i1], bits_e[j0:j1]], threshold, None)
        if len(sims):
            found_a.append(xs[i0 + np.asarray(ia, np.int64)])
            found_b.append(es[j0 + np.asarray(ib, np.int64)])
            found_s.append(np.asarray(sims, float))
    if not found_a:
        return none, none, np.empty(0), compared
    return np.concatenate(found_a), np.concatenate(found_b), np.concatenate(found_s), compared


def corridors_of(keys: pd.DataFrame) -> np.ndarray:
    """The corridor an exit and the entry after it share: A>B on land; AIR or SEA otherwise."""
    host, partner = keys.host_state.to_numpy(), keys.partner.to_numpy()
    land = ~np.isin(partner, ["AIR", "SEA"])
    leaving = (keys.direction == "exit").to_numpy()
    return np.where(
        land, np.where(leaving, host + ">" + partner, partner + ">" + host), partner
    ).astype(str)


def solve(frame: pd.DataFrame, a: np.ndarray, b: np.ndarray, scores: np.ndarray) -> pd.DataFrame:
    """Best pairs first, each exit and each entry used once (anonlink's greedy solver); among
    equal scores the entry nearest in time to its exit first (a shuttle's two trips in one
    window go each to its own)."""
    a, b, scores = np.asarray(a, np.int64), np.asarray(b, np.int64), np.asarray(scores, float)
    if len(a):
        hour = hours_of(frame)
        gap = np.abs(hour[b] - hour[a])
        order = np.lexsort((b, a, gap, -scores))
        a, b, scores = a[order], b[order], scores[order]
    # A pair whose exit and entry are in no other pair is kept whatever the order: only the
    # rest go through the greedy loop.
    alone = _once(a) & _once(b)
    used_a = set(a[alone].tolist())
    used_b = set(b[alone].tolist())
    kept = alone.copy()
    for k in np.flatnonzero(~alone).tolist():
        x, y = int(a[k]), int(b[k])
        if x in used_a or y in used_b:
            continue
        used_a.add(x)
        used_b.add(y)
        kept[k] = True
    a, b, scores = a[kept], b[kept], scores[kept]

    def taken(column: str, rows: np.ndarray) -> np.ndarray:  # only the linked rows' values
        return frame[column].iloc[rows].to_numpy()

    return pd.DataFrame(
        {
            "exit_token": taken("token", a),
            "entry_token": taken("token", b),
            "score": scores,
            "from_state": taken("host_state", a),
            "to_state": taken("host_state", b),
            "exit_date": taken("local_date", a),
        }
    )


def _once(values: np.ndarray) -> np.ndarray:
    """Which of `values` occur exactly once."""
    _, inverse, counts = np.unique(values, return_inverse=True, return_counts=True)
    return counts[inverse] == 1


def trace(keys: pd.DataFrame, links: pd.DataFrame, stay_days: int = 30) -> pd.DataFrame:
    """Journeys across several borders: each entry linked from an exit is followed, inside the
    state it entered, to the next exit there within `stay_days` with the same document key (the
    same passport), and on along that exit's link. One row per journey: the states in order
    (e.g. TJK>UZB>KAZ>RUS), its first exit token and day, and its number of borders."""
    frame = keys.set_index("token")
    nxt = dict(zip(links.exit_token, links.entry_token, strict=True))
    # Within a state: an entry's next exit of the same document.
    inside = frame[frame.host_state.notna()].reset_index()
    inside = inside.assign(day=pd.to_datetime(inside.local_date))
    inside = inside.sort_values(["host_state", "doc_key", "day", "direction"])
    onward: dict[str, str] = {}
    last_entry: dict[tuple[str, str], tuple[str, pd.Timestamp]] = {}
    for token, state, doc, direction, day in zip(
        inside.token, inside.host_state, inside.doc_key, inside.direction, inside.day, strict=True
    ):
        if direction == "entry":
            last_entry[(state, doc)] = (token, day)
        else:
            seen = last_entry.pop((state, doc), None)
            if seen and (day - seen[1]).days <= stay_days:
                onward[seen[0]] = token
    # Exits that continue a linked entry are not the first border of a journey.
    continuing = {onward[e] for e in links.entry_token if e in onward}
    rows = []
    for start in links.exit_token:
        if start in continuing:
            continue
        states = [frame.at[start, "host_state"]]
        token, borders = start, 0
        while token in nxt and borders < 20:
            entry = nxt[token]
            states.append(frame.at[entry, "host_state"])
            borders += 1
            token = onward.get(entry)
            if token is None:
                break
        rows.append((">".join(states), start, frame.at[start, "local_date"], borders))
    return pd.DataFrame(rows, columns=["states", "first_exit", "day", "borders"])
