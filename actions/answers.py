"""Answering: the topic, guess, page passage or honest "not on the page" that actions.choice picks,
and the longer "もっと詳しく" answer of the topic the conversation is about."""

from __future__ import annotations

from typing import Any, Dict, List, Text

from rasa_sdk import Action, Tracker
from rasa_sdk.events import SlotSet
from rasa_sdk.executor import CollectingDispatcher

from actions.choice import choose, reply
from knowledge import knowledge_base


class ActionAnswerTopic(Action):
    """Answers a message the classifier is confident about (one rule per topic intent)."""

    def name(self) -> Text:
        return "action_answer_topic"

    def run(self, dispatcher: CollectingDispatcher, tracker: Tracker, domain: Dict[Text, Any]) -> List[Dict[Text, Any]]:
        kb = knowledge_base()
        choice = choose(tracker.latest_message, kb)
        for message in reply(choice, kb):
            dispatcher.utter_message(**message)
        topic = choice.answered_topic
        return [SlotSet("last_topic", topic)] if topic else []


class ActionDidYouMean(ActionAnswerTopic):
    """The same choice for messages below the classifier's threshold (`nlu_fallback`). Its own name
    lets staff find these turns in the console: the assistant was not sure."""

    def name(self) -> Text:
        return "action_did_you_mean"


class ActionMoreDetail(Action):
    """ "もっと詳しく": the longer answer of the topic the conversation is about."""

    def name(self) -> Text:
        return "action_more_detail"

    def run(self, dispatcher: CollectingDispatcher, tracker: Tracker, domain: Dict[Text, Any]) -> List[Dict[Text, Any]]:
        kb = knowledge_base()
        topic = kb.get(tracker.get_slot("last_topic") or "")
        if topic is None:
            dispatcher.utter_message(text=kb.phrase("more_detail_which"), buttons=kb.buttons(kb.menu))
            return []
        text = "\n\n".join(part for part in (kb.render(topic.detail), kb.source_line(topic)) if part)
        dispatcher.utter_message(text=text, buttons=kb.buttons(topic.followups))
        return []
