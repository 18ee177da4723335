"""The analyst's dashboard's questions, each answered under one set of filters from the
warehouse's summaries (quick.py), the same answers `rmis analytics` gives for the same filters.

A `Workspace` is one warehouse opened for answering: the summaries and, for what they cannot
answer (a movement-type filter, the exact count of people in a small result), the crossings.
Before any panel is shown, `people_in_result` decides whether the filtered result holds at least
k people: a result under k is suppressed whole, so that two filters cannot be differenced to
reveal a cell the disclosure control hides.
"""

from __future__ import annotations

from dataclasses import dataclass, replace
from datetime import date, timedelta
from pathlib import Path

import ibis
import pandas as pd
from ibis import _
from ibis.backends import BaseBackend

from rmis.analytics import quick
from rmis.analytics.disclosure import protect
from rmis.analytics.early_warning import SERIES_KEYS, surges, surges_frame
from rmis.analytics.engine import Warehouse, open_warehouse
from rmis.analytics.filters import Filters
from rmis.analytics.flows import corridor_legs, cube_columns
from rmis.analytics.flows import flows as flows_of_crossings
from rmis.analytics.forecast import forecast, forecast_frame
from rmis.analytics.mirror import mirror as mirror_of_crossings
from rmis.analytics.overstays import overstays_by_nationality
from rmis.analytics.quick import NotSummarised, Summary
from rmis.analytics.state_roles import roles_of_events, roles_side_by_side
from rmis.analytics.summaries import ROLES_BY_TYPE, SURGES, TYPES
from rmis.analytics.typology import MOVEMENT_TYPES

FLOW_MEASURES = ["entries", "exits", "refused"]
FORECAST = ("forecast_median", "forecast_low80", "forecast_high80")  # forecast_frame's figures
ROLES = ("origin", "transit", "destination")  # state_roles' counts of people
OVERSTAY_FILTERS = ("host_state", "nationality", "purpose", "sex", "age_band")  # its columns
PEOPLE_PREFIX = 200_000  # stays read before the lower bound on people is taken (see below)


class SummariesMissing(RuntimeError):
    """The warehouse has no summaries of this version: `rmis warehouse sync` makes them."""


@dataclass(frozen=True)
class Answer:
    """One panel's table, what its numbers count, and the filters it could not apply."""

    table: pd.DataFrame
    measures: list[str]
    not_applied: tuple[str, ...] = ()
    # The measures that count people or crossings (what the disclosure control sums); by
    # default every measure but a difference or a ratio.
    counts: tuple[str, ...] | None = None


