"""The pre-aggregates the analyses read at the scale of a country: made and kept up to date by
`rmis warehouse sync` (the warehouse lists them in its manifest, atomically with the crossings
they summarise), read by the CLI, the report and the analyst's dashboard (quick.py).

Three tables and their rollups, all under `summaries/` in the warehouse:
- a cube per crossings partition: crossings counted (`n`) by day, BCP (with its mode and
  neighbour), direction, outcome, nationality, purpose, sex and age band. Flows and mirror
  statistics are sums over it. A partition whose files changed (new crossings, a correction
  rewritten, small files merged) gets its cube again; the others keep theirs.
- the stays of every person (stays.stays), what stock reads, each with the number of documents
  its person crossed on (what overstays' rows say).
- one row per person: the movement-type features (typology.py) that do not depend on the last
  day with data, and the person's open stay, if any; movement types are read from it with the
  last day filled in (quick.movement_types).
A person's stays and features are made again only for the people a sync touched: those with a
crossing in a crossing file the sync added or removed, and those whose documents changed person
(a merge, a split, a confirmed proposal). Stays depend on nothing but the person's own
crossings, so the others' rows are kept as they are.
Among the rollups, the open overstays on the last day with data are judged again at every sync
(by the stay rules the sync is given): a permit or a review can change them without a crossing.
"""

from __future__ import annotations

from datetime import date
from pathlib import Path

import ibis
import pandas as pd
import pyarrow as pa
from ibis import _
from ibis.backends import BaseBackend

from rmis.analytics.dimensions import age_band
from rmis.analytics.early_warning import surges, surges_frame
from rmis.analytics.engine import duckdb_backend, with_people
from rmis.analytics.overstays import find_overstays_on
from rmis.analytics.state_roles import passes_through, role_events
from rmis.analytics.stays import days_between, foreign, stays, with_documents
from rmis.analytics.typology import (
    AIR_OR_SEA,
    LONG_DAYS,
    SEASON_MIN_DAYS,
    SPRING_MONTHS,
    movement_type,
)
from rmis.reference.stay_rules import StayRulesTable, builtin_stay_rules
from rmis.warehouse import Manifest, Summaries, new_file

# early_warning.ALERT_COLUMNS as stored (the frame's columns hold Python objects)
SURGE_SCHEMA = pa.schema(
    [
        ("severity", pa.string()), ("status", pa.string()), ("host_state", pa.string()),
        ("bcp_code", pa.string()), ("nationality", pa.string()), ("on", pa.string()),
        ("since", pa.string()), ("last_met", pa.string()), ("window_days", pa.int64()),
        ("observed", pa.int64()), ("expected", pa.float64()), ("ratio", pa.float64()),
        ("excess", pa.int64()), ("chance", pa.string()), ("baseline", pa.string()),
        ("message", pa.string()),
    ]
)  # fmt: skip
# overstays.OPEN_COLUMNS as stored (the frame's dates are Python dates, its ints numpy's)
OVERSTAY_SCHEMA = pa.schema(
    [
        ("person_key", pa.string()), ("host_state", pa.string()), ("nationality", pa.string()),
        ("entry_date", pa.date32()), ("lawful_until", pa.date32()), ("days", pa.int64()),
        ("documents", pa.int64()), ("link", pa.string()), ("without_permit", pa.bool_()),
    ]
)  # fmt: skip

