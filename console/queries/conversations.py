"""The conversation list: its filters, one page of rows, every row for an export, and the
choices the filter form offers. Rows come from the console's index (console/index.py), masked."""

from __future__ import annotations

from dataclasses import dataclass, fields
from datetime import date, datetime, timedelta
from typing import Dict, Iterator, List, Optional, Tuple
from zoneinfo import ZoneInfo

import sqlalchemy as sa
from sqlalchemy.engine import Connection

from console import db
from console.index import search_form
from console.masking import mask
from console.queries.staff import TAG_MAX


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
        conds.append(sa.exists().where(m.sender_id == c.sender_id, m.intent == filters.intent))
    if filters.tag:
        t = db.tags.c
        conds.append(sa.exists().where(t.sender_id == c.sender_id, t.tag == filters.tag))
    if filters.q:
        conds.append(c.search_text.contains(search_form(filters.q), autoescape=True))
    return sa.and_(*conds)


def _with_reviews():
    c, r = db.conversations.c, db.reviews.c
    return db.conversations.outerjoin(db.reviews, r.sender_id == c.sender_id)


def _base_query(columns, filters: Filters, threshold: float, tz: ZoneInfo):
    return sa.select(*columns).select_from(_with_reviews()).where(_where(filters, threshold, tz))


def _newest_first(filters: Filters, threshold: float, tz: ZoneInfo):
    c = db.conversations.c
    return _base_query(_list_columns(), filters, threshold, tz).order_by(c.last_ts.desc(), c.sender_id)


def _tags_for(conn: Connection, sender_ids: List[str]) -> Dict[str, List[str]]:
    out: Dict[str, List[str]] = {}
    for chunk in db.chunks(sender_ids):
        rows = conn.execute(
            sa.select(db.tags.c.sender_id, db.tags.c.tag).where(db.tags.c.sender_id.in_(chunk)).order_by(db.tags.c.tag)
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
        c.sender_id,
        c.conv_key,
        c.first_ts,
        c.last_ts,
        c.channel,
        c.turns,
        c.first_question,
        c.fell_back,
        c.asked_human,
        c.emergency,
        c.negative_feedback,
        c.min_confidence,
        r.reviewed,
        r.note,
    )


def list_conversations(
    conn: Connection,
    filters: Filters,
    threshold: float,
    tz: ZoneInfo,
    page: int = 1,
    page_size: int = 50,
) -> Tuple[List[ConversationRow], int]:
    """One page of conversations, newest activity first, and the total matching."""
    total = conn.execute(_base_query([sa.func.count()], filters, threshold, tz)).scalar_one()
    query = _newest_first(filters, threshold, tz).limit(page_size).offset(max(page - 1, 0) * page_size)
    return _rows(conn, conn.execute(query), threshold), total


def iter_conversations(
    conn: Connection, filters: Filters, threshold: float, tz: ZoneInfo, batch: int = 500
) -> Iterator[ConversationRow]:
    """Every matching conversation, newest first (for exports)."""
    offset = 0
    while True:
        query = _newest_first(filters, threshold, tz).limit(batch).offset(offset)
        rows = _rows(conn, conn.execute(query), threshold)
        yield from rows
        if len(rows) < batch:
            return
        offset += batch


def attention_count(conn: Connection, threshold: float, tz: ZoneInfo) -> int:
    return conn.execute(_base_query([sa.func.count()], Filters(attention=True), threshold, tz)).scalar_one()


def _distinct(conn: Connection, column, *where) -> List:
    return [row[0] for row in conn.execute(sa.select(column).where(*where).distinct().order_by(column))]


def known_intents(conn: Connection) -> List[str]:
    return _distinct(conn, db.messages.c.intent, db.messages.c.intent.isnot(None))


def known_channels(conn: Connection) -> List[str]:
    return _distinct(conn, db.conversations.c.channel)


def all_tags(conn: Connection) -> List[str]:
    return _distinct(conn, db.tags.c.tag)


def find_sender(conn: Connection, key: str) -> Optional[str]:
    return conn.execute(sa.select(db.conversations.c.sender_id).where(db.conversations.c.conv_key == key)).scalar()


def get_conversation(conn: Connection, sender_id: str, threshold: float) -> Optional[ConversationRow]:
    query = sa.select(*_list_columns()).select_from(_with_reviews()).where(db.conversations.c.sender_id == sender_id)
    rows = _rows(conn, conn.execute(query), threshold)
    return rows[0] if rows else None
