"""Corrected intents: the list, deleting one, and the export as Rasa NLU training data."""

from __future__ import annotations

from fastapi import APIRouter, Depends, Form
from fastapi.responses import HTMLResponse, RedirectResponse, Response

from console import queries
from console.deps import EngineDep, RenderDep, csrf_protected, safe_next

router = APIRouter(dependencies=[Depends(csrf_protected)])


@router.get("/corrections", response_class=HTMLResponse)
def corrections_page(engine: EngineDep, render: RenderDep):
    with engine.connect() as conn:
        rows = queries.list_corrections(conn)
    return render("corrections.html", rows=rows)


@router.post("/corrections/{event_id}/delete")
def delete_correction(event_id: int, engine: EngineDep, back_to: str = Form("")):
    with engine.begin() as conn:
        queries.delete_correction(conn, event_id)
    target = safe_next(back_to) if back_to else "/corrections"
    sep = "&" if "?" in target else "?"
    return RedirectResponse(f"{target}{sep}msg=uncorrected", status_code=303)


@router.get("/corrections/export.yml")
def export_corrections(engine: EngineDep):
    with engine.connect() as conn:
        text = queries.corrections_yaml(conn)
    return Response(
        text,
        media_type="application/x-yaml; charset=utf-8",
        headers={"Content-Disposition": 'attachment; filename="console_corrections.yml"'},
    )
