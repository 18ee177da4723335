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

from dataclasses import dataclass
from datetime import date

import ibis
import numpy as np
import pandas as pd
import pyarrow as pa
import pyarrow.compute as pc
from ibis import _

from rmis.analytics.stays import foreign, stays
from rmis.reference.stay_rules import StayRulesTable
from rmis.stay import Permit, PermitKind, Regime, RuleSchedule, WindowKind
from rmis.stay.columns import STILL_PRESENT, TimelineColumns, find_overstays_in_columns

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
    people = pc.unique(judged.column("person_key", judged.first[chosen]))
    held = held_permits(permits, people, judged, chosen)
    by_host, without_permit = timelines(judged, chosen, held, limits)
    open_rows, late_rows = _judge(by_host, rules, on)
    # How the people found were linked: theirs only, not every candidate's.
    found = pc.unique(pa.array([row[0] for row in open_rows + late_rows], pa.string()))
    used = _documents_used(judged, chosen, found)
    linking = _linking(crossings, documents, reviews, found, used)
    return _overstays(on, open_rows, late_rows, linking, without_permit, len(chosen))


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
        return self.column(column, rows).to_pylist()

    def column(self, column: str, rows: np.ndarray) -> pa.Array:
        """`column` (person_key, host_state, nationality) of the rows, as Arrow."""
        return _column(self.read, column).take(pa.array(self.order[rows]))


NO_EXIT = np.iinfo(np.int64).max


def read_stays(s: ibis.Table) -> StayColumns:
    """The stays of `s` (person_key, host_state, nationality, entry_date, exit_date) read once,
    and put in order: each person's (in no particular order of people), by host state, then
    entry day (the nationality, alphabetically, breaks ties, so the "latest" stay is the same at
    every run). Sorted as integer codes: sorting the key strings took longer than reading them."""
    said = ["documents"] if "documents" in s.columns else []  # summaries.py keeps it
    table = s.select("person_key", "host_state", "nationality", "entry_date", "exit_date", *said)
    table = table.to_pyarrow()
    person_codes, _people = _codes(table["person_key"])
    host_codes, hosts = _codes(table["host_state"])
    nat_codes, nats = _codes(table["nationality"])
    nat_rank = np.argsort(np.argsort(np.asarray(nats, dtype=object)))  # alphabetical
    entry = _days(_column(table, "entry_date"))
    order = _order(person_codes, len(_people), host_codes, len(hosts), entry, nat_rank[nat_codes])
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


def _order(
    person: np.ndarray,
    people: int,
    host: np.ndarray,
    hosts: int,
    entry: np.ndarray,
    rank: np.ndarray,
) -> np.ndarray:
    """The rows in person, host, entry and rank order: one sort of an integer key made of the
    four when it fits in 63 bits (a third of the time of a sort on four keys), else that."""
    if not len(entry):
        return np.zeros(0, dtype=np.int64)
    low = int(entry.min())
    days = int(entry.max()) - low + 1
    ranks = int(rank.max()) + 1
    if people * hosts * days * ranks < 2**62:
        key = ((person * hosts + host) * days + (entry - low)) * ranks + rank
        return np.argsort(key)  # equal keys are rows alike in all four: their order is moot
    return np.lexsort((rank, entry, host, person))


def _column(table: pa.Table, name: str) -> pa.Array:
    column = table[name]
    if column.num_chunks == 1:
        return column.chunk(0)
    return pa.concat_arrays(column.chunks) if column.num_chunks else pa.array([], column.type)


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
    module doc. A stay's days in any window are at most its group's days in all, so only the
    groups whose days in all exceed a row's limit have their windows summed."""
    end = _ends(judged, on)
    row_limit, row_window = _row_limits(judged, limits)
    days = np.add.reduceat(end - judged.entry + 1, judged.first[:-1]) if len(end) else end
    # A pair with no limit (-1) is not judged.
    possible = np.flatnonzero((row_limit >= 0) & (days[judged.group] > row_limit))
    groups = np.unique(judged.group[possible])
    rows = _ranges(judged.first[groups], judged.first[groups + 1] - judged.first[groups])
    local = np.repeat(np.arange(len(groups)), np.diff(judged.first)[groups])
    used = _present(judged.entry[rows], end[rows], local, row_window[rows])
    over = used > row_limit[rows]
    found = local[over]  # rising: rows are in group order
    found = found[np.append(True, found[1:] != found[:-1])] if len(found) else found
    return groups[found]


