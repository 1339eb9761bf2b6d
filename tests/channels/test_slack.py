"""Slack channel end to end: the real assistant (harness.stack) with channels.slack.SlackInput from
credentials.yml, and a local stand-in for Slack's Web API that records every chat.postMessage."""

from __future__ import annotations

import json
import time
import uuid
from dataclasses import dataclass
from urllib.parse import urlencode

import pytest
import requests
import yaml

from actions.choice import Choice, reply
from channels.credentials import active_credentials
from harness.stack import MODEL, ROOT, Stack, start_stack
from knowledge import knowledge_base
from tests.channels.standins import (
    StandIn,
    serve,
    slack_responder,
    slack_signature,
    stored_user_texts,
    tracker_events,
    user_texts,
)

SIGNING_SECRET = "slack-test-signing-secret"
BOT_TOKEN = "xoxb-test-bot-token"
BOT_USER = "UBOT0001"
STAFF_CHANNEL = "CSTAFF001"
SAFETY_QUESTION = "副作用はありますか？"


def new_id(prefix: str) -> str:
    return prefix + uuid.uuid4().hex[:12].upper()


@dataclass
class Slack:
    stack: Stack
    api: StandIn

    @property
    def webhook(self) -> str:
        return f"{self.stack.url}/webhooks/slack/webhook"

    @property
    def db(self):
        return self.stack.workdir / "rasa.db"

    def post(
        self,
        raw: bytes,
        content_type: str = "application/json",
        secret: str = SIGNING_SECRET,
        timestamp: int = None,
        headers: dict = None,
    ) -> requests.Response:
        timestamp = int(time.time()) if timestamp is None else timestamp
        all_headers = {
            "Content-Type": content_type,
            "X-Slack-Request-Timestamp": str(timestamp),
            "X-Slack-Signature": slack_signature(raw, secret, timestamp),
            **(headers or {}),
        }
        return requests.post(self.webhook, data=raw, headers=all_headers, timeout=30)

    def send(self, body: dict, **kwargs) -> requests.Response:
        return self.post(json.dumps(body, ensure_ascii=False).encode(), **kwargs)

    def posts(self, channel: str):
        return self.api.matching(
            lambda r: r["path"].endswith("/chat.postMessage") and r["body"].get("channel") == channel
        )

    def wait_posts(self, channel: str, count: int = 1):
        found = self.api.wait_for(
            lambda r: r["path"].endswith("/chat.postMessage") and r["body"].get("channel") == channel,
            count=count,
        )
        for request in found:
            assert request["path"] == "/api/chat.postMessage"
            assert request["headers"]["authorization"] == f"Bearer {BOT_TOKEN}"
            assert "as_user" not in request["body"]
        return found


def event_body(
    text: str,
    user: str = None,
    channel: str = None,
    kind: str = "message",
    channel_type: str = "im",
    ts: str = None,
    **event_fields,
) -> dict:
    ts = ts or f"{time.time():.6f}"
    event = {
        "type": kind,
        "user": user or new_id("U"),
        "text": text,
        "ts": ts,
        "event_ts": ts,
        "channel": channel or new_id("D"),
        **event_fields,
    }
    if channel_type:
        event["channel_type"] = channel_type
    return {
        "token": "legacy-verification-token",
        "team_id": "T0001",
        "api_app_id": "A0001",
        "type": "event_callback",
        "event_id": new_id("Ev"),
        "event_time": int(time.time()),
        "authorizations": [{"team_id": "T0001", "user_id": BOT_USER, "is_bot": True}],
        "event": event,
    }


def expected_answer(topic_id: str = "safety") -> str:
    kb = knowledge_base()
    return reply(Choice("topic", kb.get(topic_id)), kb)[0]["text"]


def posted_text(posts) -> str:
    return "\n\n".join(p["body"].get("text") or "" for p in posts)


def assert_answer(posts, topic_id: str = "safety") -> None:
    text = posted_text(posts)
    for paragraph in expected_answer(topic_id).split("\n\n"):
        assert paragraph.strip() in text


@pytest.fixture(scope="module")
def slack(tmp_path_factory):
    if not MODEL.exists():
        pytest.fail(f"{MODEL} missing: run `make train` (make test does)")
    with serve(slack_responder) as api:
        env = {
            "SLACK_BOT_TOKEN": BOT_TOKEN,
            "SLACK_SIGNING_SECRET": SIGNING_SECRET,
            "SLACK_CHANNEL": STAFF_CHANNEL,
            "SLACK_API_URL": f"{api.url}/api/",
        }
        template = yaml.safe_load((ROOT / "credentials.yml").read_text(encoding="utf-8"))
        credentials, on, _ = active_credentials(template, env)
        assert "slack" in on and "line" not in on
        with start_stack(tmp_path_factory.mktemp("slack"), credentials=credentials, env=env) as stack:
            yield Slack(stack, api)


def test_url_verification_challenge(slack):
    challenge = "3eZbrw1aBm2rZgRNFdxV2595E9CY3gmdALWMmHkvFXO7tYXAYM8P"
    body = {"token": "t", "challenge": challenge, "type": "url_verification"}
    response = slack.send(body)
    assert response.status_code == 200
    assert response.json() == {"challenge": challenge}
    assert slack.send(body, secret="forged").status_code == 400


