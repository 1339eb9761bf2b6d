"""What staff add to a conversation: the review mark with its note, and tags."""

from __future__ import annotations

import re
import time
from typing import Dict, Optional

import sqlalchemy as sa
from sqlalchemy.engine import Connection

from console import db
from console.masking import mask

TAG_MAX = 64
NOTE_MAX = 4000


def set_review(conn: Connection, sender_id: str, reviewed: bool, note: str, user: str) -> None:
    now = time.time()
    note = (note or "").strip()[:NOTE_MAX]
    r = db.reviews.c
    existing = conn.execute(sa.select(r.reviewed, r.reviewed_by, r.reviewed_at).where(r.sender_id == sender_id)).first()
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
    exists = conn.execute(sa.select(sa.func.count()).where(t.sender_id == sender_id, t.tag == tag)).scalar_one()
    if not exists:
        conn.execute(sa.insert(db.tags).values(sender_id=sender_id, tag=tag, created_by=user, created_at=time.time()))
    return True


def remove_tag(conn: Connection, sender_id: str, tag: str) -> None:
    t = db.tags.c
    conn.execute(sa.delete(db.tags).where(t.sender_id == sender_id, t.tag == tag))
