"""The audit keyring: the secrets the audit chain is keyed with, in a file outside the database.

Whoever can write the database but not read this file cannot recompute a link, so an altered or
removed audit row shows. Rotating adds a key and links from then on use it; every key stays in
the ring, so links made under an old key still verify (each link names its key).
"""

from __future__ import annotations

import json
import os
import secrets
from dataclasses import dataclass
from pathlib import Path

KEY_BYTES = 32


class KeyringError(RuntimeError):
    """The keyring cannot be read, written or does not hold a key a link names."""


@dataclass(frozen=True, slots=True)
class AuditKeys:
    keys: tuple[tuple[str, bytes], ...]  # (key id, secret), oldest first; the last is current

    @property
    def current(self) -> tuple[str, bytes]:
        return self.keys[-1]

    def secret(self, key_id: str) -> bytes:
        for kid, secret in self.keys:
            if kid == key_id:
                return secret
        raise KeyringError(f"the audit keyring holds no key {key_id!r}")

    @classmethod
    def generate(cls) -> AuditKeys:
        return cls(((_new_id(), secrets.token_bytes(KEY_BYTES)),))

    def rotated(self) -> AuditKeys:
        return AuditKeys((*self.keys, (_new_id(), secrets.token_bytes(KEY_BYTES))))

    def to_json(self) -> str:
        return json.dumps(
            {"keys": [{"id": kid, "secret": secret.hex()} for kid, secret in self.keys]},
            indent=1,
        )

    @classmethod
    def from_json(cls, text: str, source: str = "the keyring") -> AuditKeys:
        try:
            keys = tuple((k["id"], bytes.fromhex(k["secret"])) for k in json.loads(text)["keys"])
        except (ValueError, KeyError, TypeError) as error:
            raise KeyringError(f"{source} is not an rmis audit keyring: {error}") from None
        if not keys or any(len(secret) < KEY_BYTES for _, secret in keys):
            raise KeyringError(f"{source} holds no key, or a key shorter than {KEY_BYTES} bytes")
        return cls(keys)


def _new_id() -> str:
    return secrets.token_hex(4)


def write_private(path: Path, text: str) -> None:
    """Write `text` to `path` readable by its owner only, whole or not at all."""
    path.parent.mkdir(parents=True, exist_ok=True)
    temporary = path.with_name(f".{path.name}.{secrets.token_hex(4)}")
    descriptor = os.open(temporary, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600)
    with os.fdopen(descriptor, "w") as handle:
        handle.write(text)
        handle.flush()
        os.fsync(handle.fileno())
    os.replace(temporary, path)


def load_keys(path: Path, *, create: bool = True) -> AuditKeys:
    """The keyring in `path`; with `create`, a new one is made there first when there is none."""
    if not path.exists():
        if not create:
            raise KeyringError(f"no audit keyring at {path}")
        write_private(path, AuditKeys.generate().to_json())
    try:
        text = path.read_text()
    except OSError as error:
        raise KeyringError(f"cannot read the audit keyring {path}: {error.strerror}") from None
    return AuditKeys.from_json(text, str(path))


def rotate_keys(path: Path) -> AuditKeys:
    """Add a new current key to the ring in `path`; the old ones stay to verify old links."""
    keys = load_keys(path).rotated()
    write_private(path, keys.to_json())
    return keys
