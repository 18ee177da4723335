"""What I may do: the legal options and help contacts, from package data with sources."""

from __future__ import annotations

from datetime import UTC, datetime

import pytest
from stay_helpers import stay_client

from rmis.reference.legal_options import (
    LegalOptionsError,
    builtin_legal_options,
    parse_legal_options,
)
from rmis.reference.stay_rules import builtin_stay_rules

NOW = datetime(2026, 3, 1, 9, 0, tzinfo=UTC)


def kinds(host, nationality):
    return [o.kind for o in builtin_legal_options().for_person(host, nationality)]


def test_each_person_gets_the_options_of_their_citizenship() -> None:
    assert kinds("RUS", "TJK") == ["patent", "residence"]  # a patent to work
    assert kinds("RUS", "UZB") == ["patent", "residence"]
    assert kinds("RUS", "KGZ") == ["eaeu_work", "residence"]  # EAEU: no patent
    assert kinds("KAZ", "KGZ") == ["eaeu_work"]
    assert kinds("KAZ", "UZB") == ["work_permit", "residence"]
    assert kinds("RUS", "RUS") == []  # a citizen needs none


def test_every_row_has_a_source_and_a_date() -> None:
    legal = builtin_legal_options()
    for row in (*legal.options, *legal.help):
        assert row.source.startswith(("https://", "http://")) and row.as_of.year >= 2013


def test_help_is_for_the_host_and_the_citizenship() -> None:
    names = [h.name for h in builtin_legal_options().help_for("RUS", "TJK")]
    assert any("Tajikistan" in n for n in names) and any("IOM" in n for n in names)
    names = [h.name for h in builtin_legal_options().help_for("RUS", "KGZ")]
    assert not any("Tajikistan" in n for n in names)


GROUPS = builtin_stay_rules().groups
GOOD = """format = 1
[[option]]
host = "RUS"
applies_to = ["EAEU"]
kind = "eaeu_work"
needs = ["passport"]
where = "employer"
source = "https://example.org/a"
as_of = 2025-01-01
"""


@pytest.mark.parametrize(
    ("change", "message"),
    [
        (('source = "https://example.org/a"\n', ""), "`source` is required"),
        (('kind = "eaeu_work"', 'kind = "visa_run"'), "kind `visa_run` is not one of"),
        (('needs = ["passport"]', 'needs = ["bribe"]'), "needs `bribe` is not one of"),
        (('applies_to = ["EAEU"]', 'applies_to = ["Tajiks"]'), "applies_to `Tajiks`"),
        (('host = "RUS"', 'host = "Russia"'), "is not a three-letter ICAO code"),
        (("as_of = 2025-01-01", 'as_of = "soon"'), "as_of `soon` is not a date"),
        (("format = 1", "format = 2"), "expected `format = 1`"),
        (('where = "employer"', 'where = "employer"\nfee = 1'), "unknown field(s) fee"),
    ],
)
def test_a_bad_row_is_refused_with_its_place(change, message) -> None:
    parse_legal_options(GOOD, GROUPS)
    with pytest.raises(LegalOptionsError, match="legal options") as error:
        parse_legal_options(GOOD.replace(*change), GROUPS)
    assert message in str(error.value)


@pytest.fixture
def client(tmp_path):
    from rmis.store.database import open_database

    engine = open_database(f"sqlite:///{tmp_path / 'rmis.sqlite3'}")
    yield stay_client(engine, NOW)
    engine.dispose()


def test_the_page_lists_options_with_what_they_need_where_and_sources(client) -> None:
    page = client.get("/stay/options", params={"nationality": "TJK", "host_state": "RUS"})
    assert page.status_code == 200
    text = page.text
    assert "Work patent" in text and "medical certificate" in text
    assert "the migration service" in text
    assert "https://buhconsul.ru/" in text and "as of 2018-01-01" in text
    assert "IOM Information and Resource Centre, Moscow" in text


def test_the_options_page_in_tajik(client) -> None:
    page = client.get(
        "/stay/options", params={"nationality": "TJK", "host_state": "RUS", "lang": "tg"}
    )
    assert page.status_code == 200 and 'lang="tg"' in page.text
    assert "Русия" in page.text  # the host named in Tajik (CLDR)


def test_unknown_choices_are_refused(client) -> None:
    page = client.get("/stay/options", params={"nationality": "TJK", "host_state": "XYZ"})
    assert page.status_code == 422


def test_what_i_may_do_from_plans_choice_posts_and_ignores_the_dates(client) -> None:
    form = {"nationality": "KGZ", "host_state": "RUS", "entry_1": "2025-07-13"}
    page = client.post("/stay/options", data=form)
    assert page.status_code == 200
    assert "Work as a citizen of the Eurasian Economic Union" in page.text
    assert 'data-days-used' not in page.text  # no answer computed from the dates


def test_pages_are_sent_gzipped_and_kept_out_of_caches(client) -> None:
    page = client.get("/stay", headers={"Accept-Encoding": "gzip"})
    assert page.headers["content-encoding"] == "gzip"
    assert int(page.headers["content-length"]) < len(page.content) / 3
    assert page.headers["cache-control"] == "no-store"
    plain = client.get("/stay", headers={"Accept-Encoding": "identity"})
    assert "content-encoding" not in plain.headers and plain.text == page.text