class Workspace:
    """A warehouse and its summaries on one backend (one DuckDB connection: answer one request
    at a time, web/ui/analytics holds a lock)."""

    def __init__(self, root: Path, backend: BaseBackend) -> None:
        self.root = root
        self.warehouse: Warehouse = open_warehouse(root, backend)
        summary = quick.open_summary(root, backend)
        if summary is None:
            raise SummariesMissing(
                "the warehouse has no summaries of this version: run `rmis warehouse sync`"
            )
        self.summary: Summary = summary
        self.last_day: date = summary.last_day()
        self.first_day: date = pd.Timestamp(
            summary.rollups["day_bcp"].local_date.min().execute()
        ).date()

    # -- the whole result -------------------------------------------------------------------

    def people_in_result(self, filters: Filters, k: int) -> bool:
        """Whether the crossings the filters keep are those of at least k people.

        Fast where it can be sure: fewer than k crossings are fewer than k people; the people
        among the first PEOPLE_PREFIX matching stays (entries and recorded exits, a subset of
        the result's crossings) are a lower bound. Only a small result is counted exactly, on
        the crossings."""
        if k <= 0:
            return True
        if replace(filters, movement_type=()) == Filters():  # everyone of those types
            return int(self.movement_mix(filters).table.people.sum()) >= k
        totals = self.flows(filters, []).table
        crossings = int(totals[FLOW_MEASURES].fillna(0).to_numpy().sum()) if len(totals) else 0
        # (a filter that keeps nothing sums to nulls)
        if crossings < k:
            return False
        if self._people_among_stays(filters) >= k:
            return True
        return self._people_exactly(filters) >= k

    def _stays_kept(self, filters: Filters) -> ibis.Table:
        s = self.summary.stays
        sides = [filters.on_stays(s, side).select("person_key") for side in ("entry", "exit")]
        kept = sides[0].union(sides[1], distinct=False)
        if filters.movement_type:
            kept = kept.semi_join(self._people_of_types(filters.movement_type), "person_key")
        return kept

    def _people_among_stays(self, filters: Filters) -> int:
        prefix = self._stays_kept(filters).limit(PEOPLE_PREFIX)
        return int(prefix.person_key.nunique().execute())

    def _people_exactly(self, filters: Filters) -> int:
        return int(self._people_crossing(filters).count().execute())

    def _crossings_kept(self, filters: Filters) -> ibis.Table:
        kept = filters.on_crossings(self.warehouse.crossings)  # they carry their person_key
        if filters.movement_type:
            kept = kept.semi_join(self._people_of_types(filters.movement_type), "person_key")
        return kept

    @property
    def _types(self) -> ibis.Table:
        """Every person's movement type on the last day with data (made by the sync)."""
        return self.summary.rollups[TYPES]

    def _people_of_types(self, types: tuple[str, ...]) -> ibis.Table:
        return self._types.filter(self._types.movement_type.isin(list(types))).select("person_key")

    # -- panels -----------------------------------------------------------------------------

    def flows(self, filters: Filters, by: list[str]) -> Answer:
        """Entries, exits and refusals by `by` (analytics.flows' dimensions)."""
        try:
            table = quick.flows(self.summary, by, filters=filters)
        except NotSummarised:  # a cut by movement type no rollup holds: count the crossings
            crossings = self._crossings_kept(filters)
            table = flows_of_crossings(crossings, by, filters.start, filters.end)
        return Answer(table.to_pandas().reset_index(drop=True), list(FLOW_MEASURES))

    def corridors(self, filters: Filters) -> Answer:
        """Journey legs per corridor, each counted once (flows.corridor_legs: a land leg from
        the destination's entries when it records, air and sea by their one recorded end)."""
        start, end = quick.narrowed(None, None, filters)
        columns = cube_columns(["corridor"]) | filters.columns()
        try:
            cells = quick.kept_cells(self.summary, columns, ["corridor"], start, end, filters)
            table = corridor_legs(cells, start, end, cube=True)
        except NotSummarised:
            table = corridor_legs(self._crossings_kept(filters), filters.start, filters.end)
        return Answer(table.to_pandas().reset_index(drop=True), ["crossings"])

    def early_warning(self, filters: Filters) -> Answer:
        """The surges on the period's last day (or the last day with data): early_warning.surges
        over the filtered summaries, each with its series' forecast 13 weeks ahead (forecast.py,
        over the same cells); a movement-type cut no rollup holds: over the crossings."""
        on = min(filters.end or self.last_day, self.last_day)
        kept = replace(filters, start=None, end=None)  # the detector reads its own history
        columns = {"host_state", "bcp_code", "nationality", "direction", "outcome"}
        try:
            cells = quick.kept_cells(
                self.summary, columns | kept.columns(), ["day"], None, on, kept
            )
        except NotSummarised:
            cells = None
        if kept == Filters() and on == self.last_day:  # every series: judged at the sync
            table = self.summary.rollups[SURGES].to_pandas()
        elif cells is not None:
            table = surges_frame(surges(cells, on, cube=True))
        else:
            table = surges_frame(surges(self._crossings_kept(kept), on))
        if len(table):
            alerted = list(zip(*(table[k] for k in SERIES_KEYS), strict=True))
            source = cells if cells is not None else self._crossings_kept(kept)
            made = forecast(source, on, alerted, cube=cells is not None)
            ahead = forecast_frame(list(made.values()), on).drop(columns="forecast_note")
            table = table.merge(ahead, on=list(SERIES_KEYS), how="left")
        table = table.rename(columns={"bcp_code": "bcp"})
        return Answer(table, ["observed", "expected", "ratio", *FORECAST], counts=("observed",))

    def over_time(self, filters: Filters) -> Answer:
        """Flows by month, or by week over a period of 13 weeks or less."""
        start, end = filters.start or self.first_day, filters.end or self.last_day
        unit = "week" if (end - start) <= timedelta(days=91) else "month"
        return self.flows(filters, [unit])

    def stock(self, filters: Filters, by: list[str]) -> Answer:
        """Foreigners present on the period's last day (or the last day with data)."""
        on = min(filters.end or self.last_day, self.last_day)
        table = quick.stock_on(self.summary, on, by, filters).to_pandas()
        unused = [
            n for n in ("bcp", "direction", "age_band", "movement_type") if getattr(filters, n)
        ]
        return Answer(table.reset_index(drop=True), ["present"], tuple(unused))

    def movement_mix(self, filters: Filters) -> Answer:
        """People per movement type: everyone, or the people with a crossing in the result."""
        if replace(filters, movement_type=()) == Filters():  # everyone (of those types)
            mix = quick.movement_mix(self.summary, self.last_day).to_pandas()
            counts = dict(zip(mix.movement_type, mix.people, strict=True))
            chosen = filters.movement_type or MOVEMENT_TYPES
            counts = {t: n for t, n in counts.items() if t in chosen}
        else:
            within = self._types.semi_join(self._people_crossing(filters), "person_key")
            counted = within.group_by("movement_type").aggregate(people=_.count()).to_pandas()
            counts = dict(zip(counted.movement_type, counted.people, strict=True))
        table = pd.DataFrame(
            {"movement_type": list(MOVEMENT_TYPES),
             "people": [int(counts.get(t, 0)) for t in MOVEMENT_TYPES]}
        )  # fmt: skip
        return Answer(table, ["people"])

    def overstays(self, filters: Filters) -> Answer:
        """Open overstays on the last day with data (judged at the sync: summaries.py), per
        host state and nationality: overstayers, those with no visa or permit on record, the
        median and longest overstay in days."""
        rows = self.summary.rollups["overstays"]
        condition = ibis.literal(True)
        for name in OVERSTAY_FILTERS:
            if values := getattr(filters, name):
                condition &= rows[name].isin(list(values))
        rows = rows.filter(condition)
        if filters.movement_type:
            rows = rows.semi_join(self._people_of_types(filters.movement_type), "person_key")
        table = overstays_by_nationality(rows.to_pandas())
        table = table.sort_values("overstayers", ascending=False, ignore_index=True)
        unused = [n for n in ("start", "end", "bcp", "direction") if getattr(filters, n)]
        unused += [n for n in ("from_state", "to_state") if getattr(filters, n)]
        measures = ["overstayers", "without_permit", "median_days", "max_days"]
        return Answer(table, measures, tuple(unused), counts=("overstayers",))

    def state_roles(self, filters: Filters) -> Answer:
        """People for whom each state was an origin, a transit and a destination in the
        period (analytics.state_roles, from the summaries' role events), per state and
        nationality."""
        if filters.start is None and filters.end is None:  # all the data: counted at the sync
            counted = self.summary.rollups[ROLES_BY_TYPE]
            if filters.movement_type:
                counted = counted.filter(counted.movement_type.isin(list(filters.movement_type)))
            per_role = counted.group_by("state", "nationality", "role").aggregate(
                people=counted.people.sum()
            )
            found = roles_side_by_side(per_role)
        else:
            events = self.summary.rollups["role_events"]
            if filters.movement_type:
                types = self._people_of_types(filters.movement_type)
                events = events.semi_join(types, "person_key")
            found = roles_of_events(events, filters.start, filters.end)
        kept = found.rename(host_state="state")
        condition = ibis.literal(True)
        for name in ("host_state", "nationality"):
            if values := getattr(filters, name):
                condition &= kept[name].isin(list(values))
        table = kept.filter(condition).to_pandas()[["host_state", "nationality", *ROLES]]
        order = table[list(ROLES)].sum(axis=1).sort_values(ascending=False).index
        unused = [
            n
            for n in ("bcp", "direction", "purpose", "sex", "age_band", "from_state", "to_state")
            if getattr(filters, n)
        ]
        return Answer(table.loc[order].reset_index(drop=True), list(ROLES), tuple(unused))

    def _people_crossing(self, filters: Filters) -> ibis.Table:
        """The people with a crossing the filters keep (the crossings, not the stays: a refusal
        makes no stay). Their documents are looked up for the kept crossings only: with_people
        would group every document first."""
        kept = filters.on_crossings(self.warehouse.crossings)  # no person_key: no join
        ids = kept.select("document_id").distinct()
        documents = self.warehouse.documents
        theirs = documents.semi_join(ids, "document_id").group_by("document_id")
        linked = ids.left_join(theirs.aggregate(linked=_.person_key.arbitrary()), "document_id")
        people = linked.select(person_key=ibis.coalesce(linked.linked, linked.document_id))
        if filters.movement_type:
            people = people.semi_join(self._people_of_types(filters.movement_type), "person_key")
        return people.distinct()

    def mirror(self, filters: Filters) -> Answer:
        try:
            table = quick.mirror(self.summary, filters=filters).to_pandas()
        except NotSummarised:  # a cut by movement type no rollup holds: those people's crossings
            kept = replace(filters, host_state=(), direction=())
            mirrored = mirror_of_crossings(self._crossings_kept(kept), filters.start, filters.end)
            table = quick.mirror_of_states(mirrored, filters.host_state).to_pandas()
        unused = [n for n in ("direction",) if getattr(filters, n)]
        measures = ["exits_recorded_by_origin", "entries_recorded_by_destination", "difference"]
        return Answer(table.reset_index(drop=True), measures, tuple(unused))


def protected(answer: Answer, k: int, dimensions: list[str]) -> tuple[pd.DataFrame, pd.Series]:
    """The panel's table after the one disclosure control (disclosure.protect: cells under k
    and the cells that would reveal them blanked), and which rows were blanked.

    The summaries count crossings, not people, per cell: a cell of fewer than k crossings holds
    fewer than k people and is suppressed; a cell of k crossings or more made by fewer people
    (one person crossing often) is not recognised here (docs/dashboard.md). The whole result is
    held to k people exactly (Workspace.people_in_result)."""
    table = answer.table
    if k <= 0 or table.empty or not dimensions:
        return table, pd.Series(False, index=table.index)
    uncounted = ("difference", "ratio")
    counted = list(answer.counts or [m for m in answer.measures if m not in uncounted])
    base = table.assign(_count=table[counted].sum(axis=1).astype("int64"))
    result = protect(base, dimensions, "_count", answer.measures, k)
    return result.frame.drop(columns="_count"), result.confidential