# 2: stock and the settled movement mix among the rollups; 3: refusal reasons; 4: the stays say
# on how many documents their person crossed (overstays read it); 5: day x BCP x nationality;
# 6: the open overstays on the last day with data, the rollups by movement type
SUMMARIES_VERSION = 6
CUBE_KEYS = (
    "local_date", "year", "month", "host_state", "bcp_code", "mode", "neighbour", "direction",
    "outcome", "refusal_reason", "nationality", "purpose", "sex", "age_band",
)  # fmt: skip
SHORT_DAYS = 2  # typology: a stay back the same day or the next
_PLACE = ("host_state", "bcp_code", "mode", "neighbour")  # a BCP fixes the other three
_PROFILE = ("nationality", "purpose", "sex", "age_band")
_OUTCOME = ("outcome", "refusal_reason")  # the reason is null on an admitted crossing
# Coarser cubes summed from the partitions' cubes at every sync, each far smaller than the
# crossings at any scale (a BCP records each day, a profile each month): a query reads the
# smallest that holds its columns. `local_date` is the first day of the period a row counts.
ROLLUPS = {
    "day_bcp": ("local_date", "year", "month", *_PLACE, "direction", *_OUTCOME),
    "day_profile": ("local_date", "year", "month", "host_state", "direction", *_OUTCOME,
                    *_PROFILE),
    # The early warning's series (host state, BCP, nationality) day by day.
    "day_bcp_nationality": ("local_date", "year", "month", *_PLACE, "direction", *_OUTCOME,
                            "nationality"),
    "month_bcp_profile": ("local_date", "year", "month", *_PLACE, "direction", *_OUTCOME,
                          *_PROFILE),
}  # fmt: skip
MONTHLY = frozenset({"month_bcp_profile"})  # its local_date is the first of the month
STOCK_CELLS = ("host_state", "nationality", "purpose", "sex")  # stock.DIMENSIONS
# Kept among the rollups, made from the stays and people: stock's two tables, the people with
# no open stay counted per movement type (their type does not move with the last day), and the
# open overstays on the last day with data (made at every sync: permits change without
# crossings), and each person's role events (state_roles.role_events: a person's own).
PEOPLE_ROLLUPS = ("stock", "stock_overlaps", "movement_mix_settled", "overstays", "role_events")
# The rollups again with each crossing's person's movement type on the last day with data (what
# a movement-type filter reads), and every person's type itself.
TYPED_ROLLUPS = {f"{name}_by_type": (*keys, "movement_type") for name, keys in ROLLUPS.items()}
TYPED_MONTHLY = frozenset(f"{name}_by_type" for name in MONTHLY)
TYPES = "movement_types"
# The early warning's alerts on the last day with data, every series (the dashboard unfiltered).
SURGES = "surges"
# State roles over all the data: people per state, nationality, role and movement type (a
# person has one type, so the types add up).
ROLES_BY_TYPE = "state_roles_by_type"
ALL_ROLLUPS = frozenset({*ROLLUPS, *PEOPLE_ROLLUPS, *TYPED_ROLLUPS, TYPES, SURGES, ROLES_BY_TYPE})


