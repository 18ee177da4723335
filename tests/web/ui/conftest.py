"""Fixtures of the analyst's dashboard's tests: a record and its warehouse with summaries,
and the app serving them (one per test session: building the region takes a while)."""

from __future__ import annotations

import io
from datetime import date

import pytest
from analytics_helpers import NOW, PASSWORD, K

from rmis.analytics import summarise
from rmis.registry import import_crossings
from rmis.security.accounts import create_principal
from rmis.security.principals import Role
from rmis.store.database import open_database
from rmis.synth.region import SynthConfig, generate, write
from rmis.warehouse import sync_warehouse
from rmis.web.app import create_app
from rmis.web.ui.analytics.workspace import WorkspaceHolder


@pytest.fixture(scope="session")
def dashboard_region(tmp_path_factory):
    """A record and its warehouse with summaries: 3,000 travellers over a year."""
    base = tmp_path_factory.mktemp("dashboard")
    made = generate(SynthConfig(travellers=3000, years=1, seed=3, end=date(2026, 6, 30)))
    files = write(made, base / "synth")
    engine = open_database(f"sqlite:///{base / 'rmis.sqlite3'}")
    import_crossings(engine, files["crossings"], io.StringIO(), now=NOW)
    sync_warehouse(engine, base / "warehouse", NOW, summarise=summarise)
    for name, role in (("analyst", Role.ANALYST), ("officer", Role.BORDER_OFFICER)):
        create_principal(engine, name=name, role=role, state="KAZ", password=PASSWORD, now=NOW,
                         bcp_codes=["KAZ-ALA"] if role is Role.BORDER_OFFICER else [])  # fmt: skip
    yield engine, base / "warehouse"
    engine.dispose()


@pytest.fixture(scope="session")
def dashboard_app(dashboard_region):
    engine, root = dashboard_region
    app = create_app(engine, clock=lambda: NOW)
    app.state.analytics = WorkspaceHolder(root)
    app.state.analytics_k = K
    return app
