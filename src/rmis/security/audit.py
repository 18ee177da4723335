"""The audit log: who read or wrote which personal data, when and why, in a keyed chain.

Writing a row takes no lock: it carries the digest of its own content only, so audited reads
and recordings never wait on each other for the log. One sealer (`seal_audit`: a thread of
`rmis serve`, or `rmis audit seal`) links the rows into a chain in the order it finds them
committed: link n = HMAC(key, link n-1, n, the row's seq, the row's digest), under a key held
outside the database (keys.py), and writes the head to a signed checkpoint file. So a row
altered (even with its digest recomputed), a row removed, or a link forged shows in
`verify_audit`, and so does the tail removed, against the checkpoint. Rows written since the
last seal (seconds, under `rmis serve`) are protected by nothing yet: they are counted apart.
"""

from __future__ import annotations

import hashlib
import hmac
import json
from dataclasses import dataclass
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

from sqlalchemy import Connection, Engine, exists, func, insert, select

from rmis.security.keys import AuditKeys, KeyringError, write_private
from rmis.store.schema import audit_links, audit_log

GENESIS = "0" * 64
# Any fixed number: sealers on PostgreSQL take this transaction lock so the chain cannot fork.
AUDIT_LOCK_KEY = 0x524D4953
# How far below the newest sealed row the sealer looks for rows committed late (a transaction
# that took its seq before others but committed after them, on PostgreSQL).
LATE_WINDOW = 10_000
SEAL_BATCH = 5_000

_INSERT_AUDIT = insert(audit_log)
_IS_LINKED = exists().where(audit_links.c.seq == audit_log.c.seq)


def _utc_iso(at: datetime) -> str:
    # SQLite hands back naive datetimes, PostgreSQL aware ones: hash the same UTC text for both.
    if at.tzinfo is not None:
        at = at.astimezone(UTC).replace(tzinfo=None)
    return at.isoformat()


def content_digest(
    at: datetime, principal: str, action: str, subject: str, purpose: str, detail: Any
) -> str:
    payload = json.dumps(
        [_utc_iso(at), principal, action, subject, purpose, detail],
        sort_keys=True,
        separators=(",", ":"),
        default=str,
    )
    return hashlib.sha256(payload.encode()).hexdigest()


def _row_digest(row) -> str:
    return content_digest(
        row["at"], row["principal"], row["action"], row["subject"], row["purpose"], row["detail"]
    )


def chain_link(secret: bytes, prev_link: str, pos: int, seq: int, digest: str) -> str:
    message = f"{prev_link}:{pos}:{seq}:{digest}".encode()
    return hmac.new(secret, message, hashlib.sha256).hexdigest()


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
    connection.execute(
        _INSERT_AUDIT,
        {
            "at": at,
            "principal": principal,
            "action": action,
            "subject": subject,
            "purpose": purpose,
            "detail": detail,
            "hash": content_digest(at, principal, action, subject, purpose, detail),
        },
    )


def append_audit_now(engine: Engine, **row: Any) -> None:
    """One audit row in a transaction of its own: for refusals, whose request's work was
    rolled back (a refused read leaves the record as it was, but not the log)."""
    with engine.begin() as connection:
        append_audit(connection, **row)


# --- sealing -------------------------------------------------------------------------------


@dataclass(frozen=True, slots=True)
class Checkpoint:
    pos: int
    seq: int
    link: str
    at: datetime
    key_id: str
    mac: str

    def _message(self) -> bytes:
        fields = [self.pos, self.seq, self.link, _utc_iso(self.at), self.key_id]
        return json.dumps(fields, separators=(",", ":")).encode()

    @classmethod
    def signed(cls, keys: AuditKeys, pos: int, seq: int, link: str, at: datetime) -> Checkpoint:
        key_id, secret = keys.current
        unsigned = cls(pos, seq, link, at, key_id, "")
        mac = hmac.new(secret, b"checkpoint:" + unsigned._message(), hashlib.sha256).hexdigest()
        return cls(pos, seq, link, at, key_id, mac)

    def holds(self, keys: AuditKeys) -> bool:
        secret = keys.secret(self.key_id)
        mac = hmac.new(secret, b"checkpoint:" + self._message(), hashlib.sha256).hexdigest()
        return hmac.compare_digest(mac, self.mac)

    def to_json(self) -> str:
        return json.dumps(
            {"pos": self.pos, "seq": self.seq, "link": self.link, "at": self.at.isoformat(),
             "key_id": self.key_id, "mac": self.mac}
        )  # fmt: skip

    @classmethod
    def read(cls, path: Path) -> Checkpoint | None:
        if not path.exists():
            return None
        data = json.loads(path.read_text())
        return cls(
            data["pos"], data["seq"], data["link"], datetime.fromisoformat(data["at"]),
            data["key_id"], data["mac"],
        )  # fmt: skip


@dataclass(frozen=True, slots=True)
class Sealed:
    rows: int  # rows linked by this run
    head_pos: int  # the chain's length after it (0: empty)


def _lock_chain(connection: Connection) -> None:
    if connection.dialect.name == "sqlite":
        connection.exec_driver_sql("BEGIN IMMEDIATE")
    else:
        connection.exec_driver_sql(f"SELECT pg_advisory_xact_lock({AUDIT_LOCK_KEY})")


