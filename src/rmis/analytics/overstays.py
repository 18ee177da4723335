"""Overstays: who stays beyond the lawful stay, judged by the stay-rules engine.

The engine (rmis.stay) judges one person's timeline at a time with the full rules (rolling
windows, calendar years, per-stay limits, permits, rule changes over time). Running it over
everyone would be a Python loop over millions, so a vectorised filter first keeps only the
stays that could be unlawful: for each host and nationality the strictest limit L of any
rule that can apply, and the widest window W; a stay is a candidate when the person was
present more than L days in the W days up to its end (or up to the report day, if it is still
open). Any stay a rule would find unlawful passes that filter, so the engine, run on the
candidates alone, gives the same answer as on everyone.

One person, several documents: the record links a person's documents (persons/: a renewal the
document proves, a probable match the linker made, a match a supervisor confirmed), and the
warehouse gives each crossing the `person_key` of its document's person. A person's whole
timeline in a host state is judged at once, across their documents, so the entry recorded on
an old passport is closed by the exit recorded on its renewal, and a fresh passport does not
restart the count. Each row says on how many `documents` the person's crossings were recorded
and, when the warehouse's documents are given, the least certain `link` among them (module
constant LINK_ORDER), so an analyst sees which verdicts rest on a link the model made alone;
with the review queue's open proposals (`reviews`), a person one of whose documents waits
there, on either side of a proposal, is `pending`: their verdict may change when a supervisor
decides (an entry on the old passport is never closed while the renewal waits apart).

Visa-required nationals are judged like everyone else: with no visa or other permit on
record, every day of their stay is unlawful by the rules table. Such rows carry
`without_permit` true, because the record cannot tell an overstay from a visa missing from the
record or an asylum seeker awaiting a decision; they are counted apart, not dropped. Stays
under rules that publish no limit (regime unknown) are not judged.
"""

from __future__ import annotations

import uuid
from collections import defaultdict
from collections.abc import Iterator
from contextlib import contextmanager
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
    "person_key", "host_state", "nationality", "entry_date", "lawful_until", "days",
    "documents", "link", "without_permit",
]  # fmt: skip
LATE_COLUMNS = [
    "person_key", "host_state", "nationality", "entry_date", "exit_date", "lawful_until", "days",
    "documents", "link", "without_permit",
]  # fmt: skip
# A row's `link`: the least certain way any of the person's documents joined them. `single`: one
# document; `certain`: renewals the documents prove; `confirmed`: a supervisor confirmed a
# probable match; `automatic`: the linker made a probable match alone; `pending`: a document
# of the person waits in the review queue, on either side of a proposal (the proposed document
# stays on a person of its own until a supervisor decides).
LINK_ORDER = ("single", "certain", "confirmed", "automatic", "pending")
_LINK_RANK = {"first": 0, "certain": 1, "confirmed": 2, "automatic": 3, "pending": 4}


@dataclass(frozen=True)
class Overstays:
    on: date
    open: pd.DataFrame  # still present on `on` after the lawful stay ended (OPEN_COLUMNS)
    late_exits: pd.DataFrame  # left by `on`, but after the lawful stay had ended (LATE_COLUMNS)
    candidates: int  # person-host pairs the engine judged


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
    crossings: ibis.Table,
    permits: ibis.Table,
    rules: StayRulesTable,
    on: date,
    documents: ibis.Table | None = None,
    reviews: ibis.Table | None = None,
    made: ibis.Table | None = None,
) -> Overstays:
    """Open overstays on `on` and late exits by then, judged person by person (crossings and
    permits carry `person_key`: engine.open_warehouse); with the warehouse's `documents` (and
    `reviews`), each row also says how its person's documents were linked (module doc).
    `made`: the people's stays already made (stays.stays of the same crossings, e.g. the
    summaries' table), so they are not made again here."""
    if made is not None:  # the summaries' stays (analytics.quick): made by the sync
        return _find(made.filter(foreign(made) & (made.entry_date <= on)), crossings, permits,
                     rules, on, documents, reviews)  # fmt: skip
    s = stays(crossings)
    with _made_once(s.filter(foreign(s) & (s.entry_date <= on))) as s:
        return _find(s, crossings, permits, rules, on, documents, reviews)


@contextmanager
def _made_once(s: ibis.Table) -> Iterator[ibis.Table]:
    """On DuckDB, the stays computed once into a temporary table (read three times: pairs,
    candidates, their stays); other engines plan the expression each time. Ibis' own cache
    cannot release its table on this DuckDB, so the table is dropped here."""
    backend = s._find_backend(use_default=True)
    if backend.name != "duckdb":
        yield s
        return
    name = f"_rmis_stays_{uuid.uuid4().hex}"
    try:
        yield backend.create_table(name, s, temp=True)
    finally:
        backend.raw_sql(f'DROP TABLE IF EXISTS "{name}"')


