"""Database access: Rasa's `events` table (read-only) and the console's own `console_*` tables.

Rasa creates and writes `events` (rasa/core/tracker_store.py, SQLTrackerStore); the console only
reads it, except `purge` (console/retention.py), which deletes whole old conversations. The
console's tables live in the same database (SQLite file or PostgreSQL) and are created here, never
Rasa's.
"""

from __future__ import annotations

import warnings
from typing import Any, Dict, Iterator, List, Optional

import sqlalchemy as sa
from sqlalchemy.engine import Engine

with warnings.catch_warnings(record=True):
    # Loading Rasa's tracker store warns that its legacy declarative_base() will not work with
    # SQLAlchemy 2.0, and installs Rasa's own warning filters: neither concerns the console, so
    # both stay inside this block.
    from rasa.core.tracker_store import SQLTrackerStore

# Rasa's own table object (in Rasa's metadata, which the console never `create_all`s): the same
# columns Rasa writes, so the console reads exactly what the tracker store stores.
events: sa.Table = SQLTrackerStore.SQLEvent.__table__

metadata = sa.MetaData()

users = sa.Table(
    "console_users",
    metadata,
    sa.Column("id", sa.Integer, primary_key=True, autoincrement=True),
    sa.Column("username", sa.String(64), nullable=False, unique=True),
    sa.Column("password_hash", sa.String(255), nullable=False),
    sa.Column("created_at", sa.Float, nullable=False),
    sa.Column("last_login_at", sa.Float),
)

sessions = sa.Table(
    "console_sessions",
    metadata,
    # HMAC of the cookie's token under CONSOLE_SECRET_KEY: the table alone opens no session.
    sa.Column("token_hash", sa.String(64), primary_key=True),
    sa.Column("user_id", sa.Integer, nullable=False, index=True),
    sa.Column("created_at", sa.Float, nullable=False),
    sa.Column("expires_at", sa.Float, nullable=False),
)

login_attempts = sa.Table(
    "console_login_attempts",
    metadata,
    sa.Column("key", sa.String(64), primary_key=True),  # sha256 of username + IP
    sa.Column("failures", sa.Integer, nullable=False),
    sa.Column("locked_until", sa.Float, nullable=False),
    sa.Column("updated_at", sa.Float, nullable=False),
)

# Derived from `events` by console/index.py: one row per conversation (sender) and one per
# patient message, texts already masked. Rebuilt for a sender whenever its events change.
conversations = sa.Table(
    "console_conversations",
    metadata,
    sa.Column("sender_id", sa.String(255), primary_key=True),
    sa.Column("conv_key", sa.String(32), nullable=False, unique=True),
    sa.Column("first_ts", sa.Float),
    sa.Column("last_ts", sa.Float, index=True),
    sa.Column("channel", sa.String(32)),
    sa.Column("turns", sa.Integer, nullable=False),
    sa.Column("first_question", sa.Text),
    sa.Column("search_text", sa.Text),
    sa.Column("event_count", sa.Integer, nullable=False),
    sa.Column("max_event_id", sa.Integer, nullable=False),
    sa.Column("fell_back", sa.Boolean, nullable=False),
    sa.Column("asked_human", sa.Boolean, nullable=False),
    sa.Column("emergency", sa.Boolean, nullable=False),
    sa.Column("negative_feedback", sa.Boolean, nullable=False),
    sa.Column("min_confidence", sa.Float),
)

messages = sa.Table(
    "console_messages",
    metadata,
    sa.Column("event_id", sa.Integer, primary_key=True, autoincrement=False),
    sa.Column("sender_id", sa.String(255), nullable=False, index=True),
    sa.Column("ts", sa.Float),
    sa.Column("day", sa.String(10), index=True),
    sa.Column("channel", sa.String(32)),
    sa.Column("text", sa.Text),
    sa.Column("intent", sa.String(255), index=True),
    sa.Column("confidence", sa.Float),
    sa.Column("fallback", sa.Boolean, nullable=False),
    sa.Column("rating", sa.String(16)),
    sa.Column("is_payload", sa.Boolean, nullable=False),
)

meta = sa.Table(
    "console_meta",
    metadata,
    sa.Column("key", sa.String(64), primary_key=True),
    sa.Column("value", sa.Text),
)

reviews = sa.Table(
    "console_reviews",
    metadata,
    sa.Column("sender_id", sa.String(255), primary_key=True),
    sa.Column("reviewed", sa.Boolean, nullable=False),
    sa.Column("reviewed_by", sa.String(64)),
    sa.Column("reviewed_at", sa.Float),
    sa.Column("note", sa.Text),
    sa.Column("updated_by", sa.String(64)),
    sa.Column("updated_at", sa.Float),
)

tags = sa.Table(
    "console_tags",
    metadata,
    sa.Column("sender_id", sa.String(255), primary_key=True),
    sa.Column("tag", sa.String(64), primary_key=True),
    sa.Column("created_by", sa.String(64)),
    sa.Column("created_at", sa.Float),
)

corrections = sa.Table(
    "console_corrections",
    metadata,
    sa.Column("event_id", sa.Integer, primary_key=True, autoincrement=False),
    sa.Column("sender_id", sa.String(255), nullable=False, index=True),
    sa.Column("text", sa.Text, nullable=False),  # masked
    sa.Column("predicted_intent", sa.String(255)),
    sa.Column("intent", sa.String(255), nullable=False),
    sa.Column("created_by", sa.String(64)),
    sa.Column("created_at", sa.Float),
)

# Console rows that belong to one conversation: deleted with it by `purge`.
PER_SENDER_TABLES = (conversations, messages, reviews, tags, corrections)


def make_engine(url: str) -> Engine:
    kwargs: Dict[str, Any] = {"future": True, "pool_pre_ping": True}
    if url.startswith("sqlite"):
        # Rasa writes the same file: wait for its write lock instead of failing at once.
        kwargs["connect_args"] = {"timeout": 30, "check_same_thread": False}
    return sa.create_engine(url, **kwargs)


def init_db(engine: Engine) -> None:
    """Creates the console's tables (only those; Rasa creates `events`)."""
    if engine.url.get_backend_name() == "sqlite" and engine.url.database:
        from pathlib import Path

        Path(engine.url.database).parent.mkdir(parents=True, exist_ok=True)
    metadata.create_all(engine)


def chunks(sender_ids: List[str], size: int = 500) -> Iterator[List[str]]:
    """Sender ids in slices short enough for one `IN (...)` list."""
    for start in range(0, len(sender_ids), size):
        yield sender_ids[start : start + size]


def has_events_table(engine: Engine) -> bool:
    return sa.inspect(engine).has_table("events")


def get_meta(conn, key: str) -> Optional[str]:
    return conn.execute(sa.select(meta.c.value).where(meta.c.key == key)).scalar()


def set_meta(conn, key: str, value: str) -> None:
    conn.execute(sa.delete(meta).where(meta.c.key == key))
    conn.execute(sa.insert(meta).values(key=key, value=value))
