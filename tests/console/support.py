"""Test support for the staff console: real databases (SQLite file, fresh PostgreSQL database)
and conversations written by Rasa's own SQLTrackerStore or by driving the real assistant."""

from __future__ import annotations

import asyncio
import contextlib
import re
import shutil
import time
import uuid
from dataclasses import dataclass
from pathlib import Path
from typing import Dict, Iterator, List, Optional

from rasa.core.tracker_store import SQLTrackerStore
from rasa.shared.core.domain import Domain
from rasa.shared.core.events import (
    ActionExecuted,
    BotUttered,
    SessionStarted,
    SlotSet,
    UserUttered,
)
from rasa.shared.core.trackers import DialogueStateTracker
from starlette.testclient import TestClient

from console import auth, db
from console.app import create_app
from harness import cluster, services
from settings import ROOT, ConsoleSettings

SECRET = "test-secret-" + "x" * 40
PASSWORD = "correct horse battery"


@dataclass
class Database:
    """A database both Rasa (tracker store endpoint config) and the console (URL) can use."""

    kind: str
    url: str
    tracker_store: Dict


def _sqlite(path: Path) -> Database:
    return Database("sqlite", f"sqlite:///{path}", {"type": "SQL", "dialect": "sqlite", "db": str(path)})


@contextlib.contextmanager
def _postgres(template: Optional[str] = None) -> Iterator[Database]:
    """A database of the tests' PostgreSQL (harness/services.py), empty or a copy of `template`."""
    pg = services.postgres()
    with cluster.fresh_database("console_test", template) as name:
        yield Database(
            "postgresql",
            pg.url(name, driver="postgresql+psycopg2"),
            {"type": "SQL", "dialect": "postgresql", "url": pg.host, "port": pg.port, "db": name, "username": pg.user},
        )


@contextlib.contextmanager
def fresh_database(kind: str, tmp: Path) -> Iterator[Database]:
    """An empty SQLite file, or a new PostgreSQL database dropped afterwards."""
    if kind == "sqlite":
        yield _sqlite(tmp / f"rasa-{uuid.uuid4().hex[:8]}.db")
    else:
        with _postgres() as database:
            yield database


@contextlib.contextmanager
def copy_of(database: Database, tmp: Path) -> Iterator[Database]:
    """A copy of the database (file copy / PostgreSQL TEMPLATE) to change freely."""
    if database.kind == "sqlite":
        path = tmp / f"copy-{uuid.uuid4().hex[:8]}.db"
        shutil.copyfile(database.tracker_store["db"], path)
        yield _sqlite(path)
    else:
        with _postgres(template=database.tracker_store["db"]) as copy:
            yield copy


def rasa_store(database: Database) -> SQLTrackerStore:
    """Rasa's own SQL tracker store on this database (the code `rasa run` uses)."""
    cfg = {k: v for k, v in database.tracker_store.items() if k not in ("type", "url")}
    if "url" in database.tracker_store:  # endpoints.yml says `url`, the class takes `host`
        cfg["host"] = database.tracker_store["url"]
    return SQLTrackerStore(Domain.load(ROOT / "domain.yml"), **cfg)


class Conversation:
    """Builds a conversation's events the way Rasa logs them, then saves it with Rasa's store."""

    def __init__(self, sender: str, start: float, channel: str = "socketio"):
        self.sender, self.t, self.channel = sender, start, channel
        self.events = [
            ActionExecuted("action_session_start", timestamp=start),
            SessionStarted(timestamp=start),
            ActionExecuted("action_listen", timestamp=start),
        ]

    def _tick(self) -> float:
        self.t += 1.0
        return self.t

    def user(
        self,
        text: str,
        intent: str,
        confidence: float = 0.95,
        entities: Optional[List[Dict]] = None,
        ranking: Optional[List] = None,
    ) -> "Conversation":
        ranking = ranking or [{"name": intent, "confidence": confidence}]
        parse_data = {
            "intent": {"name": intent, "confidence": confidence},
            "entities": entities or [],
            "intent_ranking": ranking,
            "text": text,
        }
        self.events.append(
            UserUttered(
                text,
                parse_data["intent"],
                entities or [],
                parse_data=parse_data,
                input_channel=self.channel,
                timestamp=self._tick(),
            )
        )
        return self

    def action(
        self, name: str, text: Optional[str] = None, buttons=None, topic: Optional[str] = None
    ) -> "Conversation":
        t = self._tick()
        self.events.append(ActionExecuted(name, timestamp=t))
        if text is not None:
            self.events.append(BotUttered(text, {"buttons": buttons} if buttons else {}, timestamp=t))
        if topic:
            self.events.append(SlotSet("last_topic", topic, timestamp=t))
        self.events.append(ActionExecuted("action_listen", timestamp=t))
        return self

    def new_session(self, gap: float) -> "Conversation":
        self.t += gap
        self.events += [
            ActionExecuted("action_session_start", timestamp=self.t),
            SessionStarted(timestamp=self.t),
            ActionExecuted("action_listen", timestamp=self.t),
        ]
        return self


def save(store: SQLTrackerStore, conversations: List[Conversation]) -> None:
    for conv in conversations:
        tracker = DialogueStateTracker.from_events(conv.sender, conv.events, store.domain.slots)
        asyncio.run(store.save(tracker))


def make_settings(url: str, **overrides) -> ConsoleSettings:
    return ConsoleSettings.from_env({"CONSOLE_DATABASE_URL": url, "CONSOLE_SECRET_KEY": SECRET}, **overrides)


def add_user(url: str, name: str = "nurse", password: str = PASSWORD) -> None:
    engine = db.make_engine(url)
    db.init_db(engine)
    if name not in {row.username for row in auth.list_users(engine)}:
        auth.create_user(engine, name, password)
    engine.dispose()


def csrf_from(html: str) -> str:
    match = re.search(r'name="csrf_token" value="([^"]+)"', html)
    assert match, "no CSRF token in the page"
    return match.group(1)


def login(client: TestClient, name: str = "nurse", password: str = PASSWORD):
    token = csrf_from(client.get("/login").text)
    return client.post(
        "/login",
        data={"username": name, "password": password, "csrf_token": token, "next": "/"},
        follow_redirects=False,
    )


def logged_in_client(settings: ConsoleSettings) -> TestClient:
    add_user(settings.database_url)
    client = TestClient(create_app(settings))
    response = login(client)
    assert response.status_code == 303, response.text
    return client


def days_ago(days: float) -> float:
    return time.time() - days * 86400
