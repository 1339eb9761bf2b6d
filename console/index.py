"""The console's index of Rasa's events: one row per conversation and per patient message.

Flags and filters need the JSON in `events.data` (confidence, input channel, entities), which SQL
cannot search portably, so the console reads each conversation's events once and keeps what it
needs, masked, in `console_conversations` / `console_messages`. `sync` compares every sender's
event count and latest event id with the index and rebuilds the senders that changed (new
messages, or events deleted by `purge`); it is cheap when nothing changed.
"""
from __future__ import annotations

import hashlib
import json
import threading
import unicodedata
from dataclasses import dataclass, field
from datetime import datetime
from typing import Dict, Iterable, List, Optional
from zoneinfo import ZoneInfo

import sqlalchemy as sa
from sqlalchemy.engine import Connection, Engine

from console import db
from console.masking import mask

INDEX_VERSION = "1"
FALLBACK_INTENT = "nlu_fallback"
FALLBACK_ACTIONS = {"action_did_you_mean", "action_default_fallback"}
EMERGENCY_INTENT = "report_emergency"
EMERGENCY_ACTION = "action_emergency"
HUMAN_INTENT = "request_human"
FEEDBACK_INTENT = "feedback"
CHANNELS = {"socketio": "web", "line": "line", "slack": "slack", "rest": "rest"}

_lock = threading.Lock()


def channel_name(input_channel: Optional[str]) -> str:
    if not input_channel:
        return "unknown"
    return CHANNELS.get(input_channel, input_channel)


def conversation_key(sender_id: str) -> str:
    """The id used in URLs: the sender id itself may be personal (a LINE user id, a phone)."""
    return hashlib.sha256(sender_id.encode("utf-8")).hexdigest()[:24]


def search_form(text: str) -> str:
    """How texts are compared in searches: NFKC (全角/半角 alike) and lower case."""
    return unicodedata.normalize("NFKC", text or "").lower()


def local_day(ts: Optional[float], tz: ZoneInfo) -> Optional[str]:
    if ts is None:
        return None
    return datetime.fromtimestamp(ts, tz).strftime("%Y-%m-%d")


def message_confidence(parse_data: Dict) -> Optional[float]:
    """The highest confidence the classifier gave a real intent for this message.

    For `nlu_fallback` Rasa reports the fallback threshold as the confidence; the classifier's
    own best guess is in the ranking.
    """
    intent = parse_data.get("intent") or {}
    confidence = intent.get("confidence")
    if intent.get("name") == FALLBACK_INTENT:
        ranked = [
            r.get("confidence")
            for r in parse_data.get("intent_ranking") or []
            if r.get("name") != FALLBACK_INTENT and r.get("confidence") is not None
        ]
        if ranked:
            return max(ranked)
    return confidence


@dataclass
class Message:
    event_id: int
    ts: Optional[float]
    text: str
    intent: Optional[str]
    confidence: Optional[float]
    channel: str
    entities: List[Dict] = field(default_factory=list)
    ranking: List[Dict] = field(default_factory=list)
    fallback: bool = False
    rating: Optional[str] = None

    @property
    def is_payload(self) -> bool:
        return self.text.startswith("/")


def parse_user_event(event_id: int, data: Dict, intent_column: Optional[str]) -> Message:
    parse_data = data.get("parse_data") or {}
    intent = (parse_data.get("intent") or {}).get("name") or intent_column
    entities = parse_data.get("entities") or []
    rating = None
    if intent == FEEDBACK_INTENT:
        rating = next((str(e.get("value")) for e in entities if e.get("entity") == "rating"), None)
    return Message(
        event_id=event_id,
        ts=data.get("timestamp"),
        text=data.get("text") or "",
        intent=intent,
        confidence=message_confidence(parse_data),
        channel=channel_name(data.get("input_channel")),
        entities=entities,
        ranking=parse_data.get("intent_ranking") or [],
        fallback=intent == FALLBACK_INTENT,
        rating=rating,
    )


def summarize(sender_id: str, rows: Iterable, tz: ZoneInfo):
    """(conversation row, message rows) for one sender's events, ordered by id."""
    msgs: List[Message] = []
    emergency_action = False
    count, max_id, first_ts, last_ts = 0, 0, None, None
    for row in rows:
        count += 1
        max_id = max(max_id, row.id)
        if row.timestamp is not None:
            first_ts = row.timestamp if first_ts is None else min(first_ts, row.timestamp)
            last_ts = row.timestamp if last_ts is None else max(last_ts, row.timestamp)
        if row.type_name == "user":
            msgs.append(parse_user_event(row.id, json.loads(row.data or "{}"), row.intent_name))
        elif row.type_name == "action":
            if row.action_name in FALLBACK_ACTIONS and msgs:
                msgs[-1].fallback = True
            if row.action_name == EMERGENCY_ACTION:
                emergency_action = True
    typed = [m for m in msgs if not m.is_payload]
    confidences = [m.confidence for m in typed if m.confidence is not None]
    first = typed[0] if typed else (msgs[0] if msgs else None)
    conversation = dict(
        sender_id=sender_id,
        conv_key=conversation_key(sender_id),
        first_ts=msgs[0].ts if msgs and msgs[0].ts else first_ts,
        last_ts=last_ts,
        channel=msgs[0].channel if msgs else "unknown",
        turns=len(msgs),
        first_question=mask(first.text) if first else "",
        search_text="\n".join(search_form(mask(m.text)) for m in msgs),
        event_count=count,
        max_event_id=max_id,
        fell_back=any(m.fallback for m in msgs),
        asked_human=any(m.intent == HUMAN_INTENT for m in msgs),
        emergency=emergency_action or any(m.intent == EMERGENCY_INTENT for m in msgs),
        negative_feedback=any(m.rating == "bad" for m in msgs),
        min_confidence=min(confidences) if confidences else None,
    )
    message_rows = [
        dict(
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
        for m in msgs
    ]
    return conversation, message_rows


def _delete_senders(conn: Connection, sender_ids: List[str], tables) -> None:
    for start in range(0, len(sender_ids), 500):
        chunk = sender_ids[start : start + 500]
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
        for start in range(0, len(stale), chunk):
            with engine.begin() as conn:
                _rebuild(conn, stale[start : start + chunk], tz)
        return len(stale)
