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

from collections import defaultdict
from dataclasses import dataclass
from datetime import date, timedelta

import ibis
import numpy as np
import pandas as pd
import pyarrow as pa
import pyarrow.compute as pc
from ibis import _

from rmis.analytics.stays import foreign, stays
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
    s = stays(crossings) if made is None else made
    judged = read_stays(s.filter(foreign(s) & (s.entry_date <= on)))
    limits = _limits(judged, rules)
    if not limits:
        return _empty(on)
    chosen = candidates(judged, limits, on)
    if not len(chosen):
        return _empty(on)
    people = pa.array(judged.strings("person_key", judged.first[chosen])).unique()
    linking = _linking(crossings, documents, reviews, people, _documents_used(judged, chosen))
    held = held_permits(permits, people, judged, chosen)
    by_host, without_permit = timelines(judged, chosen, held, limits)
    return _judge(by_host, without_permit, rules, on, linking, len(chosen))


@dataclass(frozen=True)
class StayColumns:
    """The stays judged, as whole columns in person, host state and entry order (read once:
    docs/scaling.md "Overstays"). Rows of one person in one host state are consecutive: group
    g is rows first[g] to first[g + 1] - 1. The strings stay as read (`order` says which row
    of them each is) and become Python strings only for the rows asked (`strings`)."""

    read: pa.Table  # person_key, host_state, nationality as read
    order: np.ndarray  # row i is row order[i] of `read`
    host: np.ndarray  # the host state as a code into `hosts`
    hosts: list[str]
    nationality: np.ndarray  # as a code into `nationalities`
    nationalities: list[str]
    entry: np.ndarray  # days since 1970-01-01
    exit: np.ndarray  # days since 1970-01-01; NO_EXIT while open
    group: np.ndarray  # the row's group
    first: np.ndarray  # each group's first row, and the row count last
    documents: np.ndarray | None = None  # the person's documents, when the stays say it

    def strings(self, column: str, rows: np.ndarray) -> list[str]:
        """`column` (person_key, host_state, nationality) of the rows, as Python strings."""
        return _column(self.read, column).take(pa.array(self.order[rows])).to_pylist()


NO_EXIT = np.iinfo(np.int64).max


def read_stays(s: ibis.Table) -> StayColumns:
    """The stays of `s` (person_key, host_state, nationality, entry_date, exit_date) read once,
    and put in order: each person's (in no particular order of people), by host state, then
    entry day (the nationality, alphabetically, breaks ties, so the "latest" stay is the same at
    every run). Sorted as integer codes: sorting the key strings took longer than reading them."""
    said = ["documents"] if "documents" in s.columns else []  # summaries.py keeps it
    table = s.select("person_key", "host_state", "nationality", "entry_date", "exit_date", *said)
    table = table.to_pyarrow()
    person_codes, _people = _codes(_column(table, "person_key"))
    host_codes, hosts = _codes(_column(table, "host_state"))
    nat_codes, nats = _codes(_column(table, "nationality"))
    nat_rank = np.argsort(np.argsort(np.asarray(nats, dtype=object)))  # alphabetical
    entry = _days(_column(table, "entry_date"))
    order = np.lexsort((nat_rank[nat_codes], entry, host_codes, person_codes))
    person_codes, host_codes = person_codes[order], host_codes[order]
    n = len(order)
    starts = np.ones(n, dtype=bool)
    starts[1:] = (person_codes[1:] != person_codes[:-1]) | (host_codes[1:] != host_codes[:-1])
    documents = _column(table, "documents").to_numpy(zero_copy_only=False) if said else None
    return StayColumns(
        read=table.select(["person_key", "host_state", "nationality"]),
        order=order,
        host=host_codes,
        hosts=hosts,
        nationality=nat_codes[order],
        nationalities=nats,
        entry=entry[order],
        exit=_days(_column(table, "exit_date"), missing=NO_EXIT)[order],
        group=np.cumsum(starts) - 1,
        first=np.append(np.flatnonzero(starts), n).astype(np.int64),
        documents=None if documents is None else documents[order],
    )


