"""Event dedup: in-memory TTL cache, and Redis shared by several servers."""

import asyncio
import uuid

import pytest
import redis

from channels.dedup import EventDeduplicator, TTLSet
from harness.stack import free_port

REDIS_URL = "redis://127.0.0.1:6379/0"


class Clock:
    def __init__(self):
        self.now = 1000.0

    def __call__(self):
        return self.now


def test_ttl_set_remembers_within_ttl_and_forgets_after():
    clock = Clock()
    seen = TTLSet(ttl=60, max_entries=100, clock=clock)
    assert seen.add("a") is True
    assert seen.add("a") is False
    clock.now += 59
    assert seen.add("a") is False
    clock.now += 2
    assert seen.add("a") is True


def test_ttl_set_is_bounded_oldest_first():
    seen = TTLSet(ttl=3600, max_entries=3, clock=Clock())
    for key in "abcd":
        assert seen.add(key)
    assert len(seen) == 3
    assert seen.add("a") is True  # evicted
    assert seen.add("d") is False


def test_in_memory_dedup_is_the_default():
    dedup = EventDeduplicator("test:")
    assert dedup.redis_url is None

    async def run():
        return [await dedup.first_time("e1"), await dedup.first_time("e1"), await dedup.first_time("e2")]

    assert asyncio.run(run()) == [True, False, True]


def _redis_or_skip():
    try:
        redis.Redis.from_url(REDIS_URL, socket_connect_timeout=1).ping()
    except redis.RedisError as error:
        pytest.skip(f"Redis at {REDIS_URL} not reachable: {error}")


def test_redis_dedup_is_shared_between_servers():
    _redis_or_skip()
    prefix = f"test:dedup:{uuid.uuid4().hex}:"

    async def run():
        server_a = EventDeduplicator(prefix, REDIS_URL, ttl_seconds=30)
        server_b = EventDeduplicator(prefix, REDIS_URL, ttl_seconds=30)
        try:
            return [
                await server_a.first_time("evt"),
                await server_b.first_time("evt"),  # the redelivery lands on another server
                await server_b.first_time("other"),
                await server_a.first_time("other"),
            ]
        finally:
            await server_a.close()
            await server_b.close()

    assert asyncio.run(run()) == [True, False, True, False]
    client = redis.Redis.from_url(REDIS_URL)
    ttl = client.ttl(f"{prefix}evt")
    assert 0 < ttl <= 30
    client.delete(f"{prefix}evt", f"{prefix}other")


def test_redis_down_falls_back_to_memory():
    dedup = EventDeduplicator("test:", f"redis://127.0.0.1:{free_port()}/0")

    async def run():
        try:
            return [await dedup.first_time("e"), await dedup.first_time("e")]
        finally:
            await dedup.close()

    assert asyncio.run(run()) == [True, False]