def seal_audit(
    engine: Engine, keys: AuditKeys, now: datetime, checkpoint: Path | None = None
) -> Sealed:
    """Link every committed audit row not yet linked, then write the head to `checkpoint`.

    Safe to run from several processes at once (they take turns on a lock); one is enough."""
    sealed = 0
    key_id, secret = keys.current
    while True:
        with engine.connect() as connection:
            _lock_chain(connection)
            head = connection.execute(
                select(audit_links.c.pos, audit_links.c.link)
                .order_by(audit_links.c.pos.desc())
                .limit(1)
            ).first()
            pos, link = (head.pos, head.link) if head else (0, GENESIS)
            top = connection.execute(select(func.max(audit_links.c.seq))).scalar() or 0
            rows = (
                connection.execute(
                    select(audit_log)
                    .where((audit_log.c.seq > top - LATE_WINDOW) & ~_IS_LINKED)
                    .order_by(audit_log.c.seq)
                    .limit(SEAL_BATCH)
                )
                .mappings()
                .all()
            )
            links = []
            for row in rows:
                pos += 1
                link = chain_link(secret, link, pos, row["seq"], _row_digest(row))
                links.append(
                    {"pos": pos, "seq": row["seq"], "key_id": key_id, "link": link,
                     "sealed_at": now}
                )  # fmt: skip
            if links:
                connection.execute(insert(audit_links), links)
            connection.commit()
        sealed += len(links)
        if len(links) < SEAL_BATCH:
            break
    if checkpoint is not None and pos > 0:
        previous = Checkpoint.read(checkpoint) if checkpoint.exists() else None
        if previous is None or previous.pos != pos:
            seq = links[-1]["seq"] if links else _seq_at(engine, pos)
            write_private(checkpoint, Checkpoint.signed(keys, pos, seq, link, now).to_json())
    return Sealed(sealed, pos)


def _seq_at(engine: Engine, pos: int) -> int:
    with engine.connect() as connection:
        return connection.execute(
            select(audit_links.c.seq).where(audit_links.c.pos == pos)
        ).scalar_one()


# --- verifying -----------------------------------------------------------------------------


@dataclass(frozen=True, slots=True)
class AuditVerdict:
    linked: int  # links checked
    unsealed: int  # rows written since the last seal: not yet protected by the chain
    broken_at: int | None = None  # the chain position where it first fails
    seq: int | None = None  # the audit row there, when there is one
    reason: str | None = None
    checkpoint_pos: int | None = None

    @property
    def whole(self) -> bool:
        return self.reason is None


def verify_audit(
    connection: Connection, keys: AuditKeys, checkpoint: Path | None = None
) -> AuditVerdict:
    """Check every link against its row and its key, and the chain's head against the signed
    checkpoint: the first place the chain fails, and why."""
    cp = None
    if checkpoint is not None and checkpoint.exists():
        try:
            cp = Checkpoint.read(checkpoint)
        except (ValueError, KeyError) as error:
            return AuditVerdict(0, 0, reason=f"the checkpoint file cannot be read: {error}")
        try:
            if not cp.holds(keys):
                return AuditVerdict(0, 0, reason="the checkpoint's signature does not hold")
        except KeyringError as error:
            return AuditVerdict(0, 0, reason=str(error))
    query = (
        select(audit_links, audit_log.c.seq.label("row_seq"), audit_log.c.at,
               audit_log.c.principal, audit_log.c.action, audit_log.c.subject,
               audit_log.c.purpose, audit_log.c.detail)
        .select_from(audit_links.outerjoin(audit_log, audit_log.c.seq == audit_links.c.seq))
        .order_by(audit_links.c.pos)
    )  # fmt: skip
    prev, expected_pos, checkpoint_seen = GENESIS, 1, False
    secrets_by_id: dict[str, bytes] = {}
    for row in connection.execution_options(yield_per=10_000).execute(query).mappings():
        pos = row["pos"]
        if pos != expected_pos:
            return _broken(expected_pos, None, f"links {expected_pos}..{pos - 1} are missing", cp)
        if row["row_seq"] is None:
            return _broken(pos, row["seq"], f"audit row {row['seq']} is missing", cp)
        if row["key_id"] not in secrets_by_id:
            try:
                secrets_by_id[row["key_id"]] = keys.secret(row["key_id"])
            except KeyringError as error:
                return _broken(pos, row["seq"], str(error), cp)
        link = chain_link(secrets_by_id[row["key_id"]], prev, pos, row["seq"], _row_digest(row))
        if not hmac.compare_digest(link, row["link"]):
            return _broken(pos, row["seq"], f"audit row {row['seq']} or its link was altered", cp)
        if cp is not None and pos == cp.pos:
            if not hmac.compare_digest(link, cp.link):
                return _broken(pos, row["seq"], "the chain differs from the checkpoint", cp)
            checkpoint_seen = True
        prev, expected_pos = row["link"], pos + 1
    linked = expected_pos - 1
    if cp is not None and not checkpoint_seen:
        return _broken(
            linked + 1, None,
            f"the chain ends at {linked} but the checkpoint of {cp.at.isoformat()} saw "
            f"{cp.pos} links: the tail was removed", cp, linked,
        )  # fmt: skip
    unsealed = connection.execute(
        select(func.count()).select_from(audit_log).where(~_IS_LINKED)
    ).scalar_one()
    return AuditVerdict(linked, unsealed, checkpoint_pos=cp.pos if cp else None)


def _broken(pos, seq, reason, cp, linked=None) -> AuditVerdict:
    return AuditVerdict(
        linked if linked is not None else max(pos - 1, 0), 0, pos, seq, reason,
        cp.pos if cp else None,
    )  # fmt: skip


def verify_chain(connection: Connection) -> int | None:
    """The seq of the first row whose content no longer matches its digest, or None.

    The keyless check any test or reader can run; `verify_audit` is the one that proves."""
    for row in connection.execute(select(audit_log).order_by(audit_log.c.seq)).mappings():
        if row["hash"] != _row_digest(row):
            return row["seq"]
    return None
