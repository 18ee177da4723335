"""The analyst's dashboard at /analytics: every panel under one set of filters, read from the
warehouse's summaries (analytics.panels), with a map, charts drawn in the browser by the
installed plotly.js, a table under every chart and a download (CSV, Excel, SDMX-CSV) under
every panel (docs/dashboard.md)."""

from __future__ import annotations

from rmis.web.ui.analytics.routes import router

__all__ = ["router"]
