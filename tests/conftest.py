from typing import Any, Dict, List, Optional

import pytest
from rasa_sdk import Tracker
from rasa_sdk.executor import CollectingDispatcher

from harness.stack import MODEL, start_stack


@pytest.fixture
def dispatcher() -> CollectingDispatcher:
    return CollectingDispatcher()


def make_tracker(
    text: str = "",
    intent: Optional[str] = None,
    entities: Optional[List[Dict[str, Any]]] = None,
    slots: Optional[Dict[str, Any]] = None,
    ranking: Optional[List[Dict[str, Any]]] = None,
    confidence: float = 0.9,
    **parse: Any,
) -> Tracker:
    """A real rasa-sdk Tracker, built the way the action server builds it from Rasa's JSON.

    `parse` adds the other parse data our pipeline outputs (segments, page_passages, ...)."""
    latest = {
        "text": text,
        "intent": {"name": intent, "confidence": confidence} if intent else {},
        "entities": entities or [],
        "intent_ranking": ranking or ([{"name": intent, "confidence": confidence}] if intent else []),
        **parse,
    }
    return Tracker.from_dict(
        {
            "sender_id": "test-user",
            "slots": slots or {},
            "latest_message": latest,
            "events": [{"event": "user", "text": text, "parse_data": latest}],
            "paused": False,
            "followup_action": None,
            "active_loop": {},
            "latest_action_name": "action_listen",
        }
    )


@pytest.fixture(scope="session")
def stack(tmp_path_factory):
    """The real assistant (action server + Rasa, REST and socket.io channels, SQLite)."""
    if not MODEL.exists():
        pytest.fail(f"{MODEL} missing: run `make train` (make test does)")
    with start_stack(tmp_path_factory.mktemp("stack")) as running:
        yield running


# --- lanes -------------------------------------------------------------------------------------
# Every test gets its lane from what it uses, so a new test cannot forget its marker:
#   e2e       needs the trained model (models/current.tar.gz): the servers, or the model in-process
#   browser   drives Chromium (Playwright)
#   postgres  talks to PostgreSQL (configured, or a private instance from harness/services.py)
#   slow      over ~10 s on its own (listed below, measured with --durations)
#   unit      everything else
# `make test-fast` runs `-m "not e2e and not browser and not slow"`: no training, no browser.
E2E_FIXTURES = {
    "stack",
    "guarded",
    "cluster",
    "driven",
    "driven_factory",
    "line",
    "slack",
    "running",
    "results",
    "report",
}
BROWSER_FIXTURES = {"browser", "console_url"}
SLOW = {
    "tests/test_nlu_heldout.py",
    "tests/robustness/test_faults.py::test_postgres_restart_mid_traffic",
    "tests/robustness/test_faults.py::test_redis_down_gets_a_polite_answer",
    "tests/console/test_cli.py::test_accounts",
}


def pytest_collection_modifyitems(config, items):
    for item in items:
        fixtures = set(getattr(item, "fixturenames", ()))
        path = item.nodeid.split("::")[0]
        if fixtures & BROWSER_FIXTURES or path.startswith("tests/web/"):
            item.add_marker(pytest.mark.browser)
        if fixtures & E2E_FIXTURES:
            item.add_marker(pytest.mark.e2e)
        if "postgresql" in item.nodeid or "cluster" in fixtures:
            item.add_marker(pytest.mark.postgres)
        if path in SLOW or any(item.nodeid.startswith(slow + "[") or item.nodeid == slow for slow in SLOW):
            item.add_marker(pytest.mark.slow)
        if not any(item.get_closest_marker(lane) for lane in ("e2e", "browser", "slow")):
            item.add_marker(pytest.mark.unit)
