"""The report page in a real browser: Debian's Chromium, driven by Playwright, offline.

Opened from a file as an analyst would: nothing is fetched, every section and chart is drawn
with a size, the alert table reads right, and a screenshot is kept for a person to look at.
"""

from __future__ import annotations

import pytest

from rmis.report.render import SECTIONS


@pytest.fixture(scope="module")
def browser_page(page, chromium, tmp_path_factory):
    """The session's one Chromium (tests/conftest.py), a tab of its own."""
    path = tmp_path_factory.mktemp("report") / "report.html"
    path.write_text(page, encoding="utf-8")
    tab = chromium.new_page(viewport={"width": 1280, "height": 900}, accept_downloads=False)
    fetched: list[str] = []
    tab.on("request", lambda request: fetched.append(request.url))
    tab.goto(path.as_uri())
    tab.screenshot(path=str(path.with_suffix(".png")), full_page=True)
    yield tab, fetched, path
    tab.close()


def test_nothing_is_fetched_beyond_the_file(browser_page):
    _, fetched, path = browser_page
    assert fetched == [path.as_uri()]


def test_every_section_is_shown_with_its_charts_drawn(browser_page):
    tab, _, _ = browser_page
    for section, heading in SECTIONS:
        assert tab.locator(f"#{section} h2").inner_text() == heading
        assert tab.locator(f"#{section}").is_visible()
    sizes = tab.eval_on_selector_all(
        'svg[role="img"]', "charts => charts.map(c => c.getBoundingClientRect().width)"
    )
    assert len(sizes) >= 7 and min(sizes) > 200


def test_the_alert_table_reads_right(browser_page):
    tab, _, _ = browser_page
    rows = tab.locator("#surges table tbody tr")
    assert rows.count() == 3  # two current alerts and one ended (conftest)
    first = rows.nth(0).inner_text()
    assert "critical" in first and "current" in first and "480 in 3 d" in first
    assert "KAZ-ALA Almaty International Airport" in first
    assert "none: only 0 whole weeks of history" in rows.nth(1).inner_text()
    assert "ended" in rows.nth(2).inner_text()


def test_a_screenshot_is_kept_to_look_at(browser_page):
    _, _, path = browser_page
    screenshot = path.with_suffix(".png")
    assert screenshot.stat().st_size > 50_000
