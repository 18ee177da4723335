"""The report page: the gathered figures as charts and tables in one self-contained HTML file."""

from __future__ import annotations

from collections import Counter
from datetime import date, datetime, timedelta
from html import escape
from importlib.resources import files
from numbers import Integral, Real

import pandas as pd
from jinja2 import Environment, PackageLoader, select_autoescape

from rmis.analytics import DetectorSettings
from rmis.report import charts
from rmis.report.data import ReportData
from rmis.report.labels import bcp_label, labelled, movement_type_label, refusal_reason_label

FLOW_STATES = 6
SECTIONS = (
    ("surges", "Current surges"),
    ("flows", "Flows over time"),
    ("corridors", "Top corridors"),
    ("travellers", "Who travels"),
    ("refusals", "Refusals"),
    ("stock", "Foreigners present"),
    ("overstays", "Overstays"),
    ("types", "Movement types"),
    ("roles", "State roles"),
    ("referrals", "Protection referrals"),
    ("notes", "Notes"),
)


def _cell(value: object) -> tuple[str, bool]:
    """Text of a table cell, and whether it is a number (right-aligned)."""
    if isinstance(value, pd.Timestamp | date):
        return pd.Timestamp(value).date().isoformat(), False
    if value is None or (isinstance(value, float) and pd.isna(value)):
        return "", False
    if isinstance(value, bool):
        return str(value), False
    if isinstance(value, Integral):
        return f"{value:,}", True
    if isinstance(value, Real):
        if float(value).is_integer():  # a median of whole days is 251, not 251.0
            return f"{int(value):,}", True
        return f"{value:,.1f}", True
    return str(value), False


def html_table(frame: pd.DataFrame, caption: str) -> str:
    """An accessible table: a caption, column headers with scope, numbers right-aligned, codes
    named (report.labels: a BCP's name beside its code, movement types in words)."""
    frame = labelled(frame)
    head = "".join(
        f'<th scope="col">{escape(str(c).replace("_", " "))}</th>' for c in frame.columns
    )
    rows = []
    for record in frame.itertuples(index=False):
        cells = []
        for value in record:
            text, number = _cell(value)
            css = ' class="num"' if number else ""
            cells.append(f"<td{css}>{escape(text)}</td>")
        rows.append(f"<tr>{''.join(cells)}</tr>")
    return (
        f"<table><caption>{escape(caption)}</caption><thead><tr>{head}</tr></thead>"
        f"<tbody>{''.join(rows)}</tbody></table>"
    )


def _percent(frame: pd.DataFrame, columns: list[str]) -> pd.DataFrame:
    return frame.assign(**{c: frame[c].map(lambda v: f"{v:.0%}") for c in columns})


def _next_month(day: date) -> date:
    return (day.replace(day=28) + timedelta(days=4)).replace(day=1)


def _flows(data: ReportData) -> dict[str, object]:
    # Whole months only: a month the record starts or ends within would look like a fall.
    months = pd.to_datetime(data.flows_monthly.month)
    first = data.first_day if data.first_day.day == 1 else _next_month(data.first_day)
    last = _next_month(data.on) if (data.on + timedelta(days=1)).day == 1 else data.on
    monthly = data.flows_monthly[
        (months >= pd.Timestamp(first)) & (months < pd.Timestamp(last.replace(day=1)))
    ]
    whole = not monthly.empty
    if not whole:  # a record younger than a whole month: its part-months, said so
        monthly = data.flows_monthly
    wide = monthly.pivot_table(
        index="month", columns="host_state", values="entries", aggfunc="sum", fill_value=0
    )
    busiest = wide.sum().sort_values(ascending=False).index[:FLOW_STATES].tolist()
    months = [pd.Timestamp(m).date() for m in wide.index]
    chart = charts.line_chart(
        months,
        {state: wide[state].tolist() for state in busiest},
        "Admitted entries per month",
        "entries a month",
        f"Monthly admitted entries from {months[0].isoformat()} to {months[-1].isoformat()} "
        f"for {', '.join(busiest)}.",
    )
    table = wide.reset_index().rename(columns={"month": "month starting"})
    table.columns.name = None
    return {
        "flows_chart": chart,
        "flows_states": busiest,
        "flows_months": (
            "whole months only" if whole else "part-months: the record holds no whole month yet"
        ),
        "flows_table": html_table(table, "Admitted entries per month by host state"),
    }


