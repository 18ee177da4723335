"""What the dashboard's page and browser tests share besides fixtures (conftest.py)."""

from __future__ import annotations

from datetime import UTC, datetime

from fastapi.testclient import TestClient

NOW = datetime(2026, 7, 1, tzinfo=UTC)
PASSWORD = "numbers tell the story"
K = 5


def logged_in(app, name="analyst") -> TestClient:
    client = TestClient(app)
    answer = client.post("/login", data={"name": name, "password": PASSWORD, "next": "/analytics"},
                         follow_redirects=False)  # fmt: skip
    assert answer.status_code == 303
    return client
