"""Overstays: who stays beyond the lawful stay, judged by the stay-rules engine.

The engine (rmis.stay) judges one traveller's timeline at a time with the full rules (rolling
windows, calendar years, per-stay limits, permits, rule changes over time). Running it over
every traveller would be a Python loop over millions, so a vectorised filter first keeps only
the stays that could be unlawful: for each host and nationality the strictest limit L of any
rule that can apply, and the widest window W; a stay is a candidate when the traveller was
present more than L days in the W days up to its end (or up to the report day, if it is still
open). Any stay a rule would find unlawful passes that filter, so the engine, run on the
candidates alone, gives the same answer as on everyone.

One person, several travellers: the registry makes a new traveller for every document number
it has not seen (a renewed passport, a number misread at the border) and links documents only
when an officer confirms the match. Judged traveller by traveller, the entry recorded on the
old passport would never be closed by the exit recorded on the new one. When the warehouse's
documents are given, travellers whose documents share a holder key (same issuing state,
nationality, birth date, sex and names: columns.DOCUMENTS) are judged as one, under the
smallest of their traveller ids; `travellers` says how many were joined, so an analyst sees
which verdicts rest on such a link (namesakes born the same day would be joined too).

Visa-required nationals are judged like everyone else: with no visa or other permit on
record, every day of their stay is unlawful by the rules table. Such rows carry
`without_permit` true, because the record cannot tell an overstay from a visa missing from the
record or an asylum seeker awaiting a decision; they are counted apart, not dropped. Stays
under rules that publish no limit (regime unknown) are not judged.
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

OPEN_COLUMNS = [
    "traveller_id", "host_state", "nationality", "entry_date", "lawful_until", "days",
    "travellers", "without_permit",
]  # fmt: skip
LATE_COLUMNS = [
    "traveller_id", "host_state", "nationality", "entry_date", "exit_date", "lawful_until", "days",
    "travellers", "without_permit",
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


def linked_travellers(documents: ibis.Table) -> ibis.Table:
    """traveller_id -> person_id, the smallest traveller id among those whose documents share a
    holder key with it (one hop: a traveller joined through two keys takes the smaller), and
    travellers, how many were joined under that person_id."""
    d = documents.filter(_.holder_key.notnull()).select("traveller_id", "holder_key").distinct()
    smallest = d.group_by("holder_key").aggregate(first=_.traveller_id.min())
    joined = d.inner_join(smallest, "holder_key").select("traveller_id", "first")
    person = joined.group_by("traveller_id").aggregate(person_id=_.first.min())
    size = person.group_by("person_id").aggregate(travellers=_.count())
    return person.inner_join(size, "person_id").select("traveller_id", "person_id", "travellers")


def _as_people(table: ibis.Table, links: ibis.Table) -> ibis.Table:
    """The table with each traveller_id replaced by its person_id (unlinked ones kept)."""
    columns = table.columns
    links = links.select(linked_id=links.traveller_id, person_id=links.person_id)
    joined = table.left_join(links, table.traveller_id == links.linked_id)
    return joined.select(
        *[
            ibis.coalesce(joined.person_id, joined.traveller_id).name("traveller_id")
            if c == "traveller_id"
            else joined[c]
            for c in columns
        ]
    ).view()


def find_overstays_on(
    crossings: ibis.Table,
    permits: ibis.Table,
    rules: StayRulesTable,
    on: date,
    documents: ibis.Table | None = None,
) -> Overstays:
    """Open overstays on `on` and late exits by then; with `documents`, a person's travellers
    are joined by holder key first (module doc)."""
    sizes: dict[str, int] = {}
    if documents is not None and "holder_key" in documents.columns:
        links = linked_travellers(documents)
        crossings, permits = _as_people(crossings, links), _as_people(permits, links)
        joined = links.filter(_.travellers > 1).select("person_id", "travellers").distinct()
        sizes = dict(joined.to_pandas().itertuples(index=False, name=None))
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
    return _judge(s, permits, rules, on, candidates, limits, sizes)


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
    limits: dict[tuple[str, str], Limit],
    sizes: dict[str, int],
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
    without_permit: set[tuple[str, str]] = set()
    for (traveller, host), rows in their_stays.groupby(["traveller_id", "host_state"], sort=True):
        nationality = rows.nationality.iloc[-1]
        if limits[(host, nationality)].visa_required and not held[(traveller, host)]:
            without_permit.add((traveller, host))  # judged, and said so (module doc)
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
            (o.traveller, host, o.nationality, o.entry, o.lawful_until, o.days,
             sizes.get(o.traveller, 1), (o.traveller, host) in without_permit)
            for o in report.open
        ]  # fmt: skip
        late_rows += [
            (x.traveller, host, x.nationality, x.entry, x.exit, x.lawful_until, x.days_late,
             sizes.get(x.traveller, 1), (x.traveller, host) in without_permit)
            for x in report.late_exits
        ]  # fmt: skip
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
    """Open overstays per host state and nationality: how many, how many of them with no
    visa or permit on record (a visa may be missing from the record: see the module doc), and
    how long (days)."""
    grouped = open_.groupby(["host_state", "nationality"], as_index=False).agg(
        overstayers=("traveller_id", "nunique"),
        without_permit=("without_permit", "sum"),
        median_days=("days", "median"),
        max_days=("days", "max"),
    )
    grouped["without_permit"] = grouped.without_permit.astype(int)
    return grouped.sort_values(["host_state", "nationality"], ignore_index=True)


def overstays_by_state(open_: pd.DataFrame, late: pd.DataFrame) -> pd.DataFrame:
    """Per host state: open overstayers, travellers who ever left late, the longest open
    overstay (days)."""
    still = open_.groupby("host_state").agg(
        overstayers=("traveller_id", "nunique"), longest_days=("days", "max")
    )
    left = late.groupby("host_state").agg(left_late=("traveller_id", "nunique"))
    both = still.join(left, how="outer").fillna(0).astype(int)
    return both.reset_index()[["host_state", "overstayers", "left_late", "longest_days"]]
