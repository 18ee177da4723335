"""The analyst's dashboard through HTTP: who may see it, every panel under the filters, the
downloads equal to the analyses, small results suppressed whole, bad filters refused."""

from __future__ import annotations

import io

import pandas as pd
import pytest
from analytics_helpers import K, logged_in
from fastapi.testclient import TestClient

from rmis.analytics import connect
from rmis.analytics.filters import Filters
from rmis.analytics.panels import Workspace


def test_only_analysts_supervisors_and_administrators_see_it(dashboard_app):
    away = TestClient(dashboard_app).get("/analytics", follow_redirects=False)
    assert away.status_code == 303 and away.headers["location"].startswith("/?next=")
    assert logged_in(dashboard_app, "officer").get("/analytics").status_code == 403
    assert logged_in(dashboard_app, "officer").get("/analytics/download/bcps").status_code == 403


def test_every_panel_a_map_and_the_installed_plotly(dashboard_app):
    client = logged_in(dashboard_app)
    page = client.get("/analytics")
    assert page.status_code == 200, page.text[:2000]
    for panel in ("over-time", "corridors", "bcps", "nationalities", "sex-age", "purposes",
                  "refusals", "early-warning", "stock", "movement-types", "mirror"):  # fmt: skip
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


def test_a_download_is_the_analysis_under_the_same_filters(dashboard_app, dashboard_region):
    client = logged_in(dashboard_app)
    query = {"nationality": "TJK", "direction": "entry", "start": "2026-02-01",
             "end": "2026-05-31"}  # fmt: skip
    answer = client.get("/analytics/download/bcps", params={**query, "format": "csv"})
    assert answer.status_code == 200
    assert "# filters: start=2026-02-01; end=2026-05-31; direction=entry; nationality=TJK" in (
        answer.text
    )
    got = read_csv(answer.text).set_index("bcp")
    ws = Workspace(dashboard_region[1], connect())
    want = ws.flows(Filters.parse(query), ["bcp"]).table.set_index("bcp")
    assert set(got.index) == set(want.index) and len(got) > 3
    shown = got.entries.notna()
    assert (got.entries[shown] == want.entries[got.index[shown]]).all()
    assert (want.loc[got.index[~shown]][["entries", "exits", "refused"]].sum(axis=1) >= 0).all()


def test_excel_and_sdmx_downloads_carry_the_filters(dashboard_app):
    client = logged_in(dashboard_app)
    excel = client.get("/analytics/download/nationalities",
                       params={"host_state": "KAZ", "format": "excel"})  # fmt: skip
    about = pd.read_excel(io.BytesIO(excel.content), sheet_name="about", header=None)
    assert "host_state=KAZ" in set(about[1])
    sdmx = read_csv(client.get("/analytics/download/nationalities",
                               params={"host_state": "KAZ", "format": "sdmx"}).text)  # fmt: skip
    assert set(sdmx.HOST_STATE) == {"KAZ"} and {"C", "F"} >= set(sdmx.CONF_STATUS)


def test_a_result_of_few_people_shows_nothing(dashboard_app, dashboard_region):
    ws = Workspace(dashboard_region[1], connect())
    one = ws.warehouse.crossings.limit(1).to_pandas().iloc[0]
    day = str(one.local_date)[:10]
    query = {"bcp": one.bcp_code, "nationality": one.nationality, "start": day, "end": day,
             "sex": one.sex, "direction": one.direction}  # fmt: skip
    client = logged_in(dashboard_app)
    page = client.get("/analytics", params=query)
    assert page.status_code == 200 and f"Fewer than {K} people match" in page.text
    assert 'id="bcps"' not in page.text
    csv = client.get("/analytics/download/bcps", params=query).text
    assert "suppressed: fewer than" in csv and read_csv(csv).empty


@pytest.mark.parametrize("query", [{"nationality": "Tajik"}, {"start": "2026-31-01"},
                                   {"start": "2026-05-01", "end": "2026-01-01"}])  # fmt: skip
def test_a_bad_filter_says_what_was_wrong(dashboard_app, query):
    client = logged_in(dashboard_app)
    page = client.get("/analytics", params=query)
    assert page.status_code == 422 and 'role="alert"' in page.text
    assert client.get("/analytics/download/bcps", params=query).status_code == 422
    assert client.get("/analytics/download/nothing").status_code == 404


def test_a_row_links_to_the_next_question(dashboard_app):
    page = logged_in(dashboard_app).get("/analytics", params={"nationality": "TJK"}).text
    assert "from_state=" in page and "to_state=" in page and "#bcps" in page
    assert "bcp=" in page and "#nationalities" in page


def test_the_language_picker_keeps_the_filters(dashboard_app):
    page = logged_in(dashboard_app).get("/analytics", params={"nationality": "TJK", "lang": "en"})
    assert 'href="?nationality=TJK&amp;lang=ru"' in page.text
