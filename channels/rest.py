"""Rasa's REST channel with the patient guard and polite answers to bad requests.

Registered in credentials.yml as `channels.rest.RestInput:` in place of `rest:`; same URL
(/webhooks/rest/webhook), same request and reply format as Rasa's RestInput:
    POST {"sender": "<id>", "message": "<text>", "metadata": {...}}  ->  200 [{"recipient_id", "text", ...}]

What differs (stock Rasa 3.6 answers these with 500 or an HTML error page):
- body over REST_MAX_BODY_BYTES (default 65536 bytes = 64 KiB)     -> 413
- not JSON, not a JSON object, or `sender` missing / not a string (an integer is accepted) /
  longer than 255 characters / with control characters, `message` not a string,
  `metadata` not an object                                         -> 400
  Both with a JSON body {"error": "<code>", "detail": "<why, English>", "text": "<polite Japanese>"}.
- A missing `sender` is an error here: stock Rasa files every such message under one shared
  conversation called "default", mixing different patients' questions.
- Over the per-sender rate limit: HTTP 200 with one polite reply, as for any answer (clients need
  no special case; LINE-style webhooks must answer 200 anyway). See channels/guard.py.
- Nothing answered (action server or tracker store down): HTTP 200 with the polite
  "temporarily unavailable" reply instead of an empty list.

Sanic reads a request's whole body before any handler runs, up to its REQUEST_MAX_SIZE (100 MB by
default, for every route): set SANIC_REQUEST_MAX_SIZE (e.g. 1048576) in the server's environment
so larger bodies are refused (413, Sanic's plain-text page) before they are read; keep it above
REST_MAX_BODY_BYTES so REST clients get the polite 413 from here.
"""

from __future__ import annotations

import asyncio
import json
import logging
from typing import Any, Awaitable, Callable, Dict, Optional, Text, Union

import rasa.utils.endpoints
from rasa.core.channels.channel import CollectingOutputChannel, UserMessage
from rasa.core.channels.rest import RestInput as RasaRestInput
from sanic import Blueprint, response
from sanic.request import Request
from sanic.response import HTTPResponse, ResponseStream

from channels.guard import (
    NOT_TEXT_TEXT,
    TOO_LARGE_TEXT,
    Guard,
    message_problem,
    sender_problem,
)

logger = logging.getLogger(__name__)


def polite_error(status: int, error: str, detail: str, text: str) -> HTTPResponse:
    return response.json({"error": error, "detail": detail, "text": text}, status=status)


def request_problem(payload: Any) -> Optional[str]:
    """Why a parsed request body is not a message (None if it is one)."""
    if not isinstance(payload, dict):
        return "the body must be a JSON object"
    problem = sender_problem(payload.get("sender"))
    if problem:
        return problem
    problem = message_problem(payload.get("message"), payload.get("metadata"))
    if problem:
        return problem
    if not isinstance(payload.get("input_channel") or "", str):
        return "input_channel must be a string"
    return None


class RestInput(RasaRestInput):
    @classmethod
    def name(cls) -> Text:
        return "rest"

    @classmethod
    def from_credentials(cls, credentials: Optional[Dict[Text, Any]]) -> "RestInput":
        return cls()

    def __init__(self, guard: Optional[Guard] = None, max_body: Optional[int] = None) -> None:
        self.guard = guard or Guard.from_env()
        self.max_body = max_body if max_body is not None else self.guard.settings.rest_max_body_bytes

    def blueprint(self, on_new_message: Callable[[UserMessage], Awaitable[None]]) -> Blueprint:
        on_new_message = self.guard.wrap(on_new_message)
        webhook = Blueprint("guarded_rest_webhook", __name__)

        @webhook.route("/", methods=["GET"])
        async def health(request: Request) -> HTTPResponse:
            return response.json({"status": "ok"})

        @webhook.route("/webhook", methods=["POST"])
        async def receive(request: Request) -> Union[ResponseStream, HTTPResponse]:
            body = request.body or b""
            if len(body) > self.max_body:
                return polite_error(413, "too_large", f"the body is larger than {self.max_body} bytes", TOO_LARGE_TEXT)
            try:
                payload = json.loads(body)
            except (ValueError, UnicodeDecodeError, RecursionError):
                return polite_error(400, "invalid_json", "the body is not valid JSON", NOT_TEXT_TEXT)
            problem = request_problem(payload)
            if problem:
                return polite_error(400, "invalid_message", problem, NOT_TEXT_TEXT)

            sender_id = str(payload["sender"])
            text = payload.get("message")
            metadata = payload.get("metadata")
            input_channel = payload.get("input_channel") or self.name()

            if rasa.utils.endpoints.bool_arg(request, "stream", default=False):
                return response.stream(
                    self.stream_response(on_new_message, text, sender_id, input_channel, metadata),
                    content_type="text/event-stream",
                )
            collector = CollectingOutputChannel()
            try:
                await on_new_message(
                    UserMessage(text, collector, sender_id, input_channel=input_channel, metadata=metadata)
                )
            except asyncio.CancelledError:
                logger.error("REST message of %r timed out", sender_id)
            return response.json(collector.messages)

        return webhook
