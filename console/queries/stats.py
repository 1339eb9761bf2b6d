"""The dashboard's numbers for the last N days (local dates), from the console's index."""

from __future__ import annotations

from datetime import date, datetime, timedelta
from typing import Dict, List, Optional
from zoneinfo import ZoneInfo

import sqlalchemy as sa
from sqlalchemy.engine import Connection

from console import db
from console.events import FALLBACK_INTENT
from console.masking import mask
from console.queries.labels import CHANNEL_LABELS, intent_label

NOT_TOPICS = {FALLBACK_INTENT, "feedback"}


def _daily(conn: Connection, in_period, day_list: List[str]) -> List[Dict]:
    m = db.messages.c
    per_day = {d: {"conversations": 0, "typed": 0, "fallbacks": 0} for d in day_list}
    for row in conn.execute(
        sa.select(
            m.day,
            sa.func.count(sa.distinct(m.sender_id)).label("conversations"),
            sa.func.sum(sa.case((m.is_payload, 0), else_=1)).label("typed"),
            sa.func.sum(sa.case((sa.and_(m.fallback, sa.not_(m.is_payload)), 1), else_=0)).label("fallbacks"),
        )
        .where(in_period)
        .group_by(m.day)
    ):
        per_day[row.day] = {
            "conversations": row.conversations,
            "typed": int(row.typed or 0),
            "fallbacks": int(row.fallbacks or 0),
        }
    return [
        dict(day=d, **v, fallback_rate=(v["fallbacks"] / v["typed"]) if v["typed"] else None)
        for d, v in per_day.items()
    ]


def _top_intents(conn: Connection, in_period) -> List[Dict]:
    m = db.messages.c
    return [
        {"intent": row.intent, "label": intent_label(row.intent), "count": row.n}
        for row in conn.execute(
            sa.select(m.intent, sa.func.count().label("n"))
            .where(in_period, m.intent.isnot(None), m.intent.notin_(NOT_TOPICS))
            .group_by(m.intent)
            .order_by(sa.func.count().desc(), m.intent)
            .limit(10)
        )
    ]


def _unanswered(conn: Connection, in_period) -> List[Dict]:
    m = db.messages.c
    return [
        {"text": mask(row.text), "count": row.n, "last": row.last}
        for row in conn.execute(
            sa.select(m.text, sa.func.count().label("n"), sa.func.max(m.ts).label("last"))
            .where(in_period, m.fallback, sa.not_(m.is_payload))
            .group_by(m.text)
            .order_by(sa.func.count().desc(), sa.func.max(m.ts).desc())
            .limit(10)
        )
    ]


def _channels(conn: Connection, in_period) -> List[Dict]:
    m = db.messages.c
    return [
        {"channel": row.channel, "label": CHANNEL_LABELS.get(row.channel, row.channel), "count": row.n}
        for row in conn.execute(
            sa.select(m.channel, sa.func.count(sa.distinct(m.sender_id)).label("n"))
            .where(in_period)
            .group_by(m.channel)
            .order_by(sa.func.count(sa.distinct(m.sender_id)).desc())
        )
    ]


def _ratings(conn: Connection, in_period) -> Dict[str, int]:
    m = db.messages.c
    ratings = {"good": 0, "bad": 0}
    for row in conn.execute(
        sa.select(m.rating, sa.func.count().label("n"))
        .where(in_period, m.rating.in_(("good", "bad")))
        .group_by(m.rating)
    ):
        ratings[row.rating] = row.n
    return ratings


def _flags(conn: Connection, in_period) -> Dict[str, int]:
    m, c = db.messages.c, db.conversations.c
    senders = sa.select(m.sender_id).where(in_period).distinct().scalar_subquery()
    return {
        flag: conn.execute(sa.select(sa.func.count()).where(getattr(c, flag), c.sender_id.in_(senders))).scalar_one()
        for flag in ("asked_human", "emergency", "negative_feedback")
    }


def dashboard(conn: Connection, tz: ZoneInfo, days: int = 30, today: Optional[date] = None) -> Dict:
    """Numbers for the last `days` days (local dates), from the index."""
    today = today or datetime.now(tz).date()
    start = today - timedelta(days=days - 1)
    day_list = [(start + timedelta(days=i)).isoformat() for i in range(days)]
    m = db.messages.c
    in_period = sa.and_(m.day >= day_list[0], m.day <= day_list[-1])
    daily = _daily(conn, in_period, day_list)
    typed = sum(d["typed"] for d in daily)
    fallbacks = sum(d["fallbacks"] for d in daily)
    total_conversations = conn.execute(sa.select(sa.func.count(sa.distinct(m.sender_id))).where(in_period)).scalar_one()
    return {
        "days": days,
        "start": day_list[0],
        "end": day_list[-1],
        "daily": daily,
        "conversations": total_conversations,
        "typed_messages": typed,
        "fallbacks": fallbacks,
        "fallback_rate": (fallbacks / typed) if typed else None,
        "top_intents": _top_intents(conn, in_period),
        "unanswered": _unanswered(conn, in_period),
        "channels": _channels(conn, in_period),
        "ratings": _ratings(conn, in_period),
        **_flags(conn, in_period),
    }
