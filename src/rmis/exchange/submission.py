"""A submission: what a node sends the hub, as one signed envelope.

The envelope is JSON text (keys sorted, no spaces) carried as a string, so that the bytes the
node signed are the bytes the hub verifies; its SHA-256 is the submission's identity (a resend
is the same digest, recorded once). `version` counts the node's editions of one dataflow and
period: a newer one replaces the older in the hub's figures, both stay in its history.
"""

from __future__ import annotations

import hashlib
import json
from dataclasses import dataclass

from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PrivateKey

from rmis.exchange.signing import sign, verifies

FIELDS = ("sender", "agreement", "kind", "dataflow", "period", "version", "created", "payload")


class BadSubmission(ValueError):
    """A submission that is not well formed (before any question of agreements)."""


@dataclass(frozen=True, slots=True)
class Submission:
    envelope: str  # the canonical JSON text that was signed
    signature: str  # base64 Ed25519 signature of envelope's UTF-8 bytes

    @property
    def digest(self) -> str:
        return hashlib.sha256(self.envelope.encode()).hexdigest()

    def fields(self) -> dict:
        return read_envelope(self.envelope)

    def verified_by(self, public_key: str) -> bool:
        return verifies(public_key, self.envelope.encode(), self.signature)

    def as_json(self) -> dict:
        return {"envelope": self.envelope, "signature": self.signature}


def make_submission(key: Ed25519PrivateKey, **fields) -> Submission:
    missing = [f for f in FIELDS if f not in fields]
    if missing:
        raise BadSubmission(f"missing {', '.join(missing)}")
    envelope = canonical({f: fields[f] for f in FIELDS})
    read_envelope(envelope)
    return Submission(envelope, sign(key, envelope.encode()))


def canonical(fields: dict) -> str:
    return json.dumps(fields, sort_keys=True, separators=(",", ":"), ensure_ascii=False)


def read_envelope(envelope: str) -> dict:
    try:
        fields = json.loads(envelope)
    except ValueError as error:
        raise BadSubmission("the envelope is not JSON") from error
    if not isinstance(fields, dict) or sorted(fields) != sorted(FIELDS):
        raise BadSubmission(f"the envelope must have exactly: {', '.join(FIELDS)}")
    for name in FIELDS:
        want = int if name == "version" else str
        if not isinstance(fields[name], want) or isinstance(fields[name], bool):
            raise BadSubmission(f"{name} must be a {want.__name__}")
    if fields["version"] < 1:
        raise BadSubmission("version must be 1 or more")
    if envelope != canonical(fields):
        raise BadSubmission("the envelope is not in canonical form (sorted keys, no spaces)")
    return fields
