"""stores/sql.py with window_turns (stores/window.py): a message's tracker holds the last turns of its
conversation, the database every event exactly once; on SQLite and PostgreSQL."""

from __future__ import annotations

import asyncio
import json
from collections import namedtuple

import pytest
from rasa.shared.core.domain import Domain
from rasa.shared.core.events import (
    ActionExecuted,
    BotUttered,
    ConversationPaused,
    ConversationResumed,
    SlotSet,
    UserUttered,
)

from harness import services
from harness.cluster import fresh_database
from harness.stack import ROOT
from stores.sql import ResilientSQLTrackerStore
from stores.window import window

DOMAIN = Domain.load(str(ROOT / "domain.yml"))
Row = namedtuple("Row", "type_name action_name data")


def row(type_name, action_name=None, **data):
    return Row(type_name, action_name, json.dumps({"event": type_name, **data}))


OPENING = [row("action", "action_session_start"), row("session_started"), row("action", "action_listen")]


def turn(text, slot=None):
    rows = [row("user", text=text), row("action", "action_answer_topic"), row("bot", text="…")]
    if slot:
        rows.append(row("slot", name=slot[0], value=slot[1]))
    return [*rows, row("action", "action_listen")]


def test_a_short_conversation_is_kept_whole():
    rows = OPENING + turn("a") + turn("b")
    assert window(rows, 2) == rows and window(rows, 5) == rows


def test_the_window_keeps_the_opening_what_earlier_turns_left_and_the_last_turns():
    rows = (
        OPENING
        + turn("a", ("last_topic", "safety"))
        + turn("b", ("last_topic", "price"))
        + [row("pause")]
        + turn("c")
        + turn("d")
        + turn("e")
    )
    kept = window(rows, 2)
    texts = [json.loads(r.data).get("text") for r in kept if r.type_name == "user"]
    assert texts == ["d", "e"]
    assert kept[:3] == OPENING
    left = [json.loads(r.data) for r in kept[3:] if r.type_name in ("slot", "pause")]
    assert left == [{"event": "slot", "name": "last_topic", "value": "price"}, {"event": "pause"}]
    assert kept[5:] == rows[-9:], "the last two turns, from the listen before turn d"
    resumed = rows[:-12] + [row("resume")] + rows[-12:]
    assert not [r for r in window(resumed, 2) if r.type_name == "pause"], "a resumed pause is not carried"


@pytest.fixture(params=["sqlite", "postgresql"])
def store(request, tmp_path):
    if request.param == "sqlite":
        yield ResilientSQLTrackerStore(domain=DOMAIN, dialect="sqlite", db=str(tmp_path / "rasa.db"), window_turns=2)
        return
    pg = services.postgres()
    with fresh_database("test_window") as db:
        store = ResilientSQLTrackerStore(
            domain=DOMAIN, dialect="postgresql", host=pg.host, port=pg.port, db=db, username=pg.user, window_turns=2
        )
        yield store
        store.engine.dispose()


async def _conversation(store, sender):
    """Eight turns, saved after each the way Rasa does (retrieve, add the turn's events, save)."""
    tracker = await store.get_or_create_tracker(sender)
    await store.save(tracker)
    for i in range(8):
        tracker = await store.retrieve(sender)
        tracker.update(UserUttered(f"質問{i}", {"name": "ask_safety", "confidence": 0.9}))
        tracker.update(ActionExecuted("action_answer_topic"))
        tracker.update(BotUttered(f"答え{i}"))
        if i in (1, 4):
            tracker.update(SlotSet("last_topic", f"topic{i}"))
        if i == 5:
            tracker.update(ConversationPaused())
        if i == 6:
            tracker.update(ConversationResumed())
        tracker.update(ActionExecuted("action_listen"))
        await store.save(tracker)
        await store.save(tracker)  # saving twice stores nothing twice


def test_every_event_is_stored_once_and_the_tracker_holds_the_last_turns(store):
    asyncio.run(_conversation(store, "windowed"))
    full = asyncio.run(store.retrieve_full_tracker("windowed"))
    users = [e.text for e in full.events if isinstance(e, UserUttered)]
    assert users == [f"質問{i}" for i in range(8)]
    assert sum(isinstance(e, BotUttered) for e in full.events) == 8
    windowed = asyncio.run(store.retrieve("windowed"))
    assert [e.text for e in windowed.events if isinstance(e, UserUttered)] == ["質問6", "質問7"]
    assert windowed.get_slot("last_topic") == full.get_slot("last_topic") == "topic4"
    assert windowed.is_paused() == full.is_paused() is False
    assert windowed.latest_message.text == "質問7"


def test_without_a_window_the_store_behaves_as_rasas(tmp_path):
    store = ResilientSQLTrackerStore(domain=DOMAIN, dialect="sqlite", db=str(tmp_path / "rasa.db"))
    asyncio.run(_conversation(store, "whole"))
    tracker = asyncio.run(store.retrieve("whole"))
    assert sum(isinstance(e, UserUttered) for e in tracker.events) == 8


def test_the_window_is_wider_than_what_the_policies_look_back_on():
    """Both endpoints files window the tracker, and never closer than the policies look back (turns)."""
    import yaml

    config = yaml.safe_load((ROOT / "config.yml").read_text(encoding="utf-8"))
    looks_back = max(policy.get("max_history", 1) for policy in config["policies"])
    for name in ("endpoints.yml", "endpoints.production.yml"):
        store = yaml.safe_load((ROOT / name).read_text(encoding="utf-8"))["tracker_store"]
        assert store["type"] == "stores.sql.ResilientSQLTrackerStore", name
        assert store["window_turns"] >= looks_back + 2, name
