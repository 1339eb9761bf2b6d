"""Emergencies: call 119 / the clinic, before anything else."""
from __future__ import annotations

from typing import Any, Dict, List, Text

from rasa_sdk import Action, Tracker
from rasa_sdk.executor import CollectingDispatcher

from actions.knowledge import knowledge_base

EMERGENCY_TOPIC = "emergency"


class ActionEmergency(Action):
    def name(self) -> Text:
        return "action_emergency"

    def run(
        self, dispatcher: CollectingDispatcher, tracker: Tracker, domain: Dict[Text, Any]
    ) -> List[Dict[Text, Any]]:
        kb = knowledge_base()
        dispatcher.utter_message(text=kb.render(kb.topics[EMERGENCY_TOPIC].answer))
        return []
