"""How often one address, or one document, may ask "check my record": counted in the record.

Every worker of the server counts in the same table (stay_check_tries), with an atomic
upsert, so the limits hold however many workers answer. A try is counted in its minute and
its day bucket for the address and for the document; the minute limit looks at the last 60
seconds as the current minute plus the part of the previous one still inside them. Keys are
SHA-256 digests, never the address or number itself, and rows older than two days go.
"""

from __future__ import annotations

import hashlib
from dataclasses import dataclass
from datetime import datetime, timedelta

from sqlalchemy import Engine, delete, select
from sqlalchemy.dialects import postgresql, sqlite

from rmis.store import as_utc
from rmis.store.schema import stay_check_tries

PER_MINUTE = 5  # the 6th try within a minute is refused
PER_DAY = 30
KEEP = timedelta(days=2)


@dataclass(frozen=True, slots=True)
class Verdict:
    allowed: bool
    retry_after: int = 0  # seconds, when refused


def key_of(kind: str, *parts: str) -> str:
    return hashlib.sha256("\x1f".join(("rmis-stay-check", kind, *parts)).encode()).hexdigest()


def _upsert(engine_name: str):
    return postgresql.insert if engine_name == "postgresql" else sqlite.insert


def count_try(
    engine: Engine,
    keys: list[str],
    now: datetime,
    per_minute: int = PER_MINUTE,
    per_day: int = PER_DAY,
) -> Verdict:
    """Count one try for each key; refused when any key is over a limit (counting it too)."""
    now = as_utc(now)
    minute = int(now.timestamp() // 60)
    minute_start = datetime.fromtimestamp(minute * 60, now.tzinfo)
    day_start = now.replace(hour=0, minute=0, second=0, microsecond=0)
    into_minute = (now - minute_start).total_seconds() / 60
    insert = _upsert(engine.dialect.name)
    retry = 0
    with engine.begin() as connection:
        for key in keys:
            counts = {}
            buckets = ((f"m{minute}", minute_start), (f"d{day_start:%Y%m%d}", day_start))
            for bucket, starts in buckets:
                statement = insert(stay_check_tries).values(
                    key=key, bucket=bucket, starts=starts, tries=1
                )
                statement = statement.on_conflict_do_update(
                    index_elements=["key", "bucket"],
                    set_={"tries": stay_check_tries.c.tries + 1},
                ).returning(stay_check_tries.c.tries)
                counts[bucket[0]] = connection.execute(statement).scalar_one()
            row = stay_check_tries.c
            before = (
                connection.execute(
                    select(row.tries).where((row.key == key) & (row.bucket == f"m{minute - 1}"))
                ).scalar()
                or 0
            )
            last_minute = counts["m"] + before * (1 - into_minute)
            if counts["d"] > per_day:
                retry = max(retry, int((day_start + timedelta(days=1) - now).total_seconds()) + 1)
            elif last_minute > per_minute:
                retry = max(retry, 60 - int(into_minute * 60))
        connection.execute(delete(stay_check_tries).where(stay_check_tries.c.starts < now - KEEP))
    return Verdict(retry == 0, retry)
