"""The overstay analysis as it was before (the oracle): the candidate filter as a self-join of
the stays in DuckDB, the links counted over the crossings (analytics/overstays.py at commit
e58d98b), and the judging step reaching each candidate's stays through a pandas group per
person (commit d1e69f4, `_judge`). tests/analytics/test_overstays_speed.py and
bench/overstays_speed_bench.py hold the current analysis to its verdicts (the same rows) and
time it against it. Not used by rmis itself.
"""

from __future__ import annotations

import uuid
from collections import defaultdict
from collections.abc import Iterator
from contextlib import contextmanager
from datetime import date

import ibis
import pandas as pd
from ibis import _

from rmis.analytics.overstays import (
    LATE_COLUMNS,
    LINK_ORDER,
    OPEN_COLUMNS,
    Limit,
    Overstays,
    strictest_limit,
)
from rmis.analytics.stays import days_between, foreign, stays
from rmis.reference.stay_rules import StayRulesTable
from rmis.stay import Permit, PermitKind, Stay, Timeline, TravellerTimeline, find_overstays

_LINK_RANK = {"first": 0, "certain": 1, "confirmed": 2, "automatic": 3, "pending": 4}


def find_overstays_before(
    crossings: ibis.Table,
    permits: ibis.Table,
    rules: StayRulesTable,
    on: date,
    documents: ibis.Table | None = None,
    reviews: ibis.Table | None = None,
    made: ibis.Table | None = None,
) -> Overstays:
    """analytics.find_overstays_on as it was (same arguments, same answer)."""
    if made is not None:
        return _find(made.filter(foreign(made) & (made.entry_date <= on)), crossings, permits,
                     rules, on, documents, reviews)  # fmt: skip
    s = stays(crossings)
    with _made_once(s.filter(foreign(s) & (s.entry_date <= on))) as s:
        return _find(s, crossings, permits, rules, on, documents, reviews)


@contextmanager
def _made_once(s: ibis.Table) -> Iterator[ibis.Table]:
    backend = s._find_backend(use_default=True)
    if backend.name != "duckdb":
        yield s
        return
    name = f"_rmis_stays_{uuid.uuid4().hex}"
    try:
        yield backend.create_table(name, s, temp=True)
    finally:
        backend.raw_sql(f'DROP TABLE IF EXISTS "{name}"')


def _find(s, crossings, permits, rules, on, documents, reviews) -> Overstays:
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
    return judge_before(s, permits, rules, on, candidates, limits, linking)


def _empty(on: date) -> Overstays:
    return Overstays(on, pd.DataFrame(columns=OPEN_COLUMNS), pd.DataFrame(columns=LATE_COLUMNS), 0)


def _linking(crossings, documents, reviews, people) -> dict[str, tuple[int, str | None]]:
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
    ids = ibis.memtable(pd.DataFrame({"document_id": document_ids.unique()}))
    either = reviews.select("document_id").union(reviews.select(document_id=reviews.candidate_id))
    return set(either.semi_join(ids, "document_id").to_pandas().document_id)


def _candidates(s: ibis.Table, limits: ibis.Table, on: date) -> ibis.Table:
    end = ibis.least(s.exit_date.fill_null(on), ibis.date(on))
    judged = s.inner_join(limits, ["host_state", "nationality"]).select(
        "person_key", "host_state", "nationality", "entry_date", "limit_days", check=end,
        window_start=end - (limits.window_days - 1).as_interval("D"),
    )  # fmt: skip
    other = s.view()
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


def _merged(spans: list[tuple[date, date | None]]) -> list[Stay]:
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


def judge_before(
    s: ibis.Table,
    permits: ibis.Table,
    rules: StayRulesTable,
    on: date,
    candidates: pd.DataFrame,
    limits: dict[tuple[str, str], Limit],
    linking: dict[str, tuple[int, str | None]],
) -> Overstays:
    chosen = ibis.memtable(candidates[["person_key", "host_state"]])
    their_stays = (
        s.semi_join(chosen, ["person_key", "host_state"])
        .select("person_key", "host_state", "nationality", "entry_date", "exit_date")
        .to_pandas()
    )
    their_permits = permits.semi_join(chosen, ["person_key", "host_state"]).to_pandas()
    held: dict[tuple[str, str], list[Permit]] = defaultdict(list)
    for p in their_permits.itertuples(index=False):
        held[(p.person_key, p.host_state)].append(
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
    for (person, host), rows in their_stays.groupby(["person_key", "host_state"], sort=True):
        # The nationality of the person's latest stay there (rows come in entry order), as a
        # person can hold documents of two states.
        nationality = rows.sort_values("entry_date").nationality.iloc[-1]
        # A nationality whose rules publish no limit there is not visa-required (the latest
        # stay's, when an earlier stay's had a limit: it was a KeyError before).
        limit = limits.get((host, nationality))
        if limit is not None and limit.visa_required and not held[(person, host)]:
            without_permit.add((person, host))  # judged, and said so (module doc)
        spans = [
            (_day(e), None if pd.isna(x) else _day(x))
            for e, x in zip(rows.entry_date, rows.exit_date, strict=True)
        ]
        timeline = Timeline(stays=tuple(_merged(spans)), permits=tuple(held[(person, host)]))
        by_host[host].append(TravellerTimeline(person, nationality, timeline))
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
