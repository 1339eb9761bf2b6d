"""The staff console web app (FastAPI, server-rendered Jinja2 pages, inline SVG charts).

Everything except /login and /static needs a logged-in staff member: pages redirect to /login,
/api/* answers 401. Every POST needs the CSRF token of the session (403 without it).
"""
from __future__ import annotations

import logging
import secrets
from pathlib import Path
from typing import Optional
from urllib.parse import urlencode

from fastapi import APIRouter, Depends, FastAPI, Form, HTTPException, Request
from fastapi.responses import (
    HTMLResponse,
    JSONResponse,
    PlainTextResponse,
    RedirectResponse,
    Response,
    StreamingResponse,
)
from fastapi.staticfiles import StaticFiles
from fastapi.templating import Jinja2Templates
from starlette.datastructures import MutableHeaders

from console import auth, charts, db, index, queries
from console.settings import Settings

HERE = Path(__file__).resolve().parent
logger = logging.getLogger(__name__)

CSP = (
    "default-src 'self'; script-src 'self'; style-src 'self'; img-src 'self' data:; "
    "font-src 'self'; connect-src 'self'; object-src 'none'; base-uri 'none'; "
    "form-action 'self'; frame-ancestors 'none'"
)
SAFE_METHODS = {"GET", "HEAD", "OPTIONS"}
DASHBOARD_DAYS = (7, 30, 90)
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
    pass


class SecurityHeaders:
    """Adds the security headers to every response (pure ASGI: streams stay streams)."""

    def __init__(self, app, secure: bool):
        self.app, self.secure = app, secure

    async def __call__(self, scope, receive, send):
        if scope["type"] != "http":
            return await self.app(scope, receive, send)

        async def send_with_headers(message):
            if message["type"] == "http.response.start":
                headers = MutableHeaders(scope=message)
                headers["Content-Security-Policy"] = CSP
                headers["X-Frame-Options"] = "DENY"
                headers["X-Content-Type-Options"] = "nosniff"
                headers["Referrer-Policy"] = "no-referrer"
                headers["Permissions-Policy"] = "camera=(), microphone=(), geolocation=()"
                headers["Cross-Origin-Opener-Policy"] = "same-origin"
                if not scope["path"].startswith("/static/"):
                    headers["Cache-Control"] = "no-store"
                if self.secure:
                    headers["Strict-Transport-Security"] = "max-age=31536000"
            await send(message)

        await self.app(scope, receive, send_with_headers)


def _safe_next(target: Optional[str]) -> str:
    if target and target.startswith("/") and not target.startswith("//") and "\\" not in target:
        return target
    return "/"


