"""Shared fixtures: `engine` runs a test on SQLite and, given RMIS_TEST_POSTGRES_URL, PostgreSQL."""

from __future__ import annotations

import os
import shutil
import socket
import threading
import time
import uuid
from pathlib import Path

import pytest
from sqlalchemy import create_engine, text

from rmis.store.database import open_database

POSTGRES_URL = os.environ.get("RMIS_TEST_POSTGRES_URL")


def _fresh_postgres_schema(base_url: str):
    # Each test gets its own schema, dropped afterwards, so tests never see each other's rows.
    schema = f"rmis_test_{uuid.uuid4().hex[:12]}"
    admin = create_engine(base_url)
    with admin.begin() as connection:
        connection.execute(text(f'CREATE SCHEMA "{schema}"'))
    sep = "&" if "?" in base_url else "?"
    url = f"{base_url}{sep}options=-csearch_path%3D{schema}"
    return url, admin, schema


@pytest.fixture(params=["sqlite", "postgresql"])
def engine(request, tmp_path):
    if request.param == "sqlite":
        engine = open_database(f"sqlite:///{tmp_path / 'rmis.sqlite3'}")
        yield engine
        engine.dispose()
        return
    if not POSTGRES_URL:
        pytest.skip("RMIS_TEST_POSTGRES_URL is not set")
    url, admin, schema = _fresh_postgres_schema(POSTGRES_URL)
    engine = open_database(url)
    yield engine
    engine.dispose()
    with admin.begin() as connection:
        connection.execute(text(f'DROP SCHEMA "{schema}" CASCADE'))
    admin.dispose()


# Pages in a real browser, for every family of pages (desk, stay, protection, the report):
# the app served by uvicorn on a free port, ONE headless Debian Chromium for the whole session
# (Playwright's sync API allows one at a time), screenshots kept under /tmp/shots.
CHROMIUM = shutil.which("chromium") or "/usr/bin/chromium"
SHOTS = Path("/tmp/shots")


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


class LiveServer:
    """An ASGI app served on 127.0.0.1 in a background thread, stopped at exit."""

    def __init__(self, app) -> None:
        import uvicorn

        self.port = free_port()
        self.url = f"http://127.0.0.1:{self.port}"
        config = uvicorn.Config(app, host="127.0.0.1", port=self.port, log_level="warning")
        self.server = uvicorn.Server(config)
        self.thread = threading.Thread(target=self.server.run, daemon=True)

    def __enter__(self) -> LiveServer:
        self.thread.start()
        deadline = time.monotonic() + 20
        while not self.server.started:
            if time.monotonic() > deadline:
                raise RuntimeError("the test server did not start")
            time.sleep(0.02)
        return self

    def __exit__(self, *exc) -> None:
        self.server.should_exit = True
        self.thread.join(timeout=10)


@pytest.fixture(scope="session")
def chromium():
    """One headless Chromium for the session; tests open their own contexts."""
    sync_api = pytest.importorskip("playwright.sync_api")
    if not Path(CHROMIUM).exists():
        pytest.skip("Chromium is not installed (apt-get install chromium)")
    with sync_api.sync_playwright() as playwright:
        browser = playwright.chromium.launch(
            executable_path=CHROMIUM, args=["--headless", "--no-sandbox"]
        )
        yield browser
        browser.close()


def screenshot(tab, family: str, name: str) -> Path:
    path = SHOTS / family / f"{name}.png"
    path.parent.mkdir(parents=True, exist_ok=True)
    tab.screenshot(path=str(path), full_page=True)
    return path


@pytest.fixture(scope="session")
def live_server():
    """The LiveServer class: `with live_server(app) as server: ... server.url`."""
    return LiveServer


@pytest.fixture(scope="session")
def shoot():
    """screenshot(tab, family, name): a full-page PNG under /tmp/shots/<family>/."""
    return screenshot


# WCAG 2.2 contrast (1.4.3, AA): every visible text against the background it is drawn on
# (semi-transparent backgrounds composed up the tree), 4.5:1, or 3:1 for large text; inactive
# controls are exempt, as the criterion says.
_CONTRAST_JS = """() => {
  const parse = c => { const m = c.match(/rgba?\\(([^)]+)\\)/); if (!m) return null;
    const p = m[1].split(',').map(s => parseFloat(s));
    return {r: p[0], g: p[1], b: p[2], a: p.length > 3 ? p[3] : 1}; };
  const lum = c => { const f = v => { v /= 255;
    return v <= 0.03928 ? v / 12.92 : Math.pow((v + 0.055) / 1.055, 2.4); };
    return 0.2126 * f(c.r) + 0.7152 * f(c.g) + 0.0722 * f(c.b); };
  const background = el => { const layers = [];
    for (; el; el = el.parentElement) { const c = parse(getComputedStyle(el).backgroundColor);
      if (c && c.a > 0) { layers.push(c); if (c.a >= 1) break; } }
    let base = {r: 255, g: 255, b: 255};
    for (let i = layers.length - 1; i >= 0; i--) { const c = layers[i];
      base = {r: c.r * c.a + base.r * (1 - c.a), g: c.g * c.a + base.g * (1 - c.a),
              b: c.b * c.a + base.b * (1 - c.a)}; }
    return base; };
  const failures = [];
  for (const el of document.querySelectorAll('body *')) {
    if (!Array.from(el.childNodes).some(n => n.nodeType === 3 && n.textContent.trim())) continue;
    const box = el.getBoundingClientRect();
    // Off the page on purpose (the skip link until focused); scrolled away still counts.
    if (box.width === 0 || box.right + scrollX < 0 || box.bottom + scrollY < 0) continue;
    if (el.matches(':disabled') || el.closest('label')?.querySelector(':disabled')) continue;
    const style = getComputedStyle(el);
    if (style.visibility === 'hidden') continue;
    const fg = parse(style.color), bg = background(el);
    const [a, b] = [lum(fg), lum(bg)];
    const ratio = (Math.max(a, b) + 0.05) / (Math.min(a, b) + 0.05);
    const size = parseFloat(style.fontSize), bold = parseInt(style.fontWeight) >= 700;
    const need = (size >= 24 || (bold && size >= 18.66)) ? 3 : 4.5;
    if (ratio < need) failures.push({text: el.textContent.trim().slice(0, 40),
                                     ratio: Math.round(ratio * 100) / 100, need});
  }
  return failures;
}"""


@pytest.fixture(scope="session")
def contrast_failures():
    """contrast_failures(tab): the texts on the page below WCAG AA contrast."""
    return lambda tab: tab.evaluate(_CONTRAST_JS)
