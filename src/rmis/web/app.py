"""The FastAPI application: built from an engine and a clock, no globals."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from datetime import datetime

from fastapi import FastAPI
from sqlalchemy import Engine

from rmis import __version__
from rmis.reference.stay_rules import StayRulesTable, load_stay_rules
from rmis.registry import ReferenceFacts, load_reference_facts
from rmis.screening import Screener
from rmis.security import LoginGate
from rmis.settings import utc_now
from rmis.web.api import checks, corrections, persons, protection, reads, rights, screening
from rmis.web.api.edge import install_edge
from rmis.web.api.links import install_links
from rmis.web.api.problems import install_problem_handlers
from rmis.web.api.routes import router
from rmis.web.ui import install_pages


@dataclass(frozen=True, slots=True)
class Services:
    engine: Engine
    clock: Callable[[], datetime]
    reference: ReferenceFacts
    stay_rules: StayRulesTable
    screener: Screener  # the alert lists in force, indexed once and kept current
    # How many login attempts a second this process works on (None: no limit but throttling).
    login_gate: LoginGate | None = None


def create_app(
    engine: Engine,
    clock: Callable[[], datetime] = utc_now,
    stay_rules: StayRulesTable | None = None,
    screening_threshold: float | None = None,
    login_gate: LoginGate | None = None,
) -> FastAPI:
    app = FastAPI(
        title="rmis",
        version=__version__,
        description="Regional Migration Information System for Central Asia",
        openapi_url="/api/v1/openapi.json",
        docs_url=None,  # served by install_edge from the installed package, not a CDN
        redoc_url=None,
    )
    with engine.connect() as connection:
        reference = load_reference_facts(connection)
    app.state.services = Services(
        engine, clock, reference, stay_rules or load_stay_rules(),
        Screener(engine, threshold=screening_threshold), login_gate,
    )  # fmt: skip
    install_problem_handlers(app)
    install_edge(app)  # security headers, no-store, the docs
    app.include_router(router)
    app.include_router(reads.router)
    app.include_router(corrections.router)
    app.include_router(persons.router)
    app.include_router(checks.router)
    app.include_router(screening.router)
    app.include_router(rights.router)
    protection.install(app)  # its routes, and non_refoulement (409) for every route
    install_pages(app)
    install_links(app)  # OpenAPI: which answer's ids feed which operation; errors as problems
    return app
