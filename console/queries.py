"""What the console shows and exports, as plain data (already masked): list, transcript,
dashboard, CSV, corrections, and the staff's reviews, tags and notes; plus `purge`."""
from __future__ import annotations

import csv
import io
import json
import re
import time
from dataclasses import dataclass, fields
from datetime import date, datetime, timedelta
from functools import lru_cache
from pathlib import Path
from typing import Dict, Iterator, List, Optional, Tuple
from zoneinfo import ZoneInfo

import sqlalchemy as sa
import yaml
from sqlalchemy.engine import Connection, Engine

from console import db
from console.events import EMERGENCY_INTENT, FALLBACK_INTENT, Step, walk
from console.index import search_form
from console.masking import mask

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
NOT_TOPICS = {FALLBACK_INTENT, "feedback"}
TAG_MAX = 64
NOTE_MAX = 4000


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


# --------------------------------------------------------------------------- conversation list


@dataclass
class Filters:
    fell_back: bool = False
    low_confidence: bool = False
    asked_human: bool = False
    emergency: bool = False
    negative_feedback: bool = False
    attention: bool = False  # any problem flag and not reviewed yet
    reviewed: str = ""  # "" any, "yes", "no"
    date_from: Optional[date] = None
    date_to: Optional[date] = None
    intent: str = ""
    channel: str = ""
    tag: str = ""
    q: str = ""

    FLAGS = ("fell_back", "low_confidence", "asked_human", "emergency", "negative_feedback")

    @classmethod
    def from_params(cls, params) -> "Filters":
        def day(name):
            try:
                return date.fromisoformat(params.get(name) or "")
            except ValueError:
                return None

        flags = {name: params.get(name) in ("1", "on", "true") for name in cls.FLAGS}
        reviewed = params.get("reviewed") or ""
        return cls(
            **flags,
            attention=params.get("attention") in ("1", "on", "true"),
            reviewed=reviewed if reviewed in ("yes", "no") else "",
            date_from=day("date_from"),
            date_to=day("date_to"),
            intent=(params.get("intent") or "").strip()[:255],
            channel=(params.get("channel") or "").strip()[:32],
            tag=(params.get("tag") or "").strip()[:TAG_MAX],
            q=(params.get("q") or "").strip()[:200],
        )

    def params(self) -> Dict[str, str]:
        """The query-string form of these filters (for links, pages and exports)."""
        out = {}
        for f in fields(self):
            value = getattr(self, f.name)
            if value in (None, "", False):
                continue
            out[f.name] = "1" if value is True else str(value)
        return out

    @property
    def active(self) -> bool:
        return bool(self.params())


@dataclass
class ConversationRow:
    key: str
    sender: str  # masked
    started: Optional[float]
    last: Optional[float]
    channel: str
    turns: int
    first_question: str
    fell_back: bool
    low_confidence: bool
    asked_human: bool
    emergency: bool
    negative_feedback: bool
    reviewed: bool
    tags: List[str]
    note: str

    @property
    def needs_attention(self) -> bool:
        return not self.reviewed and any(getattr(self, f) for f in Filters.FLAGS)

    def as_dict(self) -> Dict:
        data = {f.name: getattr(self, f.name) for f in fields(self)}
        data["needs_attention"] = self.needs_attention
        return data


def _problem(threshold: float):
    c = db.conversations.c
    return sa.or_(
        c.fell_back,
        c.asked_human,
        c.emergency,
        c.negative_feedback,
        c.min_confidence < threshold,
    )


def _day_start(day: date, tz: ZoneInfo) -> float:
    return datetime(day.year, day.month, day.day, tzinfo=tz).timestamp()


def _where(filters: Filters, threshold: float, tz: ZoneInfo):
    c, r = db.conversations.c, db.reviews.c
    reviewed = sa.func.coalesce(r.reviewed, sa.false())
    conds = [c.turns > 0]  # a session opened without a patient message is no conversation
    for flag in ("fell_back", "asked_human", "emergency", "negative_feedback"):
        if getattr(filters, flag):
            conds.append(getattr(c, flag))
    if filters.low_confidence:
        conds.append(c.min_confidence < threshold)
    if filters.attention:
        conds += [_problem(threshold), sa.not_(reviewed)]
    if filters.reviewed == "yes":
        conds.append(reviewed)
    elif filters.reviewed == "no":
        conds.append(sa.not_(reviewed))
    if filters.date_from:
        conds.append(c.last_ts >= _day_start(filters.date_from, tz))
    if filters.date_to:
        conds.append(c.first_ts < _day_start(filters.date_to + timedelta(days=1), tz))
    if filters.channel:
        conds.append(c.channel == filters.channel)
    if filters.intent:
        m = db.messages.c
        conds.append(
            sa.exists().where(m.sender_id == c.sender_id, m.intent == filters.intent)
        )
    if filters.tag:
        t = db.tags.c
        conds.append(sa.exists().where(t.sender_id == c.sender_id, t.tag == filters.tag))
    if filters.q:
        conds.append(c.search_text.contains(search_form(filters.q), autoescape=True))
    return sa.and_(*conds)


