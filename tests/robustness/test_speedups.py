"""channels/speedups.py: Rasa's validation of action server responses, without re-checking the
constant schema each time (same verdicts and errors as jsonschema.validate), and its lookup of
event classes by type name, remembered (same classes and errors as Rasa's)."""

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


@pytest.mark.parametrize("patch", speedups.PATCHES, ids=lambda p: p.name)
def test_written_for_this_rasa_and_this_function(patch):
    """A Rasa upgrade that changes a replaced function fails here: compare it with the replacement,
    then update FOR_RASA and the patch's replaced_source_sha256."""
    import rasa

    assert rasa.__version__ == speedups.FOR_RASA
    assert patch.source_sha256() == patch.replaced_source_sha256
    import channels.guard  # noqa: F401  (the one place they are installed)

    assert patch.installed()


def test_event_types_are_resolved_as_rasa_does():
    from rasa.shared.core.events import ActionExecuted, Event, UserUttered
    from rasa.shared.utils.common import all_subclasses

    rasa_resolve = speedups.RASA_FUNCTIONS[(Event, "resolve_by_type")]
    assert speedups.install()
    for cls in all_subclasses(Event):
        assert Event.resolve_by_type(cls.type_name) is rasa_resolve(cls.type_name), cls
        assert Event.resolve_by_type(cls.type_name) is rasa_resolve(cls.type_name), "remembered"
    assert Event.resolve_by_type("user") is UserUttered
    assert Event.resolve_by_type("topic") is None
    assert Event.resolve_by_type("no_such_event", default=ActionExecuted) is ActionExecuted
    with pytest.raises(ValueError, match="Unknown event name 'no_such_event'"):
        Event.resolve_by_type("no_such_event")
    events = [
        {"event": "user", "text": "副作用は？", "parse_data": {}},
        {"event": "slot", "name": "last_topic", "value": "safety"},
    ]
    assert [type(Event.from_parameters(e)).__name__ for e in events] == ["UserUttered", "SlotSet"]


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