def create_app(settings: Optional[Settings] = None) -> FastAPI:
    settings = settings or Settings.from_env()
    engine = db.make_engine(settings.database_url)
    db.init_db(engine)
    tz = settings.tz
    threshold = settings.low_confidence

    app = FastAPI(title="Staff console", docs_url=None, redoc_url=None, openapi_url=None)
    app.state.settings, app.state.engine = settings, engine
    templates = Jinja2Templates(directory=str(HERE / "templates"))
    env = templates.env
    env.filters["ts"] = lambda value, fmt="%Y-%m-%d %H:%M": queries.format_ts(value, tz, fmt)
    env.filters["pct"] = lambda value: "—" if value is None else f"{value * 100:.0f}%"
    env.filters["intent_label"] = queries.intent_label
    env.filters["channel_label"] = lambda c: queries.CHANNEL_LABELS.get(c, c)
    env.globals["rating_labels"] = queries.RATING_LABELS

    def cookie(response: Response, name: str, value: str) -> None:
        response.set_cookie(
            name, value, httponly=True, samesite="lax", secure=settings.secure_cookies, path="/"
        )

    def render(request: Request, name: str, status_code: int = 200, **context) -> HTMLResponse:
        user = getattr(request.state, "user", None)
        base = request.cookies.get(auth.SESSION_COOKIE) if user else request.state.csrf_base
        context.update(
            request=request,
            user=user,
            csrf=auth.csrf_token(settings, base) if base else "",
            message=MESSAGES.get(request.query_params.get("msg", "")),
            low_confidence=threshold,
        )
        if user:
            with engine.connect() as conn:
                context["attention"] = queries.attention_count(conn, threshold, tz)
        return templates.TemplateResponse(name, context, status_code=status_code)

    # ------------------------------------------------------------------ login required

    def staff(request: Request) -> auth.User:
        user = auth.session_user(engine, settings, request.cookies.get(auth.SESSION_COOKIE))
        if user is None:
            raise LoginRequired()
        request.state.user = user
        return user

    async def protected(request: Request, user: auth.User = Depends(staff)) -> auth.User:
        if request.method not in SAFE_METHODS:
            form = await request.form()
            token = form.get("csrf_token") or request.headers.get("x-csrf-token")
            if not auth.csrf_valid(settings, request.cookies.get(auth.SESSION_COOKIE), token):
                raise HTTPException(403, "CSRF token missing or invalid")
        return user

    @app.exception_handler(LoginRequired)
    async def login_required(request: Request, exc: LoginRequired):
        if request.url.path.startswith("/api/"):
            return JSONResponse({"detail": "login required"}, status_code=401)
        target = request.url.path
        if request.url.query:
            target += "?" + request.url.query
        if request.method not in SAFE_METHODS:
            target = "/"
        return RedirectResponse("/login?" + urlencode({"next": target}), status_code=303)

    @app.exception_handler(HTTPException)
    async def http_error(request: Request, exc: HTTPException):
        if request.url.path.startswith("/api/") or exc.status_code not in (403, 404):
            return JSONResponse({"detail": exc.detail}, status_code=exc.status_code)
        text = "この操作は受け付けられませんでした（フォームの有効期限切れの可能性があります。ページを再読み込みしてください）" \
            if exc.status_code == 403 else "見つかりませんでした"
        return PlainTextResponse(text, status_code=exc.status_code)

    # ------------------------------------------------------------------ login / logout

    @app.get("/login", response_class=HTMLResponse)
    def login_page(request: Request, next: str = "/"):
        if auth.session_user(engine, settings, request.cookies.get(auth.SESSION_COOKIE)):
            return RedirectResponse(_safe_next(next), status_code=303)
        base = request.cookies.get(auth.CSRF_COOKIE) or secrets.token_urlsafe(32)
        request.state.csrf_base = base
        response = render(request, "login.html", next=_safe_next(next), error=None)
        cookie(response, auth.CSRF_COOKIE, base)
        return response

    @app.post("/login", response_class=HTMLResponse)
    def login(
        request: Request,
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
                request, "login.html", 429, next=_safe_next(next), username=username,
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
            return render(request, "login.html", 401, next=_safe_next(next),
                          username=username, error=error)
        auth.clear_failures(engine, username, ip)
        response = RedirectResponse(_safe_next(next), status_code=303)
        cookie(response, auth.SESSION_COOKIE, auth.new_session(engine, settings, user))
        response.delete_cookie(auth.CSRF_COOKIE, path="/")
        return response

    router = APIRouter(dependencies=[Depends(protected)])

    @router.post("/logout")
    def logout(request: Request):
        auth.end_session(engine, settings, request.cookies.get(auth.SESSION_COOKIE))
        response = RedirectResponse("/login", status_code=303)
        response.delete_cookie(auth.SESSION_COOKIE, path="/")
        return response

    # ------------------------------------------------------------------ pages

    def refresh() -> None:
        index.sync(engine, tz)

    def sender_for(key: str) -> str:
        with engine.connect() as conn:
            sender = queries.find_sender(conn, key)
        if sender is None:
            raise HTTPException(404, "no such conversation")
        return sender

    def dashboard_data(days: int):
        days = days if days in DASHBOARD_DAYS else 30
        refresh()
        with engine.connect() as conn:
            return queries.dashboard(conn, tz, days)

    @router.get("/", response_class=HTMLResponse)
    def dashboard_page(request: Request, days: int = 30):
        data = dashboard_data(days)
        daily = data["daily"]
        ratings = data["ratings"]
        svg = {
            "conversations": charts.column_chart(
                [(d["day"], d["conversations"]) for d in daily], "1日あたりの会話数"),
            "fallback": charts.column_chart(
                [(d["day"], d["fallback_rate"]) for d in daily], "1日あたりのフォールバック率",
                css="bar warn", percent=True),
            "topics": charts.bar_list(
                [(t["label"], t["count"]) for t in data["top_intents"]], "よく聞かれる話題"),
            "channels": charts.bar_list(
                [(c["label"], c["count"]) for c in data["channels"]], "チャネル別の会話数",
                css="bar alt", label_width=90),
            "ratings": charts.split_bar(
                [("👍", ratings["good"], "good"), ("👎", ratings["bad"], "bad")], "評価"),
        }
        return render(request, "dashboard.html", data=data, svg=svg, day_options=DASHBOARD_DAYS)

    def list_context(request: Request):
        filters = queries.Filters.from_params(request.query_params)
        try:
            page = max(int(request.query_params.get("page", "1")), 1)
        except ValueError:
            page = 1
        refresh()
        with engine.connect() as conn:
            rows, total = queries.list_conversations(
                conn, filters, threshold, tz, page, settings.page_size)
            options = dict(
                intents=queries.known_intents(conn),
                channels=queries.known_channels(conn),
                tags=queries.all_tags(conn),
            )
        return filters, page, rows, total, options

    @router.get("/conversations", response_class=HTMLResponse)
    def conversations_page(request: Request):
        if any(value == "" for value in request.query_params.values()):
            # The filter form sends its empty fields too: keep the address short and shareable.
            query = queries.Filters.from_params(request.query_params).params()
            return RedirectResponse("/conversations?" + urlencode(query), status_code=303)
        filters, page, rows, total, options = list_context(request)
        pages = max((total + settings.page_size - 1) // settings.page_size, 1)
        query = filters.params()

        def page_url(n: int) -> str:
            return "/conversations?" + urlencode({**query, "page": n})

        return render(
            request, "conversations.html", filters=filters, rows=rows, total=total, page=page,
            pages=pages, page_url=page_url, csv_url="/export/conversations.csv?" + urlencode(query),
            **options,
        )

    @router.get("/conversations/{key}", response_class=HTMLResponse)
    def transcript_page(request: Request, key: str):
        refresh()
        sender = sender_for(key)
        with engine.connect() as conn:
            data = queries.transcript(conn, sender, threshold)
            review = queries.get_review(conn, sender)
        if data is None:
            raise HTTPException(404, "no such conversation")
        return render(
            request, "transcript.html", conv=data.conversation, turns=data.turns, review=review,
            intents=queries.domain_intents(settings.domain_file),
        )

    def back(key: str, msg: str, anchor: str = "") -> RedirectResponse:
        return RedirectResponse(f"/conversations/{key}?msg={msg}{anchor}", status_code=303)

    @router.post("/conversations/{key}/review")
    def review(request: Request, key: str, reviewed: str = Form(""), note: str = Form("")):
        sender = sender_for(key)
        done = reviewed in ("1", "on", "true")
        with engine.begin() as conn:
            before = queries.get_review(conn, sender)
            queries.set_review(conn, sender, done, note, request.state.user.username)
        was = bool(before and before["reviewed"])
        return back(key, "reviewed" if done and not was else "unreviewed" if was and not done
                    else "note")

    @router.post("/conversations/{key}/tags")
    def add_tag(request: Request, key: str, tag: str = Form("")):
        sender = sender_for(key)
        with engine.begin() as conn:
            queries.add_tag(conn, sender, tag, request.state.user.username)
        return back(key, "tag")

    @router.post("/conversations/{key}/tags/remove")
    def remove_tag(key: str, tag: str = Form("")):
        sender = sender_for(key)
        with engine.begin() as conn:
            queries.remove_tag(conn, sender, tag)
        return back(key, "untag")

    @router.post("/conversations/{key}/corrections")
    def correct(request: Request, key: str, event_id: int = Form(...), intent: str = Form("")):
        sender = sender_for(key)
        if intent not in queries.domain_intents(settings.domain_file):
            return back(key, "bad-intent", f"#m{event_id}")
        with engine.begin() as conn:
            ok = queries.save_correction(conn, sender, event_id, intent,
                                         request.state.user.username)
        return back(key, "corrected" if ok else "bad-message", f"#m{event_id}")

    @router.get("/corrections", response_class=HTMLResponse)
    def corrections_page(request: Request):
        with engine.connect() as conn:
            rows = queries.list_corrections(conn)
        return render(request, "corrections.html", rows=rows)

    @router.post("/corrections/{event_id}/delete")
    def delete_correction(event_id: int, back_to: str = Form("")):
        with engine.begin() as conn:
            queries.delete_correction(conn, event_id)
        target = _safe_next(back_to) if back_to else "/corrections"
        sep = "&" if "?" in target else "?"
        return RedirectResponse(f"{target}{sep}msg=uncorrected", status_code=303)

    @router.get("/corrections/export.yml")
    def export_corrections():
        with engine.connect() as conn:
            text = queries.corrections_yaml(conn)
        return Response(
            text, media_type="application/x-yaml; charset=utf-8",
            headers={"Content-Disposition": 'attachment; filename="console_corrections.yml"'},
        )

    @router.get("/export/conversations.csv")
    def export_csv(request: Request):
        filters = queries.Filters.from_params(request.query_params)
        refresh()

        def body():
            with engine.connect() as conn:
                rows = queries.iter_conversations(conn, filters, threshold, tz)
                for chunk in queries.conversations_csv(rows, tz):
                    yield chunk.encode("utf-8")

        return StreamingResponse(
            body(), media_type="text/csv; charset=utf-8",
            headers={"Content-Disposition": 'attachment; filename="conversations.csv"'},
        )

    # ------------------------------------------------------------------ JSON

    @router.get("/api/conversations")
    def api_conversations(request: Request):
        filters, page, rows, total, _ = list_context(request)
        return {"total": total, "page": page, "page_size": settings.page_size,
                "conversations": [row.as_dict() for row in rows]}

    @router.get("/api/conversations/{key}")
    def api_transcript(key: str):
        refresh()
        sender = sender_for(key)
        with engine.connect() as conn:
            data = queries.transcript(conn, sender, threshold)
        return {"conversation": data.conversation.as_dict(),
                "turns": [turn.as_dict() for turn in data.turns]}

    @router.get("/api/dashboard")
    def api_dashboard(days: int = 30):
        return dashboard_data(days)

    app.include_router(router)
    app.mount("/static", StaticFiles(directory=str(HERE / "static")), name="static")
    app.add_middleware(SecurityHeaders, secure=settings.secure_cookies)
    return app