def _base_query(columns, filters: Filters, threshold: float, tz: ZoneInfo):
    c, r = db.conversations.c, db.reviews.c
    return (
        sa.select(*columns)
        .select_from(db.conversations.outerjoin(db.reviews, r.sender_id == c.sender_id))
        .where(_where(filters, threshold, tz))
    )


def _tags_for(conn: Connection, sender_ids: List[str]) -> Dict[str, List[str]]:
    out: Dict[str, List[str]] = {}
    for start in range(0, len(sender_ids), 500):
        rows = conn.execute(
            sa.select(db.tags.c.sender_id, db.tags.c.tag)
            .where(db.tags.c.sender_id.in_(sender_ids[start : start + 500]))
            .order_by(db.tags.c.tag)
        )
        for row in rows:
            out.setdefault(row.sender_id, []).append(mask(row.tag))
    return out


def _rows(conn: Connection, result, threshold: float) -> List[ConversationRow]:
    result = list(result)
    tags = _tags_for(conn, [row.sender_id for row in result])
    return [
        ConversationRow(
            key=row.conv_key,
            sender=mask(row.sender_id),
            started=row.first_ts,
            last=row.last_ts,
            channel=row.channel or "unknown",
            turns=row.turns,
            first_question=row.first_question or "",
            fell_back=bool(row.fell_back),
            low_confidence=row.min_confidence is not None and row.min_confidence < threshold,
            asked_human=bool(row.asked_human),
            emergency=bool(row.emergency),
            negative_feedback=bool(row.negative_feedback),
            reviewed=bool(row.reviewed),
            tags=tags.get(row.sender_id, []),
            note=mask(row.note or ""),
        )
        for row in result
    ]


def _list_columns():
    c, r = db.conversations.c, db.reviews.c
    return (
        c.sender_id, c.conv_key, c.first_ts, c.last_ts, c.channel, c.turns, c.first_question,
        c.fell_back, c.asked_human, c.emergency, c.negative_feedback, c.min_confidence,
        r.reviewed, r.note,
    )


def list_conversations(
    conn: Connection, filters: Filters, threshold: float, tz: ZoneInfo,
    page: int = 1, page_size: int = 50,
) -> Tuple[List[ConversationRow], int]:
    """One page of conversations, newest activity first, and the total matching."""
    c = db.conversations.c
    total = conn.execute(
        _base_query([sa.func.count()], filters, threshold, tz)
    ).scalar_one()
    query = (
        _base_query(_list_columns(), filters, threshold, tz)
        .order_by(c.last_ts.desc(), c.sender_id)
        .limit(page_size)
        .offset(max(page - 1, 0) * page_size)
    )
    return _rows(conn, conn.execute(query), threshold), total


def iter_conversations(
    conn: Connection, filters: Filters, threshold: float, tz: ZoneInfo, batch: int = 500
) -> Iterator[ConversationRow]:
    """Every matching conversation, newest first (for exports)."""
    c = db.conversations.c
    offset = 0
    while True:
        query = (
            _base_query(_list_columns(), filters, threshold, tz)
            .order_by(c.last_ts.desc(), c.sender_id)
            .limit(batch)
            .offset(offset)
        )
        rows = _rows(conn, conn.execute(query), threshold)
        yield from rows
        if len(rows) < batch:
            return
        offset += batch


def attention_count(conn: Connection, threshold: float, tz: ZoneInfo) -> int:
    return conn.execute(
        _base_query([sa.func.count()], Filters(attention=True), threshold, tz)
    ).scalar_one()


def known_intents(conn: Connection) -> List[str]:
    m = db.messages.c
    return [
        row[0]
        for row in conn.execute(
            sa.select(m.intent).where(m.intent.isnot(None)).distinct().order_by(m.intent)
        )
    ]


