"""Overstays: who stays beyond the lawful stay, judged by the stay-rules engine.

The engine (rmis.stay) judges one traveller's timeline at a time with the full rules (rolling
windows, calendar years, per-stay limits, permits, rule changes over time). Running it over
every traveller would be a Python loop over millions, so a vectorised filter first keeps only
the stays that could be unlawful: for each host and nationality the strictest limit L of any
rule that can apply, and the widest window W; a stay is a candidate when the traveller was
present more than L days in the W days up to its end (or up to the report day, if it is still
open). Any stay a rule would find unlawful passes that filter, so the engine, run on the
candidates alone, gives the same answer as on everyone.

Stays of visa-required nationals are judged only when a permit (a visa) is on record for the
traveller: the warehouse does not hold visas issued abroad, and judging everyone without
one as overstaying would count missing data as irregularity. Nor are stays under rules that
publish no limit judged.
"""

from __future__ import annotations

from collections import defaultdict
from dataclasses import dataclass
from datetime import date

import ibis
import pandas as pd
from ibis import _

from rmis.analytics.stays import days_between, foreign, stays
from rmis.reference.stay_rules import StayRulesTable
from rmis.stay import (
    Permit,
    PermitKind,
    Regime,
    RuleSchedule,
    Stay,
    Timeline,
    TravellerTimeline,
    WindowKind,
    find_overstays,
)

CALENDAR_YEAR_DAYS = 366

OPEN_COLUMNS = ["traveller_id", "host_state", "nationality", "entry_date", "lawful_until", "days"]
LATE_COLUMNS = [
    "traveller_id", "host_state", "nationality", "entry_date", "exit_date", "lawful_until", "days",
]  # fmt: skip


@dataclass(frozen=True)
class Overstays:
    on: date
    open: pd.DataFrame  # still present on `on` after the lawful stay ended (OPEN_COLUMNS)
    late_exits: pd.DataFrame  # left by `on`, but after the lawful stay had ended (LATE_COLUMNS)
    candidates: int  # traveller-host pairs the engine judged


@dataclass(frozen=True, slots=True)
class Limit:
    """The strictest day limit of any rule for a host and nationality, and the widest window."""

    days: int
    window: int
    visa_required: bool


def strictest_limit(schedule: RuleSchedule) -> Limit | None:
    limits, windows, visa = [], [], False
    for piece in schedule.pieces:
        rule = piece.rule
        if rule is None or rule.regime is Regime.UNKNOWN:
            continue
        if rule.regime is Regime.VISA_REQUIRED:
            limits.append(0)
            visa = True
            continue
        if rule.max_days_per_stay is not None:
            limits.append(rule.max_days_per_stay)
        if rule.window is WindowKind.ROLLING:
            limits.append(rule.max_days or 0)
            windows.append(rule.window_days or 0)
        elif rule.window is WindowKind.CALENDAR_YEAR:
            limits.append(rule.max_days or 0)
            windows.append(CALENDAR_YEAR_DAYS)
    if not limits:
        return None
    return Limit(min(limits), max([CALENDAR_YEAR_DAYS, *windows]), visa)


def find_overstays_on(
    crossings: ibis.Table, permits: ibis.Table, rules: StayRulesTable, on: date
) -> Overstays:
    s = stays(crossings)
    s = s.filter(foreign(s) & (s.entry_date <= on))
    pairs = s.select("host_state", "nationality").distinct().to_pandas()
    limits = {
        (host, nat): limit
        for host, nat in pairs.itertuples(index=False)
        if (limit := strictest_limit(rules.schedule(host, nat))) is not None
    }
    if not limits:
        return _empty(on)
    limit_table = ibis.memtable(
        pd.DataFrame(
            [(h, n, lim.days, lim.window) for (h, n), lim in limits.items()],
            columns=["host_state", "nationality", "limit_days", "window_days"],
        )
    )
    candidates = _candidates(s, limit_table, on).to_pandas()
    visa_hosts = {h for (h, n), lim in limits.items() if lim.visa_required}
    return _judge(s, permits, rules, on, candidates, visa_hosts, limits)


def _candidates(s: ibis.Table, limits: ibis.Table, on: date) -> ibis.Table:
    """Traveller-host pairs with a stay that was present more than the limit in its window."""
    end = ibis.least(s.exit_date.fill_null(on), ibis.date(on))
    judged = s.inner_join(limits, ["host_state", "nationality"]).select(
        "traveller_id", "host_state", "nationality", "entry_date", "limit_days", check=end,
        window_start=end - (limits.window_days - 1).as_interval("D"),
    )  # fmt: skip
    other = s.view()  # the same stays, joined to themselves
    spans = other.select(
        "traveller_id",
        "host_state",
        span_start=other.entry_date,
        span_end=ibis.least(other.exit_date.fill_null(on), ibis.date(on)),
    )
    overlapping = judged.inner_join(spans, ["traveller_id", "host_state"]).filter(
        (_.span_start <= _.check) & (_.span_end >= _.window_start)
    )
    days = (
        days_between(
            ibis.greatest(overlapping.span_start, overlapping.window_start),
            ibis.least(overlapping.span_end, overlapping.check),
        )
        + 1
    )
    used = overlapping.group_by(
        ["traveller_id", "host_state", "nationality", "entry_date", "limit_days"]
    ).aggregate(used=days.sum())
    return (
        used.filter(_.used > _.limit_days)
        .select("traveller_id", "host_state", "nationality")
        .distinct()
    )


