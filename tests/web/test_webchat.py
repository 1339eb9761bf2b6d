"""The patient chat page (web/) in a real browser against the real assistant.

Debian's chromium (apt package `chromium`, Japanese glyphs from `fonts-noto-cjk`) is driven by
Python playwright with `executable_path`; no browser is downloaded. The page is built with
`npm run build` (after `npm ci` when web/node_modules is missing), served by web/server.py on a
free port, and talks socket.io to `rasa run` started by harness/stack.py with `--cors <page origin>`,
as scripts/run.sh does. Screenshots go to results/screenshots/.
"""
from __future__ import annotations

import inspect
import json
import os
import re
import shutil
import sqlite3
import subprocess
import sys
from contextlib import contextmanager
from dataclasses import dataclass, field
from pathlib import Path
from typing import Iterator, List, Tuple

import pytest
import requests
import yaml
from playwright.sync_api import Page, expect, sync_playwright
from socketio import AsyncServer

from knowledge import knowledge_base
from harness.stack import MODEL, ROOT, Stack, free_port, start_stack, wait_for

WEB = ROOT / "web"
DIST = WEB / "dist"
CHROMIUM = Path(os.environ.get("CHROMIUM", "/usr/bin/chromium"))
CHROMIUM_ARGS = [
    "--no-sandbox",
    "--disable-gpu",
    "--disable-dev-shm-usage",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
]
SCREENSHOTS = ROOT / "results" / "screenshots"
REPLY_MS = 30_000
DISCLAIMER = "このチャットは医療相談ではありません。体調に異変があるときは医療機関へ、緊急時は119番へ。"
SESSION_KEY = "secretome-chat:v1:session"
SCRIPT_MESSAGE = "<script>alert(1)</script>"
SAFETY_QUESTION = "副作用はありますか"
BOT_PREFIX = "アシスタント: "
USER_PREFIX = "あなた: "


def squash(text: str) -> str:
    return re.sub(r"\s+", "", text)


def first_line(text: str) -> str:
    return next(line for line in text.strip().splitlines() if line.strip())


# -- build and serve --------------------------------------------------------------------------


def run_npm(*args: str) -> None:
    npm = shutil.which("npm")
    if npm is None:
        pytest.fail("npm not found: install Node.js (Debian package nodejs/npm)")
    result = subprocess.run(
        [npm, *args], cwd=WEB, capture_output=True, text=True, timeout=600
    )
    if result.returncode != 0:
        pytest.fail(f"npm {' '.join(args)} failed:\n{result.stdout[-3000:]}\n{result.stderr[-3000:]}")


@pytest.fixture(scope="module")
def built() -> Path:
    if not (WEB / "node_modules" / ".package-lock.json").exists():
        run_npm("ci", "--no-audit", "--no-fund")
    run_npm("run", "build")
    assert (DIST / "index.html").is_file() and (DIST / "app.js").is_file()
    return DIST


@contextmanager
def serve_page(workdir: Path, port: int, rasa_url: str) -> Iterator[str]:
    workdir.mkdir(parents=True, exist_ok=True)
    log = workdir / "web.log"
    env = {**os.environ, "WEB_PORT": str(port), "WEB_HOST": "127.0.0.1", "RASA_URL": rasa_url}
    proc = subprocess.Popen(
        [sys.executable, "-m", "web.server"], cwd=ROOT, env=env,
        stdout=log.open("w"), stderr=subprocess.STDOUT,
    )
    origin = f"http://127.0.0.1:{port}"
    try:
        wait_for(f"{origin}/", proc, log, timeout=30)
        yield origin
    finally:
        proc.terminate()
        try:
            proc.wait(timeout=10)
        except subprocess.TimeoutExpired:
            proc.kill()


