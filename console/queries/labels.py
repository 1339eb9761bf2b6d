"""How the console names things for staff: intents, channels and ratings in Japanese, the
intents of domain.yml (the choices when correcting a message), and local times."""

from __future__ import annotations

from datetime import datetime
from functools import lru_cache
from pathlib import Path
from typing import Optional, Tuple
from zoneinfo import ZoneInfo

import yaml

from console.events import FALLBACK_INTENT

# Japanese names for the domain's intents (domain.yml), as staff read them.
INTENT_LABELS = {
    "ask_what_is": "セクレトーム療法とは",
    "ask_mechanism": "仕組み",
    "ask_components": "成分",
    "ask_benefits": "期待できる効果",
    "ask_efficacy": "本当に効くか",
    "ask_safety": "副作用・安全性",
    "ask_difference": "他の治療との違い",
    "ask_combination": "併用",
    "ask_indications": "対象の症状・疾患",
    "ask_manufacturing": "製造方法",
    "ask_administration": "投与方法",
    "ask_schedule": "回数・期間",
    "ask_pain": "痛み",
    "ask_how_to_choose": "選び方",
    "ask_outlook": "今後の展望",
    "ask_price": "費用",
    "ask_insurance": "保険",
    "ask_booking": "予約",
    "ask_hours_access": "診療時間・アクセス",
    "ask_eligibility": "受けられるか",
    "request_human": "スタッフと話したい",
    "out_of_scope": "対象外の質問",
    "ask_more_detail": "もっと詳しく",
    "greet": "あいさつ",
    "goodbye": "お別れ",
    "thanks": "お礼",
    "bot_challenge": "ボットか確認",
    "chitchat": "雑談",
    "feedback": "評価",
    "report_emergency": "緊急の症状",
    FALLBACK_INTENT: "理解できず（フォールバック）",
}
CHANNEL_LABELS = {"web": "Web", "line": "LINE", "slack": "Slack", "rest": "REST", "unknown": "不明"}
RATING_LABELS = {"good": "👍 役に立った", "bad": "👎 役に立たなかった"}


def intent_label(name: Optional[str]) -> str:
    return INTENT_LABELS.get(name or "", name or "—")


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
