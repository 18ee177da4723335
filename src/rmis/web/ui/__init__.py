"""The pages: server-rendered HTML (Jinja2) on the same services as the API.

`install_pages` mounts the static assets (installed with the package, nothing from the
internet) and each family of pages. Templates translate through `templating.render`.
"""

from __future__ import annotations

from pathlib import Path

from fastapi import FastAPI
from fastapi.staticfiles import StaticFiles

STATIC = Path(__file__).resolve().parent.parent / "static"


def install_pages(app: FastAPI) -> None:
    # Imported here: the desk's routes import the page machinery, which imports this package.
    from rmis.web.ui.desk import install_desk

    app.mount("/static", StaticFiles(directory=STATIC), name="static")
    install_desk(app)
    from rmis.web.ui import stay  # the migrant's public page (issue 15)

    app.include_router(stay.router)
    from rmis.web.ui import protection  # protection officer's pages, the desk's prompt

    app.include_router(protection.router)
    from rmis.settings import Settings
    from rmis.web.ui import analytics  # the analyst's dashboard (issue 18)
    from rmis.web.ui.analytics.workspace import WorkspaceHolder

    settings = Settings.from_env()
    # The warehouse beside the record; tests and embedders may replace both after create_app.
    app.state.analytics = WorkspaceHolder(settings.data_dir / "warehouse")
    app.state.analytics_k = settings.dashboard_suppress_below
    app.include_router(analytics.router)
