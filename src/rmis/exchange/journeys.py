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

With them the hub sees where and when (host state, direction, partner state, day), never a
name, birth date or document number. The hub links A's exits to B's entries on those keys
alone: blocks of one corridor and one or two days, the Dice coefficient of the CLKs by
anonlink's join (equal document keys score 1), and a greedy one-to-one match above a threshold,
as anonlink's solver does. Journeys are then traced across several borders: an entry into B
and the person's next exit from B carry the same keys.
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

BITS = 1024  # the Bloom filter before folding
WORDS = BITS // 64 // 2  # 64-bit words of the folded key (512 bits)
# Hashes per token, by field: names carry most of a person, the sex least.
K = {"surname": 20, "given_names": 12, "birth_date": 12, "sex": 4}
THRESHOLD = 0.80  # the lowest Dice score linked (bench/journeys_bench.py chose it)
KEY_COLUMNS = ["token", "host_state", "direction", "partner", "local_date", "clk", "doc_key"]
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
    partner, local_date and a token (else a keyed hash of crossing_id, so that the record's
    own ids never leave the node)."""
    clks, doc_keys = encode_identities(crossings, secret)
    out = crossings[["host_state", "direction", "partner"]].copy()
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
    if list(frame.columns) != KEY_COLUMNS:
        raise ValueError(f"journey keys must have exactly the columns {', '.join(KEY_COLUMNS)}")
    if not frame.direction.isin(["entry", "exit"]).all():
        raise ValueError("direction must be entry or exit")
    if not frame.doc_key.str.fullmatch(r"[0-9a-f]{64}").all():
        raise ValueError("doc_key must be 64 hex digits (an HMAC-SHA256)")
    if not frame.local_date.str.fullmatch(r"\d{4}-\d{2}-\d{2}").all():
        raise ValueError("local_date must be YYYY-MM-DD")
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
    keys: pd.DataFrame, threshold: float = THRESHOLD, days: int = 1, documents: bool = True
) -> pd.DataFrame:
    """Exits linked to the entries that follow them in another state, on the keys alone.

    An exit from A towards B (land) may be followed by an entry into B from A the same day or
    up to `days` later; an exit by air, by an entry by air into any other state. Within each
    block the pairs score the Dice of their CLKs (1 where the document keys are equal); each
    exit and each entry is used once, best scores first. Without `documents` the CLKs alone
    decide (what the bench measures them by). Returns exit_token, entry_token,
    score, from_state, to_state, exit_date."""
    frame = keys.reset_index(drop=True)
    return solve(frame, candidates(frame, threshold, days, documents))


def candidates(
    frame: pd.DataFrame, threshold: float = THRESHOLD, days: int = 1, documents: bool = True
) -> list[tuple[int, int, float]]:
    """link()'s candidate pairs before the solve: (exit row, entry row, score), rows counted
    from 0 in `frame`. Blocks never cross a corridor, so any split by corridor gives the same
    pairs (what the Spark linkage relies on)."""
    bits = bitarrays(clks(frame))
    day = days_of(frame)
    corridor = corridors_of(frame)
    doc, host = frame.doc_key.to_numpy(), frame.host_state.to_numpy()
    exits = np.flatnonzero((frame.direction == "exit").to_numpy())
    entries = np.flatnonzero((frame.direction == "entry").to_numpy())
    by_block: dict[tuple[str, int], list[int]] = {}
    for j in entries:
        by_block.setdefault((corridor[j], int(day[j])), []).append(int(j))
    exit_blocks: dict[tuple[str, int], list[int]] = {}
    for i in exits:
        exit_blocks.setdefault((corridor[i], int(day[i])), []).append(int(i))
    rows: list[tuple[int, int, float]] = []
    for (c, d), a in exit_blocks.items():
        b = [j for step in range(days + 1) for j in by_block.get((c, d + step), [])]
        if not b:
            continue
        ia, ib, scores = block_pairs(
            [bits[i] for i in a],
            [bits[j] for j in b],
            doc[a],
            doc[b],
            host[a],
            host[b],
            threshold,
            documents,
        )
        rows.extend(
            zip(np.asarray(a)[ia].tolist(), np.asarray(b)[ib].tolist(), scores, strict=True)
        )
    return rows


def days_of(keys: pd.DataFrame) -> np.ndarray:
    return pd.to_datetime(keys.local_date).to_numpy().astype("datetime64[D]").astype(np.int64)


def corridors_of(keys: pd.DataFrame) -> np.ndarray:
    """The corridor an exit and the entry after it share: A>B on land; AIR or SEA otherwise."""
    host, partner = keys.host_state.to_numpy(), keys.partner.to_numpy()
    land = ~np.isin(partner, ["AIR", "SEA"])
    leaving = (keys.direction == "exit").to_numpy()
    return np.where(
        land, np.where(leaving, host + ">" + partner, partner + ">" + host), partner
    ).astype(str)


def block_pairs(
    bits_a: list, bits_b: list, doc_a, doc_b, host_a, host_b, threshold: float, documents: bool
) -> tuple[np.ndarray, np.ndarray, list[float]]:
    """The pairs of one block scoring at least `threshold`: anonlink's Dice join (C++) of the
    CLKs, equal document keys scoring 1, none within one state (a flight lands in another).
    Indices into the block's exits and entries, and their scores."""
    from anonlink.similarities import dice_coefficient_accelerated as dice

    found: dict[tuple[int, int], float] = {}
    sims, (ia, ib) = dice([bits_a, bits_b], threshold, None)
    for score, i, j in zip(sims, ia, ib, strict=True):
        found[(int(i), int(j))] = float(score)
    if documents:
        by_doc: dict[str, list[int]] = {}
        for j, key in enumerate(doc_b):
            by_doc.setdefault(key, []).append(j)
        for i, key in enumerate(doc_a):
            for j in by_doc.get(key, ()):
                found[(i, j)] = 1.0
    kept = [(i, j, v) for (i, j), v in found.items() if host_a[i] != host_b[j]]
    return (
        np.array([r[0] for r in kept], np.int64),
        np.array([r[1] for r in kept], np.int64),
        [r[2] for r in kept],
    )


def solve(frame: pd.DataFrame, rows: list[tuple[int, int, float]]) -> pd.DataFrame:
    """Best pairs first, each exit and each entry used once (anonlink's greedy solver)."""
    rows.sort(key=lambda r: (-r[2], r[0], r[1]))
    used_a: set[int] = set()
    used_b: set[int] = set()
    kept = []
    for a, b, score in rows:
        if a in used_a or b in used_b:
            continue
        used_a.add(a)
        used_b.add(b)
        kept.append((a, b, score))
    a = np.array([r[0] for r in kept], np.int64)
    b = np.array([r[1] for r in kept], np.int64)
    return pd.DataFrame(
        {
            "exit_token": frame.token.to_numpy()[a],
            "entry_token": frame.token.to_numpy()[b],
            "score": np.array([r[2] for r in kept], float),
            "from_state": frame.host_state.to_numpy()[a],
            "to_state": frame.host_state.to_numpy()[b],
            "exit_date": frame.local_date.to_numpy()[a],
        }
    )


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