def test_direct_message_answered_via_chat_post_message(slack):
    body = event_body(SAFETY_QUESTION)
    user, channel = body["event"]["user"], body["event"]["channel"]
    response = slack.send(body)
    assert response.status_code == 200
    posts = slack.wait_posts(channel)
    assert_answer(posts)
    assert posts[0]["body"]["text"].strip() == expected_answer().split("\n\n")[0].strip()
    assert stored_user_texts(slack.db, user) == [SAFETY_QUESTION]
    user_event = [e for e in tracker_events(slack.db, user) if e["type"] == "user"][0]
    assert user_event["input_channel"] == "slack"
    assert user_event["parse_data"]["intent"]["name"] == "ask_safety"


def test_retries_are_answered_once(slack):
    body = event_body(SAFETY_QUESTION)
    user, channel = body["event"]["user"], body["event"]["channel"]
    assert slack.send(body).status_code == 200
    first = slack.wait_posts(channel)
    for number, reason in ((1, "http_timeout"), (2, "http_error"), (3, "connection_failed")):
        retry = slack.send(body, headers={"X-Slack-Retry-Num": str(number), "X-Slack-Retry-Reason": reason})
        assert retry.status_code in (200, 201)
        assert retry.headers.get("X-Slack-No-Retry") == "1"
    time.sleep(2)
    barrier = event_body("ありがとうございます", user=user, channel=channel)
    assert slack.send(barrier).status_code == 200
    deadline = time.monotonic() + 60
    while len(user_texts(slack.db, user)) < 2 and time.monotonic() < deadline:
        time.sleep(0.2)
    time.sleep(1)
    assert user_texts(slack.db, user) == [SAFETY_QUESTION, "ありがとうございます"]
    answers = [p for p in slack.posts(channel) if p["body"].get("text") in {q["body"]["text"] for q in first}]
    assert len(answers) == len(first)


def test_retry_of_a_message_never_seen_is_answered(slack):
    body = event_body(SAFETY_QUESTION)
    response = slack.send(body, headers={"X-Slack-Retry-Num": "1", "X-Slack-Retry-Reason": "http_error"})
    assert response.status_code == 200
    assert_answer(slack.wait_posts(body["event"]["channel"]))


def test_forged_or_stale_requests_rejected_and_nothing_reaches_rasa(slack):
    body = event_body(SAFETY_QUESTION)
    user, channel = body["event"]["user"], body["event"]["channel"]
    raw = json.dumps(body, ensure_ascii=False).encode()
    assert slack.post(raw, secret="not-the-signing-secret").status_code == 400
    assert slack.post(raw, timestamp=int(time.time()) - 600).status_code == 400  # replayed
    unsigned = requests.post(slack.webhook, data=raw, headers={"Content-Type": "application/json"}, timeout=30)
    assert unsigned.status_code == 400
    time.sleep(3)
    assert slack.posts(channel) == []
    assert tracker_events(slack.db, user) == []


def test_mention_answered_in_its_channel_once_and_other_channel_chatter_ignored(slack):
    ts = f"{time.time():.6f}"
    user = new_id("U")
    mention = event_body(
        f"<@{BOT_USER}> {SAFETY_QUESTION}",
        user=user,
        channel=STAFF_CHANNEL,
        kind="app_mention",
        channel_type=None,
        ts=ts,
    )
    # the same message in the staff channel also arrives as a plain `message` event
    message = event_body(
        f"<@{BOT_USER}> {SAFETY_QUESTION}", user=user, channel=STAFF_CHANNEL, channel_type="channel", ts=ts
    )
    assert slack.send(mention).status_code == 200
    assert slack.send(message).status_code == 200
    posts = slack.wait_posts(STAFF_CHANNEL)
    assert_answer(posts)
    time.sleep(3)
    assert len(slack.posts(STAFF_CHANNEL)) == len(posts)
    assert stored_user_texts(slack.db, user) == [SAFETY_QUESTION]  # the mention is stripped

    other = event_body(SAFETY_QUESTION, channel=new_id("C"), channel_type="channel")
    assert slack.send(other).status_code == 200
    time.sleep(2)
    assert slack.posts(other["event"]["channel"]) == []
    assert tracker_events(slack.db, other["event"]["user"]) == []


def test_bot_messages_ignored(slack):
    body = event_body("ボットの投稿です", bot_id="B0001")
    assert slack.send(body).status_code == 200
    time.sleep(2)
    assert slack.posts(body["event"]["channel"]) == []


def test_button_click_sends_its_value(slack):
    user, channel = new_id("U"), new_id("D")
    interaction = {
        "type": "block_actions",
        "user": {"id": user},
        "channel": {"id": channel},
        "message": {"ts": f"{time.time():.6f}"},
        "actions": [{"type": "button", "action_id": "a1", "value": "/ask_safety"}],
    }
    raw = urlencode({"payload": json.dumps(interaction, ensure_ascii=False)}).encode()
    assert slack.post(raw, content_type="application/x-www-form-urlencoded").status_code == 200
    assert_answer(slack.wait_posts(channel))
    assert stored_user_texts(slack.db, user) == ["/ask_safety"]


def test_malformed_json_with_valid_signature_is_400(slack):
    assert slack.post(b"{not json").status_code == 400
