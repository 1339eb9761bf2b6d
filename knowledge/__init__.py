"""What the assistant knows: the knowledge base (knowledge/answers.yml: topics, the chat's own
sentences), the clinic's page it rests on (knowledge/page.py) and the clinic's contact details
(clinic.yml).

All are read once per process. Texts may use the placeholders {clinic_name}, {phone},
{emergency_phone}, {booking_url}, {hours} and {billing_note}; they are filled from clinic.yml,
overridden by the CLINIC_* environment variables.
"""

from __future__ import annotations

import json
from dataclasses import dataclass, field
from functools import lru_cache
from pathlib import Path
from typing import Any, Dict, List, Optional, Sequence, Tuple

import yaml

from settings import ClinicSettings, clinic

ROOT = Path(__file__).resolve().parent.parent
KNOWLEDGE_FILE = ClinicSettings.from_env().knowledge_file

BUTTON_TITLE_MAX = 20


@dataclass(frozen=True)
class Topic:
    id: str
    title: str
    intent: str
    answer: str
    detail: str
    sources: Tuple[str, ...] = ()  # headings of the clinic's page the answer rests on
    followups: Sequence[str] = ()
    entities: Dict[str, List[str]] = field(default_factory=dict)
    # intents for which a matching entity value picks this topic (what-is + PRP -> the PRP topic)
    entity_intents: Tuple[str, ...] = ()
    translations: Dict[str, str] = field(default_factory=dict)  # language code -> answer

    @property
    def on_page(self) -> bool:
        """True when the answer comes from the clinic's page (it names the page sections)."""
        return bool(self.sources)

    def payload(self) -> str:
        """The message a quick-reply button sends to reach this topic."""
        if not self.entities:
            return f"/{self.intent}"
        entities = {name: values[0] for name, values in self.entities.items()}
        return f"/{self.intent}{json.dumps(entities, ensure_ascii=False)}"


class KnowledgeBase:
    def __init__(
        self,
        topics: Sequence[Topic],
        clinic: Dict[str, str],
        menu: Sequence[str] = (),
        phrases: Optional[Dict[str, str]] = None,
    ):
        self.topics = {t.id: t for t in topics}
        self.clinic = clinic
        self.menu = list(menu)
        self.phrases = dict(phrases or {})
        if len(self.topics) != len(topics):
            raise ValueError("duplicate topic id in the knowledge base")

    def get(self, topic_id: str) -> Optional[Topic]:
        return self.topics.get(topic_id)

    def find(self, intent: str, entities: Dict[str, str]) -> Optional[Topic]:
        """The topic for an intent and the entities found with it.

        A topic whose entity value was found wins when the intent is one of its `entity_intents`
        (PRP asked about with "what is", "benefits" or "difference" all reach the PRP topic);
        otherwise the intent's general topic (the one without entities)."""
        general = None
        for topic in self.topics.values():
            if topic.entities and intent in topic.entity_intents:
                if any(entities.get(name) in values for name, values in topic.entities.items()):
                    return topic
            elif topic.intent == intent and not topic.entities:
                general = general or topic
        return general

    def for_intent(self, intent: str) -> List[Topic]:
        return [t for t in self.topics.values() if t.intent == intent]

    def render(self, text: str, clinic: Optional[Dict[str, str]] = None, **values: str) -> str:
        """`text` with the clinic's details (this knowledge base's, or `clinic`) and any `values` filled in."""
        details = {f"clinic_{k}" if k == "name" else k: v for k, v in (clinic or self.clinic).items()}
        return text.strip().format_map({**details, **values})

    def phrase(self, name: str, clinic: Optional[Dict[str, str]] = None, **values: Any) -> str:
        """One of the chat's own sentences (knowledge/answers.yml `phrases`), filled in."""
        return self.render(self.phrases[name], clinic, **{k: str(v) for k, v in values.items()})

    def source_line(self, topic: Topic) -> str:
        """「出典」 line naming the page sections of an answer; empty for answers not from the page."""
        return self.phrase("source", sources="」「".join(topic.sources)) if topic.sources else ""

    def buttons(self, topic_ids: Sequence[str]) -> List[Dict[str, str]]:
        return [
            {"title": self.topics[i].title, "payload": self.topics[i].payload()} for i in topic_ids if i in self.topics
        ]


def load_knowledge(path: Path = KNOWLEDGE_FILE) -> Dict:
    return yaml.safe_load(path.read_text(encoding="utf-8"))


def parse_topics(data: Dict) -> List[Topic]:
    topics = []
    for raw in data["topics"]:
        entities = {
            name: values if isinstance(values, list) else [values]
            for name, values in (raw.get("entities") or {}).items()
        }
        sources = raw.get("source") or ()
        topics.append(
            Topic(
                id=raw["id"],
                title=raw["title"],
                intent=raw["intent"],
                answer=raw["answer"],
                detail=raw.get("detail") or raw["answer"],
                sources=tuple([sources] if isinstance(sources, str) else sources),
                followups=tuple(raw.get("followups") or ()),
                entities=entities,
                entity_intents=tuple(raw.get("intents") or [raw["intent"]]),
                translations=dict(raw.get("translations") or {}),
            )
        )
    return topics


@lru_cache(maxsize=1)
def knowledge_base() -> KnowledgeBase:
    data = load_knowledge()
    return KnowledgeBase(parse_topics(data), clinic(), data.get("menu") or (), data.get("phrases"))