def days_present(
    judged: StayColumns, limits: dict[tuple[str, str], Limit], on: date
) -> tuple[np.ndarray, np.ndarray]:
    """Per stay: the days its person was present in the host state in the window (its pair's
    widest) up to its end or `on`, and its pair's strictest limit (-1: no limit, not judged)."""
    row_limit, row_window = _row_limits(judged, limits)
    return _present(judged.entry, _ends(judged, on), judged.group, row_window), row_limit


def _ends(judged: StayColumns, on: date) -> np.ndarray:
    """A stay ends on its exit day, or on `on` if open or left later; never before its entry."""
    return np.maximum(np.minimum(judged.exit, (on - EPOCH).days), judged.entry - 1)


def _row_limits(
    judged: StayColumns, limits: dict[tuple[str, str], Limit]
) -> tuple[np.ndarray, np.ndarray]:
    """Per stay, its pair's strictest limit (-1: none) and widest window."""
    hosts, nats = judged.hosts, judged.nationalities
    pair = judged.host * len(nats) + judged.nationality
    limit_days = np.full(len(hosts) * len(nats), -1, dtype=np.int64)
    window = np.zeros(len(hosts) * len(nats), dtype=np.int64)
    for h, host in enumerate(hosts):
        for k, nat in enumerate(nats):
            if (limit := limits.get((host, nat))) is not None:
                limit_days[h * len(nats) + k], window[h * len(nats) + k] = limit.days, limit.window
    return limit_days[pair], window[pair]


def _present(
    entry: np.ndarray, end: np.ndarray, group: np.ndarray, window: np.ndarray
) -> np.ndarray:
    """Per stay (rows in group, then entry order; `group` rising from 0 in steps of one): the
    days its group was present in the `window` days up to its end.

    The days present in [a, b] are summed over the group's stays as F(b) - F(a - 1), where F(t)
    counts the group's stay-days up to day t:
        F(t) = sum over stays entered by t of (t - entry + 1) - sum over stays ended before t
               of (t - end),
    each sum read from the group's entries (or ends) in order with a binary search and running
    sums: no pair of stays is ever formed (a self-join per person was most of the time)."""
    if not len(entry):
        return np.zeros(0, dtype=np.int64)
    # Every day shifted into [1, SPAN) and each group given a range of its own, so one sorted
    # array of (group, day) keys answers every group's searches.
    low = int(min(entry.min(), (end - window).min())) - 2
    span = int(max(entry.max(), end.max())) - low + 2
    base = group * span
    starts = np.flatnonzero(np.append(True, group[1:] != group[:-1]))
    first = starts[group]
    entry_keys = base + (entry - low)  # sorted: rows are in group, entry order
    entry_sums = np.concatenate(([0], np.cumsum(entry)))
    end_keys = np.sort(base + (end - low))  # in group, then end order
    ends = end_keys % span + low
    end_sums = np.concatenate(([0], np.cumsum(ends)))

    def upto(t: np.ndarray) -> np.ndarray:
        """F(t) for each row's group."""
        key = base + (t - low)
        entered = np.searchsorted(entry_keys, key, side="right")
        ended = np.searchsorted(end_keys, key, side="left")  # ends strictly before t
        n_in, sum_in = entered - first, entry_sums[entered] - entry_sums[first]
        n_out, sum_out = ended - first, end_sums[ended] - end_sums[first]
        return n_in * (t + 1) - sum_in - (n_out * t - sum_out)

    return upto(end) - upto(end - window)


EPOCH = date(1970, 1, 1)
EPOCH_ORDINAL = EPOCH.toordinal()


def _codes(column: pa.Array | pa.ChunkedArray) -> tuple[np.ndarray, list[str]]:
    """Each value's code, and the values coded. A chunked column is coded chunk by chunk
    against one dictionary (no copy of the strings into one array first)."""
    encoded = column.dictionary_encode()
    if isinstance(encoded, pa.Array):
        chunks = [encoded]
    else:
        chunks = encoded.chunks or [pa.array([], column.type).dictionary_encode()]
        dictionaries = {c.dictionary.buffers()[-1].address for c in chunks if len(c.dictionary)}
        if len(dictionaries) > 1:
            chunks = encoded.unify_dictionaries().chunks
    indices = np.concatenate([c.indices.to_numpy(zero_copy_only=False) for c in chunks])
    return indices.astype(np.int64), chunks[-1].dictionary.to_pylist()


def _documents_used(judged: StayColumns, chosen: np.ndarray, people: pa.Array) -> np.ndarray | None:
    """The documents each of `people` (some of the chosen groups' people) crossed on, as the
    stays say it (None: they do not)."""
    if judged.documents is None:
        return None
    at = judged.first[chosen]
    places = _places(judged.column("person_key", at), people)
    theirs = places >= 0
    used = np.zeros(len(people), dtype=np.int64)
    used[places[theirs]] = judged.documents[at[theirs]]
    return used


