"""The dashboard's panels: what each asks the workspace, how its rows are named and drawn,
and which filter a click on a row adds (a corridor -> its BCPs -> their nationalities -> the
months), so every panel leads to the next question."""

from __future__ import annotations

import calendar
from collections.abc import Callable
from dataclasses import dataclass, replace
from datetime import date, timedelta
from urllib.parse import urlencode

import pandas as pd

from rmis.analytics.filters import Filters
from rmis.analytics.panels import FORECAST, Answer, Workspace, protected
from rmis.locales import N_
from rmis.web.ui.analytics import labels
from rmis.web.ui.templating import Translator

TOP = 20  # rows drawn in a ranking's chart; the table and the download hold every row
# Measures in the table but not the chart, whose one axis counts people or crossings.
NOT_DRAWN = frozenset({"difference", "ratio", "median_days", "max_days", *FORECAST})


@dataclass(frozen=True)
class Spec:
    id: str
    title: str
    dimensions: list[str]
    answer: Callable[[Workspace, Filters], Answer]
    chart: str = "hbar"  # hbar (a ranking), line (over time), bar
    drill: tuple[str, ...] = ()  # the filters a row fixes
    next: str | None = None  # the panel a row's link goes to
    measures: list[str] | None = None  # drawn and tabled (default: the answer's)
    dataflow: str = "RMIS_FLOWS"
    # "cells": the disclosure control over the table's cells; "rows": rows (alerts) about fewer
    # than k arrivals are left out.
    protect: str = "cells"


def _over_time(ws: Workspace, f: Filters) -> Answer:
    return ws.over_time(f)


def _refusals(ws: Workspace, f: Filters) -> Answer:
    answer = ws.flows(f, ["refusal_reason"])
    table = answer.table[answer.table.refused > 0][["refusal_reason", "refused"]]
    return Answer(table.reset_index(drop=True), ["refused"])


def _mirror(ws: Workspace, f: Filters) -> Answer:
    answer = ws.mirror(f)
    measures = ["exits_recorded_by_origin", "entries_recorded_by_destination"]
    pairs = answer.table.groupby(["from_state", "to_state"], as_index=False)[measures].sum()
    pairs["difference"] = pairs[measures[0]] - pairs[measures[1]]
    order = pairs[measures].sum(axis=1).sort_values(ascending=False).index
    return Answer(pairs.loc[order].reset_index(drop=True), [*measures, "difference"],
                  answer.not_applied)  # fmt: skip


def _ranked(by: list[str]) -> Callable[[Workspace, Filters], Answer]:
    def answer(ws: Workspace, f: Filters) -> Answer:
        got = ws.flows(f, by)
        order = got.table[["entries", "exits", "refused"]].sum(axis=1).sort_values(ascending=False)
        return replace(got, table=got.table.loc[order.index].reset_index(drop=True))

    return answer


def _stock(ws: Workspace, f: Filters) -> Answer:
    got = ws.stock(f, ["nationality"])
    return replace(got, table=got.table.sort_values("present", ascending=False,
                                                    ignore_index=True))  # fmt: skip


PANELS = [
    Spec("over-time", N_("Crossings over time"), ["period"], _over_time, "line",
         ("period",), "corridors"),
    Spec("corridors", N_("Top corridors"), ["from_state", "to_state"],
         lambda ws, f: ws.corridors(f), drill=("from_state", "to_state"), next="bcps",
         dataflow="RMIS_CORRIDORS"),
    Spec("bcps", N_("BCPs"), ["bcp"], _ranked(["bcp"]), drill=("bcp",), next="nationalities"),
    Spec("nationalities", N_("Nationalities"), ["nationality"], _ranked(["nationality"]),
         drill=("nationality",), next="over-time"),
    Spec("sex-age", N_("Sex and age"), ["sex", "age_band"],
         lambda ws, f: ws.flows(f, ["sex", "age_band"]), "bar", ("sex", "age_band"), "over-time"),
    Spec("purposes", N_("Purpose of travel"), ["purpose"], _ranked(["purpose"]),
         drill=("purpose",), next="over-time"),
    Spec("refusals", N_("Refusals by reason"), ["refusal_reason"], _refusals),
    Spec("early-warning", N_("Early warning: arrivals above their seasonal baseline"),
         ["severity", "status", "bcp", "nationality"], lambda ws, f: ws.early_warning(f),
         drill=("bcp", "nationality"), next="over-time", dataflow="RMIS_SURGES",
         protect="rows"),
    Spec("stock", N_("Foreigners present"), ["nationality"], _stock, drill=("nationality",),
         next="over-time", dataflow="RMIS_STOCK"),
    Spec("overstays", N_("Overstays: still present after the lawful stay ended"),
         ["host_state", "nationality"], lambda ws, f: ws.overstays(f),
         drill=("host_state", "nationality"), next="over-time", dataflow="RMIS_OVERSTAYS"),
    Spec("state-roles", N_("States as origin, transit and destination (people)"),
         ["host_state", "nationality"], lambda ws, f: ws.state_roles(f),
         drill=("host_state", "nationality"), next="over-time", dataflow="RMIS_STATE_ROLES"),
    Spec("movement-types", N_("Movement types (people)"), ["movement_type"],
         lambda ws, f: ws.movement_mix(f), "bar", ("movement_type",), "over-time",
         dataflow="RMIS_MOVEMENT_TYPES"),
    Spec("mirror", N_("Mirror statistics: exits recorded by the origin against entries "
                      "recorded by the destination"), ["from_state", "to_state"], _mirror,
         drill=("from_state", "to_state"), next="bcps", dataflow="RMIS_MIRROR"),
]  # fmt: skip
BY_ID = {spec.id: spec for spec in PANELS}


