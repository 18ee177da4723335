"""The migrant's public page at /stay (issue 15): Plan, Check my record, What I may do."""

from rmis.web.ui.stay.routes import router

__all__ = ["router"]