def _column(table: pa.Table, name: str) -> pa.Array:
    column = table[name]
    return column.chunk(0) if column.num_chunks == 1 else pa.concat_arrays(column.chunks)


def _days(column: pa.Array, missing: int | None = None) -> np.ndarray:
    """Days since 1970-01-01 as int64; nulls as `missing`."""
    if pa.types.is_timestamp(column.type):
        column = column.cast(pa.date32())
    days = column.cast(pa.int32())
    if missing is not None:
        days = pc.fill_null(days.cast(pa.int64()), missing)
    return days.to_numpy(zero_copy_only=False).astype(np.int64)


def _limits(judged: StayColumns, rules: StayRulesTable) -> dict[tuple[str, str], Limit]:
    """The strictest limit per host state and nationality among the stays (None: not judged)."""
    pairs = np.unique(judged.host * len(judged.nationalities) + judged.nationality)
    hosts, nats = np.divmod(pairs, len(judged.nationalities))
    return {
        (host, nat): limit
        for host, nat in zip(
            (judged.hosts[h] for h in hosts.tolist()),
            (judged.nationalities[k] for k in nats.tolist()),
            strict=True,
        )
        if (limit := strictest_limit(rules.schedule(host, nat))) is not None
    }


def candidates(judged: StayColumns, limits: dict[tuple[str, str], Limit], on: date) -> np.ndarray:
    """The groups (person-host pairs) with a stay present more than its limit in the window up
    to its end (or `on`, if it is later or the stay is open): the vectorised filter of the
    module doc."""
    used, limit = days_present(judged, limits, on)
    over = (limit >= 0) & (used > limit)  # a pair with no limit is not judged
    return np.unique(judged.group[over])


def days_present(
    judged: StayColumns, limits: dict[tuple[str, str], Limit], on: date
) -> tuple[np.ndarray, np.ndarray]:
    """Per stay: the days its person was present in the host state in the window (its pair's
    widest) up to its end or `on`, and its pair's strictest limit (-1: no limit, not judged).

    The days present in [a, b] are summed over the group's stays as F(b) - F(a - 1), where F(t)
    counts the group's stay-days up to day t:
        F(t) = sum over stays entered by t of (t - entry + 1) - sum over stays ended before t
               of (t - end),
    each sum read from the group's entries (or ends) in order with a binary search and running
    sums: no pair of stays is ever formed (a self-join per person was most of the time)."""
    day_on = (on - EPOCH).days
    entry = judged.entry
    # A stay ends on its exit day, or on `on` if open or left later; never before its entry.
    end = np.maximum(np.minimum(judged.exit, day_on), entry - 1)
    hosts, nats = judged.hosts, judged.nationalities
    pair = judged.host * len(nats) + judged.nationality
    limit_days = np.full(len(hosts) * len(nats), -1, dtype=np.int64)
    window = np.zeros(len(hosts) * len(nats), dtype=np.int64)
    for h, host in enumerate(hosts):
        for k, nat in enumerate(nats):
            if (limit := limits.get((host, nat))) is not None:
                limit_days[h * len(nats) + k], window[h * len(nats) + k] = limit.days, limit.window
    row_limit, row_window = limit_days[pair], window[pair]
    # Every day shifted into [1, SPAN) and each group given a range of its own, so one sorted
    # array of (group, day) keys answers every group's searches.
    low = int(min(entry.min(), (end - row_window).min())) - 2
    span = int(max(entry.max(), end.max())) - low + 2
    group = judged.group
    base = group * span
    first = judged.first[group]
    entry_keys = base + (entry - low)  # sorted: rows are in group, entry order
    entry_sums = np.concatenate(([0], np.cumsum(entry)))
    by_end = np.lexsort((end, group))
    ends = end[by_end]
    end_keys = base[by_end] + (ends - low)
    end_sums = np.concatenate(([0], np.cumsum(ends)))

    def upto(t: np.ndarray) -> np.ndarray:
        """F(t) for each row's group."""
        key = base + (t - low)
        entered = np.searchsorted(entry_keys, key, side="right")
        ended = np.searchsorted(end_keys, key, side="left")  # ends strictly before t
        n_in, sum_in = entered - first, entry_sums[entered] - entry_sums[first]
        n_out, sum_out = ended - first, end_sums[ended] - end_sums[first]
        return n_in * (t + 1) - sum_in - (n_out * t - sum_out)

    return upto(end) - upto(end - row_window), row_limit


