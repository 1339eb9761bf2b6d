"""Login, sessions, CSRF, access control, failed-login slowdown, cookie flags, headers."""

from __future__ import annotations

import logging
import re
import time
from pathlib import Path

import pytest
from fastapi.routing import APIRoute
from starlette.routing import Mount
from starlette.testclient import TestClient

from console import auth, db
from console.app import create_app
from settings import ConsoleSettings, SettingsError
from tests.console.seed import seed
from tests.console.support import (
    PASSWORD,
    add_user,
    csrf_from,
    logged_in_client,
    login,
    make_settings,
)

TEMPLATES = Path(__file__).resolve().parents[2] / "console" / "templates"


@pytest.fixture
def settings(sqlite_database):
    seed(sqlite_database)
    return make_settings(sqlite_database.url)


@pytest.fixture
def app(settings):
    add_user(settings.database_url)
    return create_app(settings)


def concrete(path: str) -> str:
    return re.sub(r"\{[^}]+\}", "1", path)


def test_every_route_is_refused_without_login(app):
    client = TestClient(app)
    checked = 0
    for route in app.routes:
        if isinstance(route, Mount):
            assert route.path == "/static"
            continue
        assert isinstance(route, APIRoute), route
        if route.path == "/login":
            continue
        for method in route.methods:
            response = client.request(method, concrete(route.path), follow_redirects=False)
            if route.path.startswith("/api/"):
                assert response.status_code == 401, (method, route.path)
            else:
                assert response.status_code == 303, (method, route.path, response.status_code)
                assert response.headers["location"].startswith("/login"), route.path
            assert "副作用" not in response.text
            checked += 1
    assert checked >= 15
    # no interactive API docs either
    for path in ("/docs", "/redoc", "/openapi.json"):
        assert client.get(path).status_code == 404


def test_redirect_keeps_the_page_asked_for(app):
    client = TestClient(app)
    response = client.get("/conversations?fell_back=1", follow_redirects=False)
    assert response.headers["location"] == "/login?next=%2Fconversations%3Ffell_back%3D1"
    token = csrf_from(client.get(response.headers["location"]).text)
    response = client.post(
        "/login",
        data={"username": "nurse", "password": PASSWORD, "csrf_token": token, "next": "/conversations?fell_back=1"},
        follow_redirects=False,
    )
    assert response.headers["location"] == "/conversations?fell_back=1"


@pytest.mark.parametrize("target", ["//evil.example/x", "https://evil.example/", "/\\evil"])
def test_login_never_redirects_off_site(app, target):
    client = TestClient(app)
    token = csrf_from(client.get("/login").text)
    response = client.post(
        "/login",
        data={"username": "nurse", "password": PASSWORD, "csrf_token": token, "next": target},
        follow_redirects=False,
    )
    assert response.status_code == 303 and response.headers["location"] == "/"


def test_wrong_password_and_unknown_user(app):
    client = TestClient(app)
    for name, password in (("nurse", "wrong password!"), ("nobody", PASSWORD), ("", "")):
        response = login(client, name, password)
        assert response.status_code == 401
        assert "ユーザー名またはパスワードが違います" in response.text
        assert auth.SESSION_COOKIE not in response.cookies
    assert client.get("/", follow_redirects=False).status_code == 303


def test_login_is_case_insensitive_for_the_username(app):
    client = TestClient(app)
    assert login(client, "NURSE").status_code == 303


def test_cookie_flags(settings):
    add_user(settings.database_url)
    client = TestClient(create_app(settings))
    login_page = client.get("/login")
    assert "httponly" in login_page.headers["set-cookie"].lower()
    response = login(client)
    cookie = [c for c in response.headers.get_list("set-cookie") if c.startswith(auth.SESSION_COOKIE + "=")][0].lower()
    assert "httponly" in cookie and "samesite=lax" in cookie and "path=/" in cookie
    assert "secure" not in cookie.replace("httponly", "")

    secure = settings.copy(update=dict(secure_cookies=True))
    client = TestClient(create_app(secure), base_url="https://testserver")
    response = login(client)
    cookie = [c for c in response.headers.get_list("set-cookie") if c.startswith(auth.SESSION_COOKIE + "=")][0].lower()
    assert "; secure" in cookie and "httponly" in cookie and "samesite=lax" in cookie
    assert "strict-transport-security" in client.get("/").headers