def known_channels(conn: Connection) -> List[str]:
    c = db.conversations.c
    return [row[0] for row in conn.execute(sa.select(c.channel).distinct().order_by(c.channel))]


def all_tags(conn: Connection) -> List[str]:
    t = db.tags.c
    return [row[0] for row in conn.execute(sa.select(t.tag).distinct().order_by(t.tag))]


# --------------------------------------------------------------------------- CSV

CSV_COLUMNS = [
    ("会話ID", lambda r: r.sender),
    ("開始", None),
    ("最終", None),
    ("チャネル", lambda r: CHANNEL_LABELS.get(r.channel, r.channel)),
    ("発話数", lambda r: r.turns),
    ("最初の質問", lambda r: r.first_question),
    ("フォールバック", lambda r: int(r.fell_back)),
    ("低信頼度", lambda r: int(r.low_confidence)),
    ("スタッフ希望", lambda r: int(r.asked_human)),
    ("緊急", lambda r: int(r.emergency)),
    ("低評価", lambda r: int(r.negative_feedback)),
    ("確認済み", lambda r: int(r.reviewed)),
    ("タグ", lambda r: " ".join(r.tags)),
    ("メモ", lambda r: r.note),
]


def _csv_cell(value) -> str:
    text = "" if value is None else str(value)
    # A cell starting with = + - @ is a formula to Excel: keep it text.
    if text[:1] in ("=", "+", "-", "@", "\t", "\r"):
        text = "'" + text
    return text


def conversations_csv(rows: Iterator[ConversationRow], tz: ZoneInfo) -> Iterator[str]:
    """CSV text (UTF-8 with BOM when encoded, so Excel opens the Japanese), row by row."""
    buffer = io.StringIO()
    writer = csv.writer(buffer)

    def flush() -> str:
        out = buffer.getvalue()
        buffer.seek(0)
        buffer.truncate()
        return out

    writer.writerow([name for name, _ in CSV_COLUMNS])
    yield "\ufeff" + flush()
    for row in rows:
        values = []
        for name, get in CSV_COLUMNS:
            if name == "開始":
                values.append(format_ts(row.started, tz))
            elif name == "最終":
                values.append(format_ts(row.last, tz))
            else:
                values.append(_csv_cell(get(row)))
        writer.writerow(values)
        yield flush()


def format_ts(ts: Optional[float], tz: ZoneInfo, fmt: str = "%Y-%m-%d %H:%M") -> str:
    if ts is None:
        return ""
    return datetime.fromtimestamp(ts, tz).strftime(fmt)


# --------------------------------------------------------------------------- transcript


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


def find_sender(conn: Connection, key: str) -> Optional[str]:
    return conn.execute(
        sa.select(db.conversations.c.sender_id).where(db.conversations.c.conv_key == key)
    ).scalar()


def get_conversation(conn: Connection, sender_id: str, threshold: float) -> Optional[ConversationRow]:
    c, r = db.conversations.c, db.reviews.c
    rows = _rows(
        conn,
        conn.execute(
            sa.select(*_list_columns())
            .select_from(db.conversations.outerjoin(db.reviews, r.sender_id == c.sender_id))
            .where(c.sender_id == sender_id)
        ),
        threshold,
    )
    return rows[0] if rows else None


def _masked_entities(entities: List[Dict]) -> List[Dict]:
    return [
        {
            "entity": str(e.get("entity")),
            "value": mask(str(e.get("value"))),
            "text": mask(str(e.get("text") or e.get("value"))),
        }
        for e in entities or []
    ]


def _user_turn(step: Step, threshold: float, buttons_seen: Dict[str, str],
               corrected: Dict[int, str]) -> Turn:
    message = step.message
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
        ][:3] if low or nlu_fallback else None,
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
        buttons=[
            {"title": mask(str(b.get("title", ""))), "payload": mask(str(b.get("payload", "")))}
            for b in buttons
        ] or None,
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
        elif step.kind == "user":
            turns.append(_user_turn(step, threshold, buttons_seen, corrected))
        else:
            turns.append(_bot_turn(step))
            for b in (step.data.get("data") or {}).get("buttons") or []:
                buttons_seen[str(b.get("payload", ""))] = str(b.get("title", ""))
    return Transcript(conversation, turns)


# --------------------------------------------------------------------------- staff's data


