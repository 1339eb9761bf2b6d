"""Corrected intents: staff record the right intent for a patient message; the corrections are
listed, deleted, and exported as Rasa NLU training data."""

from __future__ import annotations

import json
import re
import time
from typing import Dict, List

import sqlalchemy as sa
from sqlalchemy.engine import Connection

from console import db
from console.masking import mask


def save_correction(conn: Connection, sender_id: str, event_id: int, intent: str, user: str) -> bool:
    """Records the right intent for one patient message of this conversation."""
    e = db.events.c
    row = conn.execute(
        sa.select(e.data, e.intent_name).where(e.id == event_id, e.sender_id == sender_id, e.type_name == "user")
    ).first()
    if row is None:
        return False
    data = json.loads(row.data or "{}")
    text = (data.get("text") or "").strip()
    if not text or text.startswith("/"):
        return False
    predicted = ((data.get("parse_data") or {}).get("intent") or {}).get("name") or row.intent_name
    conn.execute(sa.delete(db.corrections).where(db.corrections.c.event_id == event_id))
    conn.execute(
        sa.insert(db.corrections).values(
            event_id=event_id,
            sender_id=sender_id,
            text=mask(text),
            predicted_intent=predicted,
            intent=intent,
            created_by=user,
            created_at=time.time(),
        )
    )
    return True


def delete_correction(conn: Connection, event_id: int) -> None:
    conn.execute(sa.delete(db.corrections).where(db.corrections.c.event_id == event_id))


def list_corrections(conn: Connection) -> List[Dict]:
    k, c = db.corrections.c, db.conversations.c
    rows = conn.execute(
        sa.select(k.event_id, k.text, k.predicted_intent, k.intent, k.created_by, k.created_at, c.conv_key)
        .select_from(db.corrections.outerjoin(db.conversations, c.sender_id == k.sender_id))
        .order_by(k.created_at.desc())
    )
    return [dict(row._mapping, text=mask(row.text)) for row in rows]


_ENTITY_MARKUP = re.compile(r"\[[^\]]+\]\s*[({\[]")


def training_text(text: str) -> str:
    """A patient message as one NLU example line (masked, one line, no entity markup)."""
    text = " ".join(mask(text).split())
    if _ENTITY_MARKUP.search(text):
        text = text.replace("[", "［").replace("]", "］")
    return text


def corrections_yaml(conn: Connection) -> str:
    """All corrections as a Rasa NLU training data file (YAML, version "3.1")."""
    by_intent: Dict[str, List[str]] = {}
    k = db.corrections.c
    for row in conn.execute(sa.select(k.intent, k.text).order_by(k.intent, k.event_id)):
        text = training_text(row.text)
        if text and not text.startswith("/") and text not in by_intent.setdefault(row.intent, []):
            by_intent[row.intent].append(text)
    lines = [
        "# Corrected intents from the staff console (python -m console export-corrections).",
        "# Review, then add under data/nlu/ and retrain.",
        'version: "3.1"',
        "nlu:" if by_intent else "nlu: []",
    ]
    for intent, texts in sorted(by_intent.items()):
        lines.append(f"- intent: {intent}")
        lines.append("  examples: |")
        lines.extend(f"    - {text}" for text in texts)
    return "\n".join(lines) + "\n"
