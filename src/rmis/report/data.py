"""What the report shows, gathered from the analyses over the warehouse as of one day."""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date, datetime, timedelta
from typing import TYPE_CHECKING

import pandas as pd

from rmis.analytics import (
    MOVEMENT_TYPES,
    SERIES_KEYS,
    Forecast,
    Warehouse,
    arrivals_by_week,
    corridor_legs,
    find_overstays_on,
    first_day,
    flows,
    forecast,
    forecast_frame,
    horizon_week,
    last_full_week_end,
    movement_types,
    overstays_by_nationality,
    overstays_by_state,
    quick,
    state_roles,
    stock_curve,
    surges,
    surges_frame,
    weekly_matrix,
)
from rmis.reference.stay_rules import StayRulesTable
from rmis.report.labels import corridor_label

if TYPE_CHECKING:
    from sqlalchemy import Engine

    from rmis.security import Principal

TOP = 15
FORECAST_CHARTS = 4
HISTORY_WEEKS = 52
REFERRAL_MONTHS = 12
# Each cut of the referrals by month, in the order the page shows them.
REFERRAL_CUTS = ("need", "agency", "state", "nationality", "bcp")


@dataclass(frozen=True)
class ReferralCounts:
    """Referrals of one state, counted by month and one more dimension each, every table
    under the disclosure control (rmis.protection.referral_counts): cells of `referrals` None
    where `confidential`."""

    state: str
    since: date
    until: date
    k: int
    tables: dict[str, pd.DataFrame]  # cut -> month, <cut>, referrals, confidential
    totals_withheld: dict[str, bool]  # cut -> whether its monthly totals may not be printed


@dataclass(frozen=True)
class ReportData:
    on: date
    first_day: date
    flows_monthly: pd.DataFrame  # month, host_state, entries, exits
    # corridor (its label), crossings (admitted journey legs, each once: corridor_legs, last
    # 12 months), counted_from (whose records: "entries recorded by KAZ")
    corridors: pd.DataFrame
    stock: pd.DataFrame  # day (each a Sunday), host_state, present
    overstays: pd.DataFrame  # overstays_by_nationality: host_state, nationality, overstayers...
    overstayers_total: int  # people
    overstayers_in_review: int  # of them, people with a document waiting in the review queue
    overstays_by_state: pd.DataFrame  # host_state, overstayers, left_late (ever), longest_days
    movement_types: pd.DataFrame  # movement_type, people, share (people: each person once)
    roles: pd.DataFrame  # state, origin, transit, destination (people) and their shares
    surges: pd.DataFrame  # surges_frame with the forecast columns
    forecasts: list[Forecast]  # for the charts: alerted series first, then the busiest
    weekly_history: pd.DataFrame  # weeks x series, the year before the forecasts
    # Read from the record when the report is made as a principal who may count them.
    referrals: ReferralCounts | None = None
    forecast_week: date | None = None  # the week the surges table's forecasts are for
    # The last 12 months: refused crossings by host state and reason (refused); admitted
    # entries by purpose, by sex and age band, by nationality (entries).
    refusals: pd.DataFrame = field(default_factory=pd.DataFrame)
    entries_by_purpose: pd.DataFrame = field(default_factory=pd.DataFrame)
    entries_by_sex_age: pd.DataFrame = field(default_factory=pd.DataFrame)
    entries_by_nationality: pd.DataFrame = field(default_factory=pd.DataFrame)


def last_day(warehouse: Warehouse) -> date:
    return pd.Timestamp(warehouse.crossings.local_date.max().to_pandas()).date()


def gather(
    warehouse: Warehouse, rules: StayRulesTable, on: date, summary: quick.Summary | None = None
) -> ReportData:
    """The page's figures as of `on`; with the summaries the last sync made (quick), the
    movement types are read from them."""
    crossings = warehouse.crossings
    year_ago = on - timedelta(days=364)
    first = first_day(crossings) or on

    monthly = flows(crossings, ["host_state", "month"], None, on).to_pandas()

    # Sundays: the curve's days step a week from its first day, so the first is a Sunday.
    stock = stock_curve(crossings, _sunday_on_or_after(max(first, year_ago)), on, ["host_state"], 7)
    found = find_overstays_on(
        crossings, warehouse.permits, rules, on, warehouse.documents, warehouse.reviews
    )
    overstays = overstays_by_nationality(found.open).nlargest(TOP, "overstayers")

    roles = _roles_by_state(state_roles(crossings, year_ago, on).to_pandas())

    found_surges = surges(crossings, on)
    weekly = weekly_matrix(
        arrivals_by_week(crossings, on, HISTORY_WEEKS),
        last_full_week_end(on) - timedelta(days=7 * HISTORY_WEEKS - 1),
        last_full_week_end(on),
    )
    alerted = [a.series for a in found_surges]
    candidates = _series_to_chart(alerted, weekly)
    forecasts = forecast(crossings, on, list(dict.fromkeys([*alerted, *candidates])))
    # The charts: alerted series with a forecast first, then the busiest that have one (an
    # alerted series with too little history has none: the page says so, not hides it).
    charted = [s for s in candidates if forecasts[s].made][:FORECAST_CHARTS]
    surge_rows = surges_frame(found_surges).merge(
        forecast_frame(list(forecasts.values()), on), on=list(SERIES_KEYS), how="left"
    )
    return ReportData(
        on=on,
        first_day=first,
        flows_monthly=monthly.sort_values(["month", "host_state"], ignore_index=True),
        corridors=_corridors(crossings, year_ago, on),
        stock=stock.to_pandas(),
        overstays=overstays.reset_index(drop=True),
        overstayers_total=int(found.open.person_key.nunique()),
        overstayers_in_review=int(found.open[found.open.link == "pending"].person_key.nunique()),
        overstays_by_state=overstays_by_state(found.open, found.late_exits),
        movement_types=_movement_mix(crossings, summary, on),
        roles=roles,
        surges=surge_rows,
        forecasts=[forecasts[s] for s in charted],
        weekly_history=weekly[charted],
        forecast_week=horizon_week(on),
        refusals=_refusals(crossings, year_ago, on),
        entries_by_purpose=_entries(crossings, ["purpose"], year_ago, on),
        entries_by_sex_age=_entries(crossings, ["sex", "age_band"], year_ago, on),
        entries_by_nationality=_entries(crossings, ["nationality"], year_ago, on).head(TOP),
    )


