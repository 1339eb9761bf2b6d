"""What every patient channel does around Rasa's message handling (REST, socket.io, LINE).

`Guard.wrap(on_new_message)` returns the handler a channel's blueprint gets instead of Rasa's:

1. A message whose sender id is unusable (empty, over 255 characters, control characters) is
   dropped with a warning: there is no one to answer. Lone UTF-16 surrogates in the text (which
   break the tokenizer; stock Rasa then answers nothing) become U+FFFD. Checking the wire format
   (JSON shape, types) is the channel's job: `sender_problem` / `message_problem` here are shared.
2. Per-sender rate limit (token bucket: `RATE_LIMIT_MESSAGES` messages per
   `RATE_LIMIT_WINDOW_SECONDS`, default 20 / 60 s). Over the limit the patient gets a polite
   Japanese reply on the same channel (over REST: HTTP 200 with that reply, like any answer) and
   the message is not processed. The buckets live in this process, or, when
   `RATE_LIMIT_REDIS_URL` is set, in Redis, shared by every Rasa server. If Redis cannot be
   reached the message is let through (a warning is logged): a broken limiter never silences
   the assistant.
3. If handling the message sent the patient nothing (the action server is down: Rasa logs the
   failed custom action and carries on without its events; the tracker store is down: Rasa
   raises), the patient gets a polite "temporarily unavailable" reply with the clinic's phone
   number and emergency contact, and 119 for acute symptoms (the emergency answer itself comes
   from the action server), instead of silence or an error. The same when there is no
   answer within `ANSWER_TIMEOUT_SECONDS` (default 30; Rasa 3.6 waits up to 5 minutes for a
   hanging action server): the handling is cancelled, the conversation's lock released, and the
   turn is not stored.

Importing this module installs channels/speedups.py (Rasa 3.6 hot-path fixes): the project's
patches of Rasa's own code, installed in this one place, each only on the Rasa version and the
function it was written for.

Every reply here is written for patients (knowledge/answers.yml `phrases`, checked with every
other sentence of the chat by tests/test_compliance.py); the clinic's contact details come from
clinic.yml and the CLINIC_* environment variables (settings.clinic), as in the answers. The limits
and the deadline are settings.GuardSettings.
"""

from __future__ import annotations

import asyncio
import logging
import time
import unicodedata
from collections import OrderedDict
from typing import Any, Awaitable, Callable, Dict, List, Optional, Text

from rasa.core.channels.channel import OutputChannel, UserMessage

from channels import speedups
from knowledge import knowledge_base
from settings import GuardSettings
from settings import clinic as clinic_details

logger = logging.getLogger(__name__)

# The one place Rasa's own code is patched; install() checks the Rasa version and the functions.
speedups.install()

# Longest sender id accepted: the SQL tracker store's sender_id column is VARCHAR(255).
MAX_SENDER_CHARS = 255
REDIS_KEY_PREFIX = "rasa:ratelimit:"

# What the channels say themselves: knowledge/answers.yml `phrases`, like every sentence of the chat.
NOT_TEXT_TEXT = knowledge_base().phrase("not_text")
TOO_LARGE_TEXT = knowledge_base().phrase("too_large")

OnNewMessage = Callable[[UserMessage], Awaitable[Any]]


def sender_problem(sender_id: Any) -> Optional[str]:
    """Why a sender id cannot be used (None if it can): a short string without control characters."""
    if sender_id is None:
        return "sender is missing"
    if isinstance(sender_id, bool) or not isinstance(sender_id, (str, int)):
        return "sender must be a string"
    sender = str(sender_id)
    if not sender.strip():
        return "sender is empty"
    if len(sender) > MAX_SENDER_CHARS:
        return f"sender is longer than {MAX_SENDER_CHARS} characters"
    if any(unicodedata.category(c) in ("Cc", "Cs") for c in sender):
        return "sender contains control characters"
    return None


def message_problem(text: Any, metadata: Any = None) -> Optional[str]:
    """Why a message cannot be handed to Rasa (None if it can)."""
    if text is not None and not isinstance(text, str):
        return "message must be a string"
    if metadata is not None and not isinstance(metadata, dict):
        return "metadata must be an object"
    return None


def clean_text(text: Optional[str]) -> str:
    """The text with lone UTF-16 surrogates (which no encoder accepts) replaced by U+FFFD."""
    text = text or ""
    try:
        text.encode("utf-8")
        return text
    except UnicodeEncodeError:
        return "".join("\ufffd" if 0xD800 <= ord(c) <= 0xDFFF else c for c in text)


class MemoryBuckets:
    """Token buckets in this process: `capacity` tokens, refilled at `rate` tokens per second.

    At most `max_keys` senders are remembered; the least recently seen go first (a bucket
    forgotten is a full bucket, which it would be anyway after one idle window).
    """

    def __init__(
        self,
        capacity: float,
        rate: float,
        max_keys: int = 100_000,
        clock: Callable[[], float] = time.monotonic,
    ) -> None:
        self.capacity = capacity
        self.rate = rate
        self.max_keys = max_keys
        self.clock = clock
        self._buckets: "OrderedDict[str, List[float]]" = OrderedDict()

    async def take(self, key: str) -> bool:
        now = self.clock()
        tokens, last = self._buckets.pop(key, (self.capacity, now))
        tokens = min(self.capacity, tokens + (now - last) * self.rate)
        allowed = tokens >= 1
        if allowed:
            tokens -= 1
        self._buckets[key] = [tokens, now]
        while len(self._buckets) > self.max_keys:
            self._buckets.popitem(last=False)
        return allowed


