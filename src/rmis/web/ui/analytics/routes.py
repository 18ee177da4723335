"""/analytics: the dashboard page, each panel's download, and plotly.js from the installed
plotly package. Analysts, supervisors and administrators; aggregates only, never a person."""

from __future__ import annotations

import io
import re
from datetime import timedelta
from importlib.resources import files
from weakref import WeakKeyDictionary

import pandas as pd
from fastapi import APIRouter, Request
from fastapi.responses import HTMLResponse, Response

from rmis.analytics import to_sdmx_csv
from rmis.analytics.filters import AGE_BAND_LABELS, DIRECTIONS, NONE, FilterError, Filters
from rmis.analytics.panels import Workspace
from rmis.analytics.typology import MOVEMENT_TYPES
from rmis.security import Role
from rmis.web.ui.analytics import labels
from rmis.web.ui.analytics import map as region_map
from rmis.web.ui.analytics.board import BY_ID, PANELS, build, page_href, table_of
from rmis.web.ui.analytics.workspace import NoWarehouse, WorkspaceHolder
from rmis.web.ui.desk.session import LoggedIn
from rmis.web.ui.templating import render, request_language, translator

router = APIRouter(include_in_schema=False)
READERS = frozenset({Role.ANALYST, Role.SUPERVISOR, Role.ADMIN})
FILTER_NAMES = ("start", "end", "host_state", "from_state", "to_state", "bcp", "direction",
                "nationality", "purpose", "sex", "age_band", "movement_type")  # fmt: skip
FORMATS = {"csv": ("text/csv; charset=utf-8", "csv"),
           "excel": ("application/vnd.openxmlformats-officedocument.spreadsheetml.sheet", "xlsx"),
           "sdmx": ("text/csv; charset=utf-8", "sdmx.csv")}  # fmt: skip
_choices: WeakKeyDictionary[Workspace, dict] = WeakKeyDictionary()


def holder(request: Request) -> WorkspaceHolder:
    return request.app.state.analytics


def _filters(request: Request) -> Filters:
    given = {n: request.query_params.get(n) for n in FILTER_NAMES if request.query_params.get(n)}
    return Filters.parse(given)


def _page(request: Request, user, status_code: int = 200, **context) -> Response:
    defaults = {"denied": False, "error": None, "filters": Filters(), "panels": [], "enough": False,
                "options": None, "chips": [], "k": request.app.state.analytics_k, "period": None,
                "the_map": None}  # fmt: skip
    return render(request, "analytics/dashboard.html", status_code=status_code, user=user,
                  **(defaults | context))  # fmt: skip


def choices(ws: Workspace, language: str, t) -> dict[str, list[tuple[str, str]]]:
    """The values each filter can take in this warehouse, named, for the form's lists."""
    found = _choices.get(ws)
    if found is None:
        found = {
            name: sorted(str(v) for v in ws.flows(NONE, [name]).table[name].dropna().unique())
            for name in ("host_state", "bcp", "nationality", "purpose")
        }
        _choices[ws] = found
    named = {name: sorted(((v, labels.value(name, v, language, t)) for v in values),
                          key=lambda p: p[1]) for name, values in found.items()}  # fmt: skip
    named["direction"] = [(d, t.text(labels.DIRECTIONS[d])) for d in DIRECTIONS]
    named["sex"] = [(s, t.text(labels.SEXES[s])) for s in ("F", "M")]
    named["age_band"] = [(a, labels.value("age_band", a, language, t)) for a in AGE_BAND_LABELS]
    named["movement_type"] = [(m, t.text(labels.MOVEMENT_TYPES[m])) for m in MOVEMENT_TYPES]
    return named


@router.get("/analytics", response_class=HTMLResponse)
def dashboard(request: Request, user: LoggedIn) -> Response:
    t = translator(request)
    if user.principal.role not in READERS:
        return _page(request, user, 403, denied=True)
    try:
        filters = _filters(request)
    except FilterError as error:
        return _page(request, user, 422, error=str(error), filters=Filters())
    k = request.app.state.analytics_k
    language = request_language(request)
    try:
        with holder(request).open() as ws:
            options = choices(ws, language, t)
            enough = ws.people_in_result(filters, k)
            panels = [build(spec, ws, filters, k, t, language) for spec in PANELS] if enough else []
            the_map = _map(ws, filters, panels, t, language) if enough else None
            period = (filters.start or ws.first_day, filters.end or ws.last_day)
    except NoWarehouse as error:
        return _page(request, user, 503, error=str(error), filters=filters)
    chips = _chips(filters, t, language)
    return _page(request, user, filters=filters, panels=panels, enough=enough, k=k,
                 options=options, period=period, the_map=the_map, chips=chips)  # fmt: skip


def _chips(filters: Filters, t, language: str) -> list[tuple[str, str]]:
    """Each filter in force, named, with the page without it."""
    out = []
    for name, text in filters.as_text().items():
        if name in ("start", "end"):
            shown = f"{t.text('From') if name == 'start' else t.text('To')} {text}"
            without = Filters.parse({**filters.as_text(), name: ""})
        else:
            shown = ", ".join(labels.value(name, v, language, t) for v in text.split(","))
            without = Filters.parse({k: v for k, v in filters.as_text().items() if k != name})
        out.append((shown, page_href(without)))
    return out


