"""action_answer_topic and action_more_detail with a real Tracker and CollectingDispatcher."""
import json

import pytest
from rasa_sdk.events import SlotSet

from actions.answers import ActionAnswerTopic, ActionMoreDetail
from actions.knowledge import knowledge_base
from tests.conftest import make_tracker

KB = knowledge_base()


def run(action, tracker, dispatcher):
    return action.run(dispatcher, tracker, {})


@pytest.mark.parametrize("topic", list(KB.topics.values()), ids=lambda t: t.id)
def test_every_topic_is_reachable_from_its_intent_and_entities(topic, dispatcher):
    entities = [
        {"entity": name, "value": values[0]} for name, values in topic.entities.items()
    ]
    events = run(ActionAnswerTopic(), make_tracker("q", topic.intent, entities), dispatcher)

    assert events == [SlotSet("last_topic", topic.id)]
    [message] = dispatcher.messages
    assert message["text"] == KB.render(topic.answer)
    assert "{" not in message["text"]


def test_answer_offers_more_detail_and_followups(dispatcher):
    run(ActionAnswerTopic(), make_tracker("副作用はありますか", "ask_safety"), dispatcher)
    [message] = dispatcher.messages
    payloads = [b["payload"] for b in message["buttons"]]
    assert payloads[0] == "/ask_more_detail"
    followups = KB.get("safety").followups
    assert payloads[1:] == [KB.get(f).payload() for f in followups]


def test_condition_entity_picks_the_condition_topic(dispatcher):
    tracker = make_tracker(
        "リウマチに効きますか",
        "ask_indications",
        [{"entity": "condition", "value": "関節リウマチ"}],
    )
    events = run(ActionAnswerTopic(), tracker, dispatcher)
    assert events == [SlotSet("last_topic", "indication_inflammation")]


def test_unknown_condition_falls_back_to_the_general_indications_topic(dispatcher):
    tracker = make_tracker(
        "水虫に効く？", "ask_indications", [{"entity": "condition", "value": "水虫"}]
    )
    assert run(ActionAnswerTopic(), tracker, dispatcher) == [SlotSet("last_topic", "indications")]


def test_intent_without_topic_gets_the_default_reply(dispatcher):
    assert run(ActionAnswerTopic(), make_tracker("こんにちは", "greet"), dispatcher) == []
    assert dispatcher.messages[0]["response"] == "utter_default"


def test_more_detail_uses_the_topic_of_the_conversation(dispatcher):
    tracker = make_tracker("もっと詳しく", "ask_more_detail", slots={"last_topic": "administration"})
    assert run(ActionMoreDetail(), tracker, dispatcher) == []
    [message] = dispatcher.messages
    topic = KB.get("administration")
    assert message["text"].startswith(KB.render(topic.detail))
    assert topic.source in message["text"]


def test_more_detail_without_a_topic_asks_which_one(dispatcher):
    run(ActionMoreDetail(), make_tracker("詳しく", "ask_more_detail"), dispatcher)
    [message] = dispatcher.messages
    assert [b["payload"] for b in message["buttons"]] == [KB.get(i).payload() for i in KB.menu]


def test_payloads_are_rasa_intent_payloads():
    topic = KB.get("indication_cancer")
    intent, _, entities = topic.payload().partition("{")
    assert intent == "/ask_indications"
    assert json.loads("{" + entities) == {"condition": "がん"}