@dataclass(frozen=True)
class Linking:
    """Per person of `people`: the documents their crossings were recorded on, and the least
    certain link among their documents (a place in LINK_ORDER; -1: none known; None: the
    documents were not given)."""

    people: pa.Array
    documents: np.ndarray
    link: np.ndarray | None

    def of(self, travellers: list[str]) -> tuple[list[int], list[str | None]]:
        """The documents and the link of each traveller (a person of `people`)."""
        at = _places(pa.array(travellers, pa.string()), self.people)
        if (at < 0).any():
            raise KeyError(f"not among the people linked: {travellers[int(np.argmin(at))]}")
        documents = self.documents[at].tolist()
        if self.link is None:
            return documents, [None] * len(at)
        return documents, [None if w < 0 else LINK_ORDER[w] for w in self.link[at].tolist()]


def _linking(
    crossings: ibis.Table,
    documents: ibis.Table | None,
    reviews: ibis.Table | None,
    people: pa.Array,
    used_by: np.ndarray | None = None,
) -> Linking:
    """Per person of `people`: the documents their crossings were recorded on, and the least
    certain link among their documents.

    `used_by`: the first, as the summaries' stays say it. Otherwise, with the warehouse's
    documents, only the crossings of the people holding more than one document are read (which
    of their documents were used); everyone else crossed on their one (a person's key is that
    of their documents: engine.with_people)."""
    if not len(people):
        nothing = np.zeros(0, dtype=np.int64)
        return Linking(people, nothing, None if documents is None else nothing)
    chosen = ibis.memtable(pa.table({"person_key": people}))
    if documents is None and used_by is not None:
        return Linking(people, used_by, None)
    if documents is None:
        used = (
            crossings.semi_join(chosen, "person_key")
            .group_by("person_key")
            .aggregate(documents=_.document_id.nunique())
            .to_pyarrow()
        )
        counts = np.zeros(len(people), dtype=np.int64)
        counts[_places(_column(used, "person_key"), people)] = _whole(_column(used, "documents"))
        return Linking(people, counts, None)
    theirs = (
        documents.semi_join(chosen, "person_key")
        .select("person_key", "document_id", "link")
        .to_pyarrow()
        .combine_chunks()
    )
    owner = _places(_column(theirs, "person_key"), people)
    held = np.bincount(owner, minlength=len(people))
    counts = np.ones(len(people), dtype=np.int64) if used_by is None else used_by
    several = held[owner] > 1  # the rows of the people holding several documents
    if several.any() and used_by is None:
        ids = ibis.memtable(
            pa.table({"document_id": _column(theirs, "document_id").filter(several)})
        )
        crossed = crossings.select("document_id").semi_join(ids, "document_id").distinct()
        crossed = crossed.to_pyarrow()["document_id"]
        on_crossings = several & pc.is_in(theirs["document_id"], crossed).to_numpy(
            zero_copy_only=False
        )
        used = np.bincount(owner[on_crossings], minlength=len(people))
        counts = np.where(used > 0, used, counts)
    rank = pc.fill_null(
        pc.index_in(theirs["link"], value_set=pa.array(list(_LINK_RANK))), 0
    ).to_numpy(zero_copy_only=False)  # _LINK_RANK's values are its keys' places
    if reviews is not None:
        waiting = _in_review(reviews)
        pending = pc.is_in(theirs["document_id"], value_set=waiting).to_numpy(zero_copy_only=False)
        rank = np.where(pending, _LINK_RANK["pending"], rank)
    worst = np.full(len(people), -1, dtype=np.int64)
    np.maximum.at(worst, owner, rank.astype(np.int64))
    worst = np.where(held > 1, np.maximum(worst, 1), worst)  # several documents: linked
    return Linking(people, counts, worst)


def _in_review(reviews: ibis.Table) -> pa.Array:
    """The documents on either side of an open proposal (the review queue is short)."""
    either = reviews.select("document_id").union(reviews.select(document_id=reviews.candidate_id))
    return _column(either.to_pyarrow(), "document_id")


