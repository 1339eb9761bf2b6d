"""What Rasa's stored events mean to the console, read in one place.

`walk` goes through one conversation's rows of Rasa's `events` table (ordered by id) and returns
its steps: the patient messages (parsed), the bot answers and the session starts, together with
what the actions after a message say about it (a fallback answered it, the emergency action ran)
and which topic an answer was about. The index (console/index.py) and the transcript
(console/queries/transcripts.py) are both built from these steps. Texts are not masked here:
each caller masks what it keeps or shows.
"""

from __future__ import annotations

import json
from dataclasses import dataclass, field
from typing import Dict, Iterable, List, Optional

FALLBACK_INTENT = "nlu_fallback"
FALLBACK_ACTIONS = {"action_did_you_mean", "action_default_fallback"}
EMERGENCY_INTENT = "report_emergency"
EMERGENCY_ACTION = "action_emergency"
HUMAN_INTENT = "request_human"
FEEDBACK_INTENT = "feedback"
TOPIC_SLOT, TOPIC_ACTION = "last_topic", "action_answer_topic"
CHANNELS = {"socketio": "web", "line": "line", "slack": "slack", "rest": "rest"}


def channel_name(input_channel: Optional[str]) -> str:
    if not input_channel:
        return "unknown"
    return CHANNELS.get(input_channel, input_channel)


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
    fallback: bool = False  # NLU fell back, or (after `walk`) a fallback action answered it
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


@dataclass
class Step:
    """One patient message ("user"), bot answer ("bot") or session start ("session")."""

    kind: str
    event_id: int
    ts: Optional[float]  # the event row's timestamp
    message: Optional[Message] = None  # user: the parsed message
    emergency_action: bool = False  # user: the emergency action ran after it
    data: Dict = field(default_factory=dict)  # bot: the event's JSON
    action: Optional[str] = None  # bot: the action that sent it
    topic: Optional[str] = None  # bot: the topic slot its action set


@dataclass
class Walk:
    steps: List[Step]
    emergency_action: bool  # the emergency action ran, after a message or not

    @property
    def messages(self) -> List[Message]:
        """The patient's messages, in order."""
        return [step.message for step in self.steps if step.message is not None]


def walk(rows: Iterable) -> Walk:
    """The steps of one conversation from its `events` rows (id, type_name, timestamp,
    intent_name, action_name, data), ordered by id."""
    steps: List[Step] = []
    emergency_action = False
    last_user: Optional[Step] = None
    last_action: Optional[str] = None
    answer: List[Step] = []  # bot steps of the latest action
    for row in rows:
        if row.type_name == "session_started":
            steps.append(Step("session", row.id, row.timestamp))
        elif row.type_name == "user":
            message = parse_user_event(row.id, json.loads(row.data or "{}"), row.intent_name)
            last_user = Step("user", row.id, row.timestamp, message=message)
            steps.append(last_user)
            last_action, answer = None, []
        elif row.type_name == "action" and row.action_name != "action_listen":
            last_action, answer = row.action_name or "", []
            emergency_action = emergency_action or last_action == EMERGENCY_ACTION
            if last_user is not None and last_user.message is not None and last_action in FALLBACK_ACTIONS:
                last_user.message.fallback = True
            if last_user is not None and last_action == EMERGENCY_ACTION:
                last_user.emergency_action = True
        elif row.type_name == "bot":
            data = json.loads(row.data or "{}")
            action = (data.get("metadata") or {}).get("utter_action") or last_action
            answer.append(Step("bot", row.id, row.timestamp, data=data, action=action))
            steps.append(answer[-1])
        elif row.type_name == "slot":
            data = json.loads(row.data or "{}")
            if data.get("name") == TOPIC_SLOT and last_action == TOPIC_ACTION:
                for step in answer:
                    step.topic = str(data.get("value") or "")
    return Walk(steps, emergency_action)
