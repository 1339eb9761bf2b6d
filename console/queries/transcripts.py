"""One conversation as staff read it: every patient message and bot answer, in order, masked."""

from __future__ import annotations

from dataclasses import dataclass, fields
from typing import Dict, List, Optional

import sqlalchemy as sa
from sqlalchemy.engine import Connection

from console import db
from console.events import EMERGENCY_INTENT, FALLBACK_INTENT, Message, Step, walk
from console.masking import mask
from console.queries.conversations import ConversationRow, get_conversation


@dataclass
class Turn:
    kind: str  # "user", "bot", "session"
    event_id: int
    ts: Optional[float]
    text: str = ""
    intent: Optional[str] = None
    confidence: Optional[float] = None
    entities: Optional[List[Dict]] = None
    low_confidence: bool = False
    fallback: bool = False
    emergency: bool = False
    payload: Optional[str] = None  # the button payload a patient clicked
    button_title: Optional[str] = None
    rating: Optional[str] = None
    corrected_intent: Optional[str] = None
    candidates: Optional[List[Dict]] = None  # the classifier's next guesses, when unsure
    action: Optional[str] = None
    topic: Optional[str] = None
    buttons: Optional[List[Dict]] = None

    def as_dict(self) -> Dict:
        return {f.name: getattr(self, f.name) for f in fields(self) if getattr(self, f.name) is not None}


@dataclass
class Transcript:
    conversation: ConversationRow
    turns: List[Turn]


def _masked_entities(entities: List[Dict]) -> List[Dict]:
    return [
        {
            "entity": str(e.get("entity")),
            "value": mask(str(e.get("value"))),
            "text": mask(str(e.get("text") or e.get("value"))),
        }
        for e in entities or []
    ]


def _user_turn(
    step: Step, message: Message, threshold: float, buttons_seen: Dict[str, str], corrected: Dict[int, str]
) -> Turn:
    payload = message.text if message.is_payload else None
    low = payload is None and message.confidence is not None and message.confidence < threshold
    nlu_fallback = message.intent == FALLBACK_INTENT
    return Turn(
        kind="user",
        event_id=step.event_id,
        ts=step.ts if message.ts is None else message.ts,
        text=mask(message.text),
        intent=message.intent,
        confidence=message.confidence,
        entities=_masked_entities(message.entities),
        low_confidence=low,
        candidates=[
            {"intent": r.get("name"), "confidence": r.get("confidence")}
            for r in message.ranking
            if r.get("name") not in (FALLBACK_INTENT, message.intent)
        ][:3]
        if low or nlu_fallback
        else None,
        fallback=message.fallback,
        emergency=message.intent == EMERGENCY_INTENT or step.emergency_action,
        payload=mask(payload) if payload else None,
        button_title=mask(buttons_seen.get(payload, "")) or None if payload else None,
        rating=message.rating,
        corrected_intent=corrected.get(step.event_id),
    )


def _bot_turn(step: Step) -> Turn:
    buttons = (step.data.get("data") or {}).get("buttons") or []
    return Turn(
        kind="bot",
        event_id=step.event_id,
        ts=step.data.get("timestamp", step.ts),
        text=mask(step.data.get("text") or ""),
        action=step.action,
        topic=mask(step.topic) or None,
        buttons=[{"title": mask(str(b.get("title", ""))), "payload": mask(str(b.get("payload", "")))} for b in buttons]
        or None,
    )


def _corrected_intents(conn: Connection, sender_id: str) -> Dict[int, str]:
    k = db.corrections.c
    rows = conn.execute(sa.select(k.event_id, k.intent).where(k.sender_id == sender_id))
    return {row.event_id: row.intent for row in rows}


def transcript(conn: Connection, sender_id: str, threshold: float) -> Optional[Transcript]:
    """Every patient message and bot answer of a conversation, in order, masked."""
    conversation = get_conversation(conn, sender_id, threshold)
    if conversation is None:
        return None
    corrected = _corrected_intents(conn, sender_id)
    e = db.events.c
    rows = conn.execute(
        sa.select(e.id, e.type_name, e.timestamp, e.intent_name, e.action_name, e.data)
        .where(e.sender_id == sender_id)
        .order_by(e.id)
    )
    turns: List[Turn] = []
    buttons_seen: Dict[str, str] = {}  # payload -> title of the buttons offered so far
    for step in walk(rows).steps:
        if step.kind == "session":
            if turns:
                turns.append(Turn(kind="session", event_id=step.event_id, ts=step.ts))
        elif step.message is not None:  # a patient's message
            turns.append(_user_turn(step, step.message, threshold, buttons_seen, corrected))
        else:
            turns.append(_bot_turn(step))
            for b in (step.data.get("data") or {}).get("buttons") or []:
                buttons_seen[str(b.get("payload", ""))] = str(b.get("title", ""))
    return Transcript(conversation, turns)
