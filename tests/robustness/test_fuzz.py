"""Property-based fuzzing of the patient channels on the real assistant (hypothesis).

REST webhook: any text gets an answer; any JSON, any bytes, any field types, bodies up to 1.2 MB
get 200 / 400 / 413, never a 5xx. socket.io: any text gets an answer; any event data leaves the
server answering. LINE webhook (when channels/line.py exists): unsigned or wrongly signed bodies
are refused, signed garbage is a 400, signed webhook bodies with any text are answered.
After each property the assistant still answers a normal question.
"""

from __future__ import annotations

import json
import uuid

import pytest
import requests
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from tests.robustness.chat import SocketChat
from tests.robustness.conftest import LINE_SECRET

FUZZ = settings(
    max_examples=40,
    deadline=None,
    database=None,
    suppress_health_check=[HealthCheck.too_slow, HealthCheck.data_too_large, HealthCheck.large_base_example],
)
FEW = settings(FUZZ, max_examples=12)

# Any Unicode text except lone surrogates (JSON cannot carry them unescaped; see below),
# control characters included.
any_text = st.text(st.characters(blacklist_categories=("Cs",)), max_size=800)
json_values = st.recursive(
    st.none() | st.booleans() | st.integers() | st.floats(allow_nan=False, allow_infinity=False) | any_text,
    lambda children: st.lists(children, max_size=5) | st.dictionaries(st.text(max_size=10), children, max_size=5),
    max_leaves=20,
)


def new_sender(prefix: str) -> str:
    return f"{prefix}-{uuid.uuid4().hex[:12]}"


def post(stack, body: bytes, headers=None) -> requests.Response:
    return requests.post(
        f"{stack.url}/webhooks/rest/webhook",
        data=body,
        headers=headers or {"Content-Type": "application/json"},
        timeout=60,
    )


def assert_still_answering(stack) -> None:
    replies = stack.say(new_sender("after-fuzz"), "副作用ってありますか？")
    assert replies and replies[0]["text"]


def assert_answered(replies) -> None:
    assert replies, "no answer"
    assert all(r.get("text") or r.get("buttons") or r.get("image") for r in replies), replies


def assert_polite_4xx(response: requests.Response, *codes: int) -> None:
    assert response.status_code in codes, (response.status_code, response.text[:300])
    if response.status_code in (400, 413) and "json" in response.headers.get("content-type", ""):
        body = response.json()
        assert body.get("text") or body.get("message"), body


# --- REST ------------------------------------------------------------------------------------


@FUZZ
@given(text=any_text)
def test_rest_any_text_gets_an_answer(guarded, text):
    response = post(guarded, json.dumps({"sender": new_sender("fz-text"), "message": text}).encode())
    assert response.status_code == 200, response.text[:300]
    assert_answered(response.json())


@FUZZ
@given(units=st.lists(st.integers(0xD800, 0xDFFF) | st.integers(0x20, 0x30FF), min_size=1, max_size=30))
def test_rest_lone_surrogates_get_an_answer(guarded, units):
    escaped = "".join(f"\\u{u:04x}" for u in units)
    body = f'{{"sender": "{new_sender("fz-sur")}", "message": "{escaped}"}}'.encode()
    response = post(guarded, body)
    assert response.status_code == 200, response.text[:300]
    assert_answered(response.json())


@FUZZ
@given(payload=json_values)
def test_rest_any_json_is_never_a_server_error(guarded, payload):
    assert_polite_4xx(post(guarded, json.dumps(payload).encode()), 200, 400)


@FUZZ
@given(
    sender=json_values | st.just(None),
    message=json_values,
    extra=st.dictionaries(st.sampled_from(["metadata", "input_channel", "stream"]), json_values),
)
def test_rest_any_field_types_are_never_a_server_error(guarded, sender, message, extra):
    payload = {"sender": sender, "message": message, **extra}
    response = post(guarded, json.dumps(payload).encode())
    assert_polite_4xx(response, 200, 400)
    if response.status_code == 200:
        assert_answered(response.json())


@FUZZ
@given(
    body=st.binary(max_size=4000),
    content_type=st.sampled_from(
        ["application/json", "text/plain", "application/x-www-form-urlencoded", "", "multipart/form-data"]
    ),
)
def test_rest_any_bytes_are_never_a_server_error(guarded, body, content_type):
    assert_polite_4xx(post(guarded, body, {"Content-Type": content_type}), 200, 400)