def _judge(
    s: ibis.Table,
    permits: ibis.Table,
    rules: StayRulesTable,
    on: date,
    candidates: pd.DataFrame,
    visa_hosts: set[str],
    limits: dict[tuple[str, str], Limit],
) -> Overstays:
    if candidates.empty:
        return _empty(on)
    chosen = ibis.memtable(candidates[["traveller_id", "host_state"]])
    their_stays = (
        s.semi_join(chosen, ["traveller_id", "host_state"])
        .select("traveller_id", "host_state", "nationality", "entry_date", "exit_date")
        .to_pandas()
    )
    their_permits = permits.semi_join(chosen, ["traveller_id", "host_state"]).to_pandas()
    held: dict[tuple[str, str], list[Permit]] = defaultdict(list)
    for p in their_permits.itertuples(index=False):
        held[(p.traveller_id, p.host_state)].append(
            Permit(
                kind=PermitKind(p.kind),
                valid_from=_day(p.valid_from),
                valid_to=_day(p.valid_to),
                entries=None if pd.isna(p.entries_allowed) else int(p.entries_allowed),
                duration_days=None if pd.isna(p.duration_days) else int(p.duration_days),
            )
        )
    by_host: dict[str, list[TravellerTimeline]] = defaultdict(list)
    for (traveller, host), rows in their_stays.groupby(["traveller_id", "host_state"], sort=True):
        nationality = rows.nationality.iloc[-1]
        if limits[(host, nationality)].visa_required and not held[(traveller, host)]:
            continue  # no visa on record: not judged (module doc)
        spans = [
            (_day(e), None if pd.isna(x) else _day(x))
            for e, x in zip(rows.entry_date, rows.exit_date, strict=True)
        ]
        timeline = Timeline(stays=tuple(_merged(spans)), permits=tuple(held[(traveller, host)]))
        by_host[host].append(TravellerTimeline(traveller, nationality, timeline))
    open_rows, late_rows = [], []
    for host, travellers in sorted(by_host.items()):
        report = find_overstays(travellers, lambda nat, h=host: rules.schedule(h, nat), on)
        open_rows += [
            (o.traveller, host, o.nationality, o.entry, o.lawful_until, o.days) for o in report.open
        ]
        late_rows += [
            (x.traveller, host, x.nationality, x.entry, x.exit, x.lawful_until, x.days_late)
            for x in report.late_exits
        ]
    return Overstays(
        on,
        pd.DataFrame(open_rows, columns=OPEN_COLUMNS).sort_values(
            OPEN_COLUMNS[:4], ignore_index=True
        ),
        pd.DataFrame(late_rows, columns=LATE_COLUMNS).sort_values(
            LATE_COLUMNS[:4], ignore_index=True
        ),
        len(candidates),
    )


def _merged(spans: list[tuple[date, date | None]]) -> list[Stay]:
    """Stays as the registry reads them: a re-entry on or before the last exit day (an exit that
    went unrecorded, or a return the same day) continues the stay."""
    out: list[tuple[date, date | None]] = []
    for entry, exit_ in sorted(spans, key=lambda span: span[0]):
        if out and out[-1][1] is not None and entry <= out[-1][1]:
            last_exit = out[-1][1]
            out[-1] = (out[-1][0], None if exit_ is None else max(exit_, last_exit))
        elif out and out[-1][1] is None:
            continue
        else:
            out.append((entry, exit_))
    return [Stay(entry, exit_) for entry, exit_ in out]


def _day(value) -> date:
    return pd.Timestamp(value).date()


def _empty(on: date) -> Overstays:
    return Overstays(on, pd.DataFrame(columns=OPEN_COLUMNS), pd.DataFrame(columns=LATE_COLUMNS), 0)


def overstays_by_nationality(open_: pd.DataFrame) -> pd.DataFrame:
    """Open overstays per host state and nationality: how many, and how long (days)."""
    grouped = open_.groupby(["host_state", "nationality"], as_index=False).agg(
        overstayers=("traveller_id", "nunique"),
        median_days=("days", "median"),
        max_days=("days", "max"),
    )
    return grouped.sort_values(["host_state", "nationality"], ignore_index=True)