def page_credentials() -> dict:
    """The REST and socket.io channels exactly as credentials.yml configures them for the page."""
    configured = yaml.safe_load((ROOT / "credentials.yml").read_text(encoding="utf-8")) or {}
    channels = {
        name: settings
        for name, settings in configured.items()
        if name in ("rest", "socketio") or name.endswith("SocketIOInput")
    }
    socketio = [name for name in channels if name != "rest"]
    assert len(socketio) == 1, f"credentials.yml must have one socket.io channel, has {socketio}"
    assert (channels[socketio[0]] or {}).get("session_persistence") is True
    if socketio == ["socketio"] and inspect.iscoroutinefunction(AsyncServer.enter_room):
        pytest.fail(
            "credentials.yml uses Rasa 3.6's built-in `socketio:` channel: its session_request "
            "calls python-socketio's enter_room without awaiting it (a coroutine since 5.10), so "
            "with session_persistence the page never receives an answer. Register "
            "`channels.socketio.SocketIOInput:` instead."
        )
    return channels


@dataclass
class Running:
    stack: Stack
    origin: str


@pytest.fixture(scope="module")
def running(built, tmp_path_factory) -> Iterator[Running]:
    if not MODEL.exists():
        pytest.fail(f"{MODEL} missing: run `make train` (make test does)")
    workdir = tmp_path_factory.mktemp("webchat")
    web_port = free_port()
    origin = f"http://127.0.0.1:{web_port}"
    # The page's origin must be allowed by Rasa's CORS (socket.io long-polling is cross-origin).
    with start_stack(
        workdir / "stack", credentials=page_credentials(), extra_args=("--cors", origin)
    ) as stack:
        with serve_page(workdir / "web", web_port, stack.url) as served:
            assert served == origin
            yield Running(stack, origin)


@pytest.fixture(scope="module")
def browser():
    if not CHROMIUM.exists():
        pytest.fail(f"{CHROMIUM} missing: apt-get install -y chromium fonts-noto-cjk")
    with sync_playwright() as p:
        browser = p.chromium.launch(executable_path=str(CHROMIUM), args=CHROMIUM_ARGS, headless=True)
        try:
            yield browser
        finally:
            browser.close()


# -- watching the page ------------------------------------------------------------------------


def socketio_user_messages(raw, event: str = "user_uttered") -> List[str]:
    """The `message` of each `event` packet in one engine.io payload (websocket frame or POST)."""
    if isinstance(raw, bytes):
        raw = raw.decode("utf-8", "replace")
    messages = []
    for packet in (raw or "").split("\x1e"):
        match = re.match(r"^42(/[^,]*,)?\d*(\[.*\])$", packet, re.S)
        if not match:
            continue
        try:
            data = json.loads(match.group(2))
        except ValueError:
            continue
        if data and data[0] == event and isinstance(data[1], dict):
            messages.append(data[1].get("message"))
    return messages


@dataclass
class Watch:
    """What the page sent to Rasa and anything that went wrong in it."""

    allowed: tuple
    sent: List[str] = field(default_factory=list)
    dialogs: List[str] = field(default_factory=list)
    errors: List[str] = field(default_factory=list)
    foreign: List[str] = field(default_factory=list)

    def attach(self, page: Page) -> None:
        page.on("dialog", self._dialog)
        page.on("pageerror", lambda error: self.errors.append(f"pageerror: {error}"))
        page.on("console", self._console)
        page.on("request", self._request)
        page.on("websocket", self._websocket)

    def _dialog(self, dialog) -> None:
        self.dialogs.append(dialog.message)
        dialog.dismiss()

    def _console(self, message) -> None:
        if "Content Security Policy" in message.text or "Refused to" in message.text:
            self.errors.append(f"console: {message.text}")

    def _request(self, request) -> None:
        if not request.url.startswith(self.allowed):
            self.foreign.append(request.url)
        if request.method == "POST" and "/socket.io/" in request.url:
            self.sent.extend(socketio_user_messages(request.post_data))

    def _websocket(self, ws) -> None:
        if not ws.url.startswith(self.allowed):
            self.foreign.append(ws.url)
        ws.on("framesent", lambda payload: self.sent.extend(socketio_user_messages(payload)))


CSP_WATCH = """
window.__csp = [];
document.addEventListener('securitypolicyviolation',
  (e) => window.__csp.push(e.violatedDirective + ' ' + e.blockedURI));
"""

