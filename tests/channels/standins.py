"""Local stand-ins for LINE's and Slack's Web APIs: HTTP servers on 127.0.0.1 that record every
request they get and answer the way the real API does for a successful call."""

from __future__ import annotations

import base64
import contextlib
import hashlib
import hmac
import json
import sqlite3
import threading
import time
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path
from typing import Any, Callable, Dict, Iterator, List, Optional, Tuple
from urllib.parse import parse_qs

Responder = Callable[[str, Dict[str, Any]], Tuple[int, Dict[str, Any]]]


class StandIn:
    def __init__(self, server: ThreadingHTTPServer) -> None:
        self.server = server
        self.url = f"http://127.0.0.1:{server.server_address[1]}"
        self.requests: List[Dict[str, Any]] = []
        self.lock = threading.Lock()

    def record(self, entry: Dict[str, Any]) -> None:
        with self.lock:
            self.requests.append(entry)

    def matching(self, predicate: Callable[[Dict[str, Any]], bool]) -> List[Dict[str, Any]]:
        with self.lock:
            return [r for r in self.requests if predicate(r)]

    def wait_for(
        self, predicate: Callable[[Dict[str, Any]], bool], count: int = 1, timeout: float = 60
    ) -> List[Dict[str, Any]]:
        deadline = time.monotonic() + timeout
        while time.monotonic() < deadline:
            found = self.matching(predicate)
            if len(found) >= count:
                return found
            time.sleep(0.2)
        raise AssertionError(
            f"stand-in got {len(self.matching(predicate))} matching request(s), wanted {count}; "
            f"all: {json.dumps(self.requests, ensure_ascii=False)[:3000]}"
        )


@contextlib.contextmanager
def serve(responder: Responder) -> Iterator[StandIn]:
    holder: Dict[str, StandIn] = {}

    class Handler(BaseHTTPRequestHandler):
        def do_POST(self) -> None:  # noqa: N802
            length = int(self.headers.get("Content-Length") or 0)
            raw = self.rfile.read(length)
            content_type = self.headers.get("Content-Type", "")
            body: Any
            try:
                if "json" in content_type:
                    body = json.loads(raw or b"null")
                elif "x-www-form-urlencoded" in content_type:
                    body = {k: v[0] for k, v in parse_qs(raw.decode()).items()}
                else:
                    body = raw.decode("utf-8", "replace")
            except ValueError:
                body = raw.decode("utf-8", "replace")
            entry = {
                "path": self.path,
                "headers": {k.lower(): v for k, v in self.headers.items()},
                "body": body,
                "time": time.time(),
            }
            holder["standin"].record(entry)
            status, answer = responder(self.path, entry)
            data = json.dumps(answer).encode()
            self.send_response(status)
            self.send_header("Content-Type", "application/json")
            self.send_header("Content-Length", str(len(data)))
            self.end_headers()
            self.wfile.write(data)

        def log_message(self, *args: Any) -> None:
            pass

    server = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
    holder["standin"] = StandIn(server)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    try:
        yield holder["standin"]
    finally:
        server.shutdown()
        server.server_close()
        thread.join(timeout=10)


def line_responder(path: str, entry: Dict[str, Any]) -> Tuple[int, Dict[str, Any]]:
    """LINE Messaging API: reply → 200 {}; a reply token "expired-token" → 400 like LINE."""
    if path == "/v2/bot/message/reply":
        if isinstance(entry["body"], dict) and entry["body"].get("replyToken") == "expired-token":
            return 400, {"message": "Invalid reply token"}
        return 200, {}
    return 404, {"message": "Not found"}


def slack_responder(path: str, entry: Dict[str, Any]) -> Tuple[int, Dict[str, Any]]:
    """Slack Web API: every method answers ok; chat.postMessage echoes channel and a ts."""
    body = entry["body"] if isinstance(entry["body"], dict) else {}
    if path.endswith("/chat.postMessage"):
        return 200, {
            "ok": True,
            "channel": body.get("channel"),
            "ts": f"{time.time():.6f}",
            "message": {"text": body.get("text")},
        }
    return 200, {"ok": True}


# --- signatures, as LINE and Slack compute them ------------------------------------------


def line_signature(body: bytes, channel_secret: str) -> str:
    return base64.b64encode(hmac.new(channel_secret.encode(), body, hashlib.sha256).digest()).decode()


def slack_signature(body: bytes, signing_secret: str, timestamp: int) -> str:
    base = f"v0:{timestamp}:".encode() + body
    return "v0=" + hmac.new(signing_secret.encode(), base, hashlib.sha256).hexdigest()


# --- the tracker store of harness.stack (SQLite) -------------------------------------------


def tracker_events(db: Path, sender_id: str) -> List[Dict[str, Any]]:
    """The events Rasa stored for a sender (empty if the database or table is not there yet)."""
    if not db.exists():
        return []
    with contextlib.closing(sqlite3.connect(str(db), timeout=10)) as conn:
        try:
            rows = conn.execute(
                "SELECT type_name, data FROM events WHERE sender_id = ? ORDER BY id", (sender_id,)
            ).fetchall()
        except sqlite3.OperationalError:
            return []
    return [{"type": t, **json.loads(d)} for t, d in rows]


def user_texts(db: Path, sender_id: str) -> List[Optional[str]]:
    return [e.get("text") for e in tracker_events(db, sender_id) if e["type"] == "user"]


def stored_user_texts(db: Path, sender_id: str, count: int = 1, timeout: float = 30) -> List[Optional[str]]:
    """The user texts once `count` are stored: Slack's events are handled in the background, and Rasa
    saves the tracker after the answer has been posted."""
    deadline = time.monotonic() + timeout
    while len(user_texts(db, sender_id)) < count and time.monotonic() < deadline:
        time.sleep(0.1)
    return user_texts(db, sender_id)
