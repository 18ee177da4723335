"""The analyst's dashboard through HTTP: who may see it, every panel under the filters, the
downloads equal to the analyses, small results suppressed whole, bad filters refused."""

from __future__ import annotations

import io
from datetime import UTC, date, datetime

import pandas as pd
import pytest
from fastapi.testclient import TestClient

from rmis.analytics import connect, summarise
from rmis.analytics.filters import Filters
from rmis.analytics.panels import Workspace
from rmis.registry import import_crossings
from rmis.security.accounts import create_principal
from rmis.security.principals import Role
from rmis.store.database import open_database
from rmis.synth.region import SynthConfig, generate, write
from rmis.warehouse import sync_warehouse
from rmis.web.app import create_app
from rmis.web.ui.analytics.workspace import WorkspaceHolder

NOW = datetime(2026, 7, 1, tzinfo=UTC)
PASSWORD = "numbers tell the story"
K = 5


@pytest.fixture(scope="module")
def region(tmp_path_factory):
    """A record and its warehouse with summaries: 600 travellers over a year."""
    base = tmp_path_factory.mktemp("dashboard")
    made = generate(SynthConfig(travellers=600, years=1, seed=3, end=date(2026, 6, 30)))
    files = write(made, base / "synth")
    engine = open_database(f"sqlite:///{base / 'rmis.sqlite3'}")
    import_crossings(engine, files["crossings"], io.StringIO(), now=NOW)
    sync_warehouse(engine, base / "warehouse", NOW, summarise=summarise)
    for name, role in (("analyst", Role.ANALYST), ("officer", Role.BORDER_OFFICER)):
        create_principal(engine, name=name, role=role, state="KAZ", password=PASSWORD, now=NOW,
                         bcp_codes=["KAZ-ALA"] if role is Role.BORDER_OFFICER else [])  # fmt: skip
    yield engine, base / "warehouse"
    engine.dispose()


@pytest.fixture(scope="module")
def app(region):
    engine, root = region
    app = create_app(engine, clock=lambda: NOW)
    app.state.analytics = WorkspaceHolder(root)
    app.state.analytics_k = K
    return app


def logged_in(app, name="analyst") -> TestClient:
    client = TestClient(app)
    answer = client.post("/login", data={"name": name, "password": PASSWORD, "next": "/analytics"},
                         follow_redirects=False)  # fmt: skip
    assert answer.status_code == 303
    return client


def test_only_analysts_supervisors_and_administrators_see_it(app):
    away = TestClient(app).get("/analytics", follow_redirects=False)
    assert away.status_code == 303 and away.headers["location"].startswith("/?next=")
    assert logged_in(app, "officer").get("/analytics").status_code == 403
    assert logged_in(app, "officer").get("/analytics/download/bcps").status_code == 403


def test_every_panel_a_map_and_the_installed_plotly(app):
    client = logged_in(app)
    page = client.get("/analytics")
    assert page.status_code == 200, page.text[:2000]
    for panel in ("over-time", "corridors", "bcps", "nationalities", "sex-age", "purposes",
                  "refusals", "stock", "movement-types", "mirror"):  # fmt: skip
        assert f'id="{panel}"' in page.text
    assert '<svg class="map"' in page.text and "Kazakhstan" in page.text
    assert "/analytics/plotly.min.js" in page.text and "cdn" not in page.text.lower()
    js = client.get("/analytics/plotly.min.js")
    assert js.status_code == 200 and b"plotly" in js.content[:2000].lower()
    csp = page.headers["content-security-policy"]
    assert "script-src" not in csp and "default-src 'self'" in csp  # scripts: this server only


def read_csv(text: str) -> pd.DataFrame:
    return pd.read_csv(io.StringIO(text), comment="#", keep_default_na=False,
                       na_values=[""])  # fmt: skip


def test_a_download_is_the_analysis_under_the_same_filters(app, region):
    client = logged_in(app)
    query = {"nationality": "TJK", "direction": "entry", "start": "2026-02-01",
             "end": "2026-05-31"}  # fmt: skip
    answer = client.get("/analytics/download/bcps", params={**query, "format": "csv"})
    assert answer.status_code == 200
    assert "# filters: start=2026-02-01; end=2026-05-31; direction=entry; nationality=TJK" in (
        answer.text
    )
    got = read_csv(answer.text).set_index("bcp")
    ws = Workspace(region[1], connect())
    want = ws.flows(Filters.parse(query), ["bcp"]).table.set_index("bcp")
    assert set(got.index) == set(want.index) and len(got) > 3
    shown = got.entries.notna()
    assert (got.entries[shown] == want.entries[got.index[shown]]).all()
    assert (want.loc[got.index[~shown]][["entries", "exits", "refused"]].sum(axis=1) >= 0).all()


def test_excel_and_sdmx_downloads_carry_the_filters(app):
    client = logged_in(app)
    excel = client.get("/analytics/download/nationalities",
                       params={"host_state": "KAZ", "format": "excel"})  # fmt: skip
    about = pd.read_excel(io.BytesIO(excel.content), sheet_name="about", header=None)
    assert "host_state=KAZ" in set(about[1])
    sdmx = read_csv(client.get("/analytics/download/nationalities",
                               params={"host_state": "KAZ", "format": "sdmx"}).text)  # fmt: skip
    assert set(sdmx.HOST_STATE) == {"KAZ"} and {"C", "F"} >= set(sdmx.CONF_STATUS)


def test_a_result_of_few_people_shows_nothing(app, region):
    ws = Workspace(region[1], connect())
    one = ws.warehouse.crossings.limit(1).to_pandas().iloc[0]
    day = str(one.local_date)[:10]
    query = {"bcp": one.bcp_code, "nationality": one.nationality, "start": day, "end": day,
             "sex": one.sex, "direction": one.direction}  # fmt: skip
    client = logged_in(app)
    page = client.get("/analytics", params=query)
    assert page.status_code == 200 and f"Fewer than {K} people match" in page.text
    assert 'id="bcps"' not in page.text
    csv = client.get("/analytics/download/bcps", params=query).text
    assert "suppressed: fewer than" in csv and read_csv(csv).empty


@pytest.mark.parametrize("query", [{"nationality": "Tajik"}, {"start": "2026-31-01"},
                                   {"start": "2026-05-01", "end": "2026-01-01"}])  # fmt: skip
def test_a_bad_filter_says_what_was_wrong(app, query):
    client = logged_in(app)
    page = client.get("/analytics", params=query)
    assert page.status_code == 422 and 'role="alert"' in page.text
    assert client.get("/analytics/download/bcps", params=query).status_code == 422
    assert client.get("/analytics/download/nothing").status_code == 404


def test_a_row_links_to_the_next_question(app):
    page = logged_in(app).get("/analytics", params={"nationality": "TJK"}).text
    assert "from_state=" in page and "to_state=" in page and "#bcps" in page
    assert "bcp=" in page and "#nationalities" in page