def set_review(conn: Connection, sender_id: str, reviewed: bool, note: str, user: str) -> None:
    now = time.time()
    note = (note or "").strip()[:NOTE_MAX]
    r = db.reviews.c
    existing = conn.execute(sa.select(r.reviewed, r.reviewed_by, r.reviewed_at).where(
        r.sender_id == sender_id)).first()
    values = dict(note=note, updated_by=user, updated_at=now, reviewed=reviewed)
    if reviewed and not (existing and existing.reviewed):
        values.update(reviewed_by=user, reviewed_at=now)
    elif not reviewed:
        values.update(reviewed_by=None, reviewed_at=None)
    if existing is None:
        conn.execute(sa.insert(db.reviews).values(sender_id=sender_id, **values))
    else:
        conn.execute(sa.update(db.reviews).where(r.sender_id == sender_id).values(**values))


def get_review(conn: Connection, sender_id: str) -> Optional[Dict]:
    r = db.reviews.c
    row = conn.execute(sa.select(db.reviews).where(r.sender_id == sender_id)).first()
    if row is None:
        return None
    data = dict(row._mapping)
    data["note"] = mask(data.get("note") or "")
    return data


def clean_tag(tag: str) -> str:
    return re.sub(r"\s+", "_", (tag or "").strip())[:TAG_MAX]


def add_tag(conn: Connection, sender_id: str, tag: str, user: str) -> bool:
    tag = clean_tag(tag)
    if not tag:
        return False
    t = db.tags.c
    exists = conn.execute(
        sa.select(sa.func.count()).where(t.sender_id == sender_id, t.tag == tag)
    ).scalar_one()
    if not exists:
        conn.execute(sa.insert(db.tags).values(
            sender_id=sender_id, tag=tag, created_by=user, created_at=time.time()))
    return True


def remove_tag(conn: Connection, sender_id: str, tag: str) -> None:
    t = db.tags.c
    conn.execute(sa.delete(db.tags).where(t.sender_id == sender_id, t.tag == tag))


def save_correction(conn: Connection, sender_id: str, event_id: int, intent: str, user: str) -> bool:
    """Records the right intent for one patient message of this conversation."""
    e = db.events.c
    row = conn.execute(
        sa.select(e.data, e.intent_name).where(
            e.id == event_id, e.sender_id == sender_id, e.type_name == "user")
    ).first()
    if row is None:
        return False
    data = json.loads(row.data or "{}")
    text = (data.get("text") or "").strip()
    if not text or text.startswith("/"):
        return False
    predicted = ((data.get("parse_data") or {}).get("intent") or {}).get("name") or row.intent_name
    conn.execute(sa.delete(db.corrections).where(db.corrections.c.event_id == event_id))
    conn.execute(sa.insert(db.corrections).values(
        event_id=event_id, sender_id=sender_id, text=mask(text), predicted_intent=predicted,
        intent=intent, created_by=user, created_at=time.time()))
    return True


def delete_correction(conn: Connection, event_id: int) -> None:
    conn.execute(sa.delete(db.corrections).where(db.corrections.c.event_id == event_id))


