"""Reading the migrant's page's answers back: the answer's <dl> carries its figures as data-*."""

from __future__ import annotations

import re
from datetime import UTC, datetime

from fastapi.testclient import TestClient

from rmis.web.app import create_app

FACTS = re.compile(r'<dl class="facts big" ([^>]*)>')
ATTR = re.compile(r'data-([a-z-]+)="([^"]*)"')


def answer_of(html: str) -> dict[str, str | None] | None:
    """The figures of the page's answer, None where the page says none (or no answer)."""
    m = FACTS.search(html)
    if m is None:
        return None
    return {k: (None if v == "None" else v) for k, v in ATTR.findall(m.group(1))}


def stay_client(engine, now, node_state: str | None = "KAZ", floor: float = 0.0,
                address: str = "203.0.113.7") -> TestClient:  # fmt: skip
    app = create_app(engine, clock=now if callable(now) else lambda: now)
    app.state.stay_node_state = node_state
    app.state.stay_check_floor = floor
    return TestClient(app, client=(address, 50000))


def plan_form(nationality: str, host: str, trips, on=None, registered_on=None) -> dict[str, str]:
    form = {"nationality": nationality, "host_state": host}
    for i, (entry, exit_) in enumerate(trips, 1):
        form[f"entry_{i}"] = entry.isoformat()
        form[f"exit_{i}"] = exit_.isoformat() if exit_ else ""
    if on is not None:
        form["on"] = on.isoformat()
    if registered_on is not None:
        form["registered_on"] = registered_on.isoformat()
    return form


NOW = datetime(2026, 3, 1, 9, 0, tzinfo=UTC)
