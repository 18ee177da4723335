"""UUIDv7 identifiers made many at a time, for the travellers and documents a bulk import adds.

One `uuid7()` call per new document costs more than inserting the document; these are made with
NumPy instead: the 48-bit millisecond clock, the version and variant bits, random bits elsewhere
(RFC 9562, section 5.7), as canonical lowercase text.
"""

from __future__ import annotations

import secrets
import time

import numpy as np
import pyarrow as pa

_HEX_DIGITS = np.frombuffer(b"0123456789abcdef", dtype=np.uint8)
_HYPHEN_AFTER = (8, 12, 16, 20)  # hex digits before each hyphen of the canonical form


def uuid7_texts(count: int) -> pa.StringArray:
    """`count` distinct UUIDv7 values as canonical text (8-4-4-4-12 lowercase hex)."""
    raw = np.frombuffer(secrets.token_bytes(16 * count), dtype=np.uint8).reshape(count, 16).copy()
    millis = time.time_ns() // 1_000_000
    raw[:, :6] = np.frombuffer(millis.to_bytes(6, "big"), dtype=np.uint8)
    raw[:, 6] = (raw[:, 6] & 0x0F) | 0x70  # version 7
    raw[:, 8] = (raw[:, 8] & 0x3F) | 0x80  # variant 10
    digits = np.empty((count, 32), dtype=np.uint8)
    digits[:, 0::2] = _HEX_DIGITS[raw >> 4]
    digits[:, 1::2] = _HEX_DIGITS[raw & 0x0F]
    text = np.insert(digits, _HYPHEN_AFTER, ord("-"), axis=1)
    fixed = pa.FixedSizeBinaryArray.from_buffers(
        pa.binary(36), count, [None, pa.py_buffer(np.ascontiguousarray(text).tobytes())]
    )
    return fixed.cast(pa.binary()).cast(pa.string())