def summarise(
    root: Path,
    before: Manifest | None,
    after: Manifest,
    backend: BaseBackend | None = None,
    rules: StayRulesTable | None = None,
) -> Summaries:
    """The summaries of the warehouse `after` lists, made again only where it differs from
    `before` (None: everything). `before`'s files must still be on disk. `backend`: a DuckDB
    connection (e.g. with a memory limit); by default a new one. `rules`: the stay rules the
    overstays are judged by (the state's own file: `rmis warehouse sync` passes them);
    by default the built-in ones."""
    if not after.partitions or not after.documents:
        return Summaries(SUMMARIES_VERSION)  # no crossings yet: nothing to summarise
    backend = backend or duckdb_backend()
    old = before.summaries if before is not None else None
    if old is not None and old.version != SUMMARIES_VERSION:
        before, old = None, None
    flows: dict = {}
    for partition, files in sorted(after.partitions.items()):
        kept = old.flows.get(partition) if old is not None else None
        if kept is not None and before is not None and before.partitions.get(partition) == files:
            flows[partition] = kept
            continue
        crossings = _read(backend, root, files)
        flows[partition] = _write(backend, root, "summaries/flows", cube(crossings))
    if old is not None and flows == old.flows:
        rollups = {name: old.rollups[name] for name in (*ROLLUPS, SURGES)}  # no cube changed
    else:
        whole = _read(backend, root, sorted(flows.values()))
        rollups = {
            name: _write(backend, root, "summaries/rollups", rollup(whole, name))
            for name in ROLLUPS
        }
        rollups[SURGES] = _surges(backend, root, rollups)
    crossings = with_people(
        _read(backend, root, after.crossing_files()), _read(backend, root, after.documents)
    )
    last = _last_day(backend, root, rollups)
    if old is None or before is None or old.stays is None or old.people is None:
        their_stays = _materialise(backend, with_documents(stays(crossings), crossings))
        kept_stays, kept_people, kept_roles, theirs = None, None, None, crossings
        touched = None  # everyone: made from scratch
    else:
        touched = _touched_people(backend, root, before, after)
        if touched is None:  # no person's crossings changed, nor the last day: nor any type
            unchanged = (*PEOPLE_ROLLUPS, *TYPED_ROLLUPS, TYPES, ROLES_BY_TYPE)
            kept = {name: old.rollups[name] for name in unchanged}
            kept["overstays"] = _overstays(backend, root, after, crossings, old.stays, last, rules)
            return Summaries(SUMMARIES_VERSION, flows, rollups | kept, old.stays, old.people)
        theirs = crossings.semi_join(touched, "person_key")
        their_stays = _materialise(backend, with_documents(stays(theirs), theirs))
        kept_stays = _read(backend, root, [old.stays]).anti_join(touched, "person_key")
        kept_people = _read(backend, root, [old.people]).anti_join(touched, "person_key")
        kept_roles = _read(backend, root, [old.rollups["role_events"]]).anti_join(
            touched, "person_key"
        )
    their_people = person_features(theirs, their_stays)
    their_roles = role_events(theirs, their_stays)
    all_stays = their_stays if kept_stays is None else kept_stays.union(their_stays)
    all_people = their_people if kept_people is None else kept_people.union(their_people)
    all_roles = their_roles if kept_roles is None else kept_roles.union(their_roles)
    by_day = all_stays.order_by(["host_state", "entry_date"])  # stock reads a day's stays
    stays_file = _write(backend, root, "summaries/stays", by_day)
    written = _read(backend, root, [stays_file])
    people_file = _write(backend, root, "summaries/people", all_people.order_by("person_key"))
    settled = _read(backend, root, [people_file]).filter(_.open_entry.isnull())
    people_rollups = {
        "stock": _write(backend, root, "summaries/rollups", stock_changes(written)),
        "stock_overlaps": _write(backend, root, "summaries/rollups", stock_overlaps(written)),
        "movement_mix_settled": _write(
            backend, root, "summaries/rollups",
            # Any day does: without an open stay no feature reads it.
            typed_people(settled, ibis.date(2000, 1, 1))
            .group_by("movement_type")
            .aggregate(people=_.count()),
        ),
        "overstays": _overstays(backend, root, after, crossings, stays_file, last, rules),
        # By day: a period's roles read only its row groups.
        "role_events": _write(backend, root, "summaries/rollups", all_roles.order_by("day")),
    }  # fmt: skip
    by_type = _by_movement_type(
        backend, root, before, after, old, crossings, people_file,
        people_rollups["role_events"], last, touched,
    )  # fmt: skip
    return Summaries(
        SUMMARIES_VERSION,
        flows,
        rollups | people_rollups | by_type,
        stays=stays_file,
        people=people_file,
    )


def cube(crossings: ibis.Table) -> ibis.Table:
    """Crossings counted per cell of every dimension flows and mirror statistics cut by."""
    with_band = crossings.mutate(age_band=age_band(_.birth_year, _.year))
    return with_band.group_by(list(CUBE_KEYS)).aggregate(n=_.count())


def rollup(cube_: ibis.Table, name: str) -> ibis.Table:
    """The cube summed to the columns of ROLLUPS[name] (or of TYPED_ROLLUPS[name] over a
    typed cube)."""
    keys = ROLLUPS.get(name) or TYPED_ROLLUPS[name]
    if name in MONTHLY | TYPED_MONTHLY:
        cube_ = cube_.mutate(local_date=_.local_date.truncate("M"))
    return cube_.group_by(list(keys)).aggregate(n=_.n.sum())


def _by_movement_type(
    backend: BaseBackend,
    root: Path,
    before: Manifest | None,
    after: Manifest,
    old: Summaries | None,
    crossings: ibis.Table,
    people_file: str,
    events_file: str,
    last: date,
    touched: ibis.Table | None,
) -> dict[str, str]:
    """Every person's type on the last day with data, the rollups by type (made from scratch
    when `touched` is None, else corrected for the touched and the re-typed) and state roles
    over all the data by type."""
    types = typed_people(_read(backend, root, [people_file]), ibis.date(last))
    types_file = _write(
        backend, root, "summaries/rollups", types.select("person_key", "movement_type")
    )
    new_types = _read(backend, root, [types_file])
    if touched is None or before is None or old is None:
        typed = _typed_rollups(backend, root, None, _typed_cube(crossings, new_types))
    else:
        typed = _typed_rollups_updated(
            backend, root, before, after, old.rollups, new_types, touched
        )
    events = _read(backend, root, [events_file]).inner_join(new_types, "person_key")
    per_role = events.group_by(
        state=_.host_state, nationality=_.nationality, role=_.role, movement_type=_.movement_type
    ).aggregate(people=_.person_key.nunique())
    roles = _write(backend, root, "summaries/rollups", per_role)
    return typed | {TYPES: types_file, ROLES_BY_TYPE: roles}


