"""The page in the region's languages: chosen by ?lang= or the browser, every message
translated and every unreviewed translation marked when asked."""

from __future__ import annotations

from datetime import UTC, datetime

import pytest
from stay_helpers import answer_of, stay_client

from rmis.locales import LANGUAGES, catalogue

NOW = datetime(2026, 3, 1, 9, 0, tzinfo=UTC)
TITLE = {
    "en": "How long may I stay?",
    "ru": "Сколько мне можно оставаться?",
    "tg": "Ман то кай монда метавонам?",
    "kk": "Қанша уақыт қала аламын?",
    "ky": "Канча убакыт кала алам?",
    "uz": "Qancha vaqt qolishim mumkin?",
    "uz_Cyrl": "Қанча вақт қолишим мумкин?",
    "tk": "Näçe wagt galyp bilerin?",
}


@pytest.fixture
def client(tmp_path):
    from rmis.store.database import open_database

    engine = open_database(f"sqlite:///{tmp_path / 'rmis.sqlite3'}")
    yield stay_client(engine, NOW)
    engine.dispose()


@pytest.mark.parametrize("language", list(LANGUAGES))
def test_the_page_and_an_answer_in_every_language(client, language) -> None:
    page = client.get("/stay", params={"lang": language})
    assert page.status_code == 200 and TITLE[language] in page.text
    assert f'<html lang="{language.replace("_", "-")}">' in page.text
    form = {"nationality": "TJK", "host_state": "RUS", "entry_1": "2026-01-01"}
    answer = client.post("/stay/plan", params={"lang": language}, data=form)
    assert answer_of(answer.text)["days-left"] == "30"
    if language != "en":
        # The answer's words are the language's, not English.
        assert "Days left" not in answer.text and "Register within" not in answer.text


def test_the_browser_language_is_offered_first(client) -> None:
    page = client.get("/stay", headers={"Accept-Language": "tg-TJ,ru;q=0.8,en;q=0.5"})
    assert TITLE["tg"] in page.text


def test_every_stay_message_is_translated_and_marked_unreviewed() -> None:
    from babel.messages.pofile import read_po

    from rmis.locales import CATALOGUES

    for language in LANGUAGES:
        if language == "en":
            continue
        with (CATALOGUES / language / "LC_MESSAGES" / "stay.po").open("rb") as file:
            po = read_po(file, locale=language)
        messages = [m for m in po if m.id]
        assert len(messages) > 100
        for m in messages:
            strings = m.string if isinstance(m.string, tuple) else (m.string,)
            assert all(strings), (language, m.id)
            assert "unreviewed" in m.flags, (language, m.id)
        assert "Days left" in catalogue(language).unreviewed


def test_unreviewed_translations_are_marked_on_request(client) -> None:
    page = client.get("/stay", params={"lang": "ru", "unreviewed": "1"})
    assert '<mark class="unreviewed"' in page.text
    assert '<mark class="unreviewed"' not in client.get("/stay", params={"lang": "ru"}).text
