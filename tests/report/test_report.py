"""The report page: self-contained (nothing to fetch), every section there, surges in words."""

from __future__ import annotations

import dataclasses
import re
from datetime import UTC, date, datetime

import pandas as pd

from rmis.report.render import SECTIONS, render


def test_page_is_self_contained(page):
    assert not re.search(r"""(src|href)\s*=\s*["']?(https?:)?//""", page)
    assert not re.search(r"url\(\s*['\"]?(https?:)?//", page)
    assert "<script" not in page and "<link" not in page
    assert "<style>" in page


def test_every_section_is_there_with_a_chart_and_a_table(page):
    for section, heading in SECTIONS:
        assert f'<section id="{section}"' in page
        assert f">{heading}</h2>" in page
    assert page.count('<svg role="img"') >= 7  # six sections' charts and a forecast
    assert page.count("<title>") >= 8 and page.count("<caption>") >= 7


def test_alerts_are_in_words_with_their_numbers(page):
    assert "critical" in page and "KAZ-ALA" in page
    assert "480 admitted arrivals of UZB nationals at KAZ-ALA in the 3 days to 2026-10-14" in page
    assert "below 1 in a billion" in page


def test_an_alert_without_a_forecast_says_why(page):
    surges = page[page.index('id="surges"') : page.index('id="flows"')]
    assert "<td>none: only 0 whole weeks of history; a forecast needs 26</td>" in surges
    assert "nan" not in surges


def test_flows_show_whole_months_only(page):
    flows = page[page.index('id="flows"') : page.index('id="corridors"')]
    assert "<td>2025-01-01</td>" in flows and "<td>2026-09-01</td>" in flows
    assert "<td>2024-12-01</td>" not in flows  # the record starts on 2024-12-20
    assert "<td>2026-10-01</td>" not in flows  # the month in progress
    assert "whole months only" in flows


def test_a_record_younger_than_a_month_shows_its_part_months(report_data):
    young = dataclasses.replace(
        report_data,
        first_day=date(2026, 10, 3),
        flows_monthly=pd.DataFrame(
            {"month": [pd.Timestamp("2026-10-01")], "host_state": ["KAZ"], "entries": [40],
             "exits": [30]}
        ),
    )  # fmt: skip
    flows = render(young, datetime(2026, 10, 15, 6, 0, tzinfo=UTC))
    flows = flows[flows.index('id="flows"') : flows.index('id="corridors"')]
    assert "<td>2026-10-01</td>" in flows
    assert "part-months: the record holds no whole month yet" in flows


def test_dates_are_iso_and_the_quiet_state_without_arrivals_has_no_role(page):
    assert "2026-10-14" in page
    assert not re.search(r"\d{1,2}/\d{1,2}/\d{4}", page)
    roles = page[page.index('id="roles"') : page.index('id="notes"')]
    assert "<td>KAZ</td>" in roles and "<td>CHN</td>" not in roles


def test_movement_types_and_roles_are_counted_in_people(page):
    types = page[page.index('id="types"') : page.index('id="roles"')]
    assert "People by movement type" in types and "ravellers" not in types
    assert '<th scope="col">people</th>' in types and '<td class="num">80</td>' in types
    roles = page[page.index('id="roles"') : page.index('id="notes"')]
    assert "counted in people" in roles


def test_overstayers_waiting_on_the_review_queue_are_said(page):
    overstays = page[page.index('id="overstays"') : page.index('id="types"')]
    assert "12 people were still present" in overstays
    assert "2 of them have a document waiting in the review queue" in overstays
