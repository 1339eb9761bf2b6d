"""LINE channel end to end: the real assistant (harness.stack) with channels.line.LineInput from
credentials.yml, and a local stand-in for LINE's Messaging API that records every reply."""

from __future__ import annotations

import json
import time
import uuid
from dataclasses import dataclass

import pytest
import requests
import yaml

from actions.choice import Choice, reply
from channels.credentials import active_credentials
from channels.line import LineInput
from channels.line_messages import (
    MAX_LABEL,
    MAX_MESSAGES,
    MAX_POSTBACK_DATA,
    MAX_QUICK_REPLIES,
    MAX_TEXT,
    TEXT_ONLY_NOTICE,
    line_len,
)
from harness.stack import MODEL, ROOT, Stack, start_stack
from knowledge import knowledge_base
from tests.channels.standins import (
    StandIn,
    line_responder,
    line_signature,
    serve,
    tracker_events,
    user_texts,
)

SECRET = "line-test-channel-secret"
TOKEN = "line-test-channel-access-token"
SAFETY_QUESTION = "副作用はありますか？"


@dataclass
class Line:
    stack: Stack
    api: StandIn

    @property
    def webhook(self) -> str:
        return f"{self.stack.url}/webhooks/line/webhook"

    @property
    def db(self):
        return self.stack.workdir / "rasa.db"

    def post(self, body, signature="sign", secret: str = SECRET) -> requests.Response:
        raw = body if isinstance(body, bytes) else json.dumps(body, ensure_ascii=False).encode()
        headers = {"Content-Type": "application/json; charset=utf-8"}
        if signature == "sign":
            headers["X-Line-Signature"] = line_signature(raw, secret)
        elif signature is not None:
            headers["X-Line-Signature"] = signature
        return requests.post(self.webhook, data=raw, headers=headers, timeout=30)

    def replies(self, reply_token: str):
        return self.api.matching(lambda r: r["body"].get("replyToken") == reply_token)

    def wait_reply(self, reply_token: str) -> dict:
        request = self.api.wait_for(lambda r: r["body"].get("replyToken") == reply_token)[0]
        assert request["path"] == "/v2/bot/message/reply"
        assert request["headers"]["authorization"] == f"Bearer {TOKEN}"
        check_limits(request["body"])
        return request["body"]


def check_limits(body: dict) -> None:
    """What LINE accepts in a reply."""
    messages = body["messages"]
    assert 1 <= len(messages) <= MAX_MESSAGES
    for message in messages[:-1]:
        assert not message.get("quickReply")
    for message in messages:
        if message["type"] == "text":
            assert message["text"].strip() and line_len(message["text"]) <= MAX_TEXT
    quick = messages[-1].get("quickReply")
    if quick:
        assert 1 <= len(quick["items"]) <= MAX_QUICK_REPLIES
        for item in quick["items"]:
            action = item["action"]
            assert item["type"] == "action" and action["type"] == "postback"
            assert 1 <= line_len(action["label"]) <= MAX_LABEL
            assert action["data"] and line_len(action["data"]) <= MAX_POSTBACK_DATA
            assert action["displayText"]


def event(kind: str = "message", user: str = None, reply_token: str = None, **fields) -> dict:
    body = {
        "type": kind,
        "mode": "active",
        "timestamp": int(time.time() * 1000),
        "source": {"type": "user", "userId": user or new_id("U")},
        "webhookEventId": new_id("01H"),
        "deliveryContext": {"isRedelivery": False},
        "replyToken": reply_token or new_id("rt-"),
    }
    body.update(fields)
    return body


def text_event(text: str, **kwargs) -> dict:
    return event(message={"id": new_id(""), "type": "text", "text": text, "quoteToken": "q"}, **kwargs)


def payload(*events) -> dict:
    return {"destination": "Ubot0000000000000000000000000000", "events": list(events)}


def new_id(prefix: str) -> str:
    return prefix + uuid.uuid4().hex


def expected_answer(topic_id: str) -> str:
    kb = knowledge_base()
    return reply(Choice("topic", kb.get(topic_id)), kb)[0]["text"]


def expected_payloads(topic_id: str) -> list:
    kb = knowledge_base()
    return [b["payload"] for b in reply(Choice("topic", kb.get(topic_id)), kb)[0]["buttons"]][:MAX_QUICK_REPLIES]