@dataclass
class Cell:
    text: str
    href: str | None = None
    number: bool = False


@dataclass
class Panel:
    spec: Spec
    title: str
    columns: list[str]
    rows: list[list[Cell]]
    figure: dict
    suppressed: int
    not_applied: list[str]
    downloads: list[tuple[str, str]]
    table: pd.DataFrame  # after the disclosure control: what the map draws too
    blanked: pd.Series
    empty: bool = False
    note: str | None = None  # what the figures are, where a header cannot say it

    @property
    def drawn(self) -> bool:
        """Whether the chart has anything to draw (every cell may be suppressed)."""
        return any(
            v is not None
            for trace in self.figure["data"]
            for v in (trace.get("x") if trace.get("orientation") == "h" else trace.get("y")) or []
        )


def query(filters: Filters) -> str:
    return urlencode(filters.as_text())


def page_href(filters: Filters, anchor: str | None = None) -> str:
    q = query(filters)
    return "/analytics" + (f"?{q}" if q else "") + (f"#{anchor}" if anchor else "")


def table_of(spec: Spec, ws: Workspace, filters: Filters, k: int) -> tuple[Answer, pd.DataFrame,
                                                                           pd.Series]:  # fmt: skip
    """A panel's answer, its table after the disclosure control, and which rows it blanked."""
    answer = spec.answer(ws, filters)
    table = answer.table
    if spec.id == "over-time":
        table = table.rename(columns={table.columns[0]: "period"})
        answer = replace(answer, table=table)
    if spec.protect == "rows":
        shown = table[table.observed >= k].reset_index(drop=True) if k else table
        return answer, shown, pd.Series(False, index=shown.index)
    shown, blanked = protected(answer, k, spec.dimensions)
    return answer, shown, blanked


def build(spec: Spec, ws: Workspace, filters: Filters, k: int, t: Translator,
          language: str) -> Panel:  # fmt: skip
    answer, table, blanked = table_of(spec, ws, filters, k)
    measures = spec.measures or answer.measures
    unit = _period_unit(ws, filters) if spec.id == "over-time" else None
    keys = [unit if d == "period" else d for d in spec.dimensions]
    columns = [t.text(labels.DIMENSIONS.get(d, d)) for d in keys]
    columns += [t.text(labels.MEASURES[m]) for m in measures]
    rows: list[list[Cell]] = []
    names: list[str] = []
    hrefs: list[str | None] = []
    for i, record in enumerate(table.to_dict("records")):
        keys = [record[d] for d in spec.dimensions]
        shown = [labels.value(unit if d == "period" else d, v, language, t)
                 for d, v in zip(spec.dimensions, keys, strict=True)]  # fmt: skip
        href = _drill(spec, filters, keys, unit)
        cells = [Cell(text, href if j == 0 else None) for j, text in enumerate(shown)]
        for m in measures:
            v = record[m]
            cells.append(Cell("C" if blanked.iloc[i] and pd.isna(v) else
                              labels.number(v, language), number=True))  # fmt: skip
        rows.append(cells)
        brief = [labels.value(unit if d == "period" else d, v, language, t, short=True)
                 for d, v in zip(spec.dimensions, keys, strict=True)]  # fmt: skip
        names.append(" → ".join(brief) if spec.id in ("corridors", "mirror") else " · ".join(brief))
        hrefs.append(href)
    figure = _figure(spec, table, blanked, measures, names, hrefs, t)
    downloads = [
        (fmt, f"/analytics/download/{spec.id}?{urlencode({**filters.as_text(), 'format': fmt})}")
        for fmt in ("csv", "excel", "sdmx")
    ]
    unused = [t.text(labels.FILTERS.get(n) or labels.DIMENSIONS[n]) for n in answer.not_applied]
    return Panel(spec, t.text(spec.title), columns, rows, figure, int(blanked.sum()),
                 list(dict.fromkeys(unused)), downloads, table, blanked,
                 empty=table.empty, note=_note(answer.table, t))  # fmt: skip


