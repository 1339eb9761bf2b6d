"""Low confidence: "did you mean" with the likeliest topics as buttons, never a guessed answer."""
from __future__ import annotations

import re
from typing import Any, Dict, List, Text

from rasa_sdk import Action, Tracker
from rasa_sdk.executor import CollectingDispatcher

from actions.answers import latest_entities
from actions.knowledge import knowledge_base
from japanese_nlu import MAX_MESSAGE_CHARS

MAX_SUGGESTIONS = 3
NOT_SUGGESTED = {"report_emergency", "out_of_scope"}
JAPANESE = re.compile(r"[\u3040-\u30ff\u3400-\u9fff\uff66-\uff9f]")
LATIN_WORD = re.compile(r"[A-Za-z]{2,}")


class ActionDidYouMean(Action):
    def name(self) -> Text:
        return "action_did_you_mean"

    def run(
        self, dispatcher: CollectingDispatcher, tracker: Tracker, domain: Dict[Text, Any]
    ) -> List[Dict[Text, Any]]:
        kb = knowledge_base()
        text = tracker.latest_message.get("text") or ""
        if len(text) > MAX_MESSAGE_CHARS:
            dispatcher.utter_message(
                text=f"申し訳ありません、ご質問が長すぎるため読み取れませんでした。"
                f"{MAX_MESSAGE_CHARS}文字以内で、知りたいことを一つずつ入力していただけますか。",
                buttons=kb.buttons(kb.menu),
            )
            return []
        if LATIN_WORD.search(text) and not JAPANESE.search(text):
            dispatcher.utter_message(
                text="申し訳ありません、このチャットは日本語のご質問にお答えしています。"
                "(Sorry, this chat answers questions in Japanese only.) "
                "下のボタンからもお選びいただけます。",
                buttons=kb.buttons(kb.menu),
            )
            return []

        entities = latest_entities(tracker)
        suggestions = []
        for ranked in tracker.latest_message.get("intent_ranking") or []:
            if ranked.get("name") in NOT_SUGGESTED:
                continue
            topic = kb.find(ranked.get("name") or "", entities)
            if topic and topic not in suggestions:
                suggestions.append(topic)
            if len(suggestions) == MAX_SUGGESTIONS:
                break
        if suggestions:
            dispatcher.utter_message(
                text="申し訳ありません、ご質問を正確に読み取れませんでした。次のどれかに近いでしょうか。",
                buttons=kb.buttons([t.id for t in suggestions]),
            )
        else:
            dispatcher.utter_message(
                text="申し訳ありません、ご質問を読み取れませんでした。お答えできる話題は次のとおりです。",
                buttons=kb.buttons(kb.menu),
            )
        return []