def _judge(
    by_host: dict[str, TimelineColumns], rules: StayRulesTable, on: date
) -> tuple[list[tuple], list[tuple]]:
    """The engine's open overstays and late exits, host state by host state, as rows (the
    first columns of OPEN_COLUMNS and LATE_COLUMNS)."""
    open_rows, late_rows = [], []
    for host, people in sorted(by_host.items()):
        report = find_overstays_in_columns(people, lambda nat, h=host: rules.schedule(h, nat), on)
        open_rows += [
            (o.traveller, host, o.nationality, o.entry, o.lawful_until, o.days) for o in report.open
        ]
        late_rows += [
            (x.traveller, host, x.nationality, x.entry, x.exit, x.lawful_until, x.days_late)
            for x in report.late_exits
        ]
    return open_rows, late_rows


def _overstays(
    on: date,
    open_rows: list[tuple],
    late_rows: list[tuple],
    linking: Linking,
    without_permit: set[tuple[str, str]],
    judged: int,
) -> Overstays:
    documents, links = linking.of([row[0] for row in open_rows + late_rows])
    said = list(zip(documents, links, strict=True))
    return Overstays(
        on,
        _rows(open_rows, said[: len(open_rows)], OPEN_COLUMNS, without_permit),
        _rows(late_rows, said[len(open_rows) :], LATE_COLUMNS, without_permit),
        judged,
    )


def _rows(
    rows: list[tuple],
    said: list[tuple[int, str | None]],
    columns: list[str],
    without: set[tuple[str, str]],
) -> pd.DataFrame:
    """The engine's rows with each person's documents and link (`said`) and whether they
    were judged without a permit on record, sorted by the first four columns."""
    frame = pd.DataFrame(
        [
            (*row, n, link, (row[0], row[1]) in without)
            for row, (n, link) in zip(rows, said, strict=True)
        ],
        columns=columns,
    )
    return frame.sort_values(columns[:4], ignore_index=True)


def timelines(
    judged: StayColumns,
    chosen: np.ndarray,
    held: Held,
    limits: dict[tuple[str, str], Limit],
) -> tuple[dict[str, TimelineColumns], set[tuple[str, str]]]:
    """The chosen groups' timelines per host state, as columns (the engine's column front:
    stay.find_overstays_in_columns), and the person-host pairs judged without a visa or permit
    on record. The stays are merged as whole columns (merged_stays); no stay becomes a Python
    object. A person is judged under the nationality of their latest stay in the host state
    (rows in entry order), as a person can hold documents of two states; when that
    nationality's rules publish no limit there, the engine finds nothing to judge by, even if
    an earlier stay's did (module doc)."""
    firsts, lasts = judged.first[chosen], judged.first[chosen + 1]
    sizes = lasts - firsts
    rows = _ranges(firsts, sizes)
    local = np.repeat(np.arange(len(chosen)), sizes)
    run_group, run_entry, run_exit = merged_stays(local, judged.entry[rows], judged.exit[rows])
    entry = run_entry + EPOCH_ORDINAL
    exit_ = np.where(run_exit == NO_EXIT, STILL_PRESENT, run_exit + EPOCH_ORDINAL)
    per_group = np.diff(np.searchsorted(run_group, np.arange(len(chosen) + 1)))
    host = judged.host[firsts]
    nationality = judged.nationality[lasts - 1]
    pair = host * len(judged.nationalities) + nationality
    visa = np.zeros(len(judged.hosts) * len(judged.nationalities), dtype=bool)
    for (h, n), limit in limits.items():
        if limit.visa_required:
            visa[
                judged.hosts.index(h) * len(judged.nationalities) + judged.nationalities.index(n)
            ] = True
    permit_counts = np.diff(held.bounds)
    bare = visa[pair] & (permit_counts == 0)  # judged, and said so (module doc)
    people = judged.strings("person_key", firsts)
    without_permit = {(people[k], judged.hosts[host[k]]) for k in np.flatnonzero(bare).tolist()}
    nats = np.asarray(judged.nationalities, dtype=object)
    run_host = host[run_group]
    by_host: dict[str, TimelineColumns] = {}
    for h in np.unique(host).tolist():
        ks = np.flatnonzero(host == h)
        theirs = run_host == h
        counts = permit_counts[ks]
        permit_rows = _ranges(held.bounds[ks], counts)
        by_host[judged.hosts[h]] = TimelineColumns(
            travellers=[people[k] for k in ks.tolist()],
            nationalities=nats[nationality[ks]].tolist(),
            bounds=np.concatenate(([0], np.cumsum(per_group[ks]))),
            entry=entry[theirs],
            exit=exit_[theirs],
            permits=held.permits[permit_rows].tolist(),
            permit_bounds=np.concatenate(([0], np.cumsum(counts))),
        )
    return by_host, without_permit


