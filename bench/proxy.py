"""A small round-robin HTTP reverse proxy for tests and the load harness (loopback only).

Stands in for nginx in front of several Rasa servers: each request goes to the next backend in
turn (plain HTTP requests only: REST webhooks, health checks; not websockets). A backend that
refuses the connection is skipped for that request, the way nginx's `proxy_next_upstream error`
does; any other failure is a 502.

    python -m bench.proxy --port 8080 --backend http://127.0.0.1:5005 --backend http://127.0.0.1:5006
"""

from __future__ import annotations

import argparse
import itertools
import logging
from typing import List

import aiohttp
from aiohttp import web

HOP_BY_HOP = {
    "connection",
    "keep-alive",
    "proxy-authenticate",
    "proxy-authorization",
    "te",
    "trailers",
    "transfer-encoding",
    "upgrade",
    "host",
    "content-length",
}
logger = logging.getLogger("bench.proxy")


def make_app(backends: List[str], timeout: float = 60) -> web.Application:
    turn = itertools.cycle(range(len(backends)))

    async def on_startup(app: web.Application) -> None:
        app["session"] = aiohttp.ClientSession(
            timeout=aiohttp.ClientTimeout(total=timeout),
            connector=aiohttp.TCPConnector(limit=0),
            auto_decompress=False,
        )

    async def on_cleanup(app: web.Application) -> None:
        await app["session"].close()

    async def forward(request: web.Request) -> web.StreamResponse:
        body = await request.read()
        headers = {k: v for k, v in request.headers.items() if k.lower() not in HOP_BY_HOP}
        headers["X-Forwarded-For"] = request.remote or ""
        first = next(turn)
        for attempt in range(len(backends)):
            backend = backends[(first + attempt) % len(backends)]
            try:
                async with request.app["session"].request(
                    request.method,
                    backend + request.rel_url.path_qs,
                    data=body,
                    headers=headers,
                    allow_redirects=False,
                ) as upstream:
                    payload = await upstream.read()
                    out = {k: v for k, v in upstream.headers.items() if k.lower() not in HOP_BY_HOP}
                    out["X-Backend"] = backend
                    return web.Response(status=upstream.status, body=payload, headers=out)
            except aiohttp.ClientConnectorError as error:
                logger.warning("%s refused the connection (%s); trying the next one", backend, error)
            except Exception as error:  # noqa: BLE001 - a proxy answers 502 for any upstream fault
                logger.warning("%s failed: %r", backend, error)
                return web.Response(status=502, text="bad gateway")
        return web.Response(status=502, text="no backend reachable")

    app = web.Application(client_max_size=8 * 1024 * 1024)
    app.on_startup.append(on_startup)
    app.on_cleanup.append(on_cleanup)
    app.router.add_route("*", "/{tail:.*}", forward)
    return app


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--port", type=int, required=True)
    parser.add_argument("--backend", action="append", required=True)
    args = parser.parse_args()
    logging.basicConfig(level=logging.INFO)
    web.run_app(
        make_app([b.rstrip("/") for b in args.backend]),
        host="127.0.0.1",
        port=args.port,
        access_log=None,
        print=None,
    )


if __name__ == "__main__":
    main()
