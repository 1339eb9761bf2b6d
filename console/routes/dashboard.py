"""The dashboard: conversations, fallbacks, topics, channels and ratings over 7, 30 or 90 days."""

from __future__ import annotations

from typing import Dict

from fastapi import APIRouter, Depends
from fastapi.responses import HTMLResponse

from console import charts, index, queries
from console.deps import EngineDep, RenderDep, SettingsDep, csrf_protected

DASHBOARD_DAYS = (7, 30, 90)

router = APIRouter(dependencies=[Depends(csrf_protected)])


def dashboard_data(settings: SettingsDep, engine: EngineDep, days: int = 30) -> Dict:
    """The dashboard's numbers (a dependency: `days` is the query parameter; other values
    than 7, 30 or 90 mean 30), after bringing the index up to date."""
    days = days if days in DASHBOARD_DAYS else 30
    index.sync(engine, settings.tz)
    with engine.connect() as conn:
        return queries.dashboard(conn, settings.tz, days)


def _charts(data: Dict) -> Dict:
    daily, ratings = data["daily"], data["ratings"]
    return {
        "conversations": charts.column_chart([(d["day"], d["conversations"]) for d in daily], "1日あたりの会話数"),
        "fallback": charts.column_chart(
            [(d["day"], d["fallback_rate"]) for d in daily], "1日あたりのフォールバック率", css="bar warn", percent=True
        ),
        "topics": charts.bar_list([(t["label"], t["count"]) for t in data["top_intents"]], "よく聞かれる話題"),
        "channels": charts.bar_list(
            [(c["label"], c["count"]) for c in data["channels"]], "チャネル別の会話数", css="bar alt", label_width=90
        ),
        "ratings": charts.split_bar([("👍", ratings["good"], "good"), ("👎", ratings["bad"], "bad")], "評価"),
    }


@router.get("/", response_class=HTMLResponse)
def dashboard_page(render: RenderDep, data: Dict = Depends(dashboard_data)):
    return render("dashboard.html", data=data, svg=_charts(data), day_options=DASHBOARD_DAYS)
