"""The knowledge base (knowledge/answers.yml) and the clinic's contact details (clinic.yml).

Both are read once per process. Answers may use the placeholders {clinic_name}, {phone},
{emergency_phone}, {booking_url}, {hours} and {billing_note}; they are filled from clinic.yml,
overridden by the CLINIC_* environment variables.
"""
from __future__ import annotations

import json
import os
from dataclasses import dataclass, field
from functools import lru_cache
from pathlib import Path
from typing import Dict, List, Optional, Sequence

import yaml

ROOT = Path(__file__).resolve().parent.parent
KNOWLEDGE_FILE = Path(os.environ.get("KNOWLEDGE_FILE", ROOT / "knowledge" / "answers.yml"))
CLINIC_FILE = Path(os.environ.get("CLINIC_FILE", ROOT / "clinic.yml"))

BUTTON_TITLE_MAX = 20
CLINIC_KEYS = ("name", "phone", "emergency_phone", "booking_url", "hours", "billing_note")


@dataclass(frozen=True)
class Topic:
    id: str
    title: str
    intent: str
    answer: str
    detail: str
    source: Optional[str]
    followups: Sequence[str] = ()
    entities: Dict[str, List[str]] = field(default_factory=dict)

    @property
    def on_page(self) -> bool:
        """True when the answer comes from the clinic's page (a `source` section is named)."""
        return bool(self.source)

    def payload(self) -> str:
        """The message a quick-reply button sends to reach this topic."""
        if not self.entities:
            return f"/{self.intent}"
        entities = {name: values[0] for name, values in self.entities.items()}
        return f"/{self.intent}{json.dumps(entities, ensure_ascii=False)}"


class KnowledgeBase:
    def __init__(self, topics: Sequence[Topic], clinic: Dict[str, str], menu: Sequence[str] = ()):
        self.topics = {t.id: t for t in topics}
        self.clinic = clinic
        self.menu = list(menu)
        if len(self.topics) != len(topics):
            raise ValueError("duplicate topic id in the knowledge base")

    def get(self, topic_id: str) -> Optional[Topic]:
        return self.topics.get(topic_id)

    def find(self, intent: str, entities: Dict[str, str]) -> Optional[Topic]:
        """The topic for an intent: the one whose entity values match, else the intent's general one."""
        general = None
        for topic in self.topics.values():
            if topic.intent != intent:
                continue
            if not topic.entities:
                general = general or topic
            elif any(entities.get(name) in values for name, values in topic.entities.items()):
                return topic
        return general

    def for_intent(self, intent: str) -> List[Topic]:
        return [t for t in self.topics.values() if t.intent == intent]

    def render(self, text: str) -> str:
        values = {f"clinic_{k}" if k == "name" else k: v for k, v in self.clinic.items()}
        return text.strip().format_map(values)

    def buttons(self, topic_ids: Sequence[str]) -> List[Dict[str, str]]:
        return [
            {"title": self.topics[i].title, "payload": self.topics[i].payload()}
            for i in topic_ids
            if i in self.topics
        ]


def load_clinic(path: Path = CLINIC_FILE) -> Dict[str, str]:
    data = yaml.safe_load(path.read_text(encoding="utf-8")) or {}
    clinic = {key: str(data.get(key, "")) for key in CLINIC_KEYS}
    for key in CLINIC_KEYS:
        value = os.environ.get(f"CLINIC_{key.upper()}")
        if value:
            clinic[key] = value
    return clinic


def load_knowledge(path: Path = KNOWLEDGE_FILE) -> Dict:
    return yaml.safe_load(path.read_text(encoding="utf-8"))


def parse_topics(data: Dict) -> List[Topic]:
    topics = []
    for raw in data["topics"]:
        entities = {
            name: values if isinstance(values, list) else [values]
            for name, values in (raw.get("entities") or {}).items()
        }
        topics.append(
            Topic(
                id=raw["id"],
                title=raw["title"],
                intent=raw["intent"],
                answer=raw["answer"],
                detail=raw.get("detail") or raw["answer"],
                source=raw.get("source"),
                followups=tuple(raw.get("followups") or ()),
                entities=entities,
            )
        )
    return topics


@lru_cache(maxsize=1)
def knowledge_base() -> KnowledgeBase:
    data = load_knowledge()
    return KnowledgeBase(parse_topics(data), load_clinic(), data.get("menu") or ())
