"""The console's index of Rasa's events: one row per conversation and per patient message.

Flags and filters need the JSON in `events.data` (confidence, input channel, entities), which SQL
cannot search portably, so the console reads each conversation's events once and keeps what it
needs, masked, in `console_conversations` / `console_messages`. `sync` compares every sender's
event count and latest event id with the index and rebuilds the senders that changed (new
messages, or events deleted by `purge`); it is cheap when nothing changed. The events are read
by console/events.py's `walk`, the same walk the transcript uses.
"""

from __future__ import annotations

import threading
import unicodedata
from datetime import datetime
from typing import Dict, Iterable, List, Optional
from zoneinfo import ZoneInfo

import sqlalchemy as sa
from sqlalchemy.engine import Connection, Engine

from console import db
from console.events import EMERGENCY_INTENT, HUMAN_INTENT, Message, walk
from console.keys import conversation_key
from console.masking import mask

INDEX_VERSION = "1"

_lock = threading.Lock()


def search_form(text: str) -> str:
    """How texts are compared in searches: NFKC (全角/半角 alike) and lower case."""
    return unicodedata.normalize("NFKC", text or "").lower()


def local_day(ts: Optional[float], tz: ZoneInfo) -> Optional[str]:
    if ts is None:
        return None
    return datetime.fromtimestamp(ts, tz).strftime("%Y-%m-%d")


def summarize(sender_id: str, rows: Iterable, tz: ZoneInfo):
    """(conversation row, message rows) for one sender's events, ordered by id."""
    rows = list(rows)
    conversation = walk(rows)
    msgs = conversation.messages
    stamps = [row.timestamp for row in rows if row.timestamp is not None]
    typed = [m for m in msgs if not m.is_payload]
    confidences = [m.confidence for m in typed if m.confidence is not None]
    first = typed[0] if typed else (msgs[0] if msgs else None)
    summary = dict(
        sender_id=sender_id,
        conv_key=conversation_key(sender_id),
        first_ts=msgs[0].ts if msgs and msgs[0].ts else min(stamps, default=None),
        last_ts=max(stamps, default=None),
        channel=msgs[0].channel if msgs else "unknown",
        turns=len(msgs),
        first_question=mask(first.text) if first else "",
        search_text="\n".join(search_form(mask(m.text)) for m in msgs),
        event_count=len(rows),
        max_event_id=max((row.id for row in rows), default=0),
        fell_back=any(m.fallback for m in msgs),
        asked_human=any(m.intent == HUMAN_INTENT for m in msgs),
        emergency=conversation.emergency_action or any(m.intent == EMERGENCY_INTENT for m in msgs),
        negative_feedback=any(m.rating == "bad" for m in msgs),
        min_confidence=min(confidences) if confidences else None,
    )
    return summary, [_message_row(sender_id, m, tz) for m in msgs]


def _message_row(sender_id: str, m: Message, tz: ZoneInfo) -> Dict:
    return dict(
        event_id=m.event_id,
        sender_id=sender_id,
        ts=m.ts,
        day=local_day(m.ts, tz),
        channel=m.channel,
        text=mask(m.text),
        intent=m.intent,
        confidence=m.confidence,
        fallback=m.fallback,
        rating=m.rating,
        is_payload=m.is_payload,
    )


def _delete_senders(conn: Connection, sender_ids: List[str], tables) -> None:
    for chunk in db.chunks(sender_ids):
        for table in tables:
            conn.execute(sa.delete(table).where(table.c.sender_id.in_(chunk)))


def _rebuild(conn: Connection, sender_ids: List[str], tz: ZoneInfo) -> None:
    rows = conn.execute(
        sa.select(
            db.events.c.id,
            db.events.c.sender_id,
            db.events.c.type_name,
            db.events.c.timestamp,
            db.events.c.intent_name,
            db.events.c.action_name,
            db.events.c.data,
        )
        .where(db.events.c.sender_id.in_(sender_ids))
        .order_by(db.events.c.sender_id, db.events.c.id)
    ).all()
    by_sender: Dict[str, list] = {}
    for row in rows:
        by_sender.setdefault(row.sender_id, []).append(row)
    _delete_senders(conn, sender_ids, (db.conversations, db.messages))
    conv_rows, msg_rows = [], []
    for sender_id, sender_rows in by_sender.items():
        conversation, message_rows = summarize(sender_id, sender_rows, tz)
        conv_rows.append(conversation)
        msg_rows.extend(message_rows)
    if conv_rows:
        conn.execute(sa.insert(db.conversations), conv_rows)
    if msg_rows:
        conn.execute(sa.insert(db.messages), msg_rows)


def sync(engine: Engine, tz: ZoneInfo, chunk: int = 200) -> int:
    """Brings the index up to date with `events`; returns how many conversations were rebuilt.

    Each chunk of conversations is its own short transaction: on SQLite, Rasa writes to the
    same file and must not wait long for the lock."""
    with _lock:
        with engine.begin() as conn:
            settings = f"{INDEX_VERSION}|{tz.key}"
            if db.get_meta(conn, "index") != settings:
                conn.execute(sa.delete(db.conversations))
                conn.execute(sa.delete(db.messages))
                db.set_meta(conn, "index", settings)
            current = {}
            if sa.inspect(conn).has_table("events"):
                current = {
                    row.sender_id: (row.n, row.max_id)
                    for row in conn.execute(
                        sa.select(
                            db.events.c.sender_id,
                            sa.func.count().label("n"),
                            sa.func.max(db.events.c.id).label("max_id"),
                        ).group_by(db.events.c.sender_id)
                    )
                }
            indexed = {
                row.sender_id: (row.event_count, row.max_event_id)
                for row in conn.execute(
                    sa.select(
                        db.conversations.c.sender_id,
                        db.conversations.c.event_count,
                        db.conversations.c.max_event_id,
                    )
                )
            }
            gone = [s for s in indexed if s not in current]
            if gone:
                _delete_senders(conn, gone, (db.conversations, db.messages))
        stale = [s for s, state in current.items() if indexed.get(s) != state]
        for senders in db.chunks(stale, chunk):
            with engine.begin() as conn:
                _rebuild(conn, senders, tz)
        return len(stale)
