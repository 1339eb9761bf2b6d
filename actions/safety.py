"""Emergencies: call 119 / the clinic, before anything else (also in the patient's language),
and alert the staff on Slack."""
from __future__ import annotations

import logging
import os
from concurrent.futures import Future, ThreadPoolExecutor
from typing import Any, Dict, List, Optional, Text

from rasa_sdk import Action, Tracker
from rasa_sdk.executor import CollectingDispatcher

from actions.choice import emergency_language, emergency_messages
from knowledge import knowledge_base

logger = logging.getLogger(__name__)

SLACK_API_URL = "https://slack.com/api/"
# Alerts are posted from here, never from the action itself: the patient's 119 answer leaves the
# action server at once, however slow Slack is (its client waits up to 5 s per call).
_ALERTS = ThreadPoolExecutor(max_workers=2, thread_name_prefix="emergency-alert")


def alert_staff(sender_id: str, text: str, channel: str) -> None:
    """Posts the emergency to the staff's Slack channel (SLACK_ALERT_CHANNEL).

    Only the conversation id and the message are sent; staff open the transcript in the console.
    A Slack failure never delays or blocks the patient's answer: it is logged.
    """
    from slack_sdk import WebClient
    from slack_sdk.errors import SlackApiError

    client = WebClient(
        token=os.environ["SLACK_BOT_TOKEN"],
        base_url=os.environ.get("SLACK_API_URL") or SLACK_API_URL,
        timeout=5,
    )
    try:
        client.chat_postMessage(
            channel=channel,
            text=f":rotating_light: 緊急の可能性がある相談がありました（会話ID: {sender_id}）\n> {text[:500]}",
        )
    except (SlackApiError, OSError) as error:
        logger.error("emergency alert to Slack failed: %s", error)


def send_alert(sender_id: str, text: str, channel: str) -> "Future[None]":
    """Posts the alert in the background; the future is for tests and shutdown, nobody waits on it."""
    return _ALERTS.submit(alert_staff, sender_id, text, channel)


def alert_channel() -> Optional[str]:
    if os.environ.get("SLACK_BOT_TOKEN") and os.environ.get("SLACK_ALERT_CHANNEL"):
        return os.environ["SLACK_ALERT_CHANNEL"]
    return None


class ActionEmergency(Action):
    def name(self) -> Text:
        return "action_emergency"

    def run(
        self, dispatcher: CollectingDispatcher, tracker: Tracker, domain: Dict[Text, Any]
    ) -> List[Dict[Text, Any]]:
        latest = tracker.latest_message
        text = latest.get("text") or ""
        for message in emergency_messages(emergency_language(latest), knowledge_base()):
            dispatcher.utter_message(**message)
        channel = alert_channel()
        if channel:
            send_alert(tracker.sender_id, latest.get("romaji") or text, channel)
        return []
