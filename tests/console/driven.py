"""Conversations produced by driving the real assistant (harness/stack.py) over REST and
socket.io, into a SQLite file or a fresh PostgreSQL database."""

from __future__ import annotations

import time
import uuid
from dataclasses import dataclass, field
from pathlib import Path
from typing import Dict, List, Tuple

import pytest
import requests
import socketio

from harness.stack import MODEL, Stack, start_stack
from tests.console.seed import BAD, GOOD, PII_TEXT
from tests.console.support import Database

# name -> messages, sent in order by one REST sender each.
CONVERSATIONS: Dict[str, List[str]] = {
    "normal": ["副作用はありますか？", GOOD],
    # Nonsense: whether short nonsense falls back depends on the trained model (Rasa's tracker
    # tells which did); a message over 500 characters always does (LongMessageGuard).
    "fallback": ["asdfghjkl qwerty", "ぬぽぽぽぺぺ", "zxcvb", "あのー、" + "えっと" * 170],
    "human": ["スタッフと直接話したいです"],
    "emergency": ["点滴のあとから息が苦しいです"],
    "bad": ["注射は痛いですか", BAD],
    "pii": [PII_TEXT],
}
SOCKETIO_MESSAGES = ["セクレトーム療法とは何ですか？"]


FALLBACK_ACTIONS = {"action_did_you_mean", "action_default_fallback"}


@dataclass
class Driven:
    database: Database
    senders: Dict[str, str]
    replies: Dict[str, List[Tuple[str, List[Dict]]]] = field(default_factory=dict)
    # Rasa's own view of each conversation (HTTP API, not the database)
    trackers: Dict[str, Dict] = field(default_factory=dict)
    # when each conversation's last answer arrived, in sending order
    finished: List[Tuple[str, float]] = field(default_factory=list)

    def user_turns(self, name: str) -> List[Dict]:
        """Each patient message as Rasa reports it, with the actions that answered it."""
        turns: List[Dict] = []
        for event in self.trackers[name]["events"]:
            if event["event"] == "user":
                turns.append({"text": event["text"], "intent": event["parse_data"]["intent"]["name"], "actions": []})
            elif event["event"] == "action" and turns and event["name"] != "action_listen":
                turns[-1]["actions"].append(event["name"])
        return turns

    def fell_back(self, name: str) -> List[bool]:
        return [bool(FALLBACK_ACTIONS & set(t["actions"])) for t in self.user_turns(name)]

    def intents(self, name: str) -> List[str]:
        return [t["intent"] for t in self.user_turns(name)]


def say_socketio(stack: Stack, session_id: str, texts: List[str], timeout: float = 60) -> None:
    """Sends the texts as the web page does (socket.io, session persistence) and waits until
    Rasa has stored each answer. Waits on Rasa's tracker, not on `bot_uttered`: Rasa 3.6's own
    socket.io channel never delivers answers with python-socketio 5.10+ (channels/socketio.py
    fixes that for the real page), but it stores them all the same."""
    client = socketio.Client(reconnection=False)
    client.connect(stack.url, socketio_path="/socket.io", transports=["polling"], wait_timeout=timeout)
    try:
        client.emit("session_request", {"session_id": session_id})
        for count, text in enumerate(texts, start=1):
            client.emit("user_uttered", {"message": text, "session_id": session_id})
            deadline = time.monotonic() + timeout
            while True:
                events = requests.get(
                    f"{stack.url}/conversations/{session_id}/tracker", params={"include_events": "ALL"}, timeout=10
                ).json()
                events = events.get("events") or []
                users = [i for i, e in enumerate(events) if e["event"] == "user"]
                if len(users) >= count and any(e["event"] == "bot" for e in events[users[-1] :]):
                    break
                assert time.monotonic() < deadline, f"no stored answer to {text!r}"
                time.sleep(0.3)
    finally:
        client.disconnect()


def drive(database: Database, workdir: Path) -> Driven:
    if not MODEL.exists():
        pytest.fail(f"{MODEL} missing: run `make train` (make test does)")
    # letters only: a run of 7+ digits in a sender id is masked by the console like a phone number
    # (console/masking.py), and the tests could no longer find their conversations by it
    run = uuid.uuid4().hex[:8].translate(str.maketrans("0123456789", "ghijklmnop"))
    senders = {name: f"console-{name}-{run}" for name in CONVERSATIONS}
    senders["web"] = f"console-web-{run}"
    driven = Driven(database, senders)
    with start_stack(
        workdir, endpoints={"tracker_store": database.tracker_store}, extra_args=("--enable-api",)
    ) as stack:
        for name, texts in CONVERSATIONS.items():
            driven.replies[name] = [(text, stack.say(senders[name], text)) for text in texts]
            driven.finished.append((name, time.time()))
            time.sleep(0.05)
        say_socketio(stack, senders["web"], SOCKETIO_MESSAGES)
        driven.replies["web"] = [(text, []) for text in SOCKETIO_MESSAGES]
        driven.finished.append(("web", time.time()))
        for name, sender in senders.items():
            response = requests.get(
                f"{stack.url}/conversations/{sender}/tracker", params={"include_events": "ALL"}, timeout=30
            )
            response.raise_for_status()
            driven.trackers[name] = response.json()
    return driven