@pytest.fixture(scope="module")
def line(tmp_path_factory):
    if not MODEL.exists():
        pytest.fail(f"{MODEL} missing: run `make train` (make test does)")
    with serve(line_responder) as api:
        env = {
            "LINE_CHANNEL_SECRET": SECRET,
            "LINE_CHANNEL_ACCESS_TOKEN": TOKEN,
            "LINE_API_ENDPOINT": api.url,
        }
        template = yaml.safe_load((ROOT / "credentials.yml").read_text(encoding="utf-8"))
        credentials, on, _ = active_credentials(template, env)
        assert "line" in on and "slack" not in on
        with start_stack(tmp_path_factory.mktemp("line"), credentials=credentials, env=env) as stack:
            yield Line(stack, api)


def test_health(line):
    assert requests.get(f"{line.stack.url}/webhooks/line/", timeout=10).json() == {"status": "ok"}


def test_question_answered_from_the_knowledge_base(line):
    user, token = new_id("U"), new_id("rt-")
    response = line.post(payload(text_event(SAFETY_QUESTION, user=user, reply_token=token)))
    assert response.status_code == 200
    body = line.wait_reply(token)
    texts = [m["text"] for m in body["messages"] if m["type"] == "text"]
    assert texts[0] == expected_answer("safety")
    items = body["messages"][-1]["quickReply"]["items"]
    feedback = [f'/feedback{{"rating":"{rating}"}}' for _, rating in LineInput.FEEDBACK]
    assert [i["action"]["data"] for i in items] == expected_payloads("safety") + feedback
    kb = knowledge_base()
    titles = {kb.get(t).title for t in kb.get("safety").followups} | {"もっと詳しく"}
    titles |= {label for label, _ in LineInput.FEEDBACK}
    assert {i["action"]["displayText"] for i in items} == titles
    # the conversation is the LINE user's, stored by Rasa
    assert user_texts(line.db, user) == [SAFETY_QUESTION]
    user_event = [e for e in tracker_events(line.db, user) if e["type"] == "user"][0]
    assert user_event["input_channel"] == "line"
    assert user_event["parse_data"]["intent"]["name"] == "ask_safety"


def test_postback_data_is_the_user_message(line):
    user, token = new_id("U"), new_id("rt-")
    postback = event("postback", user=user, reply_token=token, postback={"data": "/ask_safety"})
    assert line.post(payload(postback)).status_code == 200
    body = line.wait_reply(token)
    assert body["messages"][0]["text"] == expected_answer("safety")
    # a quick reply from that answer, tapped: its data goes to Rasa as it is
    more = event("postback", user=user, reply_token=new_id("rt-"), postback={"data": "/ask_more_detail"})
    assert line.post(payload(more)).status_code == 200
    detail = line.wait_reply(more["replyToken"])
    assert detail["messages"][0]["text"].startswith(knowledge_base().render(knowledge_base().get("safety").detail))
    assert user_texts(line.db, user) == ["/ask_safety", "/ask_more_detail"]


def test_follow_gets_the_greeting(line):
    user, token = new_id("U"), new_id("rt-")
    assert line.post(payload(event("follow", user=user, reply_token=token))).status_code == 200
    body = line.wait_reply(token)
    domain = yaml.safe_load((ROOT / "domain.yml").read_text(encoding="utf-8"))
    greeting = domain["responses"]["utter_greet"][0]
    assert body["messages"][0]["text"] == greeting["text"].strip()
    items = body["messages"][-1]["quickReply"]["items"]
    assert [i["action"]["data"] for i in items][: len(greeting["buttons"])] == [
        b["payload"] for b in greeting["buttons"]
    ]
    assert user_texts(line.db, user) == ["/greet"]


@pytest.mark.parametrize(
    "message",
    [
        {"type": "sticker", "packageId": "446", "stickerId": "1988", "stickerResourceType": "STATIC"},
        {"type": "image", "contentProvider": {"type": "line"}},
        {"type": "audio", "duration": 6000, "contentProvider": {"type": "line"}},
        {"type": "video", "duration": 6000, "contentProvider": {"type": "line"}},
        {"type": "file", "fileName": "検査結果.pdf", "fileSize": 2048},
        {"type": "location", "title": "クリニック", "address": "東京都", "latitude": 35.6, "longitude": 139.7},
    ],
    ids=lambda m: m["type"],
)
def test_non_text_messages_get_the_text_only_notice_without_nlu(line, message):
    user, token = new_id("U"), new_id("rt-")
    message = {"id": new_id(""), **message}
    assert line.post(payload(event(user=user, reply_token=token, message=message))).status_code == 200
    body = line.wait_reply(token)
    assert body["messages"] == [{"type": "text", "text": TEXT_ONLY_NOTICE}]
    assert tracker_events(line.db, user) == []  # Rasa (and NLU) never saw it


