"""Fixtures of the robustness suite: the assistant with the project's guarded channels.

TEST_MODEL=/path/to/model.tar.gz runs the suite against another model than models/current.tar.gz.
"""

from __future__ import annotations

import os
from pathlib import Path

import pytest

from harness.stack import DEFAULT_CREDENTIALS, start_stack
from harness.stack import MODEL as DEFAULT_MODEL

MODEL = Path(os.environ.get("TEST_MODEL") or DEFAULT_MODEL)
LINE_SECRET = "robustness-line-secret"
LINE_TOKEN = "robustness-line-token"
# Global body limit (Sanic's REQUEST_MAX_SIZE), above the REST channel's own 64 KiB limit.
SANIC_MAX = 1024 * 1024
# Sanic waits up to 15 s for open connections (socket.io long-polls) when a server stops.
SERVER_ENV = {"SANIC_REQUEST_MAX_SIZE": str(SANIC_MAX), "SANIC_GRACEFUL_SHUTDOWN_TIMEOUT": "2"}


def pytest_configure(config):
    config.addinivalue_line(
        "markers",
        "pg_restart: restarts the tests' PostgreSQL (harness/services.py: the private one when the tests "
        "started it, else the machine's, with pg_ctlcluster); deselect with -m 'not pg_restart' when "
        "something else is using the machine's PostgreSQL",
    )


@pytest.fixture(scope="session")
def model() -> Path:
    if not MODEL.exists():
        pytest.fail(f"{MODEL} missing: run `make train` (make test does)")
    return MODEL


@pytest.fixture(scope="session")
def line_api():
    """A stand-in for LINE's Messaging API (tests/channels/standins.py)."""
    from tests.channels.standins import line_responder, serve

    with serve(line_responder) as api:
        yield api


@pytest.fixture(scope="session")
def guarded(tmp_path_factory, model, line_api):
    """The assistant with the project's guarded channels.rest / channels.socketio (the default
    credentials of harness/stack.py) and channels.line against the stand-in LINE API:
    default rate limit (20 messages / 60 s, in memory), SQLite tracker store."""
    credentials = dict(DEFAULT_CREDENTIALS)
    assert {"channels.rest.RestInput", "channels.socketio.SocketIOInput"} <= set(credentials)
    credentials["channels.line.LineInput"] = {
        "channel_secret": LINE_SECRET,
        "channel_access_token": LINE_TOKEN,
        "api_endpoint": line_api.url,
    }
    with start_stack(tmp_path_factory.mktemp("guarded"), credentials=credentials, env=SERVER_ENV, model=model) as stack:
        yield stack