def post_routes(app):
    return [r for r in app.routes if isinstance(r, APIRoute) and "POST" in r.methods]


def test_csrf_missing_or_wrong_is_403(app, settings):
    client = logged_in_client(settings)
    key = client.get("/api/conversations").json()["conversations"][0]["key"]
    form = {"event_id": "1", "intent": "ask_price", "tag": "x", "reviewed": "1", "note": "n"}
    checked = 0
    for route in post_routes(app):
        if route.path == "/login":
            continue
        path = route.path.replace("{key}", key).replace("{event_id}", "1")
        for token in (None, "0" * 64):
            data = dict(form, **({"csrf_token": token} if token else {}))
            response = client.post(path, data=data, follow_redirects=False)
            assert response.status_code == 403, (path, token)
        checked += 1
    assert checked >= 6
    # nothing happened: still logged in, nothing reviewed or tagged
    conversation = client.get("/api/conversations").json()["conversations"][0]
    assert not conversation["reviewed"] and conversation["tags"] == []

    # the page's own token works
    page = client.get(f"/conversations/{key}")
    response = client.post(
        f"/conversations/{key}/tags", data={"tag": "ok", "csrf_token": csrf_from(page.text)}, follow_redirects=False
    )
    assert response.status_code == 303
    assert client.get("/api/conversations").json()["conversations"][0]["tags"] == ["ok"]

    # another session's token does not
    other = logged_in_client(settings)
    other_token = csrf_from(other.get("/").text)
    response = client.post(
        f"/conversations/{key}/tags", data={"tag": "x", "csrf_token": other_token}, follow_redirects=False
    )
    assert response.status_code == 403


def test_login_form_needs_csrf(app):
    client = TestClient(app)
    client.get("/login")
    response = client.post("/login", data={"username": "nurse", "password": PASSWORD}, follow_redirects=False)
    assert response.status_code == 403
    response = client.post(
        "/login", data={"username": "nurse", "password": PASSWORD, "csrf_token": "x" * 64}, follow_redirects=False
    )
    assert response.status_code == 403
    fresh = TestClient(app)  # a token without its cookie
    token = csrf_from(TestClient(app).get("/login").text)
    response = fresh.post(
        "/login", data={"username": "nurse", "password": PASSWORD, "csrf_token": token}, follow_redirects=False
    )
    assert response.status_code == 403


def test_failed_logins_are_slowed_down(settings):
    settings = settings.copy(update=dict(login_free_attempts=2, login_base_delay=1.0, login_max_delay=3.0))
    add_user(settings.database_url)
    add_user(settings.database_url, "doctor")
    app = create_app(settings)
    client = TestClient(app)
    assert login(client, "nurse", "wrong password 1").status_code == 401
    second = login(client, "nurse", "wrong password 2")
    assert second.status_code == 401 and "秒後" in second.text  # locked for 1 s now
    # even the right password is refused while locked, without being checked
    locked = login(client, "nurse", PASSWORD)
    assert locked.status_code == 429 and int(locked.headers["retry-after"]) >= 1
    assert auth.SESSION_COOKIE not in locked.cookies
    # another username from the same IP is not affected
    assert login(TestClient(app), "doctor").status_code == 303
    engine = app.state.engine
    assert auth.locked_for(engine, "nurse", "192.0.2.1") == 0  # per username + IP
    time.sleep(1.1)
    assert login(client, "nurse", "wrong password 3").status_code == 401
    with engine.connect() as conn:
        row = conn.execute(db.login_attempts.select()).one()
    assert row.failures == 3 and row.locked_until - row.updated_at == pytest.approx(2.0)  # doubled
    assert auth.record_failure(engine, settings, "nurse", "testclient") == 3.0  # capped
    time.sleep(auth.locked_for(engine, "nurse", "testclient") + 0.1)
    assert login(client, "nurse", PASSWORD).status_code == 303
    assert auth.locked_for(engine, "nurse", "testclient") == 0  # success forgets failures


def test_logout_ends_the_session(settings):
    client = logged_in_client(settings)
    cookie = client.cookies.get(auth.SESSION_COOKIE)
    token = csrf_from(client.get("/").text)
    response = client.post("/logout", data={"csrf_token": token}, follow_redirects=False)
    assert response.status_code == 303 and response.headers["location"] == "/login"
    replay = TestClient(client.app, cookies={auth.SESSION_COOKIE: cookie})
    assert replay.get("/", follow_redirects=False).status_code == 303
    assert replay.get("/api/dashboard").status_code == 401