def _typed_cube(crossings: ibis.Table, types: ibis.Table) -> ibis.Table:
    """The cube with each crossing's person's movement type (`types`: person_key and type)."""
    joined = crossings.inner_join(types, "person_key")
    with_band = joined.mutate(age_band=age_band(_.birth_year, _.year))
    return with_band.group_by([*CUBE_KEYS, "movement_type"]).aggregate(n=_.count())


def _typed_rollups(
    backend: BaseBackend, root: Path, kept: dict[str, str] | None, *changes: ibis.Table
) -> dict[str, str]:
    """Each typed rollup: the `kept` one (None: none) plus the typed cubes `changes` (counts
    may be negative: a correction), cells that sum to nothing dropped."""
    # Each typed cube made once, on disk: it is read four times, and at the scale of a country
    # it is far larger than memory (a temporary table at 100M crossings ran DuckDB out of 6 GB).
    scratch = [_write(backend, root, "summaries/scratch", c) for c in changes]
    try:
        written = {}
        for name, keys in TYPED_ROLLUPS.items():
            parts = [rollup(_read(backend, root, [f]), name) for f in scratch]
            if kept is not None:
                parts.insert(0, _read(backend, root, [kept[name]]))
            if len(parts) == 1:
                summed = parts[0]
            else:
                # A month stored as a date: truncate's result is typed a timestamp by Ibis.
                alike = [parts[0], *(p.cast(parts[0].schema()) for p in parts[1:])]
                summed = ibis.union(*alike).group_by(list(keys)).aggregate(n=_.n.sum())
            written[name] = _write(backend, root, "summaries/rollups", summed.filter(_.n != 0))
        return written
    finally:
        for f in scratch:  # never listed: a sync that dies here leaves them to remove_unlisted
            (root / f).unlink(missing_ok=True)


def _typed_rollups_updated(
    backend: BaseBackend,
    root: Path,
    before: Manifest,
    after: Manifest,
    old: dict[str, str],
    new_types: ibis.Table,
    touched: ibis.Table,
) -> dict[str, str]:
    """The typed rollups of `before` corrected for the people whose crossings were touched or
    whose type moved (an open stay grows with the last day): their crossings before, under
    their type before, taken out; their crossings now, under their type now, put in. Only
    those people's crossings are read (found by their documents)."""
    old_types = _read(backend, root, [old[TYPES]])
    moved = old_types.inner_join(new_types, "person_key").filter(
        _.movement_type != _.movement_type_right
    )
    redo = _materialise(
        backend, touched.select("person_key").union(moved.select("person_key"), distinct=True)
    )

    def counted(manifest: Manifest, types: ibis.Table) -> ibis.Table:
        documents = _read(backend, root, manifest.documents)
        theirs = documents.semi_join(redo, "person_key").select("document_id")
        crossings = _read(backend, root, manifest.crossing_files()).semi_join(theirs, "document_id")
        return _typed_cube(with_people(crossings, documents), types.semi_join(redo, "person_key"))

    taken_out = counted(before, old_types).mutate(n=-_.n)
    return _typed_rollups(backend, root, old, taken_out, counted(after, new_types))


def stock_changes(all_stays: ibis.Table) -> ibis.Table:
    """Foreign stays present, per stock cell (STOCK_CELLS), from each day on which that number
    changes: +1 on an entry day, -1 the day after an exit (both days count), summed in order.
    The stays present in a cell on any day are the row of the latest day on or before it."""
    s = all_stays.filter(foreign(all_stays))
    arrivals = s.select(*STOCK_CELLS, day=s.entry_date, change=ibis.literal(1, "int64"))
    departures = s.filter(s.exit_date.notnull()).select(
        *STOCK_CELLS, day=s.exit_date + ibis.interval(days=1), change=ibis.literal(-1, "int64")
    )
    changes = (
        arrivals.union(departures).group_by([*STOCK_CELLS, "day"]).aggregate(change=_.change.sum())
    )
    window = ibis.window(group_by=list(STOCK_CELLS), order_by=_.day, rows=(None, 0))
    return changes.mutate(present=_.change.sum().over(window)).drop("change")


