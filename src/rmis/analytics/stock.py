"""Stock: foreigners present in a state on a day, and how that number moves over time."""

from __future__ import annotations

from datetime import date, timedelta

import ibis
from ibis import _

from rmis.analytics.dimensions import check_dimensions
from rmis.analytics.stays import foreign, present_on, stays

DIMENSIONS = ("host_state", "nationality", "purpose", "sex")


def stock_on(crossings: ibis.Table, on: date, by: list[str]) -> ibis.Table:
    """Foreigners present on `on` (its stays: see stays.py), people counted per cell of `by`."""
    return stock_on_stays(stays(crossings), on, by)


def stock_on_stays(s: ibis.Table, on: date, by: list[str]) -> ibis.Table:
    """`stock_on` over stays already made (the summaries' stays table, or stays.stays)."""
    check_dimensions(by, DIMENSIONS)
    here = s.filter(foreign(s) & present_on(s, on))
    counted = (
        here.group_by(by).aggregate(present=_.person_key.nunique())
        if by
        else (here.aggregate(present=_.person_key.nunique()))
    )
    return counted.order_by(by) if by else counted


def stock_curve(
    crossings: ibis.Table, start: date, end: date, by: list[str], every_days: int = 1
) -> ibis.Table:
    """Foreigners present on each day from `start` to `end` (every `every_days` days).

    Stays are turned into +1 on the day of entry and -1 on the day after exit, and summed
    cumulatively, so the cost does not grow with the number of days asked for.
    """
    return stock_curve_of_stays(stays(crossings), start, end, by, every_days)


def stock_curve_of_stays(
    s: ibis.Table, start: date, end: date, by: list[str], every_days: int = 1
) -> ibis.Table:
    """`stock_curve` over stays already made (the summaries' stays table, or stays.stays)."""
    check_dimensions(by, DIMENSIONS)
    s = s.filter(
        foreign(s) & (s.entry_date <= end) & (s.exit_date.isnull() | (s.exit_date >= start))
    )
    arrivals = s.select(
        *by, day=ibis.greatest(s.entry_date, ibis.date(start)), change=ibis.literal(1)
    )
    departures = s.filter(s.exit_date.notnull() & (s.exit_date < end)).select(
        *by, day=s.exit_date + ibis.interval(days=1), change=ibis.literal(-1)
    )
    days = ibis.memtable(
        {"day": [start + timedelta(days=i) for i in range(0, (end - start).days + 1, every_days)]}
    )
    # A zero change on every asked day and group, so each has a running total to read.
    grid = days.cross_join(s.select(*by).distinct()) if by else days
    zeros = grid.select(*by, "day", change=ibis.literal(0))
    changes = (
        arrivals.union(departures)
        .union(zeros)
        .group_by([*by, "day"])
        .aggregate(change=_.change.sum())
    )
    window = ibis.window(group_by=by or None, order_by=_.day, rows=(None, 0))
    running = changes.mutate(present=_.change.sum().over(window))
    asked = running.semi_join(days, "day")
    return asked.select(*by, "day", "present").order_by([*by, "day"])
