"""Answering each webhook event once, though LINE and Slack may deliver it again.

`EventDeduplicator.first_time(event_id)` claims an event id: True the first time, False for every
later delivery within the TTL. The claim is kept in a bounded in-memory TTL cache (the default,
enough for a single Rasa server) and, when a Redis URL is given, in Redis too (`SET key NX EX`),
so that several Rasa servers behind one webhook URL answer a redelivered event once. If Redis
cannot be reached the in-memory answer is used and a warning is logged.
"""

from __future__ import annotations

import logging
import time
from collections import OrderedDict
from typing import Any, Callable, Optional

logger = logging.getLogger(__name__)

DEFAULT_TTL_SECONDS = 24 * 60 * 60
DEFAULT_MAX_ENTRIES = 50_000


class TTLSet:
    """Remembers keys for `ttl` seconds; at most `max_entries` of them (the oldest go first)."""

    def __init__(
        self,
        ttl: float = DEFAULT_TTL_SECONDS,
        max_entries: int = DEFAULT_MAX_ENTRIES,
        clock: Callable[[], float] = time.monotonic,
    ) -> None:
        self.ttl = ttl
        self.max_entries = max_entries
        self.clock = clock
        self._expiry: "OrderedDict[str, float]" = OrderedDict()

    def __len__(self) -> int:
        return len(self._expiry)

    def _purge(self, now: float) -> None:
        # Keys are kept in insertion order and all live `ttl` seconds: expired ones are in front.
        while self._expiry:
            key, expiry = next(iter(self._expiry.items()))
            if expiry > now:
                break
            del self._expiry[key]

    def add(self, key: str) -> bool:
        """True if the key was not there (and is now), False if it was seen within the TTL."""
        now = self.clock()
        self._purge(now)
        if key in self._expiry:
            return False
        self._expiry[key] = now + self.ttl
        while len(self._expiry) > self.max_entries:
            self._expiry.popitem(last=False)
        return True


class EventDeduplicator:
    def __init__(
        self,
        prefix: str,
        redis_url: Optional[str] = None,
        ttl_seconds: float = DEFAULT_TTL_SECONDS,
        max_entries: int = DEFAULT_MAX_ENTRIES,
        clock: Callable[[], float] = time.monotonic,
    ) -> None:
        self.prefix = prefix
        self.redis_url = redis_url or None
        self.ttl_seconds = int(ttl_seconds)
        self.memory = TTLSet(ttl_seconds, max_entries, clock)
        self._redis: Any = None

    def _client(self) -> Any:
        if self._redis is None:
            import redis.asyncio

            self._redis = redis.asyncio.from_url(self.redis_url, socket_timeout=2, socket_connect_timeout=2)
        return self._redis

    async def first_time(self, event_id: str) -> bool:
        """Claims the event: True if no one (this server or, with Redis, any server) had it."""
        key = f"{self.prefix}{event_id}"
        new_here = self.memory.add(key)
        if not self.redis_url:
            return new_here
        try:
            claimed = await self._client().set(key, "1", nx=True, ex=max(self.ttl_seconds, 1))
            return bool(claimed)
        except Exception as error:  # Redis down: this server's memory is the best we have
            logger.warning("event dedup: Redis unavailable (%s), using in-memory cache", error)
            return new_here

    async def close(self) -> None:
        if self._redis is not None:
            try:
                await self._redis.close()
            except Exception:  # pragma: no cover - closing on shutdown
                pass
            self._redis = None
