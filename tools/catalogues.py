"""Keep the pages' gettext catalogues in step with the code: `python tools/catalogues.py DOMAIN`.

A domain is a family of pages: its templates are src/rmis/web/ui/templates/<domain>/ and its
code src/rmis/web/ui/<domain>/ (or <domain>.py); the domain `common` is everything directly in
those two folders (base.html, the shared code). The tool extracts the domain's messages (`_`,
`gettext`, `ngettext`, `N_`, `t.text`) and updates
src/rmis/locales/<language>/LC_MESSAGES/<domain>.po for every language: new messages arrive
untranslated, vanished ones are dropped, translations and their flags (`unreviewed`) are kept.
`--check` only reports what is missing, and fails.
"""

from __future__ import annotations

import argparse
import sys
from pathlib import Path

from babel.messages.catalog import Catalog
from babel.messages.extract import extract_from_file
from babel.messages.pofile import read_po, write_po

ROOT = Path(__file__).resolve().parents[1]
UI = ROOT / "src/rmis/web/ui"
LOCALES = ROOT / "src/rmis/locales"
# `text` is the pages' Translator.text (plain text for a notice or a header).
KEYWORDS = {"_": None, "gettext": None, "ngettext": (1, 2), "N_": None, "text": None}
METHODS = {".html": "jinja2", ".py": "python"}


def sources(domain: str) -> list[Path]:
    if domain == "common":
        return sorted(p for p in [*UI.glob("*.py"), *(UI / "templates").glob("*.html")])
    found = [*(UI / "templates" / domain).rglob("*.html"), *(UI / domain).rglob("*.py")]
    if (UI / f"{domain}.py").exists():
        found.append(UI / f"{domain}.py")
    return sorted(found)


def extract(domain: str) -> Catalog:
    template = Catalog(domain=domain)
    for path in sources(domain):
        method = METHODS[path.suffix]
        for line, message, comments, _context in extract_from_file(
            method, path, keywords=KEYWORDS, options={"trimmed": "true"}
        ):
            template.add(message, locations=[(str(path.relative_to(ROOT)), line)],
                         auto_comments=comments)  # fmt: skip
    return template


def po_path(language: str, domain: str) -> Path:
    return LOCALES / language / "LC_MESSAGES" / f"{domain}.po"


def update(domain: str, languages: list[str]) -> None:
    template = extract(domain)
    for language in languages:
        path = po_path(language, domain)
        if path.exists():
            with path.open("rb") as file:
                catalogue = read_po(file, locale=language, domain=domain)
        else:
            catalogue = Catalog(locale=language, domain=domain, project="rmis")
        catalogue.update(template, no_fuzzy_matching=True)
        catalogue.obsolete.clear()
        path.parent.mkdir(parents=True, exist_ok=True)
        with path.open("wb") as file:
            write_po(file, catalogue, width=100, omit_header=False, sort_output=False,
                     include_previous=False)  # fmt: skip
        print(f"{path.relative_to(ROOT)}: {len(catalogue)} messages")


def missing(domain: str, languages: list[str]) -> list[str]:
    """Messages of the domain's code that a language's catalogue does not translate."""
    template = extract(domain)
    problems = []
    for language in languages:
        path = po_path(language, domain)
        translated: dict = {}
        if path.exists():
            with path.open("rb") as file:
                translated = {m.id: m.string for m in read_po(file, locale=language) if m.id}
        for message in template:
            if message.id and not _has_translation(translated.get(message.id)):
                problems.append(f"{language}/{domain}: {message.id!r}")
    return problems


def _has_translation(string) -> bool:
    if isinstance(string, (tuple, list)):
        return all(string)
    return bool(string)


def main() -> int:
    sys.path.insert(0, str(ROOT / "src"))
    from rmis.locales import LANGUAGES

    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("domain")
    parser.add_argument("--check", action="store_true", help="report untranslated messages")
    args = parser.parse_args()
    # English is the source language: its catalogue stays empty and the messages show as written.
    languages = [language for language in LANGUAGES if language != "en"]
    if args.check:
        problems = missing(args.domain, languages)
        print("\n".join(problems) or "every message translated")
        return 1 if problems else 0
    update(args.domain, languages)
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
