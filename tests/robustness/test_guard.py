"""channels/guard.py on its own: token buckets (in memory and in Redis), checks, the wrapper."""

from __future__ import annotations

import asyncio
import secrets

import pytest
from rasa.core.channels.channel import CollectingOutputChannel, UserMessage

from channels.guard import (
    Guard,
    MemoryBuckets,
    RedisBuckets,
    clean_text,
    message_problem,
    sender_problem,
)
from harness import services
from settings import GuardSettings

CLINIC = {"name": "テストクリニック", "phone": "03-0000-0000", "emergency_phone": "03-9999-9999"}


class Clock:
    def __init__(self) -> None:
        self.now = 1000.0

    def __call__(self) -> float:
        return self.now


def run(coro):
    return asyncio.run(coro)


def test_memory_bucket_allows_a_burst_then_refills():
    clock = Clock()
    buckets = MemoryBuckets(capacity=3, rate=1 / 20, clock=clock)  # 3 messages / 60 s

    async def take(n, key="a"):
        return [await buckets.take(key) for _ in range(n)]

    assert run(take(4)) == [True, True, True, False]
    assert run(take(1, "b")) == [True], "buckets are per sender"
    clock.now += 20
    assert run(take(2)) == [True, False], "one token back after 20 s"
    clock.now += 600
    assert run(take(4)) == [True, True, True, False], "never more than the capacity"


def test_memory_buckets_forget_the_least_recent_senders():
    buckets = MemoryBuckets(capacity=1, rate=0.001, max_keys=2, clock=Clock())

    async def scenario():
        assert await buckets.take("a") and await buckets.take("b") and await buckets.take("c")
        return len(buckets._buckets), await buckets.take("a")

    assert run(scenario()) == (2, True)


def test_redis_buckets_are_shared_between_servers():
    url = services.redis().url(0)
    key = f"test-{secrets.token_hex(4)}"

    async def scenario():
        server_a = RedisBuckets(url, capacity=3, rate=3 / 60, window=60)
        server_b = RedisBuckets(url, capacity=3, rate=3 / 60, window=60)
        results = [await server.take(key) for server in (server_a, server_b, server_a, server_b)]
        for server in (server_a, server_b):
            await server._client.close()
        return results

    assert run(scenario()) == [True, True, True, False]


def test_redis_unreachable_lets_messages_through():
    buckets = RedisBuckets("redis://127.0.0.1:1/0", capacity=1, rate=0.01, window=60)

    async def scenario():
        return [await buckets.take("x") for _ in range(3)]

    assert run(scenario()) == [True, True, True]


@pytest.mark.parametrize(
    "sender, ok",
    [
        ("abc", True),
        (123, True),
        ("U" + "f" * 32, True),
        ("x" * 255, True),
        (None, False),
        ("", False),
        ("  ", False),
        (True, False),
        (["x"], False),
        ({"a": 1}, False),
        ("x" * 256, False),
        ("a\x00b", False),
        ("a\nb", False),
        ("\ud800", False),
    ],
)
def test_sender_ids(sender, ok):
    assert (sender_problem(sender) is None) is ok


def test_lone_surrogates_are_replaced():
    assert clean_text("副\ud800作用") == "副\ufffd作用"
    assert clean_text("副作用😀") == "副作用😀"
    assert clean_text(None) == ""


def message(text, sender="patient"):
    return UserMessage(text, CollectingOutputChannel(), sender)


def texts(msg: UserMessage):
    return [m["text"] for m in msg.output_channel.messages]


def test_answers_pass_through_and_silence_becomes_unavailable():
    guard = Guard(GuardSettings(rate_limit_messages=0), clinic=CLINIC)

    async def answers(msg):
        await msg.output_channel.send_response(msg.sender_id, {"text": "回答です"})

    async def silent(msg):
        return None

    async def broken(msg):
        raise ConnectionError("tracker store down")

    async def scenario():
        results = []
        for handler in (answers, silent, broken):
            msg = message("副作用は？")
            await guard.wrap(handler)(msg)
            results.append(texts(msg))
        return results

    answered, silenced, failed = run(scenario())
    assert answered == ["回答です"]
    assert silenced == failed == [guard.unavailable_text]
    for needed in ("03-0000-0000", "03-9999-9999", "119番"):
        assert needed in guard.unavailable_text and needed in guard.rate_limited_text


def test_hanging_handler_is_cut_off():
    guard = Guard(GuardSettings(rate_limit_messages=0, answer_timeout_seconds=0.2), clinic=CLINIC)

    async def hangs(msg):
        await asyncio.sleep(30)

    msg = message("副作用は？")
    run(guard.wrap(hangs)(msg))
    assert texts(msg) == [guard.unavailable_text]


def test_rate_limited_messages_do_not_reach_rasa():
    guard = Guard(GuardSettings(rate_limit_messages=2, rate_limit_window_seconds=60), clinic=CLINIC)
    seen = []

    async def handler(msg):
        seen.append(msg.text)
        await msg.output_channel.send_response(msg.sender_id, {"text": "ok"})

    async def scenario():
        replies = []
        for i in range(3):
            msg = message(f"q{i}")
            await guard.wrap(handler)(msg)
            replies.append(texts(msg))
        return replies

    assert run(scenario()) == [["ok"], ["ok"], [guard.rate_limited_text]]
    assert seen == ["q0", "q1"]
    assert "1分ほど" in guard.rate_limited_text and "03-0000-0000" in guard.rate_limited_text


def test_messages_without_a_usable_sender_do_not_reach_rasa():
    guard = Guard(GuardSettings(rate_limit_messages=0), clinic=CLINIC)
    seen = []

    async def handler(msg):
        seen.append(msg)

    bad_sender = message("副作用", sender="a\x00" + "b" * 300)
    run(guard.wrap(handler)(bad_sender))
    assert seen == []
    assert texts(bad_sender) == [], "no usable sender id: nobody to answer"


def test_message_checks():
    assert message_problem("副作用") is None and message_problem(None) is None
    assert message_problem("副作用", {"a": 1}) is None
    assert message_problem(12345) and message_problem({"text": "x"}) and message_problem(["x"])
    assert message_problem("副作用", "meta") and message_problem("副作用", [1])
