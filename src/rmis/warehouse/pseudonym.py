"""The installation's secret for keyed pseudonyms (the warehouse's person_key and holder_key).

An unkeyed hash of names and a birth date is undone by hashing the names and dates one
suspects; an HMAC under a secret key can only be recomputed by whoever holds the key. The key
lives in a file outside the warehouse (by default `$RMIS_DATA_DIR/warehouse.key`, readable by
its owner only); the warehouse keeps only its fingerprint, so a sync can tell that documents
were written under another key, or none, and write them again (sync.py).
"""

from __future__ import annotations

import hashlib
import hmac
import os
import secrets
import uuid
from datetime import date
from pathlib import Path

KEY_BYTES = 32


class PseudonymKeyError(Exception):
    """The key file cannot be read or is too short: the message says which file and why."""


def pseudonym(key: bytes, text: str) -> str:
    """HMAC-SHA-256 of `text` under `key`, the first 128 bits in hex."""
    return hmac.new(key, text.encode(), hashlib.sha256).hexdigest()[:32]


class Keyed:
    """The warehouse's pseudonyms under one key, for many values: the HMAC's keyed state is made
    once and copied per value (about 2.5 times faster than a new HMAC each time)."""

    def __init__(self, key: bytes) -> None:
        self._base = hmac.new(key, digestmod=hashlib.sha256)

    def of(self, text: str) -> str:
        """pseudonym(key, text)."""
        mac = self._base.copy()
        mac.update(text.encode())
        return mac.hexdigest()[:32]

    def person(self, traveller_id: str) -> str:
        """The warehouse's name for a person: a pseudonym of the person's traveller id in the
        record. The prefix keeps it apart from every holder key (which begins with a state)."""
        return self.of(f"person|{traveller_id}")

    def holder(
        self,
        issuing_state: str,
        nationality: str,
        birth: date | None,
        sex: str,
        surname: str,
        given: str,
    ) -> str | None:
        """The holder's pseudonym (columns.DOCUMENTS): equal for two documents when the issuing
        state, nationality, birth date, sex and names (letters only, case folded) are equal;
        None without a birth date."""
        if birth is None:
            return None
        names = ["".join(ch for ch in n.casefold() if ch.isalpha()) for n in (surname, given)]
        return self.of("|".join([issuing_state, nationality, birth.isoformat(), sex, *names]))


def person_key(key: bytes, traveller_id: str) -> str:
    return Keyed(key).person(traveller_id)


def holder_key(
    key: bytes,
    issuing_state: str,
    nationality: str,
    birth: date | None,
    sex: str,
    surname: str,
    given: str,
) -> str | None:
    return Keyed(key).holder(issuing_state, nationality, birth, sex, surname, given)


def fingerprint(key: bytes) -> str:
    """Tells keys apart without revealing them (a MAC of a fixed text no holder key is made of)."""
    return pseudonym(key, "rmis key fingerprint")[:16]


def default_key_file(root: Path) -> Path:
    """Beside the warehouse directory, never in it, so whoever is handed the warehouse (an
    analyst, an export) does not get the key: `<data>/warehouse` -> `<data>/warehouse.key`."""
    return root.parent / f"{root.name}.key"


def load_or_create_key(path: Path) -> bytes:
    """The key held in `path`; a new random one is written there first if there is none."""
    try:
        if not path.exists():
            _create(path)
        key = path.read_bytes()
    except OSError as error:
        raise PseudonymKeyError(
            f"cannot read or create the warehouse key {path}: {error.strerror}. It must be "
            "readable by the user running rmis (RMIS_WAREHOUSE_KEY_FILE names another file)"
        ) from error
    if len(key) < KEY_BYTES:
        raise PseudonymKeyError(
            f"the warehouse key {path} holds {len(key)} bytes, fewer than {KEY_BYTES}: restore "
            "it from a backup, or delete it to have a new key made (the next sync then writes "
            "the warehouse's documents again under the new key)"
        )
    return key


def _create(path: Path) -> None:
    path.parent.mkdir(parents=True, exist_ok=True)
    # Written whole under a draft name with owner-only permissions, then linked into place:
    # no reader sees a half-written key, and when two processes race the first one's key wins.
    draft = path.with_name(f".{path.name}.{uuid.uuid4().hex}")
    descriptor = os.open(draft, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600)
    try:
        with os.fdopen(descriptor, "wb") as f:
            f.write(secrets.token_bytes(KEY_BYTES))
            f.flush()
            os.fsync(f.fileno())
        os.link(draft, path)
    except FileExistsError:
        pass
    finally:
        draft.unlink(missing_ok=True)
