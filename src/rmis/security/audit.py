"""The audit log: who read or wrote which personal data, when and why, in a hash chain.

Each row's hash covers its content and the previous row's hash, so deleting or altering a row
breaks the chain from that row on; `verify_chain` finds the first broken row.
"""

from __future__ import annotations

import hashlib
import json
from datetime import UTC, datetime
from typing import Any

from sqlalchemy import Connection, insert, select

from rmis.store.schema import audit_log

GENESIS = "0" * 64
# Any fixed number: appends on PostgreSQL take this transaction lock so the chain cannot fork.
AUDIT_LOCK_KEY = 0x524D4953


_CHAIN_HEAD = select(audit_log.c.hash).order_by(audit_log.c.seq.desc()).limit(1)
_INSERT_AUDIT = insert(audit_log)
# PostgreSQL: take the lock, then read the head, in one round trip. Two statements in one
# simple query run one after the other, each with its own snapshot (READ COMMITTED), so the
# head is read after the lock is held and sees the row of whoever held it last. One statement
# could not do it: its snapshot would be taken before it waited for the lock.
_LOCKED_CHAIN_HEAD = (
    f"SELECT pg_advisory_xact_lock({AUDIT_LOCK_KEY}); "
    "SELECT hash FROM audit_log ORDER BY seq DESC LIMIT 1"
)


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


def _chain_head(connection: Connection) -> str | None:
    """The newest row's hash, read while holding what keeps others from appending until commit:
    on PostgreSQL the chain's advisory lock, on SQLite the database's write lock."""
    if connection.dialect.name == "sqlite":
        # sqlite3 opens a transaction only at the first write, so a caller that has only read
        # (a read, a re-sent crossing) holds no lock yet: another writer could append between
        # our read of the head and our insert, and fork the chain. Take the write lock first.
        if not connection.connection.driver_connection.in_transaction:
            connection.exec_driver_sql("BEGIN IMMEDIATE")
        return connection.execute(_CHAIN_HEAD).scalar()
    if connection.dialect.name != "postgresql":
        raise NotImplementedError(f"no audit chain lock for {connection.dialect.name}")
    result = connection.exec_driver_sql(_LOCKED_CHAIN_HEAD)
    try:
        cursor = result.cursor
        if not cursor.nextset():
            raise RuntimeError("the audit chain's head query returned one result, not two")
        row = cursor.fetchone()
    finally:
        result.close()
    return None if row is None else row[0]


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
    # Stored as JSON: dates and UUIDs become text before both storing and hashing.
    detail = json.loads(json.dumps(detail, default=str))
    prev_hash = _chain_head(connection) or GENESIS
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
