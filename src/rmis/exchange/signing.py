"""Ed25519 keys of a national node: the private key stays on the node (owner-only file), the
public key is registered at the hub, which verifies every submission against it."""

from __future__ import annotations

import base64
import os
from pathlib import Path

from cryptography.exceptions import InvalidSignature
from cryptography.hazmat.primitives import serialization
from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PrivateKey, Ed25519PublicKey


class KeyProblem(ValueError):
    """A key that cannot be read as an Ed25519 key."""


def new_key(path: Path) -> str:
    """Make a node's private key at `path` (owner-only; an existing key is never overwritten)
    and return its public key, base64."""
    key = Ed25519PrivateKey.generate()
    raw = key.private_bytes(
        serialization.Encoding.Raw, serialization.PrivateFormat.Raw, serialization.NoEncryption()
    )
    path.parent.mkdir(parents=True, exist_ok=True)
    fd = os.open(path, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600)
    with os.fdopen(fd, "w") as out:
        out.write(base64.b64encode(raw).decode() + "\n")
    return public_key_of(key)


def load_key(path: Path) -> Ed25519PrivateKey:
    try:
        raw = base64.b64decode(path.read_text().strip(), validate=True)
        return Ed25519PrivateKey.from_private_bytes(raw)
    except OSError as error:
        raise KeyProblem(f"cannot read the node key {path}: {error}") from error
    except ValueError as error:
        raise KeyProblem(f"{path} is not an Ed25519 private key (base64 of 32 bytes)") from error


def public_key_of(key: Ed25519PrivateKey) -> str:
    raw = key.public_key().public_bytes(serialization.Encoding.Raw, serialization.PublicFormat.Raw)
    return base64.b64encode(raw).decode()


def read_public_key(text: str) -> Ed25519PublicKey:
    try:
        return Ed25519PublicKey.from_public_bytes(base64.b64decode(text.strip(), validate=True))
    except ValueError as error:
        raise KeyProblem("not an Ed25519 public key (base64 of 32 bytes)") from error


def sign(key: Ed25519PrivateKey, message: bytes) -> str:
    return base64.b64encode(key.sign(message)).decode()


def verifies(public_key: str, message: bytes, signature: str) -> bool:
    try:
        read_public_key(public_key).verify(base64.b64decode(signature, validate=True), message)
    except (InvalidSignature, ValueError, KeyProblem):
        return False
    return True
