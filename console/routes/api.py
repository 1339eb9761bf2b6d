"""The JSON API (/api/...): the conversation list, one transcript, the dashboard's numbers.
Without a staff session it answers 401 (see console/app.py), not a redirect."""

from __future__ import annotations

from typing import Dict

from fastapi import APIRouter, Depends, HTTPException, Request

from console import index, queries
from console.deps import EngineDep, SettingsDep, csrf_protected
from console.routes.conversations import list_context, sender_for
from console.routes.dashboard import dashboard_data

router = APIRouter(prefix="/api", dependencies=[Depends(csrf_protected)])


@router.get("/conversations")
def api_conversations(request: Request, settings: SettingsDep, engine: EngineDep):
    filters, page, rows, total, _ = list_context(request, settings, engine)
    return {
        "total": total,
        "page": page,
        "page_size": settings.page_size,
        "conversations": [row.as_dict() for row in rows],
    }


@router.get("/conversations/{key}")
def api_transcript(key: str, settings: SettingsDep, engine: EngineDep):
    index.sync(engine, settings.tz)
    sender = sender_for(engine, key)
    with engine.connect() as conn:
        data = queries.transcript(conn, sender, settings.low_confidence)
    if data is None:  # indexed, but its events are gone (purged since): as the page does
        raise HTTPException(404, "no such conversation")
    return {"conversation": data.conversation.as_dict(), "turns": [turn.as_dict() for turn in data.turns]}


@router.get("/dashboard")
def api_dashboard(data: Dict = Depends(dashboard_data)):
    return data
