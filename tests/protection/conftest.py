"""Browser fixtures for protection's pages: the page tests' own (tests/web/ui/conftest.py),
loaded from there so both families drive the same server and Chromium the same way."""

from __future__ import annotations

import importlib.util
from pathlib import Path

_spec = importlib.util.spec_from_file_location(
    "rmis_ui_fixtures", Path(__file__).resolve().parents[1] / "web" / "ui" / "conftest.py"
)
_ui = importlib.util.module_from_spec(_spec)
_spec.loader.exec_module(_ui)

chromium = _ui.chromium
live_server = _ui.live_server
shoot = _ui.shoot
contrast_failures = _ui.contrast_failures