TRANSCRIPT = """() => [...document.querySelectorAll('#messages > .msg-user, #messages > .bot-turn')].map(
  (n) => n.classList.contains('bot-turn')
    ? {role: 'bot', texts: [...n.querySelectorAll('.bubble')].map((b) => b.textContent),
       feedback: !!n.querySelector('.feedback'), replies: n.querySelectorAll('.chip').length}
    : {role: 'user', texts: [n.textContent]})"""


def bot_turn_text(page: Page, index: int) -> str:
    bubbles = page.locator(".bot-turn").nth(index).locator(".bubble").all_text_contents()
    return "\n\n".join(b.removeprefix(BOT_PREFIX) for b in bubbles)


def user_texts(page: Page) -> List[str]:
    return [t.removeprefix(USER_PREFIX) for t in page.locator(".msg-user .bubble").all_text_contents()]


def wait_bot_turns(page: Page, count: int) -> None:
    expect(page.locator(".bot-turn")).to_have_count(count, timeout=REPLY_MS)


def open_chat(context, running: Running) -> Tuple[Page, Watch]:
    page = context.new_page()
    page.add_init_script(CSP_WATCH)
    watch = Watch(allowed=(running.origin, running.stack.url, running.stack.url.replace("http", "ws", 1)))
    watch.attach(page)
    page.goto(f"{running.origin}/")
    expect(page.locator("#status")).to_have_attribute("data-state", "online", timeout=REPLY_MS)
    return page, watch


def assert_clean(page: Page, watch: Watch) -> None:
    assert watch.dialogs == [], f"a dialog opened: {watch.dialogs}"
    assert watch.errors == [], watch.errors
    assert watch.foreign == [], f"requests outside the page and Rasa: {watch.foreign}"
    assert page.evaluate("window.__csp") == []


def sender_ids(db: Path) -> dict:
    with sqlite3.connect(f"file:{db}?mode=ro", uri=True) as conn:
        rows = conn.execute(
            "SELECT sender_id, COUNT(*) FROM events WHERE type_name = 'user' GROUP BY sender_id"
        ).fetchall()
    return dict(rows)


# -- tests ------------------------------------------------------------------------------------


def test_server_sends_security_headers_and_config(built, tmp_path):
    rasa_url = "http://127.0.0.1:5999"
    with serve_page(tmp_path, free_port(), rasa_url) as origin:
        page = requests.get(f"{origin}/", timeout=5)
        config = requests.get(f"{origin}/config.json", timeout=5)
        script = requests.get(f"{origin}/app.js", timeout=5)
        listing = requests.get(f"{origin}/../server.py", timeout=5)
    assert page.status_code == 200 and 'lang="ja"' in page.text
    csp = page.headers["Content-Security-Policy"]
    directives = dict(d.strip().split(" ", 1) for d in csp.split(";"))
    assert directives["default-src"] == "'self'"
    assert directives["script-src"] == "'self'"  # no 'unsafe-inline', no 'unsafe-eval'
    assert directives["connect-src"].split() == ["'self'", rasa_url, "ws://127.0.0.1:5999"]
    assert page.headers["X-Content-Type-Options"] == "nosniff"
    assert page.headers["Referrer-Policy"] == "strict-origin-when-cross-origin"
    assert config.json() == {"rasaUrl": rasa_url, "socketPath": "/socket.io"}
    assert script.headers["Content-Type"].startswith("text/javascript")
    assert "Content-Security-Policy" in script.headers
    assert listing.status_code == 404
    # nothing in the page is loaded from another origin
    assert not re.search(r"""(src|href)=["']?(https?:)?//""", page.text)


