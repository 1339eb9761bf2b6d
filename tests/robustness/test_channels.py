"""The guarded REST and socket.io channels (channels/rest.py, channels/socketio.py) on the real
assistant: polite 400 / 413 for bad requests, the per-sender rate limit, bodies over Sanic's limit.

What Rasa 3.6's stock RestInput does with the same requests (checked against the running stack):
an empty body or a JSON array is a 500; `message` not a string or a lone surrogate in it is a
200 with no answer at all; a missing `sender` files the message under one shared conversation
"default"; invalid JSON is Sanic's English 400; there is no rate limit.
"""

from __future__ import annotations

import json
import uuid

import pytest
import requests

from channels.guard import NOT_TEXT_TEXT, TOO_LARGE_TEXT
from knowledge import knowledge_base
from settings import GuardSettings
from tests.robustness.chat import SocketChat
from tests.robustness.conftest import SANIC_MAX

RATE_LIMITED_START = knowledge_base().phrases["rate_limited"].split("。")[0]


def post(stack, body: bytes, content_type: str = "application/json") -> requests.Response:
    return requests.post(
        f"{stack.url}/webhooks/rest/webhook",
        data=body,
        headers={"Content-Type": content_type},
        timeout=60,
    )


def new_sender(prefix: str) -> str:
    return f"{prefix}-{uuid.uuid4().hex[:12]}"


@pytest.mark.parametrize(
    "body, detail",
    [
        (b"{not json", "not valid JSON"),
        (b"", "not valid JSON"),
        (b"\xff\xfe\x00garbage", "not valid JSON"),
        (b"[]", "JSON object"),
        (b'"just a string"', "JSON object"),
        (b'{"message": "\xe5\x89\xaf\xe4\xbd\x9c\xe7\x94\xa8"}', "sender is missing"),
        (b'{"sender": ["x"], "message": "hi"}', "sender must be a string"),
        (b'{"sender": true, "message": "hi"}', "sender must be a string"),
        (b'{"sender": "a\\u0000b", "message": "hi"}', "control characters"),
        (json.dumps({"sender": "s" * 256, "message": "hi"}).encode(), "255 characters"),
        (b'{"sender": "x", "message": 12345}', "message must be a string"),
        (b'{"sender": "x", "message": {"text": "hi"}}', "message must be a string"),
        (b'{"sender": "x", "message": "hi", "metadata": [1]}', "metadata must be an object"),
        (b'{"sender": "x", "message": "hi", "input_channel": 5}', "input_channel"),
        (b"[" * 30_000 + b"]" * 30_000, "not valid JSON"),
    ],
    ids=[
        "malformed",
        "empty",
        "not-utf8",
        "array",
        "string",
        "no-sender",
        "list-sender",
        "bool-sender",
        "nul-sender",
        "long-sender",
        "number-message",
        "object-message",
        "list-metadata",
        "int-input-channel",
        "deep-nesting",
    ],
)
def test_bad_requests_get_a_polite_400(guarded, body, detail):
    response = post(guarded, body)
    assert response.status_code == 400, response.text
    answer = response.json()
    assert detail in answer["detail"]
    assert answer["text"] == NOT_TEXT_TEXT


def test_numeric_sender_is_accepted(guarded):
    response = post(guarded, json.dumps({"sender": 4711, "message": "こんにちは"}).encode())
    assert response.status_code == 200
    assert response.json()[0]["recipient_id"] == "4711"


def test_lone_surrogate_in_the_text_still_gets_an_answer(guarded):
    # Stock Rasa answers this with nothing (200, []): the surrogate breaks the tokenizer.
    response = post(guarded, b'{"sender": "surrogate", "message": "\\ud800\\u526f\\u4f5c\\u7528"}')
    assert response.status_code == 200
    assert response.json() and response.json()[0]["text"]


def test_body_over_the_rest_limit_gets_a_polite_413(guarded):
    text = "副作用" * (GuardSettings().rest_max_body_bytes // 3)  # ASCII-escaped by json.dumps: 18 bytes each
    response = post(guarded, json.dumps({"sender": "big", "message": text}).encode())
    assert response.status_code == 413
    assert response.json()["text"] == TOO_LARGE_TEXT


def test_body_just_under_the_rest_limit_is_answered(guarded):
    body = json.dumps({"sender": "big-ok", "message": "あ"}).encode()
    body = body[:-2] + b" " * (GuardSettings().rest_max_body_bytes - len(body)) + body[-2:]
    assert len(body) == GuardSettings().rest_max_body_bytes
    response = post(guarded, body)
    assert response.status_code == 200 and response.json()


def test_body_over_sanics_limit_is_refused_before_it_is_read(guarded):
    # SANIC_REQUEST_MAX_SIZE is global (every route): Sanic's own 413, not the channel's.
    response = post(guarded, b"x" * (SANIC_MAX + 1))
    assert response.status_code == 413
    assert guarded.say(new_sender("after-big"), "こんにちは")


def test_rest_rate_limit_answers_politely_with_200(guarded):
    sender = new_sender("flood")
    replies = [guarded.say(sender, "こんにちは") for _ in range(30)]
    limited = [r for r in replies if r[0]["text"].startswith(RATE_LIMITED_START)]
    assert all(not r[0]["text"].startswith(RATE_LIMITED_START) for r in replies[:20])
    assert limited, "30 messages in a few seconds: over 20 per 60 s"
    assert len(limited[0]) == 1
    other = guarded.say(new_sender("neighbour"), "こんにちは")
    assert not other[0]["text"].startswith(RATE_LIMITED_START), "other patients are not limited"


def test_socketio_answers_and_is_rate_limited(guarded):
    with SocketChat(guarded.url) as chat:
        first = chat.say("副作用ってありますか？")
        assert first[0]["text"] and not first[0]["text"].startswith(RATE_LIMITED_START)
        replies = chat.burst(["こんにちは"] * 30)
        assert any(reply["text"].startswith(RATE_LIMITED_START) for reply in replies)
    with SocketChat(guarded.url) as other:
        assert not other.say("こんにちは")[0]["text"].startswith(RATE_LIMITED_START)


def test_socketio_message_that_is_not_text_gets_a_polite_answer(guarded):
    with SocketChat(guarded.url) as chat:
        assert chat.say({"text": "副作用"})[0]["text"] == NOT_TEXT_TEXT
        assert chat.say(["a"])[0]["text"] == NOT_TEXT_TEXT
        assert chat.say("こんにちは")[0]["text"] != NOT_TEXT_TEXT
