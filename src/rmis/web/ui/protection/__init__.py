"""The protection officer's pages (queue, a person's record, follow-ups due) and the desk's
prompt for protection needs (POST /desk/protection/indicators, the partial
templates/protection/_prompt.html that the desk's result card includes)."""

from __future__ import annotations

from fastapi import APIRouter

from rmis.web.ui.protection import pages, prompt

router = APIRouter(include_in_schema=False)
router.include_router(pages.router)
router.include_router(prompt.router)

__all__ = ["router"]
