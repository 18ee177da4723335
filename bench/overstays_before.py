"""The overstay analysis' judging step as it was before it read whole columns (commit d1e69f4,
analytics/overstays.py `_judge`): the oracle that tests/analytics/test_overstays_speed.py and
bench/overstays_speed_bench.py hold the current one to (the same verdicts), and the time it
took. Not used by rmis itself."""

from __future__ import annotations

from collections import defaultdict
from datetime import date

import ibis
import pandas as pd

from rmis.analytics.overstays import (
    LATE_COLUMNS,
    OPEN_COLUMNS,
    Limit,
    Overstays,
    _day,
    _merged,
)
from rmis.reference.stay_rules import StayRulesTable
from rmis.stay import Permit, PermitKind, Timeline, TravellerTimeline, find_overstays


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
        if limits[(host, nationality)].visa_required and not held[(person, host)]:
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
