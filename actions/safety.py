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
from console.keys import conversation_url
from knowledge import knowledge_base

logger = logging.getLogger(__name__)

SLACK_API_URL = "https://slack.com/api/"
# Alerts are posted from here, never from the action itself: the patient's 119 answer leaves the
# action server at once, however slow Slack is (its client waits up to 5 s per call).
_ALERTS = ThreadPoolExecutor(max_workers=2, thread_name_prefix="emergency-alert")


def alert_text(sender_id: str, text: str) -> str:
    """The alert: the patient's message and the link to the conversation in the console
    (CONSOLE_PUBLIC_URL; its path alone when unset). Never the sender id: it may be a LINE user id."""
    link = conversation_url(sender_id, os.environ.get("CONSOLE_PUBLIC_URL"))
    return f":rotating_light: 緊急の可能性がある相談がありました\n> {text[:500]}\n会話: {link}"


def alert_staff(client: Any, channel: str, text: str) -> None:
    """Posts the alert to the staff's Slack channel (SLACK_ALERT_CHANNEL); a failure is logged."""
    from slack_sdk.errors import SlackApiError

    try:
        client.chat_postMessage(channel=channel, text=text)
    except (SlackApiError, OSError) as error:
        logger.error("emergency alert to Slack failed: %s", error)


def send_alert(sender_id: str, text: str, channel: str) -> "Future[None]":
    """Posts the alert in the background, so that a slow Slack never delays the patient's answer (its
    client waits up to 5 s); the settings are read now, in the action. The future is for tests and
    shutdown: nobody waits on it."""
    from slack_sdk import WebClient

    client = WebClient(
        token=os.environ["SLACK_BOT_TOKEN"], base_url=os.environ.get("SLACK_API_URL") or SLACK_API_URL, timeout=5
    )
    return _ALERTS.submit(alert_staff, client, channel, alert_text(sender_id, text))


def alert_channel() -> Optional[str]:
    if os.environ.get("SLACK_BOT_TOKEN") and os.environ.get("SLACK_ALERT_CHANNEL"):
        return os.environ["SLACK_ALERT_CHANNEL"]
    return None


class ActionEmergency(Action):
    def name(self) -> Text:
        return "action_emergency"

    def run(self, dispatcher: CollectingDispatcher, tracker: Tracker, domain: Dict[Text, Any]) -> List[Dict[Text, Any]]:
        latest = tracker.latest_message
        text = latest.get("text") or ""
        for message in emergency_messages(emergency_language(latest), knowledge_base()):
            dispatcher.utter_message(**message)
        channel = alert_channel()
        if channel:
            send_alert(tracker.sender_id, latest.get("romaji") or text, channel)
        return []
