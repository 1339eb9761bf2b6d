"""Slack input channel (staff): Rasa's built-in SlackInput, with four small changes.

credentials.yml:

    channels.slack.SlackInput:
      slack_token: ${SLACK_BOT_TOKEN}
      slack_signing_secret: ${SLACK_SIGNING_SECRET}
      slack_channel: ${SLACK_CHANNEL:-}           # optional channel ID answered without @mention
      dedup_redis_url: ${SLACK_DEDUP_REDIS_URL:-} # optional: share dedup across Rasa servers

Served at /webhooks/slack/webhook (the name stays "slack"). Everything else is Rasa's:
signature check (X-Slack-Signature, v0 HMAC-SHA256 of "v0:{timestamp}:{body}" with the signing
secret, timestamp within 5 minutes; a forged or stale request gets 400 and reaches nothing),
direct messages, @mentions and `slack_channel` messages, button clicks, replies via
chat.postMessage.

Why a subclass:

1. The Web API base URL. Rasa's SlackBot builds `AsyncWebClient(token, proxy=proxy)` and offers
   no way to set `base_url`, so it can only talk to https://slack.com/api/. Ours reads
   SLACK_API_URL (default https://slack.com/api/): tests point it at a local stand-in that
   records what the bot posts.
2. Retries. Rasa drops a retry (X-Slack-Retry-Num) only when its X-Slack-Retry-Reason is in
   `errors_ignore_retry` (default: http_timeout only); retries for "http_error",
   "connection_failed", ... are answered again. Ours also claims each message once (channel +
   message ts, else event_id) in channels/dedup.py, so any redelivery of a message already
   handled is skipped (and a retry of a message never seen is still answered). The same key
   makes a message that arrives both as `message` and as `app_mention` answered once.
3. url_verification. Rasa answers the challenge as a bare JSON string (`"abc..."`) with
   content-type application/json; Slack documents `{"challenge": "abc..."}` (or plain text).
   Ours answers the documented JSON object, after the same signature check.
4. `as_user`. Rasa passes as_user=True to chat.postMessage; Slack rejects that argument for
   apps with granular bot tokens (all apps created today) with "invalid_arguments" in some
   cases. Ours leaves it out: the bot posts as itself.
"""

from __future__ import annotations

import json
import logging
from http import HTTPStatus
from typing import Any, Awaitable, Callable, Dict, Optional, Text

from rasa.core.channels.channel import InputChannel, OutputChannel, UserMessage
from rasa.core.channels.slack import SlackBot as RasaSlackBot
from rasa.core.channels.slack import SlackInput as RasaSlackInput
from sanic import Blueprint, response
from sanic.request import Request
from slack_sdk.web.async_client import AsyncWebClient

from channels.dedup import DEFAULT_TTL_SECONDS, EventDeduplicator
from settings import SlackSettings

logger = logging.getLogger(__name__)


def slack_api_url() -> str:
    return SlackSettings.from_env().api_url


class SlackBot(RasaSlackBot):
    """Rasa's SlackBot with the Web API base URL from SLACK_API_URL and without as_user."""

    def __init__(
        self,
        token: Text,
        slack_channel: Optional[Text] = None,
        thread_id: Optional[Text] = None,
        proxy: Optional[Text] = None,
    ) -> None:
        super().__init__(token, slack_channel, thread_id, proxy)
        self.client = AsyncWebClient(token, proxy=proxy, base_url=slack_api_url())

    async def _post_message(self, channel: Text, **kwargs: Any) -> None:
        kwargs.pop("as_user", None)
        await super()._post_message(channel, **kwargs)


class SlackInput(RasaSlackInput):
    """Rasa's SlackInput with our SlackBot, message dedup and the documented challenge reply."""

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.dedup = EventDeduplicator("slack:message:")

    @classmethod
    def from_credentials(cls, credentials: Optional[Dict[Text, Any]]) -> InputChannel:
        channel = super().from_credentials(credentials)
        assert isinstance(channel, SlackInput) and credentials is not None
        channel.dedup = EventDeduplicator(
            "slack:message:",
            credentials.get("dedup_redis_url") or None,
            float(credentials.get("dedup_ttl_seconds") or DEFAULT_TTL_SECONDS),
        )
        return channel

    def get_output_channel(self, channel: Optional[Text] = None, thread_id: Optional[Text] = None) -> OutputChannel:
        channel = channel or self.slack_channel
        return SlackBot(self.slack_token, channel, thread_id, self.proxy)

    @staticmethod
    def _dedup_key(request: Request) -> Optional[str]:
        """channel:ts of the message an Events API request is about (else its event_id)."""
        if request.headers.get("content-type") != "application/json":
            return None  # button clicks (form-encoded) are not redelivered by Slack
        body: Dict[str, Any] = request.json if isinstance(request.json, dict) else {}
        found = body.get("event")
        event: Dict[str, Any] = found if isinstance(found, dict) else {}
        if event.get("channel") and event.get("ts"):
            return f"{event['channel']}:{event['ts']}"
        return f"event:{body['event_id']}" if body.get("event_id") else None

    async def process_message(
        self,
        request: Request,
        on_new_message: Callable[[UserMessage], Awaitable[Any]],
        text: Text,
        sender_id: Optional[Text],
        metadata: Optional[Dict],
    ) -> Any:
        key = self._dedup_key(request)
        if key and not await self.dedup.first_time(key):
            retry = request.headers.get(self.retry_num_header)
            logger.info(
                "Slack message %s already handled%s: skipped",
                key,
                f" (retry #{retry}, {request.headers.get(self.retry_reason_header)})" if retry else "",
            )
            return response.text("", status=HTTPStatus.OK, headers={"X-Slack-No-Retry": "1"})
        return await super().process_message(request, on_new_message, text, sender_id, metadata)

    def blueprint(self, on_new_message: Callable[[UserMessage], Awaitable[Any]]) -> Blueprint:
        slack_webhook = super().blueprint(on_new_message)

        @slack_webhook.middleware("request")
        async def url_verification(request: Request) -> Optional[Any]:
            if request.method != "POST" or not request.path.rstrip("/").endswith("/webhook"):
                return None
            if request.headers.get("content-type") != "application/json":
                return None
            try:
                body = json.loads(request.body or b"{}")
            except ValueError:
                return None  # Rasa's handler answers it
            if not isinstance(body, dict) or body.get("type") != "url_verification":
                return None
            if not self.is_request_from_slack_authentic(request):
                return None  # Rasa's handler rejects it
            return response.json({"challenge": body.get("challenge")})

        @slack_webhook.listener("after_server_stop")
        async def close(*_: Any) -> None:
            await self.dedup.close()

        return slack_webhook
