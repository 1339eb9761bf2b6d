"""How the console names things for staff: intents, channels and ratings in Japanese, the
intents of domain.yml (the choices when correcting a message), and local times."""

from __future__ import annotations

from datetime import datetime
from functools import lru_cache
from pathlib import Path
from typing import Dict, Optional, Tuple
from zoneinfo import ZoneInfo

import yaml

from console.events import FALLBACK_INTENT
from knowledge import knowledge_base

# Intents that no topic answers (conversation moves), and two whose topic title says less to staff
# than what the intent means; every other intent is named by its topic's title in
# knowledge/answers.yml, the same words patients see on the buttons.
OWN_INTENT_LABELS = {
    "out_of_scope": "対象外の質問",
    "report_emergency": "緊急の症状",
    "ask_more_detail": "もっと詳しく",
    "greet": "あいさつ",
    "goodbye": "お別れ",
    "thanks": "お礼",
    "bot_challenge": "ボットか確認",
    "chitchat": "雑談",
    "feedback": "評価",
    FALLBACK_INTENT: "理解できず（フォールバック）",
}
CHANNEL_LABELS = {"web": "Web", "line": "LINE", "slack": "Slack", "rest": "REST", "unknown": "不明"}
RATING_LABELS = {"good": knowledge_base().phrase("feedback_good"), "bad": knowledge_base().phrase("feedback_bad")}


@lru_cache(maxsize=1)
def intent_labels() -> Dict[str, str]:
    """intent -> how staff read it: the title of the intent's main topic (the one without entities)."""
    labels: Dict[str, str] = {}
    for topic in knowledge_base().topics.values():
        if not topic.entities:
            labels.setdefault(topic.intent, topic.title)
    return {**labels, **OWN_INTENT_LABELS}


def intent_label(name: Optional[str]) -> str:
    return intent_labels().get(name or "", name or "—")


@lru_cache(maxsize=4)
def _domain_intents(path: str, mtime: float) -> Tuple[str, ...]:
    data = yaml.safe_load(Path(path).read_text(encoding="utf-8")) or {}
    names = []
    for item in data.get("intents") or []:
        names.append(next(iter(item)) if isinstance(item, dict) else str(item))
    return tuple(names)


def domain_intents(path: Path) -> Tuple[str, ...]:
    """The intents staff can choose when correcting a message: those of domain.yml."""
    return _domain_intents(str(path), path.stat().st_mtime)


def format_ts(ts: Optional[float], tz: ZoneInfo, fmt: str = "%Y-%m-%d %H:%M") -> str:
    if ts is None:
        return ""
    return datetime.fromtimestamp(ts, tz).strftime(fmt)
