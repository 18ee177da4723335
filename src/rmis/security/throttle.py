"""Login throttling: failed logins counted per name and per client address, in the record.

After FREE_FAILURES failures the next attempt must wait, twice as long after each further
failure (up to MAX_DELAY); a name that fails LOCK_AFTER times is locked until an admin lifts it
(`rmis users unlock`). Names are counted whether or not they exist, so a lockout tells nobody
which names are real; an address is never locked (many officers may share one), only slowed.
A throttled attempt is refused before any password is hashed: it costs the server nothing.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime, timedelta

from sqlalchemy import Connection, delete, select, update
from sqlalchemy.dialects.postgresql import insert as pg_insert
from sqlalchemy.dialects.sqlite import insert as sqlite_insert

from rmis.store import as_utc
from rmis.store.schema import login_throttle

FREE_FAILURES = 5
LOCK_AFTER = 10
MAX_DELAY = timedelta(minutes=15)
# A count left alone this long starts again from nothing (a lock does not lapse).
FORGET_AFTER = timedelta(hours=1)
LOCKED_RETRY_AFTER_S = 3600  # what a locked name is told: ask again much later


def name_key(name: str) -> str:
    return "name:" + name[:190]


def address_key(address: str) -> str:
    return "addr:" + address[:190]


@dataclass(frozen=True, slots=True)
class Refusal:
    code: str  # login_throttled or login_locked
    retry_after_s: int


def delay_after(failures: int) -> timedelta:
    if failures < FREE_FAILURES:
        return timedelta(0)
    return min(timedelta(seconds=2 ** (failures - FREE_FAILURES)), MAX_DELAY)


def refusal(connection: Connection, keys: list[str], now: datetime) -> Refusal | None:
    """Whether an attempt under these keys must be refused now, and for how long."""
    rows = connection.execute(select(login_throttle).where(login_throttle.c.key.in_(keys))).all()
    wait = timedelta(0)
    for row in rows:
        if row.locked:
            return Refusal("login_locked", LOCKED_RETRY_AFTER_S)
        last = as_utc(row.last_failure_at)
        if now - last >= FORGET_AFTER:
            continue
        wait = max(wait, last + delay_after(row.failures) - now)
    if wait > timedelta(0):
        return Refusal("login_throttled", max(1, int(wait.total_seconds() + 0.999)))
    return None


def note_failure(connection: Connection, keys: list[str], now: datetime) -> None:
    upsert = (sqlite_insert if connection.dialect.name == "sqlite" else pg_insert)(login_throttle)
    for key in keys:
        # An empty count first (a no-op when the key has one), then the count raised in place.
        connection.execute(
            upsert.values(
                key=key, failures=0, last_failure_at=now, locked=False
            ).on_conflict_do_nothing()
        )
        row = connection.execute(select(login_throttle).where(login_throttle.c.key == key)).one()
        stale = now - as_utc(row.last_failure_at) >= FORGET_AFTER
        failures = 1 if stale else row.failures + 1
        connection.execute(
            update(login_throttle)
            .where(login_throttle.c.key == key)
            .values(
                failures=failures,
                last_failure_at=now,
                locked=row.locked or (key.startswith("name:") and failures >= LOCK_AFTER),
            )
        )


def forget(connection: Connection, key: str) -> bool:
    """Clear a key's count and lock (a good login; an admin lifting a lockout)."""
    statement = delete(login_throttle).where(login_throttle.c.key == key)
    return connection.execute(statement).rowcount > 0