def stock_overlaps(all_stays: ibis.Table) -> ibis.Table:
    """Where one person is present in two foreign stays on one day: a stay's last day is the
    next one's first (an exit and an entry elsewhere the same day, or an entry whose exit went
    unrecorded). Stock counts people, so such a day counts the person once per cell: one row per
    person, day and stay on those days (only entry and exit days can hold two stays)."""
    s = all_stays.filter(foreign(all_stays)).mutate(stay=ibis.row_number())
    starts = s.select("stay", "person_key", *STOCK_CELLS, day=s.entry_date)
    ends = s.filter(s.exit_date.notnull()).select(
        "stay", "person_key", *STOCK_CELLS, day=s.exit_date
    )
    days = starts.union(ends, distinct=True)  # a stay left the day it began counts once
    shared = days.group_by(["person_key", "day"]).aggregate(stays=_.count()).filter(_.stays > 1)
    return days.semi_join(shared, ["person_key", "day"]).drop("stay")


def person_features(crossings: ibis.Table, all_stays: ibis.Table) -> ibis.Table:
    """One row per person of `crossings`: typology's features over their closed foreign stays,
    and their open one (at most one: only a person's last crossing has none after it). People
    with no foreign stay have nulls, as in typology.movement_features' left join."""
    s = all_stays.filter(foreign(all_stays))
    closed = s.exit_date.notnull()
    length = days_between(s.entry_date, s.exit_date) + 1  # null while open
    land = ~s.entry_partner.isin(AIR_OR_SEA) & ~s.exit_partner.isin(AIR_OR_SEA)
    through = passes_through(s) & land.fill_null(False)
    spring = s.entry_date.month().isin(SPRING_MONTHS)

    def count(condition: ibis.BooleanValue) -> ibis.IntegerValue:
        # Counts the rows where the condition is true (null counts as false, as in a sum).
        return s.count(where=condition)

    features = s.group_by("person_key").aggregate(
        stays=_.count(),
        transit_signs=count(through | (s.purpose == "transit")),
        long_purpose=count((s.purpose == "study") | (s.purpose == "residence")),
        long_closed=count(closed & (length >= LONG_DAYS)),
        season_closed=count(
            closed & ((s.purpose == "work") | ((length >= SEASON_MIN_DAYS) & spring))
        ),
        short_closed=count(closed & (length <= SHORT_DAYS)),
        crossing_points=s.entry_bcp.nunique(),
        first_entry=s.entry_date.min(),
        last_exit=s.exit_date.max(),
        open_entry=ibis.ifelse(closed, ibis.null("date"), s.entry_date).max(),
        open_purpose=ibis.ifelse(closed, ibis.null(str), s.purpose).max(),
    )
    people = crossings.select("person_key").distinct()
    joined = people.left_join(features, "person_key")
    return joined.drop("person_key_right")


def typed_people(p: ibis.Table, last: ibis.DateValue) -> ibis.Table:
    """typology.movement_types from the people table (person_features): the open stay is
    measured up to `last`, the last day with data, as the analysis over crossings does."""
    open_length = days_between(p.open_entry, last) + 1  # null without an open stay
    spring = p.open_entry.month().isin(SPRING_MONTHS)
    long_open = (open_length >= LONG_DAYS).fill_null(False)
    season_open = (p.open_purpose == "work") | ((open_length >= SEASON_MIN_DAYS) & spring)
    short_open = (open_length <= SHORT_DAYS).fill_null(False)
    span_end = ibis.ifelse(p.open_entry.notnull(), last, p.last_exit)
    f = p.select(
        "person_key",
        "stays",
        "transit_signs",
        "long_purpose",
        long_stays=p.long_closed + ibis.ifelse(long_open, 1, 0),
        season_signs=p.season_closed + ibis.ifelse(season_open.fill_null(False), 1, 0),
        short_stays=p.short_closed + ibis.ifelse(short_open, 1, 0),
        crossing_points="crossing_points",
        span_days=days_between(p.first_entry, span_end) + 1,
    )
    return f.mutate(movement_type=movement_type(f).fill_null("short_visit"))


def _surges(backend: BaseBackend, root: Path, rollups: dict[str, str]) -> str:
    """early_warning.surges over every series on the last day with data (from the rollup
    the dashboard reads them from), as surges_frame's rows."""
    series = _read(backend, root, [rollups["day_bcp_nationality"]])
    found = surges_frame(surges(series, _last_day(backend, root, rollups), cube=True))
    table = pa.Table.from_pandas(found, SURGE_SCHEMA, preserve_index=False)
    return _write(backend, root, "summaries/rollups", _table_of(backend, table))


