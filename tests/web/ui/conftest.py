"""Pages in a real browser: the app served by uvicorn on a free port, Debian's Chromium driven by
Playwright (no browser download), screenshots kept under /tmp/shots for a person to look at."""

from __future__ import annotations

import shutil
import socket
import threading
import time
from pathlib import Path

import pytest

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