@FEW
@given(size=st.integers(60_000, 1_200_000), kind=st.sampled_from(["json-text", "garbage", "array"]))
def test_rest_big_bodies_are_refused_politely(guarded, size, kind):
    if kind == "json-text":
        body = json.dumps({"sender": new_sender("fz-big"), "message": "副" * (size // 6)}).encode()
    elif kind == "array":
        body = b"[" + b"1," * (size // 2) + b"1]"
    else:
        body = bytes(range(256)) * (size // 256)
    response = post(guarded, body)
    assert_polite_4xx(response, 200, 400, 413)
    if len(body) > 64 * 1024:
        assert response.status_code == 413


def test_rest_still_answering_after_fuzzing(guarded):
    assert_still_answering(guarded)


# --- socket.io -------------------------------------------------------------------------------


@FUZZ
@given(text=any_text)
def test_socketio_any_text_gets_an_answer(guarded, text):
    with SocketChat(guarded.url) as chat:
        assert_answered(chat.say(text, quiet=0.1))


@FUZZ
@given(event=st.sampled_from(["user_uttered", "session_request"]), data=json_values)
def test_socketio_any_event_data_leaves_the_server_answering(guarded, event, data):
    with SocketChat(guarded.url) as chat:
        chat.emit(data, event=event)
        if isinstance(data, dict):
            chat.emit({**data, "session_id": chat.session_id}, event=event)
        assert chat.say("こんにちは", quiet=0.1)


def test_socketio_still_answering_after_fuzzing(guarded):
    with SocketChat(guarded.url) as chat:
        assert_answered(chat.say("副作用ってありますか？"))
    assert_still_answering(guarded)


# --- LINE ------------------------------------------------------------------------------------


@pytest.fixture(scope="module")
def line(guarded):
    from tests.channels.standins import line_signature

    def send(body: bytes, signature) -> requests.Response:
        headers = {"Content-Type": "application/json; charset=utf-8"}
        if signature == "sign":
            headers["X-Line-Signature"] = line_signature(body, LINE_SECRET)
        elif signature is not None:
            headers["X-Line-Signature"] = signature
        return requests.post(f"{guarded.url}/webhooks/line/webhook", data=body, headers=headers, timeout=30)

    return send


def line_text_event(text: str, reply_token: str) -> dict:
    return {
        "type": "message",
        "mode": "active",
        "timestamp": 1700000000000,
        "source": {"type": "user", "userId": "U" + uuid.uuid4().hex},
        "webhookEventId": "01H" + uuid.uuid4().hex,
        "deliveryContext": {"isRedelivery": False},
        "replyToken": reply_token,
        "message": {"id": uuid.uuid4().hex[:16], "type": "text", "text": text, "quoteToken": "q"},
    }


@FUZZ
@given(
    body=st.binary(max_size=3000) | json_values.map(lambda v: json.dumps(v).encode()),
    signature=st.none() | st.text(st.characters(min_codepoint=0x21, max_codepoint=0x7E), max_size=60),
)
def test_line_unsigned_bodies_are_refused(line, body, signature):
    response = line(body, signature)
    assert response.status_code in (400, 403), (response.status_code, response.text[:200])


@FUZZ
@given(body=st.binary(max_size=3000) | json_values.map(lambda v: json.dumps(v).encode()))
def test_line_signed_garbage_is_never_a_server_error(line, body):
    response = line(body, "sign")
    assert response.status_code in (200, 400), (response.status_code, response.text[:200])


def test_line_signed_events_with_any_text_are_answered(line, line_api):
    tokens = []

    @FUZZ
    @given(text=any_text.filter(lambda t: t.strip()))
    def send(text):
        token = "rt-" + uuid.uuid4().hex
        body = json.dumps({"destination": "U" + "0" * 32, "events": [line_text_event(text, token)]}).encode()
        assert line(body, "sign").status_code == 200
        tokens.append(token)

    send()
    wanted = set(tokens)
    line_api.wait_for(
        lambda r: isinstance(r["body"], dict) and r["body"].get("replyToken") in wanted, count=len(wanted), timeout=120
    )