def _sunday_on_or_after(day: date) -> date:
    return day + timedelta(days=(6 - day.weekday()) % 7)


def _corridors(crossings, start: date, end: date) -> pd.DataFrame:
    """The busiest corridors, each journey leg once (analytics.corridor_legs), labelled."""
    legs = corridor_legs(crossings, start, end).to_pandas().head(TOP)
    recorder = legs.to_state.where(legs.counted_from == "entries", legs.from_state)
    return pd.DataFrame(
        {
            "corridor": [
                corridor_label(a, b) for a, b in zip(legs.from_state, legs.to_state, strict=True)
            ],
            "crossings": legs.crossings.astype(int),
            "counted_from": legs.counted_from + " recorded by " + recorder,
        }
    )


def _movement_mix(crossings, summary: quick.Summary | None, on: date) -> pd.DataFrame:
    """People per movement type, each person once (their documents read together)."""
    if summary is not None:
        mix = quick.movement_mix(summary, on).to_pandas()
    else:
        typed = movement_types(crossings).to_pandas()
        counts = typed.groupby("movement_type").person_key.nunique()
        mix = pd.DataFrame({"movement_type": list(MOVEMENT_TYPES)}).assign(
            people=lambda f: f.movement_type.map(counts).fillna(0).astype(int)
        )
    mix = mix[mix.people > 0].sort_values("people", ascending=False, ignore_index=True)
    return mix.assign(share=mix.people / mix.people.sum())


def _refusals(crossings, start: date, end: date) -> pd.DataFrame:
    """Refused crossings by host state and reason (reference refusal reasons)."""
    cut = flows(crossings, ["host_state", "refusal_reason"], start, end).to_pandas()
    cut = cut[cut.refused > 0][["host_state", "refusal_reason", "refused"]]
    return cut.sort_values(["host_state", "refused"], ascending=[True, False], ignore_index=True)


def _entries(crossings, by: list[str], start: date, end: date) -> pd.DataFrame:
    """Admitted entries by `by`, most first (refusals are in their own table)."""
    cut = flows(crossings, by, start, end).to_pandas()
    cut = cut[cut.entries > 0][[*by, "entries"]]
    cut = cut.assign(share=cut.entries / cut.entries.sum())
    return cut.sort_values("entries", ascending=False, ignore_index=True)


def gather_referrals(
    engine: Engine, principal: Principal, on: date, now: datetime, k: int = 5
) -> ReferralCounts:
    """The principal's state's referrals of the last REFERRAL_MONTHS months to `on`, read
    through the protection room's door: its need-to-know check, its audit, its control."""
    from rmis.protection import referral_counts  # only reports that show referrals load it

    since = (on.replace(day=1) - pd.DateOffset(months=REFERRAL_MONTHS - 1)).date()
    tables, withheld = {}, {}
    for cut in REFERRAL_CUTS:
        cells, totals_withheld = referral_counts(
            engine, principal, by=["month", cut], now=now, k=k, since=since, until=on
        )
        tables[cut] = pd.DataFrame(cells, columns=["month", cut, "referrals", "confidential"])
        withheld[cut] = totals_withheld
    return ReferralCounts(principal.state, since, on, k, tables, withheld)


def _series_to_chart(alerted: list[tuple[str, str, str]], weekly: pd.DataFrame) -> list:
    """Candidates for the charts: alerted series first, then the busiest of the last quarter
    (enough of them for FORECAST_CHARTS to have a forecast when a few cannot)."""
    busiest = weekly.iloc[-13:].sum().sort_values(ascending=False).index.tolist()
    candidates = [*alerted, *busiest[: 3 * FORECAST_CHARTS]]
    return [s for s in dict.fromkeys(candidates) if s in weekly.columns]


def _roles_by_state(roles: pd.DataFrame) -> pd.DataFrame:
    """Origin, transit and destination summed over nationalities, with their shares."""
    parts = ["origin", "transit", "destination"]
    by_state = roles.groupby("state", as_index=False)[parts].sum()
    total = by_state[parts].sum(axis=1)
    for part in parts:
        by_state[f"{part}_share"] = by_state[part] / total
    return by_state.sort_values("state", ignore_index=True)
