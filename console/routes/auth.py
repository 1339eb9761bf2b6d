"""Logging in and out: the login form (public) and logout (staff only)."""

from __future__ import annotations

import logging
import secrets

from fastapi import APIRouter, Depends, Form, HTTPException, Request
from fastapi.responses import HTMLResponse, RedirectResponse

from console import auth
from console.deps import (
    EngineDep,
    RenderDep,
    SettingsDep,
    csrf_protected,
    safe_next,
    set_cookie,
)

logger = logging.getLogger("console.app")  # the name these log lines have always had

public = APIRouter()
router = APIRouter(dependencies=[Depends(csrf_protected)])


@public.get("/login", response_class=HTMLResponse)
def login_page(request: Request, settings: SettingsDep, engine: EngineDep, render: RenderDep, next: str = "/"):
    if auth.session_user(engine, settings, request.cookies.get(auth.SESSION_COOKIE)):
        return RedirectResponse(safe_next(next), status_code=303)
    base = request.cookies.get(auth.CSRF_COOKIE) or secrets.token_urlsafe(32)
    request.state.csrf_base = base
    response = render("login.html", next=safe_next(next), error=None)
    set_cookie(response, settings, auth.CSRF_COOKIE, base)
    return response


@public.post("/login", response_class=HTMLResponse)
def login(
    request: Request,
    settings: SettingsDep,
    engine: EngineDep,
    render: RenderDep,
    username: str = Form(""),
    password: str = Form(""),
    csrf_token: str = Form(""),
    next: str = Form("/"),
):
    base = request.cookies.get(auth.CSRF_COOKIE)
    if not auth.csrf_valid(settings, base, csrf_token):
        raise HTTPException(403, "CSRF token missing or invalid")
    request.state.csrf_base = base
    ip = request.client.host if request.client else "-"
    wait = auth.locked_for(engine, username, ip)
    if wait > 0:
        response = render(
            "login.html",
            429,
            next=safe_next(next),
            username=username,
            error=f"ログインの失敗が続いたため、{int(wait) + 1}秒間お待ちください。",
        )
        response.headers["Retry-After"] = str(int(wait) + 1)
        return response
    user = auth.authenticate(engine, username, password)
    if user is None:
        delay = auth.record_failure(engine, settings, username, ip)
        error = "ユーザー名またはパスワードが違います。"
        if delay > 0:
            error += f" 次の試行は{int(delay) + 1}秒後から可能です。"
        logger.warning("failed console login for %r from %s", username[:64], ip)
        return render("login.html", 401, next=safe_next(next), username=username, error=error)
    auth.clear_failures(engine, username, ip)
    redirect = RedirectResponse(safe_next(next), status_code=303)
    set_cookie(redirect, settings, auth.SESSION_COOKIE, auth.new_session(engine, settings, user))
    redirect.delete_cookie(auth.CSRF_COOKIE, path="/")
    return redirect


@router.post("/logout")
def logout(request: Request, settings: SettingsDep, engine: EngineDep):
    auth.end_session(engine, settings, request.cookies.get(auth.SESSION_COOKIE))
    response = RedirectResponse("/login", status_code=303)
    response.delete_cookie(auth.SESSION_COOKIE, path="/")
    return response
