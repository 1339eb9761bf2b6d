"""Conversations: the filtered list and its CSV export, one transcript, and what staff do on it
(review and note, tags, the right intent for a message)."""

from __future__ import annotations

from typing import Dict, List, Tuple
from urllib.parse import urlencode

from fastapi import APIRouter, Depends, Form, HTTPException, Request
from fastapi.responses import HTMLResponse, RedirectResponse, StreamingResponse
from sqlalchemy.engine import Engine

from console import index, queries
from console.deps import CurrentUser, EngineDep, RenderDep, SettingsDep, csrf_protected
from settings import ConsoleSettings

router = APIRouter(dependencies=[Depends(csrf_protected)])


def sender_for(engine: Engine, key: str) -> str:
    """The sender id of the conversation with this URL key (404 if there is none)."""
    with engine.connect() as conn:
        sender = queries.find_sender(conn, key)
    if sender is None:
        raise HTTPException(404, "no such conversation")
    return sender


def list_context(
    request: Request, settings: ConsoleSettings, engine: Engine
) -> Tuple[queries.Filters, int, List[queries.ConversationRow], int, Dict]:
    """(filters, page, rows, total, filter choices) for the list's query string."""
    filters = queries.Filters.from_params(request.query_params)
    try:
        page = max(int(request.query_params.get("page", "1")), 1)
    except ValueError:
        page = 1
    index.sync(engine, settings.tz)
    with engine.connect() as conn:
        rows, total = queries.list_conversations(
            conn, filters, settings.low_confidence, settings.tz, page, settings.page_size
        )
        options = dict(
            intents=queries.known_intents(conn),
            channels=queries.known_channels(conn),
            tags=queries.all_tags(conn),
        )
    return filters, page, rows, total, options


def back(key: str, msg: str, anchor: str = "") -> RedirectResponse:
    return RedirectResponse(f"/conversations/{key}?msg={msg}{anchor}", status_code=303)


@router.get("/conversations", response_class=HTMLResponse)
def conversations_page(request: Request, settings: SettingsDep, engine: EngineDep, render: RenderDep):
    if any(value == "" for value in request.query_params.values()):
        # The filter form sends its empty fields too: keep the address short and shareable.
        query = queries.Filters.from_params(request.query_params).params()
        return RedirectResponse("/conversations?" + urlencode(query), status_code=303)
    filters, page, rows, total, options = list_context(request, settings, engine)
    pages = max((total + settings.page_size - 1) // settings.page_size, 1)
    query = filters.params()

    def page_url(n: int) -> str:
        return "/conversations?" + urlencode({**query, "page": n})

    return render(
        "conversations.html",
        filters=filters,
        rows=rows,
        total=total,
        page=page,
        pages=pages,
        page_url=page_url,
        csv_url="/export/conversations.csv?" + urlencode(query),
        **options,
    )


@router.get("/conversations/{key}", response_class=HTMLResponse)
def transcript_page(key: str, settings: SettingsDep, engine: EngineDep, render: RenderDep):
    index.sync(engine, settings.tz)
    sender = sender_for(engine, key)
    with engine.connect() as conn:
        data = queries.transcript(conn, sender, settings.low_confidence)
        review = queries.get_review(conn, sender)
    if data is None:
        raise HTTPException(404, "no such conversation")
    return render(
        "transcript.html",
        conv=data.conversation,
        turns=data.turns,
        review=review,
        intents=queries.domain_intents(settings.domain_file),
    )


@router.post("/conversations/{key}/review")
def review(key: str, user: CurrentUser, engine: EngineDep, reviewed: str = Form(""), note: str = Form("")):
    sender = sender_for(engine, key)
    done = reviewed in ("1", "on", "true")
    with engine.begin() as conn:
        before = queries.get_review(conn, sender)
        queries.set_review(conn, sender, done, note, user.username)
    was = bool(before and before["reviewed"])
    return back(key, "reviewed" if done and not was else "unreviewed" if was and not done else "note")


@router.post("/conversations/{key}/tags")
def add_tag(key: str, user: CurrentUser, engine: EngineDep, tag: str = Form("")):
    sender = sender_for(engine, key)
    with engine.begin() as conn:
        queries.add_tag(conn, sender, tag, user.username)
    return back(key, "tag")


@router.post("/conversations/{key}/tags/remove")
def remove_tag(key: str, engine: EngineDep, tag: str = Form("")):
    sender = sender_for(engine, key)
    with engine.begin() as conn:
        queries.remove_tag(conn, sender, tag)
    return back(key, "untag")


@router.post("/conversations/{key}/corrections")
def correct(
    key: str,
    user: CurrentUser,
    settings: SettingsDep,
    engine: EngineDep,
    event_id: int = Form(...),
    intent: str = Form(""),
):
    sender = sender_for(engine, key)
    if intent not in queries.domain_intents(settings.domain_file):
        return back(key, "bad-intent", f"#m{event_id}")
    with engine.begin() as conn:
        ok = queries.save_correction(conn, sender, event_id, intent, user.username)
    return back(key, "corrected" if ok else "bad-message", f"#m{event_id}")


@router.get("/export/conversations.csv")
def export_csv(request: Request, settings: SettingsDep, engine: EngineDep):
    filters = queries.Filters.from_params(request.query_params)
    index.sync(engine, settings.tz)

    def body():
        with engine.connect() as conn:
            rows = queries.iter_conversations(conn, filters, settings.low_confidence, settings.tz)
            for chunk in queries.conversations_csv(rows, settings.tz):
                yield chunk.encode("utf-8")

    return StreamingResponse(
        body(),
        media_type="text/csv; charset=utf-8",
        headers={"Content-Disposition": 'attachment; filename="conversations.csv"'},
    )