def list_corrections(conn: Connection) -> List[Dict]:
    k, c = db.corrections.c, db.conversations.c
    rows = conn.execute(
        sa.select(k.event_id, k.text, k.predicted_intent, k.intent, k.created_by, k.created_at,
                  c.conv_key)
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


# --------------------------------------------------------------------------- dashboard


def dashboard(conn: Connection, tz: ZoneInfo, days: int = 30, today: Optional[date] = None) -> Dict:
    """Numbers for the last `days` days (local dates), from the index."""
    today = today or datetime.now(tz).date()
    start = today - timedelta(days=days - 1)
    day_list = [(start + timedelta(days=i)).isoformat() for i in range(days)]
    m = db.messages.c
    in_period = sa.and_(m.day >= day_list[0], m.day <= day_list[-1])

    per_day = {d: {"conversations": 0, "typed": 0, "fallbacks": 0} for d in day_list}
    for row in conn.execute(
        sa.select(
            m.day,
            sa.func.count(sa.distinct(m.sender_id)).label("conversations"),
            sa.func.sum(sa.case((m.is_payload, 0), else_=1)).label("typed"),
            sa.func.sum(sa.case((sa.and_(m.fallback, sa.not_(m.is_payload)), 1), else_=0)).label(
                "fallbacks"),
        ).where(in_period).group_by(m.day)
    ):
        per_day[row.day] = {
            "conversations": row.conversations,
            "typed": int(row.typed or 0),
            "fallbacks": int(row.fallbacks or 0),
        }
    daily = [
        dict(day=d, **v, fallback_rate=(v["fallbacks"] / v["typed"]) if v["typed"] else None)
        for d, v in per_day.items()
    ]
    typed = sum(v["typed"] for v in per_day.values())
    fallbacks = sum(v["fallbacks"] for v in per_day.values())

    top_intents = [
        {"intent": row.intent, "label": intent_label(row.intent), "count": row.n}
        for row in conn.execute(
            sa.select(m.intent, sa.func.count().label("n"))
            .where(in_period, m.intent.isnot(None), m.intent.notin_(NOT_TOPICS))
            .group_by(m.intent)
            .order_by(sa.func.count().desc(), m.intent)
            .limit(10)
        )
    ]
    unanswered = [
        {"text": mask(row.text), "count": row.n, "last": row.last}
        for row in conn.execute(
            sa.select(m.text, sa.func.count().label("n"), sa.func.max(m.ts).label("last"))
            .where(in_period, m.fallback, sa.not_(m.is_payload))
            .group_by(m.text)
            .order_by(sa.func.count().desc(), sa.func.max(m.ts).desc())
            .limit(10)
        )
    ]
    channels = [
        {"channel": row.channel, "label": CHANNEL_LABELS.get(row.channel, row.channel),
         "count": row.n}
        for row in conn.execute(
            sa.select(m.channel, sa.func.count(sa.distinct(m.sender_id)).label("n"))
            .where(in_period)
            .group_by(m.channel)
            .order_by(sa.func.count(sa.distinct(m.sender_id)).desc())
        )
    ]
    ratings = {"good": 0, "bad": 0}
    for row in conn.execute(
        sa.select(m.rating, sa.func.count().label("n"))
        .where(in_period, m.rating.in_(("good", "bad")))
        .group_by(m.rating)
    ):
        ratings[row.rating] = row.n
    flags = {}
    senders = sa.select(m.sender_id).where(in_period).distinct().scalar_subquery()
    c = db.conversations.c
    for flag in ("asked_human", "emergency", "negative_feedback"):
        flags[flag] = conn.execute(
            sa.select(sa.func.count()).where(getattr(c, flag), c.sender_id.in_(senders))
        ).scalar_one()
    total_conversations = conn.execute(
        sa.select(sa.func.count(sa.distinct(m.sender_id))).where(in_period)
    ).scalar_one()
    return {
        "days": days,
        "start": day_list[0],
        "end": day_list[-1],
        "daily": daily,
        "conversations": total_conversations,
        "typed_messages": typed,
        "fallbacks": fallbacks,
        "fallback_rate": (fallbacks / typed) if typed else None,
        "top_intents": top_intents,
        "unanswered": unanswered,
        "channels": channels,
        "ratings": ratings,
        **flags,
    }


# --------------------------------------------------------------------------- retention


def purge(engine: Engine, older_than_days: float, dry_run: bool = False,
          now: Optional[float] = None) -> Dict[str, int]:
    """Deletes conversations whose latest event is older than `older_than_days`: Rasa's events
    for those senders and every console row about them. Returns what was (or would be) deleted."""
    cutoff = (now or time.time()) - older_than_days * 86400
    e = db.events.c
    senders: List[str] = []
    with engine.begin() as conn:
        if db.has_events_table(engine):
            senders = [
                row.sender_id
                for row in conn.execute(
                    sa.select(e.sender_id).group_by(e.sender_id)
                    .having(sa.func.max(e.timestamp) < cutoff)
                )
            ]
            live = sa.select(e.sender_id).distinct()
        else:
            live = None  # nothing to compare with: leave the console's rows alone
        counts = {"conversations": len(senders), "events": 0}
        if senders:
            for start in range(0, len(senders), 500):
                chunk = senders[start : start + 500]
                where = e.sender_id.in_(chunk)
                if dry_run:
                    counts["events"] += conn.execute(
                        sa.select(sa.func.count()).where(where)).scalar_one()
                else:
                    counts["events"] += conn.execute(sa.delete(db.events).where(where)).rowcount
        if dry_run:
            return counts
        for table in db.PER_SENDER_TABLES:
            deleted = 0
            for start in range(0, len(senders), 500):
                chunk = senders[start : start + 500]
                deleted += conn.execute(
                    sa.delete(table).where(table.c.sender_id.in_(chunk))).rowcount
            if live is not None:
                # Rows about conversations whose events are already gone.
                deleted += conn.execute(
                    sa.delete(table).where(table.c.sender_id.notin_(live))).rowcount
            counts[table.name] = deleted
        return counts
