"""The audit log: who read or wrote which personal data, when and why, in a hash chain.

Each row's hash covers its content and the previous row's hash, so deleting or altering a row
breaks the chain from that row on; `verify_chain` finds the first broken row.
"""

from __future__ import annotations

import hashlib
import json
from datetime import UTC, datetime
from typing import Any

from sqlalchemy import Connection, insert, select, text

from rmis.registry.schema import audit_log

GENESIS = "0" * 64
# Any fixed number: appends on PostgreSQL take this transaction lock so the chain cannot fork.
AUDIT_LOCK_KEY = 0x524D4953


_CHAIN_HEAD = select(audit_log.c.hash).order_by(audit_log.c.seq.desc()).limit(1)
_INSERT_AUDIT = insert(audit_log)
_CHAIN_LOCK = text("SELECT pg_advisory_xact_lock(:key)")


def _utc_iso(at: datetime) -> str:
    # SQLite hands back naive datetimes, PostgreSQL aware ones: hash the same UTC text for both.
    if at.tzinfo is not None:
        at = at.astimezone(UTC).replace(tzinfo=None)
    return at.isoformat()


def _digest(
    prev_hash: str,
    at: datetime,
    principal: str,
    action: str,
    subject: str,
    purpose: str,
    detail: Any,
) -> str:
    payload = json.dumps(
        [prev_hash, _utc_iso(at), principal, action, subject, purpose, detail],
        sort_keys=True,
        separators=(",", ":"),
        default=str,
    )
    return hashlib.sha256(payload.encode()).hexdigest()


def append_audit(
    connection: Connection,
    *,
    at: datetime,
    principal: str,
    action: str,
    subject: str,
    purpose: str,
    detail: Any = None,
) -> None:
    """Append one audit row inside the caller's transaction (so it commits with the action)."""
    if connection.dialect.name == "postgresql":
        connection.execute(_CHAIN_LOCK, {"key": AUDIT_LOCK_KEY})
    # Stored as JSON: dates and UUIDs become text before both storing and hashing.
    detail = json.loads(json.dumps(detail, default=str))
    last = connection.execute(_CHAIN_HEAD).scalar()
    prev_hash = last or GENESIS
    connection.execute(
        _INSERT_AUDIT,
        {
            "at": at,
            "principal": principal,
            "action": action,
            "subject": subject,
            "purpose": purpose,
            "detail": detail,
            "prev_hash": prev_hash,
            "hash": _digest(prev_hash, at, principal, action, subject, purpose, detail),
        },
    )


def verify_chain(connection: Connection) -> int | None:
    """The seq of the first row whose hash does not hold, or None when the chain is whole."""
    prev_hash = GENESIS
    for row in connection.execute(select(audit_log).order_by(audit_log.c.seq)).mappings():
        at = row["at"]
        expected = _digest(
            prev_hash,
            at,
            row["principal"],
            row["action"],
            row["subject"],
            row["purpose"],
            row["detail"],
        )
        if row["prev_hash"] != prev_hash or row["hash"] != expected:
            return row["seq"]
        prev_hash = row["hash"]
    return None
