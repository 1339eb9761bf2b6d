"""channels/speedups.py: Rasa's validation of action server responses, without re-checking the
constant schema each time; same verdicts and errors as jsonschema.validate."""

from __future__ import annotations

import jsonschema
import pytest
from rasa.core.actions.action import RemoteAction

from channels import speedups

SPEC = RemoteAction.action_response_format_spec()
RESULTS = [
    {},
    {"events": [], "responses": []},
    {
        "events": [{"event": "slot", "name": "last_topic", "value": "safety", "timestamp": None}],
        "responses": [{"text": "回答", "buttons": []}],
    },
    {"events": "not a list"},
    {"events": [{"no_event_key": 1}]},
    {"events": [{"event": "slot", "name": 5}]},
    {"responses": [1]},
    {"events": [{"event": "no_such_event"}]},
]


def test_written_for_this_rasa_and_this_function():
    """A Rasa upgrade that changes the replaced function fails here: compare it with
    speedups._validate_action_result, then update FOR_RASA and REPLACED_SOURCE_SHA256."""
    import rasa

    assert rasa.__version__ == speedups.FOR_RASA
    assert speedups.replaced_source_sha256() == speedups.REPLACED_SOURCE_SHA256
    import channels.guard  # noqa: F401  (the one place it is installed)

    assert RemoteAction._validate_action_result is speedups._validate_action_result


@pytest.fixture(scope="module")
def action():
    assert speedups.install()
    assert speedups.install(), "idempotent"
    return RemoteAction("action_answer_topic", None)


@pytest.mark.parametrize("result", RESULTS)
def test_same_verdict_and_error_as_jsonschema(action, result):
    try:
        jsonschema.validate(result, SPEC)
        expected = None
    except jsonschema.ValidationError as error:
        expected = error.message
    if expected is None:
        assert action._validate_action_result(result) is True
    else:
        with pytest.raises(jsonschema.ValidationError) as raised:
            action._validate_action_result(result)
        assert raised.value.message.startswith(expected)
        assert "Failed to validate Action server response" in raised.value.message
