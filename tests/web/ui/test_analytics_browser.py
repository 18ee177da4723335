"""The analyst's dashboard in Chromium: an analyst filters to Tajik nationals entering
Russia in spring, drills from a corridor to its BCPs, downloads the table, and the
downloaded figures equal `rmis analytics flows` for the same filter. Screenshots at desktop
width and at 420 px, in English and Russian, under /tmp/shots/analytics/."""

from __future__ import annotations

import io
from urllib.parse import parse_qs, urlparse

import pandas as pd
import pytest
from analytics_helpers import PASSWORD
from typer.testing import CliRunner

from rmis.cli import app as cli

DESKTOP = {"width": 1366, "height": 900}
NARROW = {"width": 420, "height": 860}
SPRING = {"nationality": "TJK", "host_state": "RUS", "direction": "entry",
          "start": "2026-03-01", "end": "2026-05-31"}  # fmt: skip


@pytest.fixture(scope="module")
def server(dashboard_app, live_server):
    with live_server(dashboard_app) as running:
        yield running


def log_in(chromium, server, size, language="en"):
    context = chromium.new_context(viewport=size, locale=language, accept_downloads=True)
    tab = context.new_page()
    errors: list[str] = []
    tab.on("pageerror", lambda e: errors.append(str(e)))

    # Failed loads are caught as responses below (the browser's own favicon probe is not one).
    def console(message) -> None:
        if message.type == "error" and not message.text.startswith("Failed to load resource"):
            errors.append(message.text)

    tab.on("console", console)
    tab.on("response", lambda r: errors.append(f"{r.status} {r.url}") if r.status >= 400 else None)
    tab.goto(f"{server.url}/?next=/analytics&lang={language}")
    tab.fill("input[name=name]", "analyst")
    tab.fill("input[name=password]", PASSWORD)
    tab.click("button[type=submit]")
    tab.wait_for_url("**/analytics**")
    return context, tab, errors


def cli_flows(dashboard_region, monkeypatch) -> pd.DataFrame:
    monkeypatch.setenv("RMIS_DATA_DIR", str(dashboard_region[1].parent))
    monkeypatch.delenv("RMIS_DATABASE_URL", raising=False)
    result = CliRunner().invoke(cli, [
        "analytics", "flows", "--nationality", "TJK", "--host", "RUS", "--direction", "entry",
        "--from", SPRING["start"], "--to", SPRING["end"], "--by", "corridor,bcp",
        "--format", "csv",
    ])  # fmt: skip
    assert result.exit_code == 0, result.output
    return pd.read_csv(io.StringIO(result.stdout))


def test_filter_drill_download_equals_the_cli(
    chromium, server, dashboard_region, shoot, monkeypatch
):
    context, tab, errors = log_in(chromium, server, DESKTOP)
    tab.select_option("select[name=nationality]", "TJK")
    tab.select_option("select[name=host_state]", "RUS")
    tab.select_option("select[name=direction]", "entry")
    tab.fill("input[name=start]", SPRING["start"])
    tab.fill("input[name=end]", SPRING["end"])
    tab.click("form.filters button[type=submit]")
    tab.wait_for_selector("#over-time .chart .main-svg")  # plotly drew it
    shoot(tab, "analytics", "tajik-entries-spring-en-desktop")
    assert not errors, errors

    tab.click("#corridors summary")
    first = tab.locator("#corridors tbody tr th a").first
    corridor = parse_qs(urlparse(first.get_attribute("href")).query)
    first.click()
    tab.wait_for_url("**to_state=**")
    assert "#bcps" in tab.url
    with tab.expect_download() as waiting:
        tab.click("#bcps .downloads a:has-text('CSV')")
    download = waiting.value
    with open(download.path(), encoding="utf-8") as file:
        text = file.read()
    assert "# filters:" in text and "nationality=TJK" in text
    got = pd.read_csv(io.StringIO(text), comment="#").set_index("bcp")

    want = cli_flows(dashboard_region, monkeypatch)
    want = want[(want.from_state == corridor["from_state"][0])
                & (want.to_state == corridor["to_state"][0])].set_index("bcp")  # fmt: skip
    assert set(got.index) == set(want.index) and len(got) > 0
    shown = got.entries.notna()
    assert shown.any()
    for measure in ("entries", "exits", "refused"):
        assert (got.loc[shown, measure] == want.loc[got.index[shown], measure]).all()
    shoot(tab, "analytics", "drilled-corridor-bcps-en-desktop")
    context.close()


@pytest.mark.parametrize("language", ["ru", "en"])
def test_narrow_screen_and_keyboard(chromium, server, shoot, contrast_failures, language):
    context, tab, errors = log_in(chromium, server, NARROW, language)
    tab.wait_for_selector("#over-time .chart .main-svg")
    width = tab.evaluate("document.documentElement.scrollWidth")
    wide = tab.evaluate("""() => [...document.querySelectorAll('body *')]
        .filter(e => e.getBoundingClientRect().right > innerWidth + 1)
        .slice(0, 5).map(e => e.tagName + '.' + e.className)""")
    assert width <= NARROW["width"], f"the page scrolls sideways: {width}px {wide}"
    assert tab.evaluate("document.documentElement.lang") == language
    shoot(tab, "analytics", f"overview-{language}-420")
    # Every chart has its table, reachable by the keyboard.
    tab.focus("#nationalities summary")
    tab.keyboard.press("Enter")
    assert tab.locator("#nationalities table").is_visible()
    assert contrast_failures(tab) == []
    assert not errors, errors
    context.close()
