"""Serves the patient chat page (web/dist, built by `npm run build`) with strict security headers.

    python -m web.server      (from the project root)

Environment (settings.RunSettings): WEB_HOST, WEB_PORT, WEB_DIST, RASA_SOCKET_PATH, and RASA_URL,
where the page finds Rasa's socket.io channel (default http://localhost:RASA_PORT); a path in it
(https://example.org/rasa) is kept as the socket.io path prefix.

The page reads /config.json (written here from RASA_URL) to learn where Rasa is. The Rasa server
must allow the page's origin: `rasa run --cors http://localhost:8080 http://127.0.0.1:8080`.
"""
from __future__ import annotations

import json
import sys
from functools import partial
from http import HTTPStatus
from http.server import SimpleHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path
from typing import Dict, Tuple
from urllib.parse import urlsplit

from settings import RunSettings



def rasa_endpoint(rasa_url: str, socket_path: str = "/socket.io") -> Tuple[str, str, str]:
    """(http origin, websocket origin, socket.io path) of the Rasa server at `rasa_url`."""
    parts = urlsplit(rasa_url.strip())
    if parts.scheme not in ("http", "https") or not parts.hostname:
        raise ValueError(f"RASA_URL must be an http(s) URL with a host, got {rasa_url!r}")
    if parts.username or parts.password or parts.query or parts.fragment:
        raise ValueError(f"RASA_URL must be a plain origin (and optional path), got {rasa_url!r}")
    origin = f"{parts.scheme}://{parts.netloc}"
    ws_origin = f"{'wss' if parts.scheme == 'https' else 'ws'}://{parts.netloc}"
    path = parts.path.rstrip("/") + "/" + socket_path.strip("/")
    return origin, ws_origin, path


def security_headers(rasa_url: str) -> Dict[str, str]:
    origin, ws_origin, _ = rasa_endpoint(rasa_url)
    csp = "; ".join(
        [
            "default-src 'self'",
            "script-src 'self'",
            "style-src 'self'",
            "img-src 'self' data:",
            "font-src 'self'",
            f"connect-src 'self' {origin} {ws_origin}",
            "object-src 'none'",
            "base-uri 'none'",
            "form-action 'self'",
            "frame-ancestors 'none'",
        ]
    )
    return {
        "Content-Security-Policy": csp,
        "X-Content-Type-Options": "nosniff",
        "Referrer-Policy": "strict-origin-when-cross-origin",
        "X-Frame-Options": "DENY",
        "Cross-Origin-Opener-Policy": "same-origin",
        "Permissions-Policy": "camera=(), microphone=(), geolocation=(), payment=()",
        "Cache-Control": "no-cache",
    }


def page_config(rasa_url: str, socket_path: str) -> Dict[str, str]:
    origin, _, path = rasa_endpoint(rasa_url, socket_path)
    return {"rasaUrl": origin, "socketPath": path}


class ChatPageHandler(SimpleHTTPRequestHandler):
    def version_string(self) -> str:
        return "webchat"
    extensions_map = {
        ".html": "text/html; charset=utf-8",
        ".js": "text/javascript; charset=utf-8",
        ".css": "text/css; charset=utf-8",
        ".json": "application/json; charset=utf-8",
        ".svg": "image/svg+xml",
        ".png": "image/png",
        ".ico": "image/x-icon",
        ".txt": "text/plain; charset=utf-8",
        "": "application/octet-stream",
    }

    def __init__(self, *args, headers: Dict[str, str], config: bytes, **kwargs):
        self.extra_headers = headers
        self.config_body = config
        super().__init__(*args, **kwargs)

    def end_headers(self) -> None:
        for name, value in self.extra_headers.items():
            self.send_header(name, value)
        super().end_headers()

    def _serve_config(self, head: bool) -> None:
        self.send_response(HTTPStatus.OK)
        self.send_header("Content-Type", "application/json; charset=utf-8")
        self.send_header("Content-Length", str(len(self.config_body)))
        self.end_headers()
        if not head:
            self.wfile.write(self.config_body)

    def do_GET(self) -> None:
        if urlsplit(self.path).path == "/config.json":
            return self._serve_config(head=False)
        return super().do_GET()

    def do_HEAD(self) -> None:
        if urlsplit(self.path).path == "/config.json":
            return self._serve_config(head=True)
        return super().do_HEAD()

    def list_directory(self, path):  # no directory listings
        self.send_error(HTTPStatus.NOT_FOUND, "Not found")
        return None


def make_server(
    host: str, port: int, dist: Path, rasa_url: str, socket_path: str = "/socket.io"
) -> ThreadingHTTPServer:
    if not (dist / "index.html").is_file():
        raise FileNotFoundError(f"{dist}/index.html missing: run `npm ci && npm run build` in web/")
    handler = partial(
        ChatPageHandler,
        directory=str(dist),
        headers=security_headers(rasa_url),
        config=json.dumps(page_config(rasa_url, socket_path)).encode(),
    )
    return ThreadingHTTPServer((host, port), handler)


def main() -> int:
    try:
        run = RunSettings.from_env()
        host, port = run.web_host, run.web_port
        rasa_url = run.rasa_url or f"http://localhost:{run.rasa_port}"
        server = make_server(host, port, run.web_dist, rasa_url, run.rasa_socket_path)
    except (ValueError, FileNotFoundError) as error:  # SettingsError is a ValueError
        print(f"web.server: {error}", file=sys.stderr)
        return 2
    print(f"Chat page: http://{'localhost' if host == '127.0.0.1' else host}:{port}/ (Rasa: {rasa_url})",
          flush=True)
    try:
        server.serve_forever()
    except KeyboardInterrupt:
        pass
    finally:
        server.server_close()
    return 0


if __name__ == "__main__":
    sys.exit(main())