# One atomic step of a token bucket kept in a Redis hash; Redis' clock, so servers agree.
_REDIS_TAKE = """
if redis.replicate_commands then redis.replicate_commands() end
local capacity = tonumber(ARGV[1])
local rate = tonumber(ARGV[2])
local ttl = tonumber(ARGV[3])
local t = redis.call('TIME')
local now = tonumber(t[1]) + tonumber(t[2]) / 1000000
local state = redis.call('HMGET', KEYS[1], 'tokens', 'ts')
local tokens = tonumber(state[1]) or capacity
local last = tonumber(state[2]) or now
tokens = math.min(capacity, tokens + math.max(0, now - last) * rate)
local allowed = 0
if tokens >= 1 then
  tokens = tokens - 1
  allowed = 1
end
redis.call('HSET', KEYS[1], 'tokens', tostring(tokens), 'ts', tostring(now))
redis.call('EXPIRE', KEYS[1], ttl)
return allowed
"""


class RedisBuckets:
    """The same token buckets in Redis, shared by every Rasa server; fails open."""

    def __init__(self, url: str, capacity: float, rate: float, window: float) -> None:
        self.url = url
        self.capacity = capacity
        self.rate = rate
        self.ttl = max(int(window) + 1, 2)
        self._client: Any = None
        self._script: Any = None
        self._warned_at = float("-inf")

    def _take_script(self) -> Any:
        if self._script is None:
            import redis.asyncio

            self._client = redis.asyncio.from_url(self.url, socket_timeout=0.5, socket_connect_timeout=0.5)
            self._script = self._client.register_script(_REDIS_TAKE)
        return self._script

    async def take(self, key: str) -> bool:
        try:
            allowed = await self._take_script()(
                keys=[REDIS_KEY_PREFIX + key], args=[self.capacity, self.rate, self.ttl]
            )
            return bool(allowed)
        except Exception as error:  # Redis down or slow: let the patient through
            if time.monotonic() - self._warned_at > 60:
                self._warned_at = time.monotonic()
                logger.warning("rate limit: Redis unavailable (%s); not limiting", error)
            return True


class Guard:
    """Validation, rate limit and the "temporarily unavailable" answer around Rasa (see above)."""

    def __init__(self, settings: Optional[GuardSettings] = None, clinic: Optional[Dict[str, str]] = None) -> None:
        self.settings = settings = settings or GuardSettings()
        self.answer_timeout = settings.answer_timeout_seconds
        self.buckets: Any = None
        messages, window_seconds = settings.rate_limit_messages, settings.rate_limit_window_seconds
        if messages > 0:
            rate = messages / window_seconds
            redis_url = settings.rate_limit_redis_url
            self.buckets = (
                RedisBuckets(redis_url, messages, rate, window_seconds) if redis_url else MemoryBuckets(messages, rate)
            )
        clinic = clinic if clinic is not None else clinic_details()
        self.rate_limited_text = knowledge_base().phrase("rate_limited", clinic)
        self.unavailable_text = knowledge_base().phrase("unavailable", clinic)

    @classmethod
    def from_env(cls) -> "Guard":
        """With settings.GuardSettings from the environment (a bad value stops the start)."""
        return cls(GuardSettings.from_env())

    async def allow(self, sender_id: str) -> bool:
        return self.buckets is None or await self.buckets.take(sender_id)

    @staticmethod
    async def reply(message: UserMessage, text: str) -> None:
        try:
            await message.output_channel.send_text_message(message.sender_id, text)
        except Exception:
            logger.exception("could not send a reply to %r", message.sender_id)

    def wrap(self, on_new_message: OnNewMessage) -> OnNewMessage:
        async def guarded(message: UserMessage) -> None:
            problem = sender_problem(message.sender_id)
            if problem:
                logger.warning("message dropped: %s", problem)
                return
            message.text = clean_text(message.text)
            if not await self.allow(message.sender_id):
                logger.info("rate limit: message from %r not processed", message.sender_id)
                await self.reply(message, self.rate_limited_text)
                return

            sent = _count_sends(message.output_channel)
            try:
                await asyncio.wait_for(on_new_message(message), self.answer_timeout)
            except asyncio.TimeoutError:
                logger.error(
                    "no answer for %r within %s s (action server hanging?)",
                    message.sender_id,
                    self.answer_timeout,
                )
            except Exception:
                logger.exception("handling a message of %r failed", message.sender_id)
            if not sent:
                logger.error(
                    "no answer was sent to %r (action server or tracker store down?); "
                    "sending the 'temporarily unavailable' reply",
                    message.sender_id,
                )
                await self.reply(message, self.unavailable_text)

        return guarded


def _count_sends(output_channel: OutputChannel) -> List[Dict[Text, Any]]:
    """Records, in the returned list, what Rasa sends through this output channel.

    Rasa sends every bot message through `send_response`; the channel object is made for this
    one message by the input channel, so shadowing the method on the instance touches nothing else.
    """
    sent: List[Dict[Text, Any]] = []
    send_response = output_channel.send_response

    async def counting_send_response(recipient_id: Text, message: Dict[Text, Any]) -> None:
        sent.append(message)
        await send_response(recipient_id, message)

    output_channel.send_response = counting_send_response
    return sent
