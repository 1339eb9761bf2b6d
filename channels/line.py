"""LINE Messaging API input channel (patients), served at /webhooks/line/webhook.

credentials.yml:

    channels.line.LineInput:
      channel_secret: ${LINE_CHANNEL_SECRET}
      channel_access_token: ${LINE_CHANNEL_ACCESS_TOKEN}
      api_endpoint: ${LINE_API_ENDPOINT:-}        # optional: default https://api.line.me
      dedup_redis_url: ${LINE_DEDUP_REDIS_URL:-}  # optional: share dedup across Rasa servers

Every request's X-Line-Signature is checked first (missing: 400, wrong: 403; nothing reaches
Rasa). A signed request that is not a LINE webhook body gets 400. A valid request is answered
200 at once and its events are handled in the background (LINE wants a fast 200; the reply
token stays valid for about a minute):

- text message: sent to Rasa; the bot's messages are collected and sent back with the reply
  token as at most 5 LINE messages, buttons as quick replies (see channels/line_messages.py);
- postback (a tapped quick reply): its data (the button's payload) is sent to Rasa;
- follow (friend added / unblocked): `/greet` is sent to Rasa;
- sticker, image, audio, video, file, location: a polite text-only notice, without Rasa
  (in one-to-one chats only; in groups and rooms they are ignored);
- anything else (unfollow, join, leave, unsend, ...): ignored.

Messages for Rasa go through the patient guard of channels/guard.py (as on REST and socket.io):
over the per-sender rate limit, or when Rasa answers nothing (action server or tracker store
down, no answer within ANSWER_TIMEOUT_SECONDS), the patient gets its polite Japanese reply.

An event is handled once: its webhookEventId is claimed in channels/dedup.py (in memory, and in
Redis when dedup_redis_url is set), so a redelivery (deliveryContext.isRedelivery) of an event
already seen is skipped, while a redelivery of an event never seen is answered. Events of a
channel in standby mode are not answered.

The sender id is the LINE userId (for a group or room: the groupId / roomId).
"""

from __future__ import annotations

import asyncio
import logging
from http import HTTPStatus
from typing import Any, Awaitable, Callable, Dict, List, Optional, Set, Text

import aiohttp
from linebot import AsyncLineBotApi
from linebot.aiohttp_async_http_client import AiohttpAsyncHttpClient
from linebot.exceptions import InvalidSignatureError, LineBotApiError
from linebot.models import (
    FollowEvent,
    MessageEvent,
    PostbackAction,
    PostbackEvent,
    QuickReplyButton,
    SendMessage,
    TextMessage,
    TextSendMessage,
)
from linebot.webhook import WebhookParser
from rasa.core.channels.channel import CollectingOutputChannel, InputChannel, UserMessage
from rasa.shared.exceptions import InvalidConfigException
from sanic import Blueprint, response
from sanic.request import Request
from sanic.response import HTTPResponse

from channels.dedup import DEFAULT_TTL_SECONDS, EventDeduplicator
from channels.guard import Guard
from channels.line_messages import TEXT_ONLY_NOTICE, build_reply
from knowledge import knowledge_base

logger = logging.getLogger(__name__)

GREET = "/greet"
# Reply tokens LINE uses in test deliveries (webhook "Verify" in older consoles): not answerable.
DUMMY_REPLY_TOKENS = {"0" * 32, "f" * 32}


class LineCollectingOutputChannel(CollectingOutputChannel):
    """Collects the bot's messages for one LINE reply.

    Unlike Rasa's CollectingOutputChannel, a text is kept whole (not split at blank lines):
    one answer stays one LINE speech bubble, and the 5-messages-per-reply limit is not used
    up by paragraphs.
    """

    @classmethod
    def name(cls) -> Text:
        return "line"

    async def send_text_message(self, recipient_id: Text, text: Text, **kwargs: Any) -> None:
        await self._persist_message(self._message(recipient_id, text=text.strip()))


def conversation_id(source: Any) -> Optional[str]:
    """userId for one-to-one chats; groupId / roomId for groups and rooms."""
    return getattr(source, "group_id", None) or getattr(source, "room_id", None) or getattr(source, "user_id", None)