def _corridors(data: ReportData) -> dict[str, object]:
    c = data.corridors
    return {
        "corridors_chart": charts.bar_chart(
            c.corridor.tolist(), c.crossings.tolist(), "Top corridors", "admitted journey legs"
        ),
        "corridors_table": html_table(
            c.rename(columns={"crossings": "journey legs"}),
            "Admitted journey legs per corridor, each counted once, last 12 months",
        ),
    }


def _travellers(data: ReportData) -> dict[str, object]:
    """Admitted entries by purpose, sex and age band, nationality: who comes."""
    purpose, sex_age = data.entries_by_purpose, data.entries_by_sex_age
    nationality = data.entries_by_nationality
    if purpose.empty:
        return {"travellers": None}
    wide = sex_age.pivot_table(
        index="age_band", columns="sex", values="entries", aggfunc="sum", fill_value=0
    ).reset_index()
    wide.columns.name = None
    wide = wide.rename(columns={"age_band": "age band", "F": "women", "M": "men", "X": "sex X"})
    return {
        "travellers": {
            "purpose_chart": charts.bar_chart(
                purpose.purpose.tolist(), purpose.entries.tolist(), "Entries by purpose", "entries"
            ),
            "purpose_table": html_table(
                _percent(purpose, ["share"]), "Admitted entries by purpose, last 12 months"
            ),
            "sex_age_table": html_table(
                wide, "Admitted entries by age band (age reached that year) and sex"
            ),
            "nationality_chart": charts.bar_chart(
                nationality.nationality.tolist(),
                nationality.entries.tolist(),
                "Entries by nationality",
                "entries",
            ),
            "nationality_table": html_table(
                _percent(nationality, ["share"]),
                "Admitted entries by nationality, the most frequent, last 12 months",
            ),
        }
    }


def _refusals(data: ReportData) -> dict[str, object]:
    r = data.refusals
    if r.empty:
        return {"refusals": None}
    by_reason = r.groupby("refusal_reason", as_index=False, dropna=False).refused.sum()
    by_reason = by_reason.sort_values("refused", ascending=False, ignore_index=True)
    return {
        "refusals": {
            "total": int(r.refused.sum()),
            "chart": charts.bar_chart(
                [refusal_reason_label(v) for v in by_reason.refusal_reason],
                by_reason.refused.tolist(),
                "Refusals by reason",
                "refused crossings",
            ),
            "table": html_table(r, "Refused crossings by host state and reason, last 12 months"),
        }
    }


def _stock(data: ReportData) -> dict[str, object]:
    wide = data.stock.pivot_table(
        index="day", columns="host_state", values="present", aggfunc="sum", fill_value=0
    )
    days = [pd.Timestamp(d).date() for d in wide.index]
    states = wide.iloc[-1].sort_values(ascending=False).index[:FLOW_STATES].tolist()
    chart = charts.line_chart(
        days,
        {s: wide[s].tolist() for s in states},
        "Foreigners present",
        "people present",
        f"Foreigners present each week from {days[0].isoformat()} to {days[-1].isoformat()} "
        f"in {', '.join(states)}.",
    )
    every_fourth = wide.iloc[::-4].iloc[::-1].reset_index()
    every_fourth.columns.name = None
    return {
        "stock_chart": chart,
        "stock_table": html_table(every_fourth, "Foreigners present, every fourth week"),
    }


