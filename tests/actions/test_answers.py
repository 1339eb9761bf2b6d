"""action_answer_topic, action_did_you_mean and action_more_detail with a real Tracker and
CollectingDispatcher (the choice itself: tests/actions/test_choice.py)."""

import json

import pytest
from rasa_sdk.events import SlotSet

from actions.answers import ActionAnswerTopic, ActionDidYouMean, ActionMoreDetail
from actions.choice import MORE_DETAIL_BUTTON
from knowledge import knowledge_base
from tests.conftest import make_tracker

KB = knowledge_base()
TOPICS = [t for t in KB.topics.values() if t.id != "emergency"]


def run(action, tracker, dispatcher):
    return action.run(dispatcher, tracker, {})


@pytest.mark.parametrize("topic", TOPICS, ids=lambda t: t.id)
def test_every_topic_is_reachable_from_its_intent_and_entities(topic, dispatcher):
    entities = [{"entity": name, "value": values[0]} for name, values in topic.entities.items()]
    events = run(ActionAnswerTopic(), make_tracker("q", topic.intent, entities), dispatcher)

    assert events == [SlotSet("last_topic", topic.id)]
    [message] = dispatcher.messages
    assert message["text"].startswith(KB.render(topic.answer))
    assert "{" not in message["text"]


@pytest.mark.parametrize("topic", TOPICS, ids=lambda t: t.id)
def test_answers_from_the_page_name_their_sections_and_others_do_not(topic, dispatcher):
    run(
        ActionAnswerTopic(),
        make_tracker("q", topic.intent, [{"entity": n, "value": v[0]} for n, v in topic.entities.items()]),
        dispatcher,
    )
    text = dispatcher.messages[0]["text"]
    if topic.sources:
        assert text.splitlines()[-1] == KB.source_line(topic)
        for section in topic.sources:
            assert f"「{section}」" in text.splitlines()[-1]
    else:
        assert "出典" not in text


def test_answer_offers_more_detail_and_followups(dispatcher):
    run(ActionAnswerTopic(), make_tracker("副作用はありますか", "ask_safety"), dispatcher)
    [message] = dispatcher.messages
    payloads = [b["payload"] for b in message["buttons"]]
    assert payloads[0] == MORE_DETAIL_BUTTON["payload"]
    assert payloads[1:] == [KB.get(f).payload() for f in KB.get("safety").followups]


def test_an_entity_picks_the_specific_topic_whatever_the_intent(dispatcher):
    tracker = make_tracker("血小板を使う治療はどういうもの？", "ask_what_is", [{"entity": "therapy", "value": "PRP"}])
    assert run(ActionAnswerTopic(), tracker, dispatcher) == [SlotSet("last_topic", "difference_prp")]
    tracker = make_tracker("幹細胞の点滴のメリットは？", "ask_benefits", [{"entity": "therapy", "value": "幹細胞治療"}])
    assert run(ActionAnswerTopic(), tracker, dispatcher) == [SlotSet("last_topic", "difference_stem_cell")]


def test_an_entity_does_not_take_over_a_question_the_page_does_not_answer(dispatcher):
    tracker = make_tracker("がんの治療費は？", "ask_price", [{"entity": "condition", "value": "がん"}])
    assert run(ActionAnswerTopic(), tracker, dispatcher) == [SlotSet("last_topic", "price")]


def test_unknown_condition_falls_back_to_the_general_indications_topic(dispatcher):
    tracker = make_tracker("水虫に効く？", "ask_indications", [{"entity": "condition", "value": "水虫"}])
    assert run(ActionAnswerTopic(), tracker, dispatcher) == [SlotSet("last_topic", "indications")]


def test_a_greeting_followed_by_a_question_answers_the_question(dispatcher):
    segments = [
        {"text": "こんにちは。", "intent": "greet", "confidence": 0.9, "entities": {}},
        {"text": "副作用はありますか？", "intent": "ask_safety", "confidence": 0.9, "entities": {}},
    ]
    tracker = make_tracker("こんにちは。副作用はありますか？", "greet", segments=segments)
    assert run(ActionAnswerTopic(), tracker, dispatcher) == [SlotSet("last_topic", "safety")]


def test_did_you_mean_answers_a_clear_guess_and_says_so(dispatcher):
    ranking = [
        {"name": "nlu_fallback", "confidence": 0.5},
        {"name": "ask_pain", "confidence": 0.48},
        {"name": "ask_safety", "confidence": 0.1},
    ]
    tracker = make_tracker("ちくっとする？", "nlu_fallback", ranking=ranking)
    assert run(ActionDidYouMean(), tracker, dispatcher) == [SlotSet("last_topic", "pain")]
    [message] = dispatcher.messages
    assert message["text"].startswith(KB.phrase("guess", title=KB.get("pain").title))
    assert KB.render(KB.get("pain").answer) in message["text"]
    assert message["buttons"][0]["payload"] == KB.get("safety").payload()


def test_more_detail_uses_the_topic_of_the_conversation(dispatcher):
    tracker = make_tracker("もっと詳しく", "ask_more_detail", slots={"last_topic": "administration"})
    assert run(ActionMoreDetail(), tracker, dispatcher) == []
    [message] = dispatcher.messages
    topic = KB.get("administration")
    assert message["text"].startswith(KB.render(topic.detail))
    assert message["text"].endswith(KB.source_line(topic))


def test_more_detail_without_a_topic_asks_which_one(dispatcher):
    run(ActionMoreDetail(), make_tracker("詳しく", "ask_more_detail"), dispatcher)
    [message] = dispatcher.messages
    assert message["text"] == KB.phrase("more_detail_which")
    assert [b["payload"] for b in message["buttons"]] == [KB.get(i).payload() for i in KB.menu]


def test_payloads_are_rasa_intent_payloads():
    topic = KB.get("indication_cancer")
    intent, _, entities = topic.payload().partition("{")
    assert intent == "/ask_indications"
    assert json.loads("{" + entities) == {"condition": "がん"}