EPOCH = date(1970, 1, 1)


def _codes(column: pa.Array) -> tuple[np.ndarray, list[str]]:
    encoded = column.dictionary_encode()
    indices = encoded.indices.to_numpy(zero_copy_only=False).astype(np.int64)
    return indices, encoded.dictionary.to_pylist()


def _documents_used(judged: StayColumns, chosen: np.ndarray) -> dict[str, int] | None:
    """Person -> documents crossed on, as the stays say it (None: they do not)."""
    if judged.documents is None:
        return None
    at = judged.first[chosen]
    people = judged.strings("person_key", at)
    return dict(zip(people, judged.documents[at].tolist(), strict=True))


def _linking(
    crossings: ibis.Table,
    documents: ibis.Table | None,
    reviews: ibis.Table | None,
    people: pa.Array,
    used_by: dict[str, int] | None = None,
) -> dict[str, tuple[int, str | None]]:
    """person_key -> (documents their crossings were recorded on, least certain link).

    `used_by`: the first, as the summaries' stays say it. Otherwise, with the warehouse's
    documents, only the crossings of the people holding more than one document are read (which
    of their documents were used); everyone else crossed on their one (a person's key is that
    of their documents: engine.with_people)."""
    chosen = ibis.memtable(pa.table({"person_key": people}))
    if documents is None and used_by is not None:
        return {person: (n, None) for person, n in used_by.items()}
    if documents is None:
        used = (
            crossings.semi_join(chosen, "person_key")
            .group_by("person_key")
            .aggregate(documents=_.document_id.nunique())
            .to_pyarrow()
        )
        counted = zip(used["person_key"].to_pylist(), used["documents"].to_pylist(), strict=True)
        return {person: (int(n), None) for person, n in counted}
    theirs = (
        documents.semi_join(chosen, "person_key")
        .select("person_key", "document_id", "link")
        .to_pyarrow()
        .combine_chunks()
    )
    counts = dict.fromkeys(people.to_pylist(), 1) if used_by is None else used_by
    held = theirs.group_by("person_key").aggregate([("document_id", "count")])
    several = held.filter(pc.greater(held["document_id_count"], 1))["person_key"]
    if len(several) and used_by is None:
        theirs_several = theirs.filter(pc.is_in(theirs["person_key"], value_set=several))
        ids = ibis.memtable(theirs_several.select(["document_id"]))
        crossed = crossings.select("document_id").semi_join(ids, "document_id").distinct()
        crossed = crossed.to_pyarrow()["document_id"]
        on_crossings = theirs_several.filter(pc.is_in(theirs_several["document_id"], crossed))
        used = on_crossings.group_by("person_key").aggregate([("document_id", "count")])
        counts.update(
            zip(used["person_key"].to_pylist(), used["document_id_count"].to_pylist(), strict=True)
        )
    rank = pc.fill_null(
        pc.index_in(theirs["link"], value_set=pa.array(list(_LINK_RANK))), 0
    ).to_numpy(zero_copy_only=False)  # _LINK_RANK's values are its keys' places
    if reviews is not None:
        waiting = _in_review(reviews, theirs["document_id"])
        pending = pc.is_in(theirs["document_id"], value_set=waiting).to_numpy(zero_copy_only=False)
        rank = np.where(pending, _LINK_RANK["pending"], rank)
    per_person = (
        pa.table({"person_key": theirs["person_key"], "rank": pa.array(rank, pa.int64())})
        .group_by("person_key")
        .aggregate([("rank", "max"), ("rank", "count")])
    )
    worst = per_person["rank_max"].to_numpy()
    worst = np.where(per_person["rank_count"].to_numpy() == 1, worst, np.maximum(worst, 1))
    links = dict(
        zip(per_person["person_key"].to_pylist(), (LINK_ORDER[w] for w in worst), strict=True)
    )
    return {person: (n, links.get(person)) for person, n in counts.items()}