def _ranges(starts: np.ndarray, counts: np.ndarray) -> np.ndarray:
    """The rows starts[i] .. starts[i] + counts[i] - 1 of each i, one after the other."""
    return np.repeat(starts - np.cumsum(counts) + counts, counts) + np.arange(counts.sum())


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

    permits: np.ndarray  # of Permit objects
    bounds: np.ndarray


def held_permits(
    permits: ibis.Table, people: pa.Array, judged: StayColumns, chosen: np.ndarray
) -> Held:
    """The chosen groups' permits (a person's in the group's host state), in the order read.
    `people`: the chosen groups' people, each once. Rows reach their group by integer codes
    (the place of their person in `people`, of their host state among the stays'), and permits
    alike (kind, validity, entries, duration) are one object: permits are immutable, and only
    the distinct ones are made in Python."""
    # Every permit is read (one scan, as a semi-join would make) and matched here.
    rows = permits.select(
        "person_key", "host_state", "kind", "valid_from", "valid_to", "entries_allowed",
        "duration_days",
    ).to_pyarrow()  # fmt: skip
    # Group k's key: its person's place in `people` and its host state.
    firsts = judged.first[chosen]
    hosts = len(judged.hosts)
    group_keys = _places(judged.column("person_key", firsts), people) * hosts + judged.host[firsts]
    by_key = np.argsort(group_keys)  # already in order when `people` are in the groups' order
    group_keys = group_keys[by_key]
    host_of = _places(_column(rows, "host_state"), pa.array(judged.hosts, pa.string()))
    keys = _places(_column(rows, "person_key"), people) * hosts + host_of
    at = np.minimum(np.searchsorted(group_keys, keys), len(group_keys) - 1)
    if len(group_keys):
        theirs = np.flatnonzero((host_of >= 0) & (group_keys[at] == keys))
    else:
        theirs = np.zeros(0, dtype=np.int64)
    k = by_key[at[theirs]]
    by_group = np.argsort(k, kind="stable")  # in group order, then as read
    k, theirs = k[by_group], theirs[by_group]
    bounds = np.searchsorted(k, np.arange(len(chosen) + 1))
    if not len(k):
        return Held(np.empty(0, dtype=object), bounds)
    kind_codes, kinds = _codes(_column(rows, "kind"))
    entries, duration = _column(rows, "entries_allowed"), _column(rows, "duration_days")
    columns = [
        kind_codes, _days(_column(rows, "valid_from")), _days(_column(rows, "valid_to")),
        pc.is_null(entries).to_numpy(zero_copy_only=False), _whole(entries),
        pc.is_null(duration).to_numpy(zero_copy_only=False), _whole(duration),
    ]  # fmt: skip
    columns = [c[theirs] for c in columns]
    alike, distinct = _distinct(columns)
    days: dict[int, date] = {}

    def day(n: int) -> date:
        found = days.get(n)
        if found is None:
            found = days[n] = _from_days(n)
        return found

    kind_of = [PermitKind(kind) for kind in kinds]
    made = np.empty(len(distinct), dtype=object)
    made[:] = [
        Permit(
            kind=kind_of[kind],
            valid_from=day(start),
            valid_to=day(end),
            entries=None if no_entries else entries_,
            duration_days=None if no_duration else duration_,
        )
        for kind, start, end, no_entries, entries_, no_duration, duration_ in zip(
            *(c[distinct].tolist() for c in columns), strict=True
        )
    ]
    return Held(made[alike], bounds)


def _places(values: pa.Array, among: pa.Array) -> np.ndarray:
    """Each value's place in `among` (-1: not there)."""
    found = pc.index_in(values, value_set=among)
    return pc.fill_null(found, -1).to_numpy(zero_copy_only=False).astype(np.int64)


def _whole(column: pa.Array) -> np.ndarray:
    """An integer column as int64, nulls as 0 (their mask says which)."""
    return pc.fill_null(column.cast(pa.int64()), 0).to_numpy(zero_copy_only=False)


def _distinct(columns: list[np.ndarray]) -> tuple[np.ndarray, np.ndarray]:
    """Rows alike in every column: each row's distinct row (an index into the second), and
    the first row of each distinct one."""
    order = np.lexsort(columns[::-1])
    new = np.zeros(len(order), dtype=bool)
    new[:1] = True
    for c in columns:
        ranked = c[order]
        new[1:] |= ranked[1:] != ranked[:-1]
    which = np.empty(len(order), dtype=np.int64)
    which[order] = np.cumsum(new) - 1
    return which, order[new]


def _from_days(days: int) -> date:
    return date.fromordinal(EPOCH.toordinal() + days)


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