def _find(
    s: ibis.Table,
    crossings: ibis.Table,
    permits: ibis.Table,
    rules: StayRulesTable,
    on: date,
    documents: ibis.Table | None,
    reviews: ibis.Table | None,
) -> Overstays:
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
    if candidates.empty:
        return _empty(on)
    people = ibis.memtable(candidates[["person_key"]].drop_duplicates())
    linking = _linking(crossings, documents, reviews, people)
    return _judge(s, permits, rules, on, candidates, limits, linking)


def _linking(
    crossings: ibis.Table,
    documents: ibis.Table | None,
    reviews: ibis.Table | None,
    people: ibis.Table,
) -> dict[str, tuple[int, str | None]]:
    """person_key -> (documents their crossings were recorded on, least certain link)."""
    used = (
        crossings.semi_join(people, "person_key")
        .group_by("person_key")
        .aggregate(documents=_.document_id.nunique())
        .to_pandas()
    )
    counts = dict(zip(used.person_key, used.documents.astype(int), strict=True))
    links: dict[str, str] = {}
    if documents is not None:
        theirs = documents.semi_join(people, "person_key").select(
            "person_key", "document_id", "link"
        )
        theirs = theirs.to_pandas()
        waiting = _in_review(reviews, theirs.document_id) if reviews is not None else set()
        # Whole columns, not a pandas group per person (docs/overstays.md: speed).
        rank = theirs.link.map(_LINK_RANK).fillna(0).astype(int)
        rank = rank.where(~theirs.document_id.isin(waiting), _LINK_RANK["pending"])
        per_person = rank.groupby(theirs.person_key).agg(["max", "size"])
        worst = per_person["max"].where(per_person["size"] == 1, per_person["max"].clip(lower=1))
        links = dict(zip(per_person.index, (LINK_ORDER[w] for w in worst), strict=True))
    return {
        person: (n, links.get(person) if documents is not None else None)
        for person, n in counts.items()
    }


def _in_review(reviews: ibis.Table, document_ids: pd.Series) -> set[str]:
    """Those of the documents on either side of an open proposal."""
    ids = ibis.memtable(pd.DataFrame({"document_id": document_ids.unique()}))
    either = reviews.select("document_id").union(reviews.select(document_id=reviews.candidate_id))
    return set(either.semi_join(ids, "document_id").to_pandas().document_id)


def _candidates(s: ibis.Table, limits: ibis.Table, on: date) -> ibis.Table:
    """Person-host pairs with a stay that was present more than the limit in its window."""
    end = ibis.least(s.exit_date.fill_null(on), ibis.date(on))
    judged = s.inner_join(limits, ["host_state", "nationality"]).select(
        "person_key", "host_state", "nationality", "entry_date", "limit_days", check=end,
        window_start=end - (limits.window_days - 1).as_interval("D"),
    )  # fmt: skip
    other = s.view()  # the same stays, joined to themselves
    spans = other.select(
        "person_key",
        "host_state",
        span_start=other.entry_date,
        span_end=ibis.least(other.exit_date.fill_null(on), ibis.date(on)),
    )
    overlapping = judged.inner_join(spans, ["person_key", "host_state"]).filter(
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
        ["person_key", "host_state", "nationality", "entry_date", "limit_days"]
    ).aggregate(used=days.sum())
    return (
        used.filter(_.used > _.limit_days)
        .select("person_key", "host_state", "nationality")
        .distinct()
    )


