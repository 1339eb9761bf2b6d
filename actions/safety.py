"""Emergencies: call 119 / the clinic, before anything else (also in the patient's language),
and alert the staff on Slack."""

from __future__ import annotations

import logging
from concurrent.futures import Future, ThreadPoolExecutor
from typing import Any, Dict, List, Text

from rasa_sdk import Action, Tracker
from rasa_sdk.executor import CollectingDispatcher

from actions.choice import emergency_language, emergency_messages
from console.keys import conversation_url
from knowledge import knowledge_base
from settings import SlackSettings

logger = logging.getLogger(__name__)

# Alerts are posted from here, never from the action itself: the patient's 119 answer leaves the
# action server at once, however slow Slack is (its client waits up to 5 s per call).
_ALERTS = ThreadPoolExecutor(max_workers=2, thread_name_prefix="emergency-alert")


def alert_text(sender_id: str, text: str) -> str:
    """The alert: the patient's message and the link to the conversation in the console
    (CONSOLE_PUBLIC_URL; its path alone when unset). Never the sender id: it may be a LINE user id."""
    link = conversation_url(sender_id, SlackSettings.from_env().console_public_url)
    return knowledge_base().phrase("emergency_alert", message=text[:500], link=link)


def alert_staff(client: Any, channel: str, text: str) -> None:
    """Posts the alert to the staff's Slack channel (SLACK_ALERT_CHANNEL); a failure is logged."""
    from slack_sdk.errors import SlackApiError

    try:
        client.chat_postMessage(channel=channel, text=text)
    except (SlackApiError, OSError) as error:
        logger.error("emergency alert to Slack failed: %s", error)


def send_alert(sender_id: str, text: str, slack: SlackSettings) -> "Future[None]":
    """Posts the alert in the background, so that a slow Slack never delays the patient's answer (its
    client waits up to 5 s); the settings are read now, in the action. The future is for tests and
    shutdown: nobody waits on it."""
    from slack_sdk import WebClient

    if not (slack.bot_token and slack.alert_channel):
        raise ValueError("Slack alerts are off: SLACK_BOT_TOKEN and SLACK_ALERT_CHANNEL are needed")
    client = WebClient(
        token=slack.bot_token.get_secret_value(), base_url=slack.api_url, timeout=slack.alert_timeout_seconds
    )
    return _ALERTS.submit(alert_staff, client, slack.alert_channel, alert_text(sender_id, text))


class ActionEmergency(Action):
    def name(self) -> Text:
        return "action_emergency"

    def run(self, dispatcher: CollectingDispatcher, tracker: Tracker, domain: Dict[Text, Any]) -> List[Dict[Text, Any]]:
        latest = tracker.latest_message
        text = latest.get("text") or ""
        for message in emergency_messages(emergency_language(latest), knowledge_base()):
            dispatcher.utter_message(**message)
        slack = SlackSettings.from_env()
        if slack.alerts_on:
            send_alert(tracker.sender_id, latest.get("romaji") or text, slack)
        return []
