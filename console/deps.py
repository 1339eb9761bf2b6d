"""Dependencies the routers share: settings, database engine, the logged-in staff member, the
CSRF check, and page rendering.

`create_app` puts the settings, the engine and the templates on `app.state`; the functions here
hand them to routes. Every router except the login pages depends on `csrf_protected`, so each
of its routes needs a staff session (`LoginRequired` otherwise, which the app answers with a
redirect to /login, or 401 under /api/) and every POST the session's CSRF token (403).
"""

from __future__ import annotations

from pathlib import Path
from typing import Annotated, Callable, Optional

from fastapi import Depends, HTTPException, Request
from fastapi.responses import HTMLResponse, Response
from fastapi.templating import Jinja2Templates
from sqlalchemy.engine import Engine

from console import auth, queries
from settings import ConsoleSettings

TEMPLATES = Path(__file__).resolve().parent / "templates"
SAFE_METHODS = {"GET", "HEAD", "OPTIONS"}
MESSAGES = {
    "reviewed": "確認済みにしました",
    "unreviewed": "未確認に戻しました",
    "note": "メモを保存しました",
    "tag": "タグを追加しました",
    "untag": "タグを外しました",
    "corrected": "意図の修正を保存しました",
    "uncorrected": "修正を取り消しました",
    "bad-intent": "その意図は domain.yml にありません",
    "bad-message": "この発言は修正できません",
}


class LoginRequired(Exception):
    """Raised by `current_user` without a valid staff session."""


def get_settings(request: Request) -> ConsoleSettings:
    return request.app.state.settings


def get_engine(request: Request) -> Engine:
    return request.app.state.engine


SettingsDep = Annotated[ConsoleSettings, Depends(get_settings)]
EngineDep = Annotated[Engine, Depends(get_engine)]


def current_user(request: Request, settings: SettingsDep, engine: EngineDep) -> auth.User:
    user = auth.session_user(engine, settings, request.cookies.get(auth.SESSION_COOKIE))
    if user is None:
        raise LoginRequired()
    request.state.user = user
    return user


CurrentUser = Annotated[auth.User, Depends(current_user)]


async def csrf_protected(request: Request, user: CurrentUser, settings: SettingsDep) -> auth.User:
    """The staff member, once any unsafe request has shown the session's CSRF token."""
    if request.method not in SAFE_METHODS:
        form = await request.form()
        field = form.get("csrf_token")
        token = field if isinstance(field, str) and field else request.headers.get("x-csrf-token")
        if not auth.csrf_valid(settings, request.cookies.get(auth.SESSION_COOKIE), token):
            raise HTTPException(403, "CSRF token missing or invalid")
    return user


def safe_next(target: Optional[str]) -> str:
    """`target` if it is a path on this site (for redirects after login or a form), else /."""
    if target and target.startswith("/") and not target.startswith("//") and "\\" not in target:
        return target
    return "/"


def set_cookie(response: Response, settings: ConsoleSettings, name: str, value: str) -> None:
    response.set_cookie(name, value, httponly=True, samesite="lax", secure=settings.secure_cookies, path="/")


def make_templates(settings: ConsoleSettings) -> Jinja2Templates:
    """The page templates, with the filters they use (local times in the console's zone, labels)."""
    templates = Jinja2Templates(directory=str(TEMPLATES))
    env, tz = templates.env, settings.tz
    env.filters["ts"] = lambda value, fmt="%Y-%m-%d %H:%M": queries.format_ts(value, tz, fmt)
    env.filters["pct"] = lambda value: "—" if value is None else f"{value * 100:.0f}%"
    env.filters["intent_label"] = queries.intent_label
    env.filters["channel_label"] = lambda c: queries.CHANNEL_LABELS.get(c, c)
    env.globals["rating_labels"] = queries.RATING_LABELS
    return templates


Render = Callable[..., HTMLResponse]


def get_render(request: Request, settings: SettingsDep, engine: EngineDep) -> Render:
    """`render(name, status_code=200, **context)`: a page with what every page shows (the staff
    member, the CSRF token, the message after a form, the count needing attention)."""

    def render(name: str, status_code: int = 200, **context) -> HTMLResponse:
        user = getattr(request.state, "user", None)
        base = request.cookies.get(auth.SESSION_COOKIE) if user else request.state.csrf_base
        context.update(
            user=user,
            csrf=auth.csrf_token(settings, base) if base else "",
            message=MESSAGES.get(request.query_params.get("msg", "")),
            low_confidence=settings.low_confidence,
        )
        if user:
            with engine.connect() as conn:
                context["attention"] = queries.attention_count(conn, settings.low_confidence, settings.tz)
        templates: Jinja2Templates = request.app.state.templates
        return templates.TemplateResponse(request, name, context, status_code=status_code)

    return render


RenderDep = Annotated[Render, Depends(get_render)]
