"""Rendering the pages: one Jinja2 environment, and each request's language.

The language of a request is, in order: `?lang=` (which the page then remembers in a cookie),
the `rmis_lang` cookie, the browser's Accept-Language, English. Templates translate with
`_("...")` and `ngettext(...)`; both escape what they are given and fill `%(name)s` after
translating. With `?unreviewed=1` every string whose translation no native speaker has
reviewed is marked on the page.
"""

from __future__ import annotations

from datetime import date, datetime
from typing import Any
from urllib.parse import urlencode

from fastapi import Request
from fastapi.responses import HTMLResponse
from jinja2 import Environment, PackageLoader, StrictUndefined
from markupsafe import Markup, escape

from rmis.locales import LANGUAGES, Catalogue, catalogue, language_of, negotiate

LANGUAGE_COOKIE = "rmis_lang"
_UNREVIEWED = Markup('<mark class="unreviewed" title="unreviewed translation">%s</mark>')
_environment = Environment(
    loader=PackageLoader("rmis.web.ui", "templates"),
    autoescape=True,
    undefined=StrictUndefined,  # a misspelt variable is an error in tests, not a blank
    trim_blocks=True,
    lstrip_blocks=True,
)


def request_language(request: Request) -> str:
    return (
        language_of(request.query_params.get("lang"))
        or language_of(request.cookies.get(LANGUAGE_COOKIE))
        or negotiate(request.headers.get("accept-language"))
    )


class Translator:
    """`_` and `ngettext` of one request's language, as templates and page code call them."""

    def __init__(self, language: str, show_unreviewed: bool = False) -> None:
        self.language = language
        self.catalogue: Catalogue = catalogue(language)
        self.show_unreviewed = show_unreviewed

    def _mark(self, message: str, text: str) -> Markup:
        html = escape(text)
        if self.show_unreviewed and message in self.catalogue.unreviewed:
            return _UNREVIEWED % html
        return html

    def gettext(self, message: str, **values: Any) -> Markup:
        text = self._mark(message, self.catalogue.gettext(message))
        return text % {k: escape(v) for k, v in values.items()} if values else text

    def ngettext(self, singular: str, plural: str, n: int, **values: Any) -> Markup:
        text = self._mark(singular, self.catalogue.ngettext(singular, plural, n))
        return text % {"num": n, **{k: escape(v) for k, v in values.items()}}

    def text(self, message: str, **values: Any) -> str:
        """Plain text (a header, a JSON message), unmarked."""
        translated = self.catalogue.gettext(message)
        return translated % values if values else translated


def translator(request: Request) -> Translator:
    return Translator(request_language(request), request.query_params.get("unreviewed") == "1")


def iso(value: date | datetime | None) -> str:
    """Dates in the UI are ISO: YYYY-MM-DD, and times YYYY-MM-DD HH:MM in the zone given."""
    if value is None:
        return "—"
    if isinstance(value, datetime):
        return value.strftime("%Y-%m-%d %H:%M")
    return value.isoformat()


_environment.filters["iso"] = iso


def with_language(request: Request, language: str) -> str:
    """This page's query with `lang` set: the language picker keeps what the page shows (the
    dashboard's filters, a login's next page)."""
    kept = [(k, v) for k, v in request.query_params.multi_items() if k != "lang"]
    return "?" + urlencode([*kept, ("lang", language)])


_environment.globals["with_language"] = with_language


def render(request: Request, template: str, status_code: int = 200, **context: Any) -> HTMLResponse:
    """A page in the request's language. `?lang=` is remembered for the next pages."""
    t = translator(request)
    body = _environment.get_template(template).render(
        request=request,
        lang=t.language,
        languages=LANGUAGES,
        _=t.gettext,
        ngettext=t.ngettext,
        **context,
    )
    response = HTMLResponse(body, status_code=status_code)
    chosen = language_of(request.query_params.get("lang"))
    if chosen and chosen != request.cookies.get(LANGUAGE_COOKIE):
        response.set_cookie(
            LANGUAGE_COOKIE, chosen, max_age=365 * 86400, samesite="lax", httponly=True
        )
    return response
