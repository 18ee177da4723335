"""Whether the warehouse is behind the record, and since when.

The manifest keeps, for each table the sync follows, a cursor: the highest seq exported and the
holes below it (cursor.py). The record is behind-free when no row of those tables lies past its
cursor. One query answers for every table at once, each part an index range scan on the seq
primary key, and each count stops at COUNT_CAP rows, so asking costs little however far behind
the warehouse is.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import UTC, datetime

from sqlalchemy import Engine, and_, column, func, literal, or_, select, table

from rmis.warehouse.cursor import SeqCursor
from rmis.warehouse.layout import Manifest

# The manifest's cursors, each named after the table whose seq it follows, and what a row of it
# is called in a message (singular, plural).
FOLLOWED = {
    "crossings": ("crossing", "crossings"),
    "corrections": ("correction", "corrections"),
    "person_links": ("person link", "person links"),
}
COUNT_CAP = 100_000  # beyond this a count says "more than"


@dataclass(frozen=True, slots=True)
class Staleness:
    synced: str | None  # when the warehouse was synced, "2026-12-01 04:10 UTC"; None: never
    behind: dict[str, int]  # per followed table, rows in the record the warehouse lacks

    @property
    def current(self) -> bool:
        return not any(self.behind.values())

    def warning(self) -> str:
        """What to tell whoever reads an analysis of a warehouse that is behind."""
        rows = [_count(n, *FOLLOWED[t]) for t, n in self.behind.items() if n]
        what = rows[0] if len(rows) == 1 else ", ".join(rows[:-1]) + " and " + rows[-1]
        when = f"was synced {self.synced}" if self.synced else "has never been synced"
        return f"the warehouse {when}; the record has {what} since. Run `rmis warehouse sync`."


def staleness(engine: Engine, manifest: Manifest) -> Staleness:
    """How far the record has moved on since the sync that wrote `manifest`: one query."""
    cursors = {
        name: SeqCursor.from_json(data)
        for name, data in manifest.to_json()["cursors"].items()
        if name in FOLLOWED
    }
    counts = [_pending_count(name, cursor).label(name) for name, cursor in cursors.items()]
    with engine.connect() as connection:
        row = connection.execute(select(*counts)).one()
    return Staleness(sync_time(manifest), {name: int(row._mapping[name]) for name in cursors})


def sync_time(manifest: Manifest) -> str | None:
    """The manifest's sync time in UTC, to the minute; None for a warehouse never synced."""
    if not manifest.synced_at:
        return None
    synced = datetime.fromisoformat(manifest.synced_at).astimezone(UTC)
    return synced.strftime("%Y-%m-%d %H:%M UTC")


def _pending_count(name: str, cursor: SeqCursor):
    """SELECT count(*) of the first COUNT_CAP + 1 rows of `name` the cursor has not exported."""
    seq = column("seq")
    pending = or_(seq > cursor.last, *(and_(seq >= h.first, seq <= h.last) for h in cursor.holes))
    rows = select(literal(1).label("one")).select_from(table(name, seq)).where(pending)
    capped = rows.limit(COUNT_CAP + 1).subquery()
    return select(func.count()).select_from(capped).scalar_subquery()


def _count(n: int, singular: str, plural: str) -> str:
    if n > COUNT_CAP:
        return f"more than {COUNT_CAP:,} {plural}"
    return f"{n:,} {singular if n == 1 else plural}"
