"""The hub's regional analyses on journey keys: corridors, transit states, journeys by path,
mirror statistics and regional early warning. Every table the hub publishes goes through the
one disclosure control (analytics.protect) at the journey agreement's k: a path, a corridor
or a state's transit of fewer than k journeys is suppressed with its secondary cells."""

from __future__ import annotations

from collections.abc import Callable
from datetime import date

import pandas as pd

from rmis import analytics
from rmis.exchange.journeys import link, trace

Linker = Callable[[pd.DataFrame], pd.DataFrame]
# What a series of regional early warning is: arrivals in a host state across one border
# (the partner state, AIR or SEA), all nationalities (the keys carry none).
ALL = "ALL"


def _protected(
    frame: pd.DataFrame, dims: list[str], people: str, measures: list[str], k: int
) -> pd.DataFrame:
    if frame.empty:
        return frame
    return analytics.protect(frame, dims, people, measures, k).frame


def linked(keys: pd.DataFrame, linker: Linker = link) -> tuple[pd.DataFrame, pd.DataFrame]:
    """Links and traced journeys within each agreement (keys under different secrets never
    meet). `keys` has an `agreement` column; `linker` is journeys.link, or the same on Spark."""
    links, journeys = [], []
    for _, part in keys.groupby("agreement"):
        own = part.drop(columns="agreement")
        found = linker(own)
        links.append(found)
        journeys.append(trace(own, found))
    if not links:
        return (
            pd.DataFrame(
                columns=[
                    "exit_token",
                    "entry_token",
                    "score",
                    "from_state",
                    "to_state",
                    "exit_date",
                ]
            ),
            pd.DataFrame(columns=["states", "first_exit", "day", "borders"]),
        )
    return pd.concat(links, ignore_index=True), pd.concat(journeys, ignore_index=True)


def journeys_by_path(journeys: pd.DataFrame, k: int) -> pd.DataFrame:
    """Journeys by the states they passed (TJK>UZB>KAZ>RUS), most travelled first."""
    out = journeys.groupby(["states", "borders"], as_index=False).size()
    out = out.rename(columns={"size": "journeys"}).astype({"journeys": "int64"})
    out = out.sort_values(["journeys", "states"], ascending=[False, True], ignore_index=True)
    return _protected(out, ["states", "borders"], "journeys", [], k)


def corridors(links: pd.DataFrame, k: int) -> pd.DataFrame:
    """Border crossings linked (a person leaving A and entering B) per month and corridor."""
    out = (
        links.assign(month=links.exit_date.str[:7])
        .groupby(["month", "from_state", "to_state"], as_index=False)
        .size()
    )
    out = out.rename(columns={"size": "journeys"}).astype({"journeys": "int64"})
    return _protected(out, ["month", "from_state", "to_state"], "journeys", [], k)


def transit(journeys: pd.DataFrame, k: int) -> pd.DataFrame:
    """Per month and state, the journeys that passed through it (entered and left onward)."""
    rows = []
    for states, day in zip(journeys.states, journeys.day, strict=True):
        path = states.split(">")
        rows.extend((day[:7], state) for state in path[1:-1])
    out = (
        pd.DataFrame(rows, columns=["month", "state"])
        .groupby(["month", "state"], as_index=False)
        .size()
    )
    out = out.rename(columns={"size": "journeys"}).astype({"journeys": "int64"})
    return _protected(out, ["month", "state"], "journeys", [], k)


def mirror(keys: pd.DataFrame, links: pd.DataFrame, k: int) -> pd.DataFrame:
    """Per month and land pair: A's recorded exits to B, B's recorded entries from A, the
    journeys linking the two, and what they leave unexplained. Suppressed where the cell's
    crossings (exits and entries) are fewer than k."""
    columns = [
        "month",
        "from_state",
        "to_state",
        "exits_recorded_by_origin",
        "entries_recorded_by_destination",
        "linked",
        "exits_without_entry",
        "entries_without_exit",
    ]
    land = keys[~keys.partner.isin(["AIR", "SEA"])]
    if land.empty:
        return pd.DataFrame(columns=columns)
    land = land.assign(month=land.local_date.str[:7])
    exits, entries = land[land.direction == "exit"], land[land.direction == "entry"]
    out_exits = exits.groupby(["month", "host_state", "partner"]).size()
    out_exits.index.names = ["month", "from_state", "to_state"]
    in_entries = entries.groupby(["month", "partner", "host_state"]).size()
    in_entries.index.names = ["month", "from_state", "to_state"]
    on_land = links[links.exit_token.isin(set(exits.token))]
    joined = (
        on_land.assign(month=on_land.exit_date.str[:7])
        .groupby(["month", "from_state", "to_state"])
        .size()
    )
    both = (
        pd.DataFrame(
            {
                "exits_recorded_by_origin": out_exits,
                "entries_recorded_by_destination": in_entries,
                "linked": joined,
            }
        )
        .fillna(0)
        .astype("int64")
    )
    both["exits_without_entry"] = both.exits_recorded_by_origin - both.linked
    both["entries_without_exit"] = both.entries_recorded_by_destination - both.linked
    both["crossings"] = both.exits_recorded_by_origin + both.entries_recorded_by_destination
    out = _protected(
        both.reset_index(), ["month", "from_state", "to_state"], "crossings", columns[3:], k
    )
    return out[columns]


def early_warning(keys: pd.DataFrame, on: date | None = None) -> pd.DataFrame:
    """Regional early warning: daily arrivals per host state and border (the partner state,
    AIR, SEA) from every node's journey keys, scored by analytics' detector (a seasonal
    baseline and a CUSUM: docs/early-warning.md); the surges on `on` (default: the last day)."""
    entries = keys[keys.direction == "entry"]
    if entries.empty:
        return analytics.surges_frame([])
    days = pd.to_datetime(entries.local_date)
    on = on or days.max().date()
    start = max(days.min().date(), on - pd.Timedelta(days=analytics.early_warning.HISTORY_DAYS))
    daily = (
        entries.assign(local_date=days.dt.date, bcp_code=entries.partner, nationality=ALL)
        .groupby(["host_state", "bcp_code", "nationality", "local_date"], as_index=False)
        .size()
        .rename(columns={"size": "arrivals"})
    )
    daily = daily[(daily.local_date >= start) & (daily.local_date <= on)]
    matrix = analytics.early_warning.arrival_matrix(daily, start, on)
    scores = analytics.score(matrix)
    found = analytics.early_warning.surges_from_scores(scores, on)
    return analytics.surges_frame(found).rename(columns={"bcp_code": "border"})
