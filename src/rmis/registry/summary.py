"""Counts over the whole record for an overview: no personal data leaves these functions.

The terminal report of the demo uses them until the warehouse's analyses and the web pages
take over; they run straight on the record with SQL that SQLite and PostgreSQL both speak.
"""

from __future__ import annotations

from datetime import date

from sqlalchemy import Engine, text

_BY_STATE_AND_DIRECTION = text("""
    SELECT host_state, direction, outcome, COUNT(*) AS n
    FROM crossings GROUP BY host_state, direction, outcome
    ORDER BY host_state, direction, outcome
""")

_TOP_CORRIDORS = text("""
    SELECT nationality, host_state, COUNT(*) AS n
    FROM crossings
    WHERE direction = 'entry' AND outcome = 'admitted' AND nationality <> host_state
    GROUP BY nationality, host_state ORDER BY n DESC, nationality, host_state LIMIT :top
""")

# A foreigner is present on a day when their last admitted crossing into or out of the host
# state by then was an entry (an exit never recorded leaves them present: the record's view).
_STOCK = text("""
    SELECT host_state, COUNT(*) AS n FROM (
        SELECT host_state, direction, ROW_NUMBER() OVER (
            PARTITION BY traveller_id, host_state ORDER BY occurred_at DESC, seq DESC) AS latest
        FROM crossings
        WHERE outcome = 'admitted' AND nationality <> host_state AND local_date <= :on
    ) last_crossing
    WHERE latest = 1 AND direction = 'entry'
    GROUP BY host_state ORDER BY n DESC
""")


def crossings_by_state(engine: Engine) -> list[tuple[str, str, str, int]]:
    """(host state, direction, outcome, crossings)."""
    with engine.connect() as connection:
        return [tuple(row) for row in connection.execute(_BY_STATE_AND_DIRECTION)]


def top_corridors(engine: Engine, top: int = 10) -> list[tuple[str, str, int]]:
    """(nationality, host state, admitted entries), the busiest first."""
    with engine.connect() as connection:
        return [tuple(row) for row in connection.execute(_TOP_CORRIDORS, {"top": top})]


def foreigners_present(engine: Engine, on: date) -> list[tuple[str, int]]:
    """(host state, foreigners present on `on`), by the record's crossings."""
    with engine.connect() as connection:
        return [tuple(row) for row in connection.execute(_STOCK, {"on": on})]