def test_patient_conversation_in_the_browser(running, browser):
    kb = knowledge_base()
    safety = kb.get("safety")
    assert safety is not None, "knowledge/answers.yml has no `safety` topic"
    SCREENSHOTS.mkdir(parents=True, exist_ok=True)

    context = browser.new_context(viewport={"width": 1280, "height": 800}, locale="ja-JP")
    page, watch = open_chat(context, running)
    textarea = page.get_by_label("質問を入力")
    send_button = page.get_by_role("button", name="送信")

    # -- the page: disclaimer, accessible names, the greeting with its quick replies
    expect(page.locator("#disclaimer")).to_have_text(DISCLAIMER)
    expect(textarea).to_have_attribute("aria-label", "質問を入力")
    expect(send_button).to_have_attribute("aria-label", "送信")
    log = page.locator("#messages")
    expect(log).to_have_attribute("role", "log")
    expect(log).to_have_attribute("aria-live", "polite")
    wait_bot_turns(page, 1)
    greeting = page.locator(".bot-turn").nth(0)
    expect(greeting.locator(".chip").first).to_be_visible()
    expect(greeting.locator(".feedback")).to_have_count(0)  # a greeting is not an answer to rate
    page.screenshot(path=str(SCREENSHOTS / "webchat-1280x800-start.png"))
    assert watch.sent == ["/greet"]

    # -- the empty message and Shift+Enter send nothing
    textarea.click()
    page.keyboard.press("Enter")
    textarea.fill("   ")
    page.keyboard.press("Enter")
    send_button.click()
    textarea.fill("")
    page.keyboard.type("あ")
    page.keyboard.press("Shift+Enter")
    assert textarea.input_value() == "あ\n"
    textarea.fill("")

    # -- Enter that confirms an IME conversion sends nothing (CDP IME composition + real key)
    textarea.click()
    cdp = context.new_cdp_session(page)
    cdp.send("Input.imeSetComposition", {"text": "ふくさよう", "selectionStart": 5, "selectionEnd": 5})
    cdp.send("Input.imeSetComposition", {"text": "副作用", "selectionStart": 3, "selectionEnd": 3})
    page.keyboard.press("Enter")  # keydown Enter with isComposing = true
    cdp.send("Input.insertText", {"text": SAFETY_QUESTION})  # commits: compositionend
    # Safari's order: compositionend first, then keydown Enter with keyCode 229
    page.evaluate(
        """() => {
          const e = new KeyboardEvent('keydown', {key: 'Enter', bubbles: true, cancelable: true});
          Object.defineProperty(e, 'keyCode', {get: () => 229});
          document.querySelector('#input').dispatchEvent(e);
        }"""
    )
    page.wait_for_timeout(1500)
    assert watch.sent == ["/greet"], f"sent during IME composition: {watch.sent}"
    assert user_texts(page) == []
    assert SAFETY_QUESTION in textarea.input_value()

    # -- Enter sends: the patient's bubble, the typing indicator, the safety answer
    page.evaluate(
        """() => { window.__typingSeen = false; const t = document.querySelector('#typing');
          new MutationObserver(() => { if (!t.hidden) window.__typingSeen = true; })
            .observe(t, {attributes: true}); }"""
    )
    page.keyboard.press("Enter")
    expect(page.locator(".msg-user .bubble")).to_have_count(1)
    assert user_texts(page) == [SAFETY_QUESTION]
    assert textarea.input_value() == ""
    wait_bot_turns(page, 2)
    assert watch.sent == ["/greet", SAFETY_QUESTION]
    assert page.evaluate("window.__typingSeen") is True
    expect(page.locator("#typing")).to_be_hidden()
    answer = bot_turn_text(page, 1)
    assert squash(first_line(kb.render(safety.answer))) in squash(answer), answer
    expect(greeting.locator(".chip")).to_have_count(0)  # old quick replies went away

    # -- a quick reply sends its payload and shows its title; the topic's answer comes back
    safety_turn = page.locator(".bot-turn").nth(1)
    followups = {b["title"]: b["payload"] for b in kb.buttons(safety.followups)}
    chips = safety_turn.locator(".chip").all_text_contents()
    title = next((t for t in chips if t in followups), None)
    assert title, f"no follow-up of the safety topic among the quick replies {chips}"
    payload = followups[title]
    topic = next(t for t in kb.topics.values() if t.payload() == payload)
    safety_turn.get_by_role("button", name=title, exact=True).click()
    expect(page.locator(".msg-user .bubble")).to_have_count(2)
    assert user_texts(page)[-1] == title
    wait_bot_turns(page, 3)
    assert watch.sent[-1] == payload
    assert squash(first_line(kb.render(topic.answer))) in squash(bot_turn_text(page, 2))

    # -- 👍 / 👎 send the feedback intent and disappear for that answer only
    expect(safety_turn.locator(".feedback")).to_have_count(1)
    safety_turn.get_by_role("button", name="役に立った").click()
    expect(safety_turn.locator(".feedback")).to_have_count(0)
    wait_bot_turns(page, 4)
    assert watch.sent[-1] == '/feedback{"rating":"good"}'
    expect(page.locator(".bot-turn").nth(3).locator(".feedback")).to_have_count(0)
    topic_turn = page.locator(".bot-turn").nth(2)
    expect(topic_turn.locator(".feedback")).to_have_count(1)
    topic_turn.get_by_role("button", name="役に立たなかった").click()
    expect(topic_turn.locator(".feedback")).to_have_count(0)
    wait_bot_turns(page, 5)
    assert watch.sent[-1] == '/feedback{"rating":"bad"}'
    assert len(user_texts(page)) == 2  # ratings show no patient bubble

    # -- HTML in a message is shown as text, and gets a polite reply
    textarea.fill(SCRIPT_MESSAGE)
    send_button.click()
    wait_bot_turns(page, 6)
    assert user_texts(page)[-1] == SCRIPT_MESSAGE
    assert watch.sent[-1] == SCRIPT_MESSAGE
    assert page.locator("#messages script").count() == 0
    reply = bot_turn_text(page, 5)
    assert reply.strip(), "no reply to the HTML message"
    page.wait_for_timeout(500)
    assert_clean(page, watch)
    page.screenshot(path=str(SCREENSHOTS / "webchat-1280x800.png"))

    # -- a reload shows the same conversation and goes on in the same Rasa session
    session_id = page.evaluate(f"localStorage.getItem('{SESSION_KEY}')")
    assert session_id
    before = page.evaluate(TRANSCRIPT)
    page.reload()
    expect(page.locator("#status")).to_have_attribute("data-state", "online", timeout=REPLY_MS)
    assert page.evaluate(TRANSCRIPT) == before
    assert page.evaluate(f"localStorage.getItem('{SESSION_KEY}')") == session_id
    expect(page.locator("#disclaimer")).to_be_in_viewport()
    textarea.fill(SAFETY_QUESTION)
    page.keyboard.press("Enter")
    wait_bot_turns(page, 7)
    assert squash(first_line(kb.render(safety.answer))) in squash(bot_turn_text(page, 6))
    assert "/greet" not in watch.sent[watch.sent.index(SCRIPT_MESSAGE):]  # no new greeting
    senders = sender_ids(running.stack.workdir / "rasa.db")
    assert list(senders) == [session_id], senders
    assert senders[session_id] == len(watch.sent)
    assert_clean(page, watch)
    state = context.storage_state()
    context.close()

    # -- phone width: the same conversation, nothing wider than the screen
    phone = browser.new_context(
        viewport={"width": 375, "height": 812}, locale="ja-JP", is_mobile=True, has_touch=True,
        storage_state=state,
    )
    page, watch = open_chat(phone, running)
    expect(page.locator(".bot-turn")).to_have_count(7)
    expect(page.locator("#disclaimer")).to_be_in_viewport()
    expect(page.get_by_label("質問を入力")).to_be_in_viewport()
    page.screenshot(path=str(SCREENSHOTS / "webchat-375x812.png"))
    page.set_viewport_size({"width": 360, "height": 740})
    page.wait_for_timeout(200)
    assert page.evaluate("document.documentElement.scrollWidth") <= 360
    widest = page.evaluate(
        "Math.max(...[...document.querySelectorAll('.bubble, .chip, .composer, .disclaimer')]"
        ".map((n) => n.getBoundingClientRect().right))"
    )
    assert widest <= 360, widest
    assert_clean(page, watch)
    phone.close()