def _note(table: pd.DataFrame, t: Translator) -> str | None:
    if "forecast_week" not in table or table.empty:
        return None
    return t.text("Forecasts: admitted arrivals in the week of %(week)s, 13 weeks ahead (median "
                  "and 80%% interval; blank where a series has too little history).",
                  week=table.forecast_week.iloc[0])  # fmt: skip


def _period_unit(ws: Workspace, filters: Filters) -> str:
    start, end = filters.start or ws.first_day, filters.end or ws.last_day
    return "week" if (end - start) <= timedelta(days=91) else "month"


def _drill(spec: Spec, filters: Filters, keys: list, unit: str | None) -> str | None:
    if not spec.drill or any(k is None or (not isinstance(k, str) and pd.isna(k)) for k in keys):
        return None
    if spec.drill == ("period",):
        first = pd.Timestamp(keys[0]).date()
        if unit == "week":
            last = first + timedelta(days=6)
        else:
            last = date(first.year, first.month, calendar.monthrange(first.year, first.month)[1])
        if filters.start:
            first = max(first, filters.start)
        if filters.end:
            last = min(last, filters.end)
        return page_href(replace(filters, start=first, end=last), spec.next)
    fixed = dict(zip(spec.dimensions, keys, strict=True))
    # A drill keeps the period; an alert's series is seen over time in the period it is in.
    return page_href(filters.narrowed(**{d: str(fixed[d]) for d in spec.drill}), spec.next)


COLOURS = {"observed": "#b2182b", "expected": "#7a7a7a",
           "crossings": "#1f5f99", "entries": "#1f5f99", "exits": "#c2571a", "refused": "#7a1f5c",
           "present": "#1f5f99", "people": "#1f5f99", "exits_recorded_by_origin": "#c2571a",
           "entries_recorded_by_destination": "#1f5f99", "difference": "#555555",
           "overstayers": "#b2182b", "without_permit": "#7a1f5c", "origin": "#c2571a",
           "transit": "#7a7a7a", "destination": "#1f5f99"}  # fmt: skip


def _figure(spec, table, blanked, measures, names, hrefs, t) -> dict:
    """A plotly.js figure (plain JSON: data and layout), suppressed cells left out."""
    kept = ~blanked.to_numpy()
    n = len(table)
    rows = [i for i in range(n) if kept[i]][: (TOP if spec.chart == "hbar" else None)]
    drawn = [m for m in measures if m not in NOT_DRAWN]  # counts, one axis
    data = []
    for m in drawn:
        trace = {
            "name": t.text(labels.MEASURES[m]),
            "marker": {"color": COLOURS.get(m, "#1f5f99")},
            "customdata": [hrefs[i] for i in rows],
            "hovertemplate": "%{y}: %{x:,}<extra>%{fullData.name}</extra>"
            if spec.chart == "hbar" else "%{x}: %{y:,}<extra>%{fullData.name}</extra>",
        }  # fmt: skip
        values = [None if pd.isna(table[m].iloc[i]) else float(table[m].iloc[i]) for i in rows]
        labels_ = [names[i] for i in rows]
        if spec.chart == "hbar":
            trace.update(type="bar", orientation="h", x=values, y=labels_)
        elif spec.chart == "line":
            trace.update(type="scatter", mode="lines+markers", x=labels_, y=values)
        else:
            trace.update(type="bar", x=labels_, y=values)
        data.append(trace)
    height = max(260, 26 * len(rows) + 80) if spec.chart == "hbar" else 320
    layout = {
        "height": height,
        "margin": {"l": 10, "r": 10, "t": 10, "b": 40},
        "barmode": "group",
        "legend": {"orientation": "h", "y": -0.15},
        "font": {"family": "system-ui, sans-serif", "size": 13},
        "yaxis": {
            "automargin": True,
            **({"autorange": "reversed"} if spec.chart == "hbar" else {}),
        },
        # Categories, not dates: plotly would write "Jul 2025"; the page's dates are ISO.
        "xaxis": {"automargin": True, **({"type": "category"} if spec.chart != "hbar" else {})},
    }
    return {"data": data, "layout": layout}
