"""At the edge: security headers on every response, no-store on everything but static files,
and the API's docs served from the installed swagger-ui-bundle package, never from a CDN."""

from __future__ import annotations

from fastapi import FastAPI
from fastapi.openapi.docs import get_swagger_ui_html
from fastapi.responses import HTMLResponse
from fastapi.staticfiles import StaticFiles
from starlette.types import ASGIApp, Message, Receive, Scope, Send

DOCS_PATH = "/api/v1/docs"
DOCS_ASSETS = "/api/v1/docs/assets"
# Paths whose answers hold no personal data and may be cached: files shipped in the package.
CACHEABLE_PREFIXES = ("/static/", DOCS_ASSETS + "/")

_COMMON = [
    (b"x-content-type-options", b"nosniff"),
    (b"x-frame-options", b"DENY"),
    (b"referrer-policy", b"no-referrer"),
    (b"cross-origin-opener-policy", b"same-origin"),
    (b"cross-origin-resource-policy", b"same-origin"),
    (b"permissions-policy", b"camera=(), microphone=(), geolocation=(), payment=()"),
]
# JSON answers run no script and load nothing.
_API_CSP = b"default-src 'none'; frame-ancestors 'none'; base-uri 'none'"
# Swagger UI: its own files, and the one inline script FastAPI writes to start it.
_DOCS_CSP = (
    b"default-src 'self'; script-src 'self' 'unsafe-inline'; style-src 'self' 'unsafe-inline'; "
    b"img-src 'self' data:; frame-ancestors 'none'; base-uri 'none'"
)
# Pages: nothing from elsewhere, no framing, forms only to this server.
_PAGE_CSP = (
    b"default-src 'self'; img-src 'self' data:; frame-ancestors 'none'; base-uri 'none'; "
    b"form-action 'self'; object-src 'none'"
)
# The analyst's dashboard: plotly.js sets a few style rules of its own when it loads (a <style>
# element); scripts stay this server's files only.
_DASHBOARD_CSP = _PAGE_CSP + b"; style-src 'self' 'unsafe-inline'"
_HSTS = (b"strict-transport-security", b"max-age=31536000; includeSubDomains")


def _csp(path: str) -> bytes:
    if path == DOCS_PATH or path.startswith(DOCS_ASSETS):
        return _DOCS_CSP
    if path.startswith("/api/"):
        return _API_CSP
    if path == "/analytics":
        return _DASHBOARD_CSP
    return _PAGE_CSP


class SecurityHeaders:
    """Pure ASGI (no BaseHTTPMiddleware): a few header tuples added, nothing buffered."""

    def __init__(self, app: ASGIApp) -> None:
        self.app = app

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http":
            await self.app(scope, receive, send)
            return
        path = scope["path"]
        extra = [*_COMMON, (b"content-security-policy", _csp(path))]
        if scope.get("scheme") == "https":
            extra.append(_HSTS)
        cacheable = path.startswith(CACHEABLE_PREFIXES)

        async def send_with_headers(message: Message) -> None:
            if message["type"] == "http.response.start":
                headers = [
                    (k, v) for k, v in message.get("headers", [])
                    if k.lower() != b"server"
                ]  # fmt: skip
                present = {k.lower() for k, _ in headers}
                headers += [(k, v) for k, v in extra if k not in present]
                if not cacheable:
                    headers = [(k, v) for k, v in headers if k.lower() != b"cache-control"]
                    headers.append((b"cache-control", b"no-store"))
                message["headers"] = headers
            await send(message)

        await self.app(scope, receive, send_with_headers)


def install_edge(app: FastAPI) -> None:
    """Security headers, and the docs from the package (create_app passes docs_url=None)."""
    from swagger_ui_bundle import swagger_ui_path

    app.add_middleware(SecurityHeaders)
    app.mount(DOCS_ASSETS, StaticFiles(directory=swagger_ui_path), name="swagger-ui")

    @app.get(DOCS_PATH, include_in_schema=False)
    def docs() -> HTMLResponse:
        return get_swagger_ui_html(
            openapi_url=app.openapi_url or "/api/v1/openapi.json",
            title=f"{app.title} API",
            swagger_js_url=f"{DOCS_ASSETS}/swagger-ui-bundle.js",
            swagger_css_url=f"{DOCS_ASSETS}/swagger-ui.css",
            swagger_favicon_url=f"{DOCS_ASSETS}/favicon-32x32.png",
        )
