"""The border desk: the pages an officer works in at a BCP (login, shift, check, record, hits).

`router` holds the pages; `install_desk(app)` adds them with the answers for a missing session
(the login, then back), a missing shift (choose the BCP and lane) and an expired form.
"""

from __future__ import annotations

from urllib.parse import quote

from fastapi import FastAPI, Request
from fastapi.responses import RedirectResponse

from rmis.web.ui.desk import check, hits, login
from rmis.web.ui.desk.session import FormExpired, LoginRequired, ShiftRequired
from rmis.web.ui.templating import render


def install_desk(app: FastAPI) -> None:
    app.include_router(login.router)
    app.include_router(check.router)
    app.include_router(hits.router)

    @app.exception_handler(LoginRequired)
    def _login_first(request: Request, _: LoginRequired):
        target = request.url.path if request.method == "GET" else "/desk"
        return RedirectResponse(f"/?next={quote(target)}", status_code=303)

    @app.exception_handler(ShiftRequired)
    def _shift_first(request: Request, _: ShiftRequired):
        return RedirectResponse("/shift", status_code=303)

    @app.exception_handler(FormExpired)
    def _form_expired(request: Request, _: FormExpired):
        return render(request, "desk/expired.html", status_code=403)


__all__ = ["install_desk"]