class LineInput(InputChannel):
    @classmethod
    def name(cls) -> Text:
        return "line"

    @classmethod
    def from_credentials(cls, credentials: Optional[Dict[Text, Any]]) -> InputChannel:
        if not credentials:
            cls.raise_missing_credentials_exception()
        assert credentials  # the line above raised when there were none
        return cls(
            channel_secret=credentials.get("channel_secret"),
            channel_access_token=credentials.get("channel_access_token"),
            api_endpoint=credentials.get("api_endpoint"),
            dedup_redis_url=credentials.get("dedup_redis_url"),
            dedup_ttl_seconds=float(credentials.get("dedup_ttl_seconds") or DEFAULT_TTL_SECONDS),
        )

    def __init__(
        self,
        channel_secret: Optional[Text],
        channel_access_token: Optional[Text],
        api_endpoint: Optional[Text] = None,
        dedup_redis_url: Optional[Text] = None,
        dedup_ttl_seconds: float = DEFAULT_TTL_SECONDS,
    ) -> None:
        if not channel_secret or not channel_access_token:
            raise InvalidConfigException(
                "The LINE channel needs channel_secret and channel_access_token "
                "(LINE_CHANNEL_SECRET, LINE_CHANNEL_ACCESS_TOKEN)."
            )
        self.channel_access_token = channel_access_token
        self.api_endpoint = (api_endpoint or AsyncLineBotApi.DEFAULT_API_ENDPOINT).rstrip("/")
        self.parser = WebhookParser(channel_secret)
        self.dedup = EventDeduplicator("line:webhook-event:", dedup_redis_url, dedup_ttl_seconds)
        self._session: Optional[aiohttp.ClientSession] = None
        self._api: Optional[AsyncLineBotApi] = None
        self._background_tasks: Set[asyncio.Task] = set()
        # The patient guard shared with REST and socket.io (channels/guard.py): per-sender rate
        # limit, answer timeout, and a polite "temporarily unavailable" reply instead of silence.
        self.guard = Guard.from_env()

    # --- LINE API --------------------------------------------------------------------------

    def api(self) -> AsyncLineBotApi:
        """The LINE API client; made on first use, inside the server's event loop."""
        if self._api is None or self._session is None or self._session.closed:
            self._session = aiohttp.ClientSession()
            self._api = AsyncLineBotApi(
                self.channel_access_token,
                AiohttpAsyncHttpClient(self._session),
                endpoint=self.api_endpoint,
            )
        return self._api

    async def reply(self, reply_token: Optional[str], messages: List[SendMessage]) -> None:
        if not messages:
            return
        if not reply_token or reply_token in DUMMY_REPLY_TOKENS:
            logger.debug("LINE event without a usable reply token: not answered")
            return
        try:
            await self.api().reply_message(reply_token, messages)
        except LineBotApiError as error:
            # e.g. 400 "Invalid reply token" when the token expired or was already used.
            logger.error(
                "LINE reply failed: %s %s %s",
                error.status_code,
                getattr(error.error, "message", None),
                getattr(error.error, "details", None),
            )
        except Exception as error:  # network error, timeout, non-JSON error page
            logger.error("LINE reply failed: %r", error)

    async def close(self) -> None:
        if self._session is not None and not self._session.closed:
            await self._session.close()
        await self.dedup.close()

    # --- feedback ------------------------------------------------------------------------------

    FEEDBACK = ((knowledge_base().phrase("feedback_good"), "good"), (knowledge_base().phrase("feedback_bad"), "bad"))

    def feedback_quick_replies(self, messages: List[Dict[Text, Any]]) -> List[QuickReplyButton]:
        """👍/👎 after the bot's own buttons on an answer that offers topics (knowledge-base
        answers and "did you mean"), as on the web page; they send the `feedback` intent that the
        staff console counts. build_reply() keeps room for them within LINE's 13 items."""
        if not any(m.get("buttons") for m in messages):
            return []
        return [
            QuickReplyButton(
                action=PostbackAction(
                    label=label,
                    data=f'/feedback{{"rating":"{rating}"}}',
                    display_text=label,
                )
            )
            for label, rating in self.FEEDBACK
        ]

    # --- events ------------------------------------------------------------------------------

    def _event_text(self, event: Any) -> Optional[str]:
        """What the event says to Rasa; None when Rasa is not asked."""
        if isinstance(event, FollowEvent):
            return GREET
        if isinstance(event, PostbackEvent):
            return getattr(event.postback, "data", None) or None
        if isinstance(event, MessageEvent) and isinstance(event.message, TextMessage):
            return event.message.text or None
        return None

    @staticmethod
    def _metadata(event: Any) -> Dict[str, Any]:
        delivery = getattr(event, "delivery_context", None)
        return {
            "line": {
                "event_type": getattr(event, "type", None),
                "source_type": getattr(getattr(event, "source", None), "type", None),
                "webhook_event_id": getattr(event, "webhook_event_id", None),
                "is_redelivery": bool(getattr(delivery, "is_redelivery", False)),
            }
        }

    async def handle_event(self, event: Any, on_new_message: Callable[[UserMessage], Awaitable[Any]]) -> None:
        event_id = getattr(event, "webhook_event_id", None)
        redelivery = bool(getattr(getattr(event, "delivery_context", None), "is_redelivery", False))
        if event_id and not await self.dedup.first_time(event_id):
            logger.info("LINE event %s already handled (redelivery=%s): skipped", event_id, redelivery)
            return
        if getattr(event, "mode", None) == "standby":
            logger.debug("LINE channel in standby mode: event %s not answered", event_id)
            return
        reply_token = getattr(event, "reply_token", None)
        source = getattr(event, "source", None)
        text = self._event_text(event)
        if text is None:
            if isinstance(event, MessageEvent) and getattr(source, "type", None) == "user":
                # Sticker, image, audio, video, file, location (or a type this SDK does not know).
                await self.reply(reply_token, [TextSendMessage(text=TEXT_ONLY_NOTICE)])
            else:
                logger.debug("LINE event %s ignored", getattr(event, "type", None))
            return
        sender = conversation_id(source)
        if not sender:
            logger.warning("LINE %s event without a source: ignored", getattr(event, "type", None))
            return
        collector = LineCollectingOutputChannel()
        await on_new_message(
            UserMessage(
                text,
                collector,
                sender,
                input_channel=self.name(),
                metadata=self._metadata(event),
            )
        )
        messages = build_reply(collector.messages, self.feedback_quick_replies(collector.messages))
        if not messages:
            logger.warning("Rasa gave no answer to LINE sender %s", sender)
        await self.reply(reply_token, messages)

    async def handle_events(self, events: List[Any], on_new_message: Callable[[UserMessage], Awaitable[Any]]) -> None:
        """Each conversation's events in order; different conversations side by side."""
        by_conversation: Dict[Optional[str], List[Any]] = {}
        for event in events:
            by_conversation.setdefault(conversation_id(getattr(event, "source", None)), []).append(event)

        async def run(conversation_events: List[Any]) -> None:
            for event in conversation_events:
                try:
                    await self.handle_event(event, on_new_message)
                except Exception:
                    logger.exception("LINE event %s failed", getattr(event, "webhook_event_id", ""))

        await asyncio.gather(*(run(evs) for evs in by_conversation.values()))

    # --- webhook -----------------------------------------------------------------------------

    def blueprint(self, on_new_message: Callable[[UserMessage], Awaitable[Any]]) -> Blueprint:
        line_webhook = Blueprint("line_webhook", __name__)

        @line_webhook.route("/", methods=["GET"])
        async def health(_: Request) -> HTTPResponse:
            return response.json({"status": "ok"})

        handler = self.guard.wrap(on_new_message)

        @line_webhook.route("/webhook", methods=["POST"])
        async def webhook(request: Request) -> HTTPResponse:
            signature = request.headers.get("X-Line-Signature")
            if not signature:
                return response.text("missing X-Line-Signature", status=HTTPStatus.BAD_REQUEST)
            try:
                body = (request.body or b"").decode("utf-8")
            except UnicodeDecodeError:
                return response.text("body is not UTF-8", status=HTTPStatus.BAD_REQUEST)
            try:
                payload = self.parser.parse(body, signature, as_payload=True)
            except InvalidSignatureError:
                logger.warning("LINE webhook with a wrong signature rejected")
                return response.text("invalid signature", status=HTTPStatus.FORBIDDEN)
            except Exception as error:  # signed, but not a LINE webhook body
                logger.warning("malformed LINE webhook body: %r", error)
                return response.text("malformed webhook body", status=HTTPStatus.BAD_REQUEST)

            if payload.events:
                task = asyncio.create_task(self.handle_events(payload.events, handler))
                self._background_tasks.add(task)
                task.add_done_callback(self._background_tasks.discard)
            return response.text("OK")

        @line_webhook.listener("after_server_stop")
        async def close(*_: Any) -> None:
            await self.close()

        return line_webhook
