"""Answers from the knowledge base: a topic's short answer, and its longer "詳しく" answer."""
from __future__ import annotations

from typing import Any, Dict, List, Text

from rasa_sdk import Action, Tracker
from rasa_sdk.events import SlotSet
from rasa_sdk.executor import CollectingDispatcher

from actions.knowledge import knowledge_base

MORE_DETAIL_BUTTON = {"title": "もっと詳しく", "payload": "/ask_more_detail"}


def latest_entities(tracker: Tracker) -> Dict[str, str]:
    return {e["entity"]: e["value"] for e in tracker.latest_message.get("entities") or []}


class ActionAnswerTopic(Action):
    """Answers the topic that the latest intent (and its entities) points to."""

    def name(self) -> Text:
        return "action_answer_topic"

    def run(
        self, dispatcher: CollectingDispatcher, tracker: Tracker, domain: Dict[Text, Any]
    ) -> List[Dict[Text, Any]]:
        kb = knowledge_base()
        intent = (tracker.latest_message.get("intent") or {}).get("name") or ""
        topic = kb.find(intent, latest_entities(tracker))
        if topic is None:
            dispatcher.utter_message(response="utter_default")
            return []
        buttons = kb.buttons(topic.followups)
        if topic.detail != topic.answer:
            buttons = [MORE_DETAIL_BUTTON] + buttons
        dispatcher.utter_message(text=kb.render(topic.answer), buttons=buttons)
        return [SlotSet("last_topic", topic.id)]


class ActionMoreDetail(Action):
    """"もっと詳しく": the longer answer of the topic the conversation is about."""

    def name(self) -> Text:
        return "action_more_detail"

    def run(
        self, dispatcher: CollectingDispatcher, tracker: Tracker, domain: Dict[Text, Any]
    ) -> List[Dict[Text, Any]]:
        kb = knowledge_base()
        topic = kb.get(tracker.get_slot("last_topic") or "")
        if topic is None:
            dispatcher.utter_message(
                text="どの話題について詳しくお知りになりたいですか。下から選ぶか、気になることを入力してください。",
                buttons=kb.buttons(kb.menu),
            )
            return []
        text = kb.render(topic.detail)
        if topic.source:
            text += f"\n\n（出典: クリニックのページ「{topic.source}」）"
        dispatcher.utter_message(text=text, buttons=kb.buttons(topic.followups))
        return []
