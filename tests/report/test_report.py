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


def test_forecast_charts_say_whose_series_they_show(page, report_data):
    surges = page[page.index('id="surges"') : page.index('id="flows"')]
    # One alerted series has a forecast, two have none: said so, not "for the alerted series".
    assert "for the alerted series with a forecast" in surges
    assert "(2 alerted series have no forecast: too little or too sparse history" in surges
    assert "Alerted: KAZ-ALA Almaty International Airport · UZB" in surges
    # Only the busiest series has a forecast: the chart says it is not the alerted one.
    only_quiet = dataclasses.replace(
        report_data, surges=report_data.surges[report_data.surges.nationality == "KGZ"]
    )
    other = render(only_quiet, datetime(2026, 10, 15, 6, 0, tzinfo=UTC))
    other = other[other.index('id="surges"') : other.index('id="flows"')]
    assert "for the alerted series" not in other
    assert "for the busiest series of the last quarter, not alerted (1 alerted series has no" in (
        " ".join(other.split())
    )
    assert "Busiest, not alerted: KAZ-ALA Almaty International Airport · UZB" in other


def test_a_carried_or_ended_alert_says_what_it_is_and_the_forecast_names_its_week(page):
    surges = page[page.index('id="surges"') : page.index('id="flows"')]
    assert '<th scope="col">Status</th>' in surges
    assert "forecast for the week of 2027-01-04</th>" in surges
    rows = re.findall(r"<tr class=\"sev-[a-z]+\">(.*?)</tr>", surges, re.S)
    statuses = [re.findall(r"<td>(.*?)</td>", row)[1] for row in rows]
    assert statuses == ["current", "current", "ended"]
    assert "Ended: arrivals are back at or below expected" in surges
    assert "the rule was last met on 2026-10-02" in surges


def test_codes_are_named_and_whole_medians_are_whole(page):
    surges = page[page.index('id="surges"') : page.index('id="flows"')]
    assert "<td>KAZ-KORDAI-ROAD Kordai</td>" in surges  # the BCP's name from the reference
    types = page[page.index('id="types"') : page.index('id="roles"')]
    assert "<td>short visit</td>" in types and "short_visit" not in types
    overstays = page[page.index('id="overstays"') : page.index('id="types"')]
    assert '<td class="num">251</td>' in overstays and "251.0" not in overstays
    corridors = page[page.index('id="corridors"') : page.index('id="travellers"')]
    assert "RUS → by air (destination not recorded)" in corridors and "AIR" not in corridors
    assert "<td>exits recorded by RUS</td>" in corridors
    assert "each counted once" in corridors


def test_refusals_by_reason_and_who_travels(page):
    refusals = page[page.index('id="refusals"') : page.index('id="stock"')]
    assert "9 crossings refused" in refusals
    assert "<td>C: has no valid visa or residence permit</td>" in refusals
    travellers = page[page.index('id="travellers"') : page.index('id="refusals"')]
    assert "<td>work</td>" in travellers and "<td>60%</td>" in travellers
    assert '<th scope="col">women</th>' in travellers and "<td>25-34</td>" in travellers
    assert "<td>UZB</td>" in travellers
