"""Data-quality indicators per BCP: exits without entries, and entries never closed.

An entry is "never closed" when the traveller's next crossing shows they left (an entry
elsewhere, a new entry into the same state) but no exit was recorded. Both count against the
BCP where the missing record should have been made: the exit's BCP for the first, the entry's
BCP for the second (the exit BCP of an unrecorded exit is not known). Open stays are counted
apart: a traveller may simply still be there.
"""

from __future__ import annotations

from datetime import date

import ibis
from ibis import _

from rmis.analytics.dimensions import date_filter
from rmis.analytics.stays import exits_without_entry, stays


def data_gaps(
    crossings: ibis.Table, start: date | None = None, end: date | None = None
) -> ibis.Table:
    """Per BCP: admitted entries and exits, exits without entry, entries never closed, and
    entries still open; with the two gap rates."""
    t = crossings.filter((_.outcome == "admitted") & date_filter(_.local_date, start, end))
    counts = t.group_by(bcp=_.bcp_code, host_state=_.host_state).aggregate(
        entries=(_.direction == "entry").sum(), exits=(_.direction == "exit").sum()
    )
    orphans = (
        exits_without_entry(crossings)
        .filter(date_filter(_.local_date, start, end))
        .group_by(bcp=_.bcp_code)
        .aggregate(exits_without_entry=_.count())
    )
    s = stays(crossings).filter(date_filter(_.entry_date, start, end))
    unclosed = s.group_by(bcp=_.entry_bcp).aggregate(
        entries_never_closed=(s.exit_date.notnull() & ~s.exit_recorded).sum(),
        entries_open=s.exit_date.isnull().sum(),
    )
    joined = counts.left_join(orphans, "bcp").drop("bcp_right")
    joined = joined.left_join(unclosed, "bcp").drop("bcp_right")
    filled = joined.mutate(
        exits_without_entry=_.exits_without_entry.fill_null(0),
        entries_never_closed=_.entries_never_closed.fill_null(0),
        entries_open=_.entries_open.fill_null(0),
    )
    return filled.mutate(
        exits_without_entry_rate=ibis.ifelse(
            _.exits > 0, _.exits_without_entry / _.exits.cast("float64"), ibis.null("float64")
        ),
        entries_never_closed_rate=ibis.ifelse(
            _.entries > 0, _.entries_never_closed / _.entries.cast("float64"), ibis.null("float64")
        ),
    ).order_by(["host_state", "bcp"])
