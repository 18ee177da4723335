"""What the report shows, gathered from the analyses over the warehouse as of one day."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, datetime, timedelta
from typing import TYPE_CHECKING

import pandas as pd

from rmis.analytics import (
    SERIES_KEYS,
    Forecast,
    Warehouse,
    arrivals_by_week,
    find_overstays_on,
    first_day,
    flows,
    forecast,
    forecast_frame,
    last_full_week_end,
    movement_types,
    overstays_by_nationality,
    overstays_by_state,
    state_roles,
    stock_curve,
    surges,
    surges_frame,
    weekly_matrix,
)
from rmis.reference.stay_rules import StayRulesTable

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
    corridors: pd.DataFrame  # corridor, crossings (admitted entries and exits, last 12 months)
    stock: pd.DataFrame  # day, host_state, present
    overstays: pd.DataFrame  # overstays_by_nationality: host_state, nationality, overstayers...
    overstayers_total: int  # people
    overstayers_in_review: int  # of them, people with a document waiting in the review queue
    overstays_by_state: pd.DataFrame  # host_state, overstayers, left_late (ever), longest_days
    movement_types: pd.DataFrame  # movement_type, people, share
    roles: pd.DataFrame  # state, origin, transit, destination (people) and their shares
    surges: pd.DataFrame  # surges_frame with the forecast columns
    forecasts: list[Forecast]  # for the charts: alerted series first, then the busiest
    weekly_history: pd.DataFrame  # weeks x series, the year before the forecasts
    # Read from the record when the report is made as a principal who may count them.
    referrals: ReferralCounts | None = None


def last_day(warehouse: Warehouse) -> date:
    return pd.Timestamp(warehouse.crossings.local_date.max().to_pandas()).date()


def gather(warehouse: Warehouse, rules: StayRulesTable, on: date) -> ReportData:
    crossings = warehouse.crossings
    year_ago = on - timedelta(days=364)
    first = first_day(crossings) or on

    monthly = flows(crossings, ["host_state", "month"], None, on).to_pandas()
    corridors = flows(crossings, ["corridor"], year_ago, on).to_pandas()
    corridors = corridors.assign(
        corridor=corridors.from_state + " → " + corridors.to_state,
        crossings=corridors.entries + corridors.exits,
    ).nlargest(TOP, "crossings")[["corridor", "crossings"]]

    stock = stock_curve(crossings, max(first, year_ago), on, ["host_state"], every_days=7)
    found = find_overstays_on(
        crossings, warehouse.permits, rules, on, warehouse.documents, warehouse.reviews
    )
    overstays = overstays_by_nationality(found.open).nlargest(TOP, "overstayers")

    types = movement_types(crossings).to_pandas()["movement_type"].value_counts()
    types = types.rename_axis("movement_type").reset_index(name="people")
    types["share"] = types.people / types.people.sum()

    roles = _roles_by_state(state_roles(crossings, year_ago, on).to_pandas())

    found_surges = surges(crossings, on)
    weekly = weekly_matrix(
        arrivals_by_week(crossings, on, HISTORY_WEEKS),
        last_full_week_end(on) - timedelta(days=7 * HISTORY_WEEKS - 1),
        last_full_week_end(on),
    )
    charted = _series_to_chart([a.series for a in found_surges], weekly)
    wanted = list(dict.fromkeys([*(a.series for a in found_surges), *charted]))
    forecasts = forecast(crossings, on, wanted)
    surge_rows = surges_frame(found_surges).merge(
        forecast_frame(list(forecasts.values())), on=list(SERIES_KEYS), how="left"
    )
    return ReportData(
        on=on,
        first_day=first,
        flows_monthly=monthly.sort_values(["month", "host_state"], ignore_index=True),
        corridors=corridors.reset_index(drop=True),
        stock=stock.to_pandas(),
        overstays=overstays.reset_index(drop=True),
        overstayers_total=int(found.open.person_key.nunique()),
        overstayers_in_review=int(found.open[found.open.link == "pending"].person_key.nunique()),
        overstays_by_state=overstays_by_state(found.open, found.late_exits),
        movement_types=types,
        roles=roles,
        surges=surge_rows,
        forecasts=[forecasts[s] for s in charted if forecasts[s].made],
        weekly_history=weekly[[s for s in charted if forecasts[s].made]],
    )


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
    """Alerted series first, then the busiest of the last quarter, up to FORECAST_CHARTS."""
    busiest = weekly.iloc[-13:].sum().sort_values(ascending=False).index.tolist()
    chosen = [s for s in dict.fromkeys([*alerted, *busiest]) if s in weekly.columns]
    return chosen[:FORECAST_CHARTS]


def _roles_by_state(roles: pd.DataFrame) -> pd.DataFrame:
    """Origin, transit and destination summed over nationalities, with their shares."""
    parts = ["origin", "transit", "destination"]
    by_state = roles.groupby("state", as_index=False)[parts].sum()
    total = by_state[parts].sum(axis=1)
    for part in parts:
        by_state[f"{part}_share"] = by_state[part] / total
    return by_state.sort_values("state", ignore_index=True)