def test_sessions_expire_and_new_password_logs_out(settings):
    short = settings.copy(update=dict(session_hours=3 / 3600))
    client = logged_in_client(short)
    assert client.get("/", follow_redirects=False).status_code == 200
    time.sleep(3.1)
    assert client.get("/", follow_redirects=False).status_code == 303

    client = logged_in_client(settings)
    assert client.get("/api/dashboard").status_code == 200
    engine = db.make_engine(settings.database_url)
    assert auth.create_user(engine, "nurse", "another password", update=True) == "updated"
    assert client.get("/api/dashboard").status_code == 401
    with pytest.raises(auth.UserError):
        auth.create_user(engine, "nurse", "another password")
    with pytest.raises(auth.UserError):
        auth.create_user(engine, "new", "short")
    with pytest.raises(auth.UserError):
        auth.create_user(engine, "bad name!", "long enough password")
    engine.dispose()


def test_secret_key_changes_invalidate_sessions(settings):
    client = logged_in_client(settings)
    other = settings.copy(update=dict(secret_key="another-secret-" + "y" * 40))
    replay = TestClient(create_app(other), cookies=dict(client.cookies))
    assert replay.get("/", follow_redirects=False).status_code == 303


def test_password_hashes_are_argon2(settings):
    add_user(settings.database_url)
    engine = db.make_engine(settings.database_url)
    with engine.connect() as conn:
        stored = conn.execute(db.users.select()).first().password_hash
    assert stored.startswith("$argon2id$") and PASSWORD not in stored
    engine.dispose()


def test_missing_secret_key_is_random_with_a_warning(caplog):
    with caplog.at_level(logging.WARNING, logger="settings"):
        first = ConsoleSettings.from_env({})
        second = ConsoleSettings.from_env({})
    assert first.secret_key != second.secret_key and len(first.secret_key) >= 32
    assert "CONSOLE_SECRET_KEY" in caplog.text
    with pytest.raises(SettingsError):
        ConsoleSettings.from_env({"CONSOLE_SECRET_KEY": "short"})
    with pytest.raises(SettingsError):
        ConsoleSettings.from_env({"CONSOLE_SECRET_KEY": "z" * 40, "CONSOLE_LOW_CONFIDENCE": "high"})


def test_settings_from_env():
    settings = ConsoleSettings.from_env(
        {
            "CONSOLE_SECRET_KEY": "z" * 40,
            "CONSOLE_PORT": "9000",
            "CONSOLE_LOW_CONFIDENCE": "0.7",
            "CONSOLE_SECURE_COOKIES": "1",
            "CONSOLE_RETENTION_DAYS": "180",
        }
    )
    assert (settings.port, settings.low_confidence, settings.secure_cookies, settings.retention_days) == (
        9000,
        0.7,
        True,
        180,
    )
    default = ConsoleSettings.from_env({"CONSOLE_SECRET_KEY": "z" * 40})
    assert default.port == 8081 and default.low_confidence == 0.6
    assert default.database_url.startswith("sqlite:////") and default.database_url.endswith(
        "/var/rasa.db"
    )  # relative path taken from the project root


def test_security_headers(app, settings):
    for client, path in (
        (TestClient(app), "/login"),
        (logged_in_client(settings), "/"),
        (logged_in_client(settings), "/export/conversations.csv"),
    ):
        headers = client.get(path).headers
        csp = headers["content-security-policy"]
        assert "script-src 'self'" in csp and "unsafe-inline" not in csp
        assert "frame-ancestors 'none'" in csp
        assert headers["x-frame-options"] == "DENY"
        assert headers["x-content-type-options"] == "nosniff"
        assert headers["cache-control"] == "no-store"
    static = TestClient(app).get("/static/console.css")
    assert static.status_code == 200 and static.headers["x-content-type-options"] == "nosniff"


def test_templates_have_no_inline_script_or_style():
    for template in TEMPLATES.glob("*.html"):
        text = template.read_text(encoding="utf-8")
        assert "<script" not in text, template
        assert not re.search(r"\son[a-z]+\s*=", text), template
        assert "style=" not in text and "<style" not in text, template
        assert "http://" not in text and "https://" not in text, template  # no CDN