def test_several_events_in_one_webhook(line):
    events = [text_event(SAFETY_QUESTION) for _ in range(3)] + [event("unfollow")]
    assert line.post(payload(*events)).status_code == 200
    for e in events[:3]:
        assert line.wait_reply(e["replyToken"])["messages"][0]["text"] == expected_answer("safety")
    time.sleep(1)
    assert not line.replies(events[3]["replyToken"])  # unfollow: ignored


def test_group_conversation_uses_the_group_id(line):
    group, token = new_id("C"), new_id("rt-")
    source = {"type": "group", "groupId": group, "userId": new_id("U")}
    assert line.post(payload(text_event(SAFETY_QUESTION, reply_token=token, source=source))).status_code == 200
    line.wait_reply(token)
    assert user_texts(line.db, group) == [SAFETY_QUESTION]


def test_redelivered_event_is_answered_once(line):
    user, token = new_id("U"), new_id("rt-")
    original = text_event(SAFETY_QUESTION, user=user, reply_token=token)
    assert line.post(payload(original)).status_code == 200
    line.wait_reply(token)
    redelivery = {**original, "deliveryContext": {"isRedelivery": True}}
    assert line.post(payload(redelivery)).status_code == 200
    assert line.post(payload(original)).status_code == 200  # the very same delivery again
    time.sleep(2)
    barrier = text_event("ありがとうございます", user=user)
    assert line.post(payload(barrier)).status_code == 200
    line.wait_reply(barrier["replyToken"])
    assert len(line.replies(token)) == 1
    assert user_texts(line.db, user) == [SAFETY_QUESTION, "ありがとうございます"]


def test_redelivery_of_an_event_never_seen_is_answered(line):
    first_seen_as_redelivery = text_event(SAFETY_QUESTION, deliveryContext={"isRedelivery": True})
    assert line.post(payload(first_seen_as_redelivery)).status_code == 200
    line.wait_reply(first_seen_as_redelivery["replyToken"])


def test_missing_signature_is_400(line):
    user = new_id("U")
    response = line.post(payload(text_event(SAFETY_QUESTION, user=user)), signature=None)
    assert response.status_code == 400
    time.sleep(1)
    assert tracker_events(line.db, user) == []


def test_forged_signature_is_403_and_nothing_reaches_rasa(line):
    user, token = new_id("U"), new_id("rt-")
    body = payload(text_event(SAFETY_QUESTION, user=user, reply_token=token))
    assert line.post(body, secret="not-the-channel-secret").status_code == 403
    assert line.post(body, signature="bm90IGEgc2lnbmF0dXJl").status_code == 403
    # a signature of another body does not pass either
    other = json.dumps(payload(text_event("こんにちは")), ensure_ascii=False).encode()
    assert line.post(body, signature=line_signature(other, SECRET)).status_code == 403
    time.sleep(3)
    assert line.replies(token) == []
    assert tracker_events(line.db, user) == []


@pytest.mark.parametrize(
    "raw",
    [
        b"{not json",
        b"[]",
        b'{"events": "oops"}',
        b'{"events": [{"no": "type"}]}',
        b"",
        "\ud800".encode("utf-8", "surrogatepass"),
    ],
    ids=["broken-json", "list", "events-not-list", "event-without-type", "empty", "not-utf8"],
)
def test_signed_malformed_body_is_400(line, raw):
    response = line.post(raw)
    assert response.status_code == 400, response.text


def test_webhook_verification_with_no_events_is_200(line):
    assert line.post(payload()).status_code == 200


def test_expired_reply_token_is_logged_not_fatal(line):
    user = new_id("U")
    assert line.post(payload(text_event(SAFETY_QUESTION, user=user, reply_token="expired-token"))).status_code == 200
    line.api.wait_for(lambda r: r["body"].get("replyToken") == "expired-token")
    deadline = time.monotonic() + 20
    while "LINE reply failed: 400" not in line.stack.rasa_log.read_text() and time.monotonic() < deadline:
        time.sleep(0.2)
    assert "LINE reply failed: 400" in line.stack.rasa_log.read_text()
    # and the channel still answers
    follow_up = text_event(SAFETY_QUESTION, user=user)
    assert line.post(payload(follow_up)).status_code == 200
    line.wait_reply(follow_up["replyToken"])
