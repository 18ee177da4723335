"""The languages: Accept-Language negotiation, the catalogues, unreviewed translations marked."""

from __future__ import annotations

import importlib.util
import re
from pathlib import Path

import pytest
from hypothesis import given
from hypothesis import strategies as st

from rmis.locales import LANGUAGES, catalogue, language_of, negotiate

ROOT = Path(__file__).resolve().parents[2]


def catalogues_tool():
    spec = importlib.util.spec_from_file_location("catalogues", ROOT / "tools/catalogues.py")
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


@pytest.mark.parametrize(
    ("header", "language"),
    [
        ("ru-RU,ru;q=0.9,en-US;q=0.8,en;q=0.7", "ru"),
        ("de-DE, kk;q=0.5, ru;q=0.4", "kk"),
        ("en;q=0.1, tg", "tg"),  # the order of preference is the q-value, not the position
        ("uz-Cyrl-UZ", "uz_Cyrl"),
        ("uz-Latn-UZ", "uz"),
        ("ky-KG;q=0, ru", "ru"),  # q=0 means "not this one"
        ("tk-TM;q=abc, ky", "ky"),  # a malformed q-value counts as refused
        ("fr, de", "en"),
        ("", "en"),
    ],
)
def test_the_browsers_first_supported_language_is_chosen(header, language):
    assert negotiate(header) == language


@given(st.text(max_size=200))
def test_any_header_gives_a_supported_language(header):
    assert negotiate(header) in LANGUAGES


@given(st.sampled_from(sorted(LANGUAGES)), st.sampled_from(["", "-KZ", "-x-private"]))
def test_a_tag_with_a_region_falls_back_to_its_language(language, suffix):
    assert language_of(language.replace("_", "-") + suffix) == language


@pytest.mark.parametrize("language", sorted(set(LANGUAGES) - {"en"}))
@pytest.mark.parametrize("domain", ["common", "desk", "analytics"])
def test_every_message_of_the_pages_is_translated_and_marked_until_reviewed(language, domain):
    tool = catalogues_tool()
    assert tool.missing(domain, [language]) == []
    translated = catalogue(language)
    # No native speaker has reviewed these yet: each translated message says so.
    template = tool.extract(domain)
    assert {m.id if isinstance(m.id, str) else m.id[0] for m in template if m.id} <= (
        translated.unreviewed
    )


def placeholders(text: str) -> list[str]:
    return sorted(re.findall(r"%\(\w+\)s", text))


@pytest.mark.parametrize("domain", ["desk", "analytics"])
def test_placeholders_survive_translation(domain):
    tool = catalogues_tool()
    for language in set(LANGUAGES) - {"en"}:
        translated = catalogue(language)
        for message in tool.extract(domain):
            if not message.id:
                continue
            if isinstance(message.id, str):
                if "%(" in message.id:
                    text = translated.gettext(message.id)
                    assert placeholders(text) == placeholders(message.id), (language, text)
                continue
            # A plural message: every form the language's rule can pick keeps the placeholders.
            singular, plural = message.id[0], message.id[1]
            for n in (0, 1, 2, 5, 11, 21, 101):
                text = translated.ngettext(singular, plural, n)
                assert placeholders(text) == placeholders(plural), (language, n, text)


def test_an_unknown_language_is_an_error_not_english():
    with pytest.raises(ValueError, match="unknown language"):
        catalogue("xx")