def _judge(
    s: ibis.Table,
    permits: ibis.Table,
    rules: StayRulesTable,
    on: date,
    candidates: pd.DataFrame,
    limits: dict[tuple[str, str], Limit],
    linking: dict[str, tuple[int, str | None]],
) -> Overstays:
    by_host, without_permit = timelines(s, permits, candidates, limits)
    open_rows, late_rows = [], []
    for host, people in sorted(by_host.items()):
        report = find_overstays(people, lambda nat, h=host: rules.schedule(h, nat), on)
        open_rows += [
            (o.traveller, host, o.nationality, o.entry, o.lawful_until, o.days,
             *linking[o.traveller], (o.traveller, host) in without_permit)
            for o in report.open
        ]  # fmt: skip
        late_rows += [
            (x.traveller, host, x.nationality, x.entry, x.exit, x.lawful_until, x.days_late,
             *linking[x.traveller], (x.traveller, host) in without_permit)
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


def timelines(
    s: ibis.Table,
    permits: ibis.Table,
    candidates: pd.DataFrame,
    limits: dict[tuple[str, str], Limit],
) -> tuple[dict[str, list[TravellerTimeline]], set[tuple[str, str]]]:
    """The candidates' timelines per host state (people in key order), and the person-host
    pairs judged without a visa or permit on record.

    Read as whole columns and walked once in key order: per-group pandas access cost five times
    the stay engine's own time (docs/overstays.md)."""
    chosen = ibis.memtable(candidates[["person_key", "host_state"]])
    keys = ["person_key", "host_state"]
    their_stays = (
        s.semi_join(chosen, keys)
        .select("person_key", "host_state", "nationality", "entry_date", "exit_date")
        .to_pandas()
        .sort_values([*keys, "entry_date"], kind="stable", ignore_index=True)
    )
    held = _permits(permits.semi_join(chosen, keys).to_pandas())
    people, hosts, nationalities = (their_stays[c].tolist() for c in (*keys, "nationality"))
    entries = _dates(their_stays.entry_date)
    exits = _dates(their_stays.exit_date)
    by_host: dict[str, list[TravellerTimeline]] = defaultdict(list)
    without_permit: set[tuple[str, str]] = set()
    start, n = 0, len(people)
    while start < n:
        person, host = people[start], hosts[start]
        end = start + 1
        while end < n and people[end] == person and hosts[end] == host:
            end += 1
        # The nationality of the person's latest stay there (rows in entry order), as a person
        # can hold documents of two states.
        nationality = nationalities[end - 1]
        theirs = held.get((person, host), ())
        if limits[(host, nationality)].visa_required and not theirs:
            without_permit.add((person, host))  # judged, and said so (module doc)
        spans = list(zip(entries[start:end], exits[start:end], strict=True))
        timeline = Timeline(stays=tuple(_merged(spans)), permits=tuple(theirs))
        by_host[host].append(TravellerTimeline(person, nationality, timeline))
        start = end
    return by_host, without_permit


def _permits(rows: pd.DataFrame) -> dict[tuple[str, str], list[Permit]]:
    held: dict[tuple[str, str], list[Permit]] = defaultdict(list)
    if rows.empty:
        return held
    starts, ends = _dates(rows.valid_from), _dates(rows.valid_to)
    entries = rows.entries_allowed.astype("Int64").tolist()
    durations = rows.duration_days.astype("Int64").tolist()
    for person, host, kind, valid_from, valid_to, entries_allowed, duration in zip(
        rows.person_key.tolist(), rows.host_state.tolist(), rows.kind.tolist(), starts, ends,
        entries, durations, strict=True,
    ):  # fmt: skip
        held[(person, host)].append(
            Permit(
                kind=PermitKind(kind),
                valid_from=valid_from,
                valid_to=valid_to,
                entries=None if entries_allowed is pd.NA else int(entries_allowed),
                duration_days=None if duration is pd.NA else int(duration),
            )
        )
    return held


def _dates(column: pd.Series) -> list[date | None]:
    """A column of days as dates (None for missing), each distinct day made once."""
    days = pd.to_datetime(column)
    ordinals = (days.dt.normalize() - pd.Timestamp("1970-01-01")).dt.days
    made: dict[int, date] = {}
    epoch = date(1970, 1, 1).toordinal()
    out: list[date | None] = []
    for ordinal in ordinals.astype("Int64").tolist():
        if ordinal is pd.NA:
            out.append(None)
            continue
        day = made.get(ordinal)
        if day is None:
            day = made[ordinal] = date.fromordinal(epoch + ordinal)
        out.append(day)
    return out


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
        overstayers=("person_key", "nunique"),
        without_permit=("without_permit", "sum"),
        median_days=("days", "median"),
        max_days=("days", "max"),
    )
    grouped["without_permit"] = grouped.without_permit.astype(int)
    return grouped.sort_values(["host_state", "nationality"], ignore_index=True)


def overstays_by_state(open_: pd.DataFrame, late: pd.DataFrame) -> pd.DataFrame:
    """Per host state: open overstayers, people who ever left late, the longest open overstay
    (days)."""
    still = open_.groupby("host_state").agg(
        overstayers=("person_key", "nunique"), longest_days=("days", "max")
    )
    left = late.groupby("host_state").agg(left_late=("person_key", "nunique"))
    both = still.join(left, how="outer").fillna(0).astype(int)
    return both.reset_index()[["host_state", "overstayers", "left_late", "longest_days"]]