def _table_of(backend: BaseBackend, table: pa.Table) -> ibis.Table:
    """An Arrow table as a temporary table of the backend (_write compiles to SQL)."""
    return backend.create_table(f"_rmis_{id(table)}", ibis.memtable(table), temp=True)


def _last_day(backend: BaseBackend, root: Path, rollups: dict[str, str]) -> date:
    """The last day with data (the latest local_date of any crossing)."""
    last = _read(backend, root, [rollups["day_bcp"]]).local_date.max().execute()
    return pd.Timestamp(last).date()


def _overstays(
    backend: BaseBackend,
    root: Path,
    after: Manifest,
    crossings: ibis.Table,
    stays_file: str,
    last: date,
    rules: StayRulesTable | None,
) -> str:
    """The open overstays on the last day with data (overstays.find_overstays_on over the
    summaries' stays), each with its stay's purpose, sex and age band on entry, so that the
    dashboard's filters apply to them."""
    written = _read(backend, root, [stays_file])
    found = find_overstays_on(
        crossings,
        _read(backend, root, [after.permits]),
        rules or builtin_stay_rules(),
        last,
        _read(backend, root, after.documents),
        _read(backend, root, [after.reviews]) if after.reviews else None,
        made=written,
    )
    judged = pa.Table.from_pandas(found.open, OVERSTAY_SCHEMA, preserve_index=False)
    rows = _table_of(backend, judged)
    keys = ["person_key", "host_state", "entry_date"]
    profile = written.group_by(keys).aggregate(
        purpose=_.purpose.arbitrary(),
        sex=_.sex.arbitrary(),
        age_band=age_band(_.birth_year, _.entry_date.year()).arbitrary(),
    )
    joined = rows.left_join(profile, keys)
    return _write(
        backend,
        root,
        "summaries/rollups",
        joined.select(*rows.columns, "purpose", "sex", "age_band"),
    )


def _touched_people(
    backend: BaseBackend, root: Path, before: Manifest, after: Manifest
) -> ibis.Table | None:
    """The person keys whose stays may differ between `before` and `after`; None for none."""
    was, now = set(before.crossing_files()), set(after.crossing_files())
    changed_files = sorted(was ^ now)
    keys: list[ibis.Table] = []
    old_docs = _read(backend, root, before.documents) if before.documents else None
    new_docs = _read(backend, root, after.documents)
    if changed_files:
        ids = _read(backend, root, changed_files).select("document_id").distinct()
        for docs in (old_docs, new_docs):
            people = with_people(ids, docs) if docs is not None else None
            if people is not None:
                keys.append(people.select("person_key"))
    if old_docs is not None and before.documents != after.documents:
        # A document whose person changed: both its old and its new person are touched.
        o = old_docs.select(document_id=_.document_id, was=_.person_key)
        n = new_docs.select(document_id=_.document_id, now=_.person_key)
        moved = o.inner_join(n, "document_id").filter(_.was != _.now)
        keys += [moved.select(person_key=_.was), moved.select(person_key=_.now)]
    if not keys:
        return None
    touched = _materialise(backend, ibis.union(*keys, distinct=True))
    return touched if touched.count().execute() else None


def _materialise(backend: BaseBackend, expr: ibis.Table) -> ibis.Table:
    """Computed once into a temporary table (read more than once)."""
    return backend.create_table(f"_rmis_{id(expr)}", expr, temp=True)


def _read(backend: BaseBackend, root: Path, files: list[str]) -> ibis.Table:
    return backend.read_parquet([str(root / f) for f in files], hive_partitioning=False)


def _write(backend: BaseBackend, root: Path, directory: str, expr: ibis.Table) -> str:
    """A new Parquet file under `directory`, written beside and renamed into place."""
    name = new_file(root, directory)
    temporary = root / f"{name}.tmp"
    # Whole numbers stay int64: DuckDB sums them into 128 bits, which Parquet stores as double.
    whole = [f'CAST("{c}" AS BIGINT) AS "{c}"' for c, t in expr.schema().items() if t.is_int64()]
    query = backend.compile(expr)
    if whole:
        query = f"SELECT * REPLACE ({', '.join(whole)}) FROM ({query})"
    path = str(temporary).replace("'", "''")
    backend.raw_sql(f"COPY ({query}) TO '{path}' (FORMAT parquet, COMPRESSION zstd)")
    temporary.replace(root / name)
    return name