def _overstays(data: ReportData) -> dict[str, object]:
    o = data.overstays
    labels = (o.host_state + " · " + o.nationality).tolist()
    chart = (
        charts.bar_chart(labels, o.overstayers.tolist(), "Open overstays", "people overstaying")
        if len(o)
        else ""
    )
    return {
        "overstays_chart": chart,
        "overstays_table": html_table(
            o.rename(
                columns={
                    "without_permit": "of them with no visa or permit on record",
                    "median_days": "median days over",
                    "max_days": "longest, days",
                }
            ),
            "Open overstays by host state and nationality",
        ),
    }


def _types(data: ReportData) -> dict[str, object]:
    t = data.movement_types
    return {
        "types_chart": charts.bar_chart(
            [movement_type_label(m) for m in t.movement_type],
            t.people.tolist(),
            "Movement types",
            "people",
        ),
        "types_table": html_table(_percent(t, ["share"]), "People by movement type"),
    }


def _roles(data: ReportData) -> dict[str, object]:
    # States seen only through their citizens leaving (no arrivals recorded) have no roles.
    r = data.roles[(data.roles.transit + data.roles.destination) > 0]
    parts = ["origin", "transit", "destination"]
    return {
        "roles_chart": charts.share_chart(
            r.state.tolist(),
            {p: r[f"{p}_share"].tolist() for p in parts},
            "State roles",
            "share of the state's people on the move",
        ),
        "roles_table": html_table(
            _percent(r, [f"{p}_share" for p in parts]),
            "People leaving (origin), passing through (transit) and staying (destination) by state",
        ),
    }


REFERRAL_CAPTIONS = {
    "need": "Referrals per month by need",
    "agency": "Referrals per month by receiving agency",
    "state": "Referrals per month by outcome (state today)",
    "nationality": "Referrals per month by nationality",
    "bcp": "Referrals per month by BCP (- where made away from a BCP)",
}


def _referrals(data: ReportData) -> dict[str, object]:
    counts = data.referrals
    if counts is None:
        return {"referrals": None}
    tables = []
    for cut, frame in counts.tables.items():
        if frame.empty:
            tables.append(f"<p>{escape(REFERRAL_CAPTIONS[cut])}: no referral.</p>")
            continue
        # A suppressed cell is shown as C, as in the SDMX exports; its number never reaches here.
        cells = [
            "C" if c else int(n) for n, c in zip(frame.referrals, frame.confidential, strict=True)
        ]
        shown = frame.assign(referrals=pd.Series(cells, index=frame.index, dtype=object))
        wide = shown.pivot(index="month", columns=cut, values="referrals").fillna(0)
        wide = wide.reset_index()
        wide.columns.name = None
        tables.append(html_table(wide, REFERRAL_CAPTIONS[cut]))
    return {
        "referrals": {
            "state": counts.state,
            "since": counts.since.isoformat(),
            "until": counts.until.isoformat(),
            "k": counts.k,
            "tables": tables,
        }
    }


def _alerted(data: ReportData) -> set[tuple[str, str, str]]:
    keys = zip(data.surges.host_state, data.surges.bcp_code, data.surges.nationality, strict=True)
    return set(keys)


def _forecast_scope(data: ReportData) -> str:
    """What the charts show, said as it is: the alerted series that have a forecast, and the
    busiest series when an alerted one has none (too little or too sparse history)."""
    alerted = _alerted(data)
    shown = [f.series for f in data.forecasts]
    with_forecast = sum(s in alerted for s in shown)
    others = len(shown) - with_forecast
    without = len(alerted) - with_forecast
    if not shown:
        return (
            "no series: neither the alerted nor the busiest series have the history a "
            "forecast needs (too little or too sparse; the reasons are in the table above)"
        )
    if not alerted:
        return "the busiest series of the last quarter (no series is alerted)"
    parts = []
    if with_forecast:
        parts.append(f"the {_count(with_forecast, 'alerted series')} with a forecast")
    if others:
        parts.append(f"the {_count(others, 'busiest series')} of the last quarter, not alerted")
    scope = " and ".join(parts) or "no series"
    if without:
        have = "has" if without == 1 else "have"
        scope += (
            f" ({without} alerted series {have} no forecast: too little or too sparse "
            "history, the reason is in the table above)"
        )
    return scope


