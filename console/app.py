"""The staff console web app (FastAPI, server-rendered Jinja2 pages, inline SVG charts).

Everything except /login and /static needs a logged-in staff member: pages redirect to /login,
/api/* answers 401. Every POST needs the CSRF token of the session (403 without it).
The routes are in console/routes/ (one router per resource), what they share in console/deps.py.
"""

from __future__ import annotations

from pathlib import Path
from typing import Optional
from urllib.parse import urlencode

from fastapi import FastAPI, HTTPException, Request
from fastapi.responses import JSONResponse, PlainTextResponse, RedirectResponse
from fastapi.staticfiles import StaticFiles

from console import db
from console.deps import SAFE_METHODS, LoginRequired, make_templates
from console.middleware import SecurityHeaders
from console.routes import api, auth, conversations, corrections, dashboard
from settings import ConsoleSettings

STATIC = Path(__file__).resolve().parent / "static"


async def login_required(request: Request, exc: LoginRequired):
    """No staff session: 401 under /api/, else a redirect to /login (back here after a GET)."""
    if request.url.path.startswith("/api/"):
        return JSONResponse({"detail": "login required"}, status_code=401)
    target = request.url.path
    if request.url.query:
        target += "?" + request.url.query
    if request.method not in SAFE_METHODS:
        target = "/"
    return RedirectResponse("/login?" + urlencode({"next": target}), status_code=303)


async def http_error(request: Request, exc: HTTPException):
    """JSON under /api/; pages get a short Japanese text for 403 (CSRF) and 404."""
    if request.url.path.startswith("/api/") or exc.status_code not in (403, 404):
        return JSONResponse({"detail": exc.detail}, status_code=exc.status_code)
    text = (
        "この操作は受け付けられませんでした（フォームの有効期限切れの可能性があります。ページを再読み込みしてください）"
        if exc.status_code == 403
        else "見つかりませんでした"
    )
    return PlainTextResponse(text, status_code=exc.status_code)


def create_app(settings: Optional[ConsoleSettings] = None) -> FastAPI:
    settings = settings or ConsoleSettings.from_env()
    engine = db.make_engine(settings.database_url)
    db.init_db(engine)

    app = FastAPI(title="Staff console", docs_url=None, redoc_url=None, openapi_url=None)
    app.state.settings, app.state.engine = settings, engine
    app.state.templates = make_templates(settings)
    # Starlette's stub types a handler's exception as Exception; ours take the class they handle.
    app.add_exception_handler(LoginRequired, login_required)  # type: ignore[arg-type]
    app.add_exception_handler(HTTPException, http_error)  # type: ignore[arg-type]
    app.include_router(auth.public)
    app.include_router(auth.router)
    app.include_router(dashboard.router)
    app.include_router(conversations.router)
    app.include_router(corrections.router)
    app.include_router(api.router)
    app.mount("/static", StaticFiles(directory=str(STATIC)), name="static")
    app.add_middleware(SecurityHeaders, secure=settings.secure_cookies)
    return app