def _in_review(reviews: ibis.Table, document_ids: pa.ChunkedArray | pa.Array) -> pa.Array:
    """Those of the documents on either side of an open proposal."""
    ids = ibis.memtable(pa.table({"document_id": pc.unique(document_ids)}))
    either = reviews.select("document_id").union(reviews.select(document_id=reviews.candidate_id))
    return either.semi_join(ids, "document_id").to_pyarrow()["document_id"].combine_chunks()


def _judge(
    by_host: dict[str, list[TravellerTimeline]],
    without_permit: set[tuple[str, str]],
    rules: StayRulesTable,
    on: date,
    linking: dict[str, tuple[int, str | None]],
    judged: int,
) -> Overstays:
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
        judged,
    )


def timelines(
    judged: StayColumns,
    chosen: np.ndarray,
    held: Held,
    limits: dict[tuple[str, str], Limit],
) -> tuple[dict[str, list[TravellerTimeline]], set[tuple[str, str]]]:
    """The chosen groups' timelines per host state, and the person-host pairs judged without a
    visa or permit on record. The stays are merged as whole columns (merged_stays); only the
    merged stays become Python objects, one per distinct (entry, exit) (stays are immutable)."""
    firsts, lasts = judged.first[chosen], judged.first[chosen + 1]
    sizes = lasts - firsts
    rows = np.repeat(firsts - np.cumsum(sizes) + sizes, sizes) + np.arange(sizes.sum())
    local = np.repeat(np.arange(len(chosen)), sizes)
    run_group, run_entry, run_exit = merged_stays(local, judged.entry[rows], judged.exit[rows])
    # One code per (entry, exit): exits as days after the entry, open as 0.
    after = np.where(run_exit == NO_EXIT, 0, run_exit - run_entry + 1)
    codes, inverse = np.unique(run_entry * (1 << 32) + after, return_inverse=True)
    entries, lengths = np.divmod(codes, 1 << 32)
    made = [
        Stay(e, None if n == 0 else e + timedelta(days=n - 1))
        for e, n in zip(_as_dates(entries), lengths.tolist(), strict=True)
    ]
    stays_ = [made[i] for i in inverse.tolist()]
    bounds = np.searchsorted(run_group, np.arange(len(chosen) + 1)).tolist()
    people = judged.strings("person_key", firsts)
    hosts = [judged.hosts[h] for h in judged.host[firsts].tolist()]
    # The nationality of the person's latest stay there (rows in entry order), as a person can
    # hold documents of two states.
    nationalities = [judged.nationalities[k] for k in judged.nationality[lasts - 1].tolist()]
    by_host: dict[str, list[TravellerTimeline]] = defaultdict(list)
    without_permit: set[tuple[str, str]] = set()
    permits_, starts = held.permits, held.bounds
    visa = {pair: limit.visa_required for pair, limit in limits.items()}
    for k, (person, host, nationality) in enumerate(zip(people, hosts, nationalities, strict=True)):
        theirs = tuple(permits_[starts[k] : starts[k + 1]])
        if visa[(host, nationality)] and not theirs:
            without_permit.add((person, host))  # judged, and said so (module doc)
        timeline = Timeline(stays=tuple(stays_[bounds[k] : bounds[k + 1]]), permits=theirs)
        by_host[host].append(TravellerTimeline(person, nationality, timeline))
    return by_host, without_permit