def _forecast_cell(alert: dict) -> str:
    """The 13th week's median and 80% interval, or why the series has no forecast."""
    median = alert.get("forecast_median")
    if median is None or pd.isna(median):
        note = alert.get("forecast_note")
        return f"none: {note if isinstance(note, str) and note else 'not forecast'}"
    low, high = alert["forecast_low80"], alert["forecast_high80"]
    return f"{median:,.0f} (80%: {low:,.0f}–{high:,.0f})"


def _count(n: int, what: str) -> str:
    return what if n == 1 else f"{n} {what}"


def _forecasts(data: ReportData) -> list[dict[str, str]]:
    out = []
    alerted = _alerted(data)
    for f in data.forecasts:
        history = data.weekly_history[f.series]
        kind = "Alerted" if f.series in alerted else "Busiest, not alerted"
        label = f"{kind}: {bcp_label(f.series[1])} · {f.series[2]}"
        svg = charts.forecast_chart(
            [pd.Timestamp(w).date() for w in history.index],
            history.tolist(),
            list(f.weeks),
            list(f.median),
            {"95%": (f.lower95, f.upper95), "80%": (f.lower80, f.upper80)},
            label,
        )
        caption = (
            f"{label}: week of {f.weeks[-1].isoformat()}, median {f.median[-1]:,.0f} "
            f"(80%: {f.lower80[-1]:,.0f}–{f.upper80[-1]:,.0f}; "
            f"95%: {f.lower95[-1]:,.0f}–{f.upper95[-1]:,.0f})"
            + ("" if f.seasonal else "; no yearly season (under 56 weeks of history)")
        )
        out.append({"svg": svg, "caption": caption})
    return out


def render(data: ReportData, made_at: datetime) -> str:
    """The whole page as one string: inline CSS, inline SVG, nothing to fetch."""
    environment = Environment(
        loader=PackageLoader("rmis.report", "templates"),
        autoescape=select_autoescape(["html.j2"]),
        trim_blocks=True,
        lstrip_blocks=True,
    )
    css = files("rmis.report").joinpath("templates/report.css").read_text(encoding="utf-8")
    surges = data.surges.to_dict("records")
    for a in surges:
        a["bcp_label"] = bcp_label(a["bcp_code"])
        a["forecast_text"] = _forecast_cell(a)
    counts = Counter(a["severity"] for a in surges)
    settings = DetectorSettings()
    return environment.get_template("report.html.j2").render(
        css=css,
        on=data.on.isoformat(),
        first_day=data.first_day.isoformat(),
        year_ago=(data.on - timedelta(days=364)).isoformat(),
        made_at=made_at.strftime("%Y-%m-%d %H:%M UTC"),
        sections=SECTIONS,
        surges=surges,
        severity_counts=", ".join(f"{n} {s}" for s, n in sorted(counts.items())),
        forecast_scope=_forecast_scope(data),
        forecast_week=data.forecast_week.isoformat() if data.forecast_week else "",
        statuses=Counter(a["status"].split(" ")[0] for a in surges),
        forecast_charts=_forecasts(data),
        overstayers_total=data.overstayers_total,
        overstayers_in_review=data.overstayers_in_review,
        threshold=f"{settings.threshold:g}",
        min_ratio=settings.min_ratio,
        min_excess=settings.min_excess,
        warning_ratio=settings.warning_ratio,
        critical_ratio=settings.critical_ratio,
        **_flows(data),
        **_corridors(data),
        **_travellers(data),
        **_refusals(data),
        **_stock(data),
        **_overstays(data),
        **_types(data),
        **_roles(data),
        **_referrals(data),
    )
