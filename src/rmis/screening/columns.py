"""Compact columns for an index of millions of entries: strings in one buffer with offsets,
and small vocabularies of repeated values (list names, country codes, statuses). A Python
object per entry or per document would cost a hundred bytes and more each.
"""

from __future__ import annotations

from array import array

import numpy as np


class StringColumn:
    """Many short strings in one UTF-8 buffer; `append` while building, `freeze` once, then
    `[i]` to read one back."""

    def __init__(self) -> None:
        self._buffer = bytearray()
        self._ends = array("q")
        self._frozen: tuple[bytes, np.ndarray] | None = None

    def append(self, text: str) -> int:
        self._buffer += text.encode("utf-8")
        self._ends.append(len(self._buffer))
        return len(self._ends) - 1

    def freeze(self) -> None:
        ends = np.frombuffer(self._ends, dtype=np.int64)
        dtype = np.uint32 if len(self._buffer) < 2**32 else np.int64
        self._frozen = (bytes(self._buffer), np.concatenate([[0], ends]).astype(dtype))
        self._buffer = bytearray()
        self._ends = array("q")

    def __getitem__(self, i: int) -> str:
        if self._frozen is None:
            start = self._ends[i - 1] if i else 0
            return self._buffer[start : self._ends[i]].decode("utf-8")
        data, offsets = self._frozen
        return data[offsets[i] : offsets[i + 1]].decode("utf-8")

    def __len__(self) -> int:
        return len(self._ends) if self._frozen is None else len(self._frozen[1]) - 1

    def nbytes(self) -> int:
        if self._frozen is None:
            return len(self._buffer) + self._ends.itemsize * len(self._ends)
        return len(self._frozen[0]) + self._frozen[1].nbytes


class Vocabulary:
    """Distinct values to small integers and back."""

    def __init__(self) -> None:
        self.ids: dict[str, int] = {}
        self.values: list[str] = []

    def id(self, value: str) -> int:
        found = self.ids.get(value)
        if found is None:
            found = self.ids[value] = len(self.values)
            self.values.append(value)
        return found

    def __len__(self) -> int:
        return len(self.values)


class PairPostings:
    """Rows posted under 64-bit codes (a pair of word ids, one word id...): appended while
    building, sorted once, looked up for many codes at a time."""

    def __init__(self) -> None:
        self._codes = array("q")
        self._rows = array("i")
        self.codes = np.zeros(0, dtype=np.int64)
        self.rows = np.zeros(0, dtype=np.int32)

    def add(self, code: int, row: int) -> None:
        self._codes.append(code)
        self._rows.append(row)

    def freeze(self) -> None:
        codes = np.frombuffer(self._codes, dtype=np.int64)
        rows = np.frombuffer(self._rows, dtype=np.int32)
        order = np.argsort(codes, kind="stable")
        self.codes, self.rows = codes[order], rows[order]
        self._codes, self._rows = array("q"), array("i")

    def lookup(self, codes: np.ndarray) -> np.ndarray:
        """Every row posted under any of `codes` (with repeats)."""
        if not len(codes) or not len(self.codes):
            return np.zeros(0, dtype=np.int32)
        # One search for both ends: the codes are integers, so the end of code c's rows is
        # the start of c + 1's.
        ends = np.searchsorted(self.codes, np.concatenate([codes, codes + 1]))
        left, right = ends[: len(codes)], ends[len(codes) :]
        found = right > left
        if not found.any():
            return np.zeros(0, dtype=np.int32)
        left, right = left[found], right[found]
        if len(left) == 1:
            return self.rows[left[0] : right[0]]
        return np.concatenate(
            [self.rows[a:b] for a, b in zip(left.tolist(), right.tolist(), strict=True)]
        )

    def nbytes(self) -> int:
        return self.codes.nbytes + self.rows.nbytes
