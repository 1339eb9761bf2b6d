"""Retention: deleting whole conversations once they are older than the clinic keeps them.

`purge` is the one place the console deletes from Rasa's `events` table. It removes every event
of a conversation whose latest event is older than the cutoff, and every console row about it
(index, review, tags, corrections); `python -m console purge` runs it, then re-syncs the index.
"""

from __future__ import annotations

import time
from typing import Dict, List, Optional

import sqlalchemy as sa
from sqlalchemy.engine import Connection, Engine

from console import db


def _old_senders(conn: Connection, cutoff: float) -> List[str]:
    e = db.events.c
    return [
        row.sender_id
        for row in conn.execute(sa.select(e.sender_id).group_by(e.sender_id).having(sa.func.max(e.timestamp) < cutoff))
    ]


def _events(conn: Connection, senders: List[str], dry_run: bool) -> int:
    """Deletes (or, on a dry run, counts) these senders' events."""
    count = 0
    for chunk in db.chunks(senders):
        where = db.events.c.sender_id.in_(chunk)
        if dry_run:
            count += conn.execute(sa.select(sa.func.count()).where(where)).scalar_one()
        else:
            count += conn.execute(sa.delete(db.events).where(where)).rowcount
    return count


def _console_rows(conn: Connection, table: sa.Table, senders: List[str], live) -> int:
    """Deletes a console table's rows about these senders (and, given the senders `live` in
    Rasa's table, its rows about any other conversation that is gone)."""
    deleted = 0
    for chunk in db.chunks(senders):
        deleted += conn.execute(sa.delete(table).where(table.c.sender_id.in_(chunk))).rowcount
    if live is not None:
        # Rows about conversations whose events are already gone.
        deleted += conn.execute(sa.delete(table).where(table.c.sender_id.notin_(live))).rowcount
    return deleted


def purge(engine: Engine, older_than_days: float, dry_run: bool = False, now: Optional[float] = None) -> Dict[str, int]:
    """Deletes conversations whose latest event is older than `older_than_days`: Rasa's events
    for those senders and every console row about them. Returns what was (or would be) deleted."""
    cutoff = (now or time.time()) - older_than_days * 86400
    senders: List[str] = []
    live = None  # without Rasa's table there is nothing to compare with: keep the console's rows
    with engine.begin() as conn:
        if db.has_events_table(engine):
            senders = _old_senders(conn, cutoff)
            live = sa.select(db.events.c.sender_id).distinct()
        counts = {"conversations": len(senders), "events": 0}
        if senders:
            counts["events"] = _events(conn, senders, dry_run)
        if dry_run:
            return counts
        for table in db.PER_SENDER_TABLES:
            counts[table.name] = _console_rows(conn, table, senders, live)
        return counts