def merged_stays(
    group: np.ndarray, entry: np.ndarray, exit_: np.ndarray
) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """Stays as the registry reads them, for many groups at once: rows in group, then entry
    order; a re-entry on or before the latest exit so far (an exit that went unrecorded,
    or a return the same day) continues the stay, and an open stay (NO_EXIT) takes in every
    later one. Returns each merged stay's group, entry and exit (NO_EXIT while open)."""
    if not len(group):
        return group, entry, exit_
    low = int(entry.min()) - 1
    finite = exit_[exit_ != NO_EXIT]
    high = int(max(entry.max(), finite.max() if len(finite) else low)) + 1  # `high`: open
    span = high - low + 1
    base = group * span
    # The latest exit so far within each group: a running maximum over (group, day) keys.
    reach = np.maximum.accumulate(base + (np.minimum(exit_, high) - low))
    new = np.ones(len(group), dtype=bool)
    new[1:] = (group[1:] != group[:-1]) | (base[1:] + (entry[1:] - low) > reach[:-1])
    starts = np.flatnonzero(new)
    ends = np.append(starts[1:], len(group)) - 1
    run_exit = reach[ends] - base[ends] + low
    return group[starts], entry[starts], np.where(run_exit == high, NO_EXIT, run_exit)


@dataclass(frozen=True)
class Held:
    """The chosen groups' permits: group k's are permits[bounds[k]:bounds[k + 1]]."""

    permits: list[Permit]
    bounds: list[int]


def held_permits(
    permits: ibis.Table, people: pa.Array, judged: StayColumns, chosen: np.ndarray
) -> Held:
    """The chosen groups' permits (a person's in the group's host state), in the order read;
    permits alike (kind, validity, entries, duration) are one object (permits are immutable)."""
    wanted = ibis.memtable(pa.table({"person_key": people}))
    rows = (
        permits.semi_join(wanted, "person_key")
        .select("person_key", "host_state", "kind", "valid_from", "valid_to", "entries_allowed",
                "duration_days")
        .to_pyarrow()
    )  # fmt: skip
    groups = pa.table({
        "person_key": judged.strings("person_key", judged.first[chosen]),
        "host_state": [judged.hosts[h] for h in judged.host[judged.first[chosen]].tolist()],
        "k": np.arange(len(chosen)),
    })  # fmt: skip
    rows = rows.append_column("read", pa.array(np.arange(rows.num_rows)))
    rows = rows.join(groups, ["person_key", "host_state"], join_type="inner")
    rows = rows.sort_by([("k", "ascending"), ("read", "ascending")])
    k = _column(rows, "k").to_numpy(zero_copy_only=False) if rows.num_rows else np.zeros(0, int)
    bounds = np.searchsorted(k, np.arange(len(chosen) + 1)).tolist()
    if not rows.num_rows:
        return Held([], bounds)
    made: dict[tuple, Permit] = {}
    days: dict[int, date] = {}

    def day(n: int) -> date:
        found = days.get(n)
        if found is None:
            found = days[n] = _from_days(n)
        return found

    out = []
    for kind, start, end, entries, duration in zip(
        _column(rows, "kind").to_pylist(), _days(_column(rows, "valid_from")).tolist(),
        _days(_column(rows, "valid_to")).tolist(), _column(rows, "entries_allowed").to_pylist(),
        _column(rows, "duration_days").to_pylist(), strict=True,
    ):  # fmt: skip
        alike = (kind, start, end, entries, duration)
        permit = made.get(alike)
        if permit is None:
            permit = made[alike] = Permit(
                kind=PermitKind(kind),
                valid_from=day(start),
                valid_to=day(end),
                entries=entries,
                duration_days=duration,
            )
        out.append(permit)
    return Held(out, bounds)


def _from_days(days: int) -> date:
    return date.fromordinal(EPOCH.toordinal() + days)


def _as_dates(days: np.ndarray) -> list[date | None]:
    """Days since 1970-01-01 as dates (NO_EXIT as None), each distinct day made once."""
    made: dict[int, date | None] = {NO_EXIT: None}
    out = []
    for day in days.tolist():
        value = made.get(day, False)
        if value is False:
            value = made[day] = _from_days(day)
        out.append(value)
    return out


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