def _map(ws: Workspace, filters: Filters, panels, t, language: str):
    """The BCPs (their panel's figures, suppressed cells left off) and the top corridors."""
    bcps = next(p for p in panels if p.spec.id == "bcps")
    table, blanked = bcps.table, bcps.blanked
    before = _before(ws, filters)
    previous = {}
    if before is not None:
        earlier = ws.flows(before, ["bcp"]).table
        previous = dict(zip(earlier.bcp, earlier[["entries", "exits", "refused"]].sum(axis=1),
                            strict=True))  # fmt: skip
    marks = []
    for i, row in table.iterrows():
        if blanked.iloc[i]:
            continue
        n = int(row.entries + row.exits + row.refused)
        was = previous.get(row.bcp)
        change = (n - was) / was if was else None
        text = f"{labels.bcp(row.bcp)}: {labels.number(n, language)}"
        if change is not None:
            text += f" ({change:+.0%})"
        marks.append(
            region_map.Mark(
                row.bcp,
                text,
                n,
                change if before else None,
                page_href(filters.narrowed(bcp=row.bcp), "nationalities"),
            )
        )
    corridors_panel = next(p for p in panels if p.spec.id == "corridors")
    corridors, hidden = corridors_panel.table, corridors_panel.blanked
    lines = []
    for i, row in corridors.head(12).iterrows():
        if hidden.iloc[i]:
            continue
        n = int(row.crossings)
        lines.append(
            (
                row.from_state,
                row.to_state,
                n,
                f"{labels.state(row.from_state, language, t)} → "
                f"{labels.state(row.to_state, language, t)}: {labels.number(n, language)}",
            )
        )
    return region_map.draw(
        marks,
        lines,
        t.text("Map of the BCPs and corridors"),
        t.text(
            "%(n)s BCPs are not drawn (no known coordinates, or beyond the map's edge): the "
            "table lists them."
        ),
    ), before


def _before(ws: Workspace, filters: Filters) -> Filters | None:
    """The period of the same length just before the filters' period (None without one)."""
    if filters.start is None or filters.end is None:
        return None
    length = filters.end - filters.start
    end = filters.start - timedelta(days=1)
    start = end - length
    if end < ws.first_day:
        return None
    return Filters.parse({**filters.as_text(), "start": start.isoformat(), "end": end.isoformat()})


@router.get("/analytics/download/{panel}")
def download(request: Request, panel: str, user: LoggedIn, format: str = "csv") -> Response:
    if user.principal.role not in READERS:
        return Response("analysts only\n", status_code=403, media_type="text/plain")
    spec = BY_ID.get(panel)
    if spec is None or format not in FORMATS:
        known = ", ".join(BY_ID) if spec is None else ", ".join(FORMATS)
        return Response(f"no such {'panel' if spec is None else 'format'}: choose {known}\n",
                        status_code=404, media_type="text/plain")  # fmt: skip
    try:
        filters = _filters(request)
    except FilterError as error:
        return Response(f"{error}\n", status_code=422, media_type="text/plain")
    k = request.app.state.analytics_k
    try:
        with holder(request).open() as ws:
            synced = ws.last_day.isoformat()
            if ws.people_in_result(filters, k):
                answer, table, blanked = table_of(spec, ws, filters, k)
                measures = answer.measures
                if spec.id == "over-time":
                    unit = "week" if "week" in answer.table.columns else "month"
                    table = table.rename(columns={"period": unit})
                whole = None
            else:
                table, blanked, measures = (
                    pd.DataFrame(columns=spec.dimensions),
                    pd.Series(dtype=bool),
                    [],
                )
                whole = f"fewer than {k} people match these filters: nothing is shown"
    except NoWarehouse as error:
        return Response(f"{error}\n", status_code=503, media_type="text/plain")
    about = {
        "source": "rmis analytics dashboard",
        "panel": spec.id,
        "filters": filters.describe(),
        "last day with data": synced,
        "disclosure control": f"cells of fewer than {k} crossings or people suppressed (blank,"
        " CONF_STATUS C), with the cells that would reveal them",
    }  # fmt: skip
    if whole:
        about["suppressed"] = whole
    media, suffix = FORMATS[format]
    body = _encode(format, table, blanked, measures, spec.dataflow, about, filters)
    name = re.sub(r"[^A-Za-z0-9_.-]+", "_", f"rmis-{spec.id}-{filters.describe()}")[:120]
    return Response(
        body,
        media_type=media,
        headers={"Content-Disposition": f'attachment; filename="{name}.{suffix}"'},
    )


def _encode(fmt, table, blanked, measures, dataflow, about, filters: Filters) -> bytes:
    if fmt == "csv":
        header = "".join(f"# {k}: {v}\n" for k, v in about.items())
        return (header + table.to_csv(index=False, date_format="%Y-%m-%d")).encode()
    if fmt == "sdmx":
        if table.empty:
            return b"DATAFLOW,MEASURE,OBS_VALUE,CONF_STATUS\n"
        long = to_sdmx_csv(table, dataflow, measures, blanked)
        # A filter fixes a dimension: SDMX says so with the dimension's one value.
        for name, value in reversed(list(filters.as_text().items())):
            column = {"start": "TIME_PERIOD_START", "end": "TIME_PERIOD_END"}.get(
                name, name.upper()
            )
            if column not in long.columns:
                long.insert(1, column, value)
        return long.to_csv(index=False).encode()
    buffer = io.BytesIO()
    with pd.ExcelWriter(buffer, engine="openpyxl") as writer:
        table.to_excel(writer, index=False, sheet_name="data")
        pd.DataFrame(list(about.items()), columns=["", ""]).to_excel(
            writer, index=False, header=False, sheet_name="about"
        )
    return buffer.getvalue()


@router.get("/analytics/plotly.min.js")
def plotly_js() -> Response:
    """plotly.js as the installed plotly package carries it (never a CDN)."""
    return Response(_plotly(), media_type="text/javascript",
                    headers={"Cache-Control": "public, max-age=86400"})  # fmt: skip


def _plotly() -> bytes:
    return files("plotly").joinpath("package_data/plotly.min.js").read_bytes()
