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
